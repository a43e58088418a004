/*
 * Functions that are easy to misuse and have safe replacements here
 * (struct buf, snprintf, strtol). Including this header makes any use of them
 * a compile error. Every .c file of the project includes it last.
 */
#ifndef CC_UTIL_BANNED_H
#define CC_UTIL_BANNED_H

#define CC_BANNED(f) sorry_##f##_is_banned

#undef strcpy
#define strcpy(x, y) CC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) CC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) CC_BANNED(strncpy)
#undef sprintf
#define sprintf(...) CC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) CC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) CC_BANNED(strtok)
#undef atoi
#define atoi(x) CC_BANNED(atoi)
#undef atol
#define atol(x) CC_BANNED(atol)
#undef gets
#define gets(x) CC_BANNED(gets)

#endif
