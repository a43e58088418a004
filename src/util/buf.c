#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

static char empty[1];

void buf_init(struct buf *b, size_t max)
{
    b->data = empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        cc_free(b->data);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    /* The shared empty string is never written, not even with its own 0 (threads share it). */
    if (b->cap)
        b->data[0] = 0;
}

static int grow(struct buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra || extra >= SIZE_MAX - b->len) {
        buf_release(b);
        return BUF_TOO_BIG;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return BUF_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1;
    char *p = b->cap ? cc_realloc(b->data, cap) : cc_malloc(cap);
    if (!p) {
        buf_release(b);
        return BUF_NOMEM;
    }
    if (!b->cap)
        p[0] = 0;
    b->data = p;
    b->cap = cap;
    return BUF_OK;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
    int err = grow(b, n);
    if (err)
        return err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return BUF_OK;
}

int buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return BUF_NOMEM;
    int err = grow(b, (size_t)n);
    if (err)
        return err;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return BUF_OK;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int err = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return err;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p;
    if (len)
        *len = b->len;
    if (b->cap) {
        p = b->data;
    } else {
        p = cc_malloc(1);
        if (p)
            p[0] = 0;
    }
    buf_init(b, b->max);
    return p;
}
