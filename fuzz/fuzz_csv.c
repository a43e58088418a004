/*
 * Fuzzes the CSV reader: reads rows to the end or the first error and
 * checks the reader's invariants on every row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    /* Physical lines end with LF, CRLF or a lone CR. */
    unsigned newlines = 0;
    for (size_t i = 0; i < size; i++)
        newlines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));

    struct csv_reader r;
    csv_init(&r, text, size);
    unsigned last_line = 0;
    size_t rows = 0;
    int rc;
    while ((rc = csv_next(&r)) == CSV_ROW) {
        rows++;
        /* Every row consumes input, so the loop ends. */
        CHECK(rows <= size);
        CHECK(r.nfields >= 1 && r.nfields <= CSV_MAX_FIELDS);
        CHECK(r.row_line >= 1 && r.row_line <= r.line);
        CHECK(r.row_line >= last_line);
        CHECK(r.line <= newlines + 1);
        CHECK(r.pos <= r.len);
        last_line = r.row_line;
        size_t total = 0;
        for (size_t i = 0; i < r.nfields; i++) {
            size_t len = strlen(r.field[i]);
            CHECK(len <= CSV_MAX_FIELD);
            /* Fields are laid out one after another in the reader's buffer. */
            CHECK(r.field[i] >= r.fields.data &&
                  r.field[i] + len < r.fields.data + r.fields.len + 1);
            total += len + 1;
        }
        CHECK(total == r.fields.len);
    }
    CHECK(rc == CSV_END || rc == CSV_BAD_QUOTE || rc == CSV_UNTERMINATED ||
          rc == CSV_TOO_MANY_FIELDS || rc == CSV_FIELD_TOO_LONG || rc == CSV_NOMEM ||
          rc == CSV_BAD_CHAR);
    if (rc < 0) {
        /* After an error: the line it is on and the index of the field it is in. */
        CHECK(r.nfields <= CSV_MAX_FIELDS);
        CHECK(r.line >= 1 && r.line <= newlines + 1);
    }
    if (rc == CSV_END) {
        CHECK(r.nfields == 0);
        CHECK(csv_next(&r) == CSV_END); /* stays at the end */
    }
    csv_release(&r);
    return 0;
}
