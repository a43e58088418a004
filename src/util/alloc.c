#include "util/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

static atomic_long fail_after; /* 0: never fail */

void cc_alloc_fail_after(long n)
{
    atomic_store(&fail_after, n);
}

static int should_fail(void)
{
    long n = atomic_load(&fail_after);
    if (n == 0)
        return 0;
    if (n == 1)
        return 1;
    atomic_fetch_sub(&fail_after, 1);
    return 0;
}

void *cc_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *cc_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *cc_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *cc_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = cc_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = 0;
    return d;
}

char *cc_strdup(const char *s)
{
    return cc_strndup(s, strlen(s));
}

void cc_free(void *p)
{
    free(p);
}
