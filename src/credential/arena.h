/*
 * A bump allocator for one piece of credential work (expanding one document,
 * canonicalising one dataset): everything is freed at once with
 * cred_arena_release(), so the algorithms, which build many small strings and
 * tables, need no per-object ownership. The arena has a cap: allocations past
 * it fail, which is how a huge or hostile input is stopped before it takes the
 * machine's memory.
 */
#ifndef CC_CREDENTIAL_ARENA_H
#define CC_CREDENTIAL_ARENA_H

#include <stddef.h>

struct cred_arena_block;

struct cred_arena {
    struct cred_arena_block *head;
    size_t used; /* bytes taken from the allocator so far */
    size_t max;  /* the most USED may reach */
};

/* Sets up an empty arena that may take MAX bytes. Allocates nothing. */
void cred_arena_init(struct cred_arena *a, size_t max);

/* Frees everything allocated from the arena; it is empty and usable again. */
void cred_arena_release(struct cred_arena *a);

/* N bytes aligned for any type, or NULL when the cap is reached or memory is out. */
void *cred_arena_alloc(struct cred_arena *a, size_t n);

/* Like cred_arena_alloc, zero-filled. */
void *cred_arena_zalloc(struct cred_arena *a, size_t n);

/* A NUL-terminated copy of the N bytes at S (or of S), in the arena; NULL on failure. */
char *cred_arena_strndup(struct cred_arena *a, const char *s, size_t n);
char *cred_arena_strdup(struct cred_arena *a, const char *s);

/* The concatenation of A and B, in the arena; NULL on failure. */
char *cred_arena_concat(struct cred_arena *a, const char *x, const char *y);

#endif
