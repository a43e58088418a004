#include "util/csv.h"

#include <string.h>

#include "util/banned.h"

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->data = data;
    r->len = len;
    r->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    /* Room for one field more than allowed, so that too many fields is reported as such. */
    buf_init(&r->fields, (CSV_MAX_FIELDS + 1) * (CSV_MAX_FIELD + 1));
}

void csv_release(struct csv_reader *r)
{
    buf_release(&r->fields);
    r->nfields = 0;
}

/* Ends the current field: a NUL separator, and a check of its length. */
static int end_field(struct csv_reader *r, size_t start)
{
    if (r->fields.len - start > CSV_MAX_FIELD)
        return CSV_FIELD_TOO_LONG;
    if (r->nfields >= CSV_MAX_FIELDS)
        return CSV_TOO_MANY_FIELDS;
    if (buf_addc(&r->fields, 0))
        return CSV_NOMEM;
    r->nfields++;
    return 0;
}

int csv_next(struct csv_reader *r)
{
    const char *d = r->data;
    size_t n = r->len;

    /* Skip blank lines (CRLF, LF or a lone CR each end one). */
    while (r->pos < n && (d[r->pos] == '\n' || d[r->pos] == '\r')) {
        if (d[r->pos] == '\n' || r->pos + 1 >= n || d[r->pos + 1] != '\n')
            r->line++;
        r->pos++;
    }
    r->nfields = 0;
    if (r->pos >= n)
        return CSV_END;

    buf_reset(&r->fields);
    r->row_line = r->line;
    size_t start = 0;
    int err;
    for (;;) {
        start = r->fields.len;
        if (r->pos < n && d[r->pos] == '"') {
            r->pos++;
            for (;;) {
                if (r->pos >= n)
                    return CSV_UNTERMINATED;
                char c = d[r->pos++];
                if (c == 0)
                    return CSV_BAD_CHAR;
                if (c == '"') {
                    if (r->pos < n && d[r->pos] == '"') {
                        r->pos++;
                    } else {
                        break;
                    }
                } else if (c == '\n' || (c == '\r' && (r->pos >= n || d[r->pos] != '\n'))) {
                    r->line++;
                }
                if (r->fields.len - start >= CSV_MAX_FIELD)
                    return CSV_FIELD_TOO_LONG;
                if (buf_addc(&r->fields, c))
                    return CSV_NOMEM;
            }
            if (r->pos < n && d[r->pos] != ',' && d[r->pos] != '\n' && d[r->pos] != '\r')
                return CSV_BAD_QUOTE;
        } else {
            while (r->pos < n && d[r->pos] != ',' && d[r->pos] != '\n' && d[r->pos] != '\r') {
                if (d[r->pos] == '"')
                    return CSV_BAD_QUOTE;
                if (d[r->pos] == 0)
                    return CSV_BAD_CHAR;
                if (r->fields.len - start >= CSV_MAX_FIELD)
                    return CSV_FIELD_TOO_LONG;
                if (buf_addc(&r->fields, d[r->pos++]))
                    return CSV_NOMEM;
            }
        }
        if ((err = end_field(r, start)))
            return err;
        if (r->pos < n && d[r->pos] == ',') {
            r->pos++;
            continue;
        }
        /* End of the row: CRLF, LF, a lone CR, or the end of the input. */
        int ended = 0;
        if (r->pos < n && d[r->pos] == '\r') {
            r->pos++;
            ended = 1;
        }
        if (r->pos < n && d[r->pos] == '\n') {
            r->pos++;
            ended = 1;
        }
        if (ended)
            r->line++;
        break;
    }
    const char *p = r->fields.data;
    for (size_t i = 0; i < r->nfields; i++) {
        r->field[i] = p;
        p += strlen(p) + 1;
    }
    return CSV_ROW;
}
