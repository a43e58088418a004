#include "credential/arena.h"

#include <stdint.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

#define BLOCK_SIZE 16384

struct cred_arena_block {
    struct cred_arena_block *next;
    size_t size, used;
    max_align_t data[];
};

void cred_arena_init(struct cred_arena *a, size_t max)
{
    a->head = NULL;
    a->used = 0;
    a->max = max;
}

void cred_arena_release(struct cred_arena *a)
{
    struct cred_arena_block *b = a->head;
    while (b) {
        struct cred_arena_block *next = b->next;
        cc_free(b);
        b = next;
    }
    cred_arena_init(a, a->max);
}

void *cred_arena_alloc(struct cred_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    struct cred_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        /* A large request gets a block of its own so the current one is not wasted. */
        size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
        if (size > a->max || a->used > a->max - size)
            return NULL;
        struct cred_arena_block *nb = cc_malloc(sizeof(*nb) + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->used = 0;
        a->used += size;
        if (b && size != BLOCK_SIZE) {
            /* Keep filling the current block: put the big one behind it. */
            nb->next = b->next;
            b->next = nb;
            nb->used = n;
            return nb->data;
        }
        nb->next = b;
        a->head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void *cred_arena_zalloc(struct cred_arena *a, size_t n)
{
    void *p = cred_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *cred_arena_strndup(struct cred_arena *a, const char *s, size_t n)
{
    char *p = cred_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *cred_arena_strdup(struct cred_arena *a, const char *s)
{
    return cred_arena_strndup(a, s, strlen(s));
}

char *cred_arena_concat(struct cred_arena *a, const char *x, const char *y)
{
    size_t lx = strlen(x), ly = strlen(y);
    char *p = cred_arena_alloc(a, lx + ly + 1);
    if (!p)
        return NULL;
    memcpy(p, x, lx);
    memcpy(p + lx, y, ly + 1);
    return p;
}
