/*
 * A strict RFC 4180 CSV reader over a buffer in memory: comma-separated,
 * fields optionally in double quotes (a quote inside doubled), CRLF or LF line
 * ends, a leading UTF-8 BOM skipped. Line numbers count physical lines from 1,
 * so errors can point at the line a person sees in their editor.
 */
#ifndef CC_UTIL_CSV_H
#define CC_UTIL_CSV_H

#include <stddef.h>

#include "util/buf.h"

#define CSV_MAX_FIELDS 32
#define CSV_MAX_FIELD  4096

enum csv_result {
    CSV_ROW = 1,           /* a row was read */
    CSV_END = 0,           /* no more rows */
    CSV_BAD_QUOTE = -1,    /* a quote inside an unquoted field, or text after a closing quote */
    CSV_UNTERMINATED = -2, /* a quoted field runs to the end of the input */
    CSV_TOO_MANY_FIELDS = -3,
    CSV_FIELD_TOO_LONG = -4,
    CSV_NOMEM = -5,
    CSV_BAD_CHAR = -6, /* a NUL byte */
};

struct csv_reader {
    const char *data;
    size_t len, pos;
    unsigned line;     /* the line the next row starts on */
    unsigned row_line; /* the line the last row started on */
    struct buf fields; /* the last row's fields, NUL-separated */
    const char *field[CSV_MAX_FIELDS];
    size_t nfields; /* after an error: the index of the field it is in */
};

/* Sets up a reader over DATA; allocates nothing. */
void csv_init(struct csv_reader *r, const char *data, size_t len);

/*
 * Reads the next row into r->field[0..nfields). Blank lines are skipped. After
 * an error, r->line is the line it was found on and r->nfields the index of
 * the field it is in.
 */
int csv_next(struct csv_reader *r) __attribute__((warn_unused_result));

/* Frees what the reader holds. */
void csv_release(struct csv_reader *r);

#endif
