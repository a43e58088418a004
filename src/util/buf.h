/*
 * struct buf: a growable byte buffer with a size cap, after git's strbuf and
 * curl's dynbuf. `data` is never NULL and always NUL-terminated, so it can be
 * used as a C string at any time; it is binary-safe through `len`.
 *
 *   struct buf b;
 *   buf_init(&b, 64 * 1024);           // cap: appends beyond it fail
 *   if (buf_add(&b, p, n)) goto fail;  // a failed append frees the contents
 *   ...
 *   buf_release(&b);
 */
#ifndef CC_UTIL_BUF_H
#define CC_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

enum buf_error {
    BUF_OK = 0,
    BUF_NOMEM = -1,   /* allocation failed */
    BUF_TOO_BIG = -2, /* the append would pass the cap */
};

struct buf {
    char *data;
    size_t len;
    size_t cap; /* allocated bytes; 0 while data points at the shared empty string */
    size_t max; /* the most len may grow to */
};

/* Sets up an empty buffer that may grow to MAX bytes. Allocates nothing. */
void buf_init(struct buf *b, size_t max);

/* Frees the contents; the buffer is empty and usable again (same cap). */
void buf_release(struct buf *b);

/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);

/* Appends; on failure the contents are freed (like curl's dynbuf) and an error returned. */
int buf_add(struct buf *b, const void *p, size_t n) __attribute__((warn_unused_result));
int buf_adds(struct buf *b, const char *s) __attribute__((warn_unused_result));
int buf_addc(struct buf *b, char c) __attribute__((warn_unused_result));
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)))
__attribute__((warn_unused_result));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((warn_unused_result));

/* Hands the contents to the caller (free with cc_free) and leaves the buffer empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
