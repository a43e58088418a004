/*
 * Unit tests of util/: buf, csv, json, i18n, secret, embedded, timeutil.
 * Each test checks a promise its module's header makes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/embedded.h"
#include "util/i18n.h"
#include "util/json.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- buf */

static void buf_init_is_empty_string(void **state)
{
    struct buf b;
    buf_init(&b, 100);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0); /* allocates nothing */
    assert_int_equal(b.max, 100);
    buf_release(&b);
    assert_non_null(b.data);
    assert_int_equal(b.max, 100);
}

static void buf_add_appends_and_terminates(void **state)
{
    struct buf b;
    buf_init(&b, 1024);
    assert_int_equal(buf_adds(&b, "hello"), BUF_OK);
    assert_int_equal(buf_addc(&b, ' '), BUF_OK);
    assert_int_equal(buf_add(&b, "world!!", 5), BUF_OK);
    assert_int_equal(b.len, 11);
    assert_string_equal(b.data, "hello world");
    assert_int_equal(b.data[b.len], 0);
    assert_int_equal(buf_add(&b, NULL, 0), BUF_OK);
    assert_int_equal(b.len, 11);
    buf_release(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
}

static void buf_is_binary_safe(void **state)
{
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(buf_add(&b, "a\0b\0c", 5), BUF_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "a\0b\0c", 5);
    assert_int_equal(b.data[5], 0);
    buf_release(&b);
}

static void buf_grows_past_first_allocation(void **state)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    char expect[5000];
    for (size_t i = 0; i < sizeof(expect); i++) {
        expect[i] = (char)('a' + i % 26);
        assert_int_equal(buf_addc(&b, expect[i]), BUF_OK);
        assert_int_equal(b.data[b.len], 0);
    }
    assert_int_equal(b.len, sizeof(expect));
    assert_memory_equal(b.data, expect, sizeof(expect));
    assert_true(b.cap > b.len);
    buf_release(&b);
}

static void buf_cap_is_exact_and_failure_frees(void **state)
{
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_adds(&b, "1234"), BUF_OK);
    assert_int_equal(buf_adds(&b, "5678"), BUF_OK); /* exactly the cap */
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(buf_addc(&b, '9'), BUF_TOO_BIG);
    /* A failed append frees the contents; the buffer is empty and usable again. */
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(b.max, 8);
    assert_int_equal(buf_adds(&b, "abc"), BUF_OK);
    assert_string_equal(b.data, "abc");
    buf_release(&b);
}

static void buf_too_big_in_one_append(void **state)
{
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_add(&b, "01234567890", 11), BUF_TOO_BIG);
    assert_int_equal(b.len, 0);
    /* A length near SIZE_MAX must not wrap around the cap check. */
    assert_int_equal(buf_adds(&b, "x"), BUF_OK);
    assert_int_equal(buf_add(&b, "y", SIZE_MAX), BUF_TOO_BIG);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    buf_release(&b);
}

static void buf_zero_cap(void **state)
{
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(buf_add(&b, "", 0), BUF_OK);
    assert_int_equal(buf_addc(&b, 'a'), BUF_TOO_BIG);
    assert_string_equal(b.data, "");
    buf_release(&b);
}

static void buf_addf_formats(void **state)
{
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), BUF_OK);
    assert_int_equal(buf_addf(&b, "|%05.1f|%c", 3.14159, 'z'), BUF_OK);
    assert_string_equal(b.data, "42-x|003.1|z");
    assert_int_equal(b.len, strlen("42-x|003.1|z"));
    /* Longer than the first allocation. */
    assert_int_equal(buf_addf(&b, "%300s", "end"), BUF_OK);
    assert_int_equal(b.len, 12 + 300);
    assert_string_equal(b.data + b.len - 3, "end");
    assert_int_equal(b.data[b.len], 0);
    assert_int_equal(buf_addf(&b, "%s", ""), BUF_OK);
    assert_int_equal(b.len, 312);
    buf_release(&b);
}

static void buf_addf_over_cap_frees(void **state)
{
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_addf(&b, "%s", "12345"), BUF_OK);
    assert_int_equal(buf_addf(&b, "%d", 123456), BUF_TOO_BIG);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_addf(&b, "%d", 1234567890), BUF_OK);
    assert_string_equal(b.data, "1234567890");
    buf_release(&b);
}

static void buf_reset_keeps_memory(void **state)
{
    struct buf b;
    buf_init(&b, 1000);
    assert_int_equal(buf_adds(&b, "some text"), BUF_OK);
    size_t cap = b.cap;
    char *data = b.data;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(b.cap, cap);
    assert_ptr_equal(b.data, data);
    /* Reset of a never-allocated buffer is harmless. */
    struct buf e;
    buf_init(&e, 10);
    buf_reset(&e);
    assert_string_equal(e.data, "");
    buf_release(&b);
}

static void buf_detach_hands_over(void **state)
{
    struct buf b;
    buf_init(&b, 100);
    assert_int_equal(buf_adds(&b, "mine"), BUF_OK);
    size_t len = 99;
    char *p = buf_detach(&b, &len);
    assert_non_null(p);
    assert_int_equal(len, 4);
    assert_string_equal(p, "mine");
    /* The buffer is empty, has let go of the memory and can be used again. */
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_string_equal(b.data, "");
    assert_ptr_not_equal(b.data, p);
    assert_int_equal(buf_adds(&b, "again"), BUF_OK);
    assert_string_equal(p, "mine");
    cc_free(p);
    buf_release(&b);
}

static void buf_detach_empty_gives_freeable_string(void **state)
{
    struct buf b;
    buf_init(&b, 100);
    size_t len = 99;
    char *p = buf_detach(&b, &len);
    assert_non_null(p);
    assert_int_equal(len, 0);
    assert_string_equal(p, "");
    p[0] = 0; /* writable, not the shared empty string */
    cc_free(p);
    p = buf_detach(&b, NULL);
    assert_non_null(p);
    cc_free(p);
}

static void buf_first_allocation_failure(void **state)
{
    struct buf b;
    buf_init(&b, 1000);
    cc_alloc_fail_after(1);
    int err = buf_adds(&b, "abc");
    cc_alloc_fail_after(0);
    assert_int_equal(err, BUF_NOMEM);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_adds(&b, "abc"), BUF_OK);
    assert_string_equal(b.data, "abc");
    buf_release(&b);
}

static void buf_growth_failure_frees(void **state)
{
    struct buf b;
    buf_init(&b, 100000);
    assert_int_equal(buf_adds(&b, "abc"), BUF_OK);
    char big[1000];
    memset(big, 'x', sizeof(big));
    cc_alloc_fail_after(1);
    int err = buf_add(&b, big, sizeof(big)); /* needs a realloc */
    cc_alloc_fail_after(0);
    assert_int_equal(err, BUF_NOMEM);
    /* The old contents were freed (ASan's leak check would see them otherwise). */
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_string_equal(b.data, "");
    /* addf fails the same way. */
    cc_alloc_fail_after(1);
    err = buf_addf(&b, "%s", "abc");
    cc_alloc_fail_after(0);
    assert_int_equal(err, BUF_NOMEM);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

/* Runs FN in a child process (so a memory error there is contained) and returns its exit status. */
static int in_child(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A buffer with no practical cap (SIZE_MAX) still allocates room for what it holds. */
static int unbounded_buffer(void)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    if (buf_adds(&b, "hello, world"))
        return 2;
    int ok = b.cap > b.len && strcmp(b.data, "hello, world") == 0;
    buf_release(&b);
    return ok ? 0 : 3;
}

static void buf_unbounded_max(void **state)
{
    assert_int_equal(in_child(unbounded_buffer), 0);
}

static void alloc_fail_after_counts(void **state)
{
    cc_alloc_fail_after(3);
    void *a = cc_malloc(1), *b = cc_malloc(1), *c = cc_malloc(1), *d = cc_calloc(1, 1);
    cc_alloc_fail_after(0);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_null(d);
    cc_free(a);
    cc_free(b);
    void *e = cc_malloc(1);
    assert_non_null(e);
    cc_free(e);
    char *s = cc_strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    cc_free(s);
}

/* ---------------------------------------------------------------- csv */

/* All rows of DATA as "[f|f]@line" joined; the final result code in *LAST. */
static void csv_dump(const char *data, size_t len, char *out, size_t size, int *last)
{
    struct csv_reader r;
    csv_init(&r, data, len);
    size_t used = 0;
    int broken = 0;
    out[0] = 0;
    int rc;
    while ((rc = csv_next(&r)) == CSV_ROW) {
        if (r.nfields < 1 || r.nfields > CSV_MAX_FIELDS || r.row_line > r.line)
            broken = 1;
        used += (size_t)snprintf(out + used, size - used, "[");
        for (size_t i = 0; i < r.nfields && used < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "", r.field[i]);
        if (used < size)
            used += (size_t)snprintf(out + used, size - used, "]@%u", r.row_line);
        if (used >= size) {
            broken = 1;
            break;
        }
    }
    *last = rc;
    csv_release(&r);
    assert_false(broken);
}

struct csv_case {
    const char *name;
    const char *data;
    size_t len; /* 0: strlen */
    const char *rows;
    int last;
};

static void csv_table(void **state)
{
    static const struct csv_case cases[] = {
        {"empty", "", 0, "", CSV_END},
        {"one field", "a", 0, "[a]@1", CSV_END},
        {"simple", "a,b,c\n", 0, "[a|b|c]@1", CSV_END},
        {"no final newline", "a,b\nc,d", 0, "[a|b]@1[c|d]@2", CSV_END},
        {"empty fields", ",,\n", 0, "[||]@1", CSV_END},
        {"trailing empty field", "a,\n", 0, "[a|]@1", CSV_END},
        {"trailing empty field at end", "a,", 0, "[a|]@1", CSV_END},
        {"quoted", "\"a,b\",c\n", 0, "[a,b|c]@1", CSV_END},
        {"quoted empty", "\"\"\n", 0, "[]@1", CSV_END},
        {"doubled quotes", "\"say \"\"hi\"\"\",x\n", 0, "[say \"hi\"|x]@1", CSV_END},
        {"only a doubled quote", "\"\"\"\"", 0, "[\"]@1", CSV_END},
        {"spaces kept", " a , b \n", 0, "[ a | b ]@1", CSV_END},
        {"CRLF", "a,b\r\nc,d\r\n", 0, "[a|b]@1[c|d]@2", CSV_END},
        {"LF", "a\nb\nc\n", 0, "[a]@1[b]@2[c]@3", CSV_END},
        {"quoted then CRLF", "\"a\"\r\n\"b\"\r\n", 0, "[a]@1[b]@2", CSV_END},
        {"BOM", "\xEF\xBB\xBFlogin,name\n", 0, "[login|name]@1", CSV_END},
        {"BOM only", "\xEF\xBB\xBF", 0, "", CSV_END},
        {"BOM then quoted", "\xEF\xBB\xBF\"x\"", 0, "[x]@1", CSV_END},
        {"BOM not at start", "a\n\xEF\xBB\xBF", 0, "[a]@1[\xEF\xBB\xBF]@2", CSV_END},
        {"blank lines", "a\n\n\nb\n\n", 0, "[a]@1[b]@4", CSV_END},
        {"blank lines CRLF", "\r\n\r\na\r\n\r\nb", 0, "[a]@3[b]@5", CSV_END},
        {"leading blank lines", "\n\nx", 0, "[x]@3", CSV_END},
        {"multi-line quoted", "h1,h2\n\"x\ny\",z\nlast,row\n", 0, "[h1|h2]@1[x\ny|z]@2[last|row]@4",
         CSV_END},
        {"multi-line quoted CRLF", "\"a\r\nb\r\nc\",d\r\ne\r\n", 0, "[a\r\nb\r\nc|d]@1[e]@4",
         CSV_END},
        {"UTF-8", "王芳,学生\n", 0, "[王芳|学生]@1", CSV_END},
        {"bad quote in unquoted", "a\"b,c\n", 0, "", CSV_BAD_QUOTE},
        {"text after closing quote", "\"a\"b,c\n", 0, "", CSV_BAD_QUOTE},
        {"space after closing quote", "\"a\" ,c\n", 0, "", CSV_BAD_QUOTE},
        {"bad quote on row 2", "ok\nx\"y\n", 0, "[ok]@1", CSV_BAD_QUOTE},
        {"unterminated", "\"abc\n", 0, "", CSV_UNTERMINATED},
        {"unterminated after doubled", "\"a\"\"", 0, "", CSV_UNTERMINATED},
        {"unterminated on row 3", "a\nb\n\"c,d\n", 0, "[a]@1[b]@2", CSV_UNTERMINATED},
        {"NUL unquoted", "a\0b", 3, "", CSV_BAD_CHAR},
        {"NUL quoted", "\"a\0b\"", 5, "", CSV_BAD_CHAR},
        {"NUL alone", "x\n\0", 3, "[x]@1", CSV_BAD_CHAR},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const struct csv_case *c = &cases[i];
        char out[512];
        int last;
        csv_dump(c->data, c->len ? c->len : strlen(c->data), out, sizeof(out), &last);
        if (strcmp(out, c->rows) != 0 || last != c->last)
            fail_msg("csv case \"%s\": rows %s (want %s), last %d (want %d)", c->name, out, c->rows,
                     last, c->last);
    }
}

/* A lone CR ends a row (the reader accepts it) and is a line end in every editor. */
static void csv_lone_cr_counts_lines(void **state)
{
    char out[256];
    int last;
    csv_dump("a,b\rc,d\r", 8, out, sizeof(out), &last);
    assert_int_equal(last, CSV_END);
    assert_string_equal(out, "[a|b]@1[c|d]@2");
    csv_dump("a\r\rb\r", 5, out, sizeof(out), &last);
    assert_string_equal(out, "[a]@1[b]@3");
}

static void csv_line_counters(void **state)
{
    const char *d = "h\n\"x\n\ny\"\n\nnext\n";
    struct csv_reader r;
    csv_init(&r, d, strlen(d));
    assert_int_equal(r.line, 1);
    assert_int_equal(csv_next(&r), CSV_ROW);
    assert_int_equal(r.row_line, 1);
    assert_int_equal(r.line, 2);
    assert_int_equal(csv_next(&r), CSV_ROW);
    assert_int_equal(r.row_line, 2);
    assert_string_equal(r.field[0], "x\n\ny");
    assert_int_equal(r.line, 5);
    assert_int_equal(csv_next(&r), CSV_ROW);
    assert_int_equal(r.row_line, 6);
    assert_string_equal(r.field[0], "next");
    assert_int_equal(csv_next(&r), CSV_END);
    assert_int_equal(r.nfields, 0);
    assert_int_equal(csv_next(&r), CSV_END);
    csv_release(&r);
}

/* N fields of WIDTH 'x' each, comma-separated. */
static char *csv_row(size_t n, size_t width, size_t *len)
{
    char *s = malloc(n * (width + 1) + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            s[k++] = ',';
        memset(s + k, 'x', width);
        k += width;
    }
    s[k] = 0;
    *len = k;
    return s;
}

/* Reads the first row of D (and frees D when OWNED); its field count in *NFIELDS. */
static int csv_first(char *d, size_t len, size_t *nfields, int owned)
{
    struct csv_reader r;
    csv_init(&r, d, len);
    int rc = csv_next(&r), too_long = 0;
    *nfields = r.nfields;
    if (rc == CSV_ROW)
        for (size_t i = 0; i < r.nfields; i++)
            too_long |= strlen(r.field[i]) > CSV_MAX_FIELD;
    csv_release(&r);
    if (owned)
        free(d);
    assert_false(too_long);
    return rc;
}

static void csv_field_limits(void **state)
{
    size_t len, nf;
    char *s = csv_row(CSV_MAX_FIELDS, 1, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_ROW);
    assert_int_equal(nf, CSV_MAX_FIELDS);

    s = csv_row(CSV_MAX_FIELDS + 1, 1, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_TOO_MANY_FIELDS);

    s = csv_row(1, CSV_MAX_FIELD, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_ROW);

    s = csv_row(1, CSV_MAX_FIELD + 1, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_FIELD_TOO_LONG);

    /* The same limits for quoted fields. */
    static char q[CSV_MAX_FIELD + 4];
    q[0] = '"';
    memset(q + 1, 'y', CSV_MAX_FIELD);
    q[CSV_MAX_FIELD + 1] = '"';
    assert_int_equal(csv_first(q, CSV_MAX_FIELD + 2, &nf, 0), CSV_ROW);
    memset(q + 1, 'y', CSV_MAX_FIELD + 1);
    q[CSV_MAX_FIELD + 2] = '"';
    assert_int_equal(csv_first(q, CSV_MAX_FIELD + 3, &nf, 0), CSV_FIELD_TOO_LONG);

    /* Full-width fields, as many as allowed. */
    s = csv_row(CSV_MAX_FIELDS, CSV_MAX_FIELD, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_ROW);
    assert_int_equal(nf, CSV_MAX_FIELDS);
}

/*
 * A row with one field too many is CSV_TOO_MANY_FIELDS, however long its
 * fields are (an import reports "csv_too_many_fields", not "internal").
 */
static void csv_too_many_long_fields(void **state)
{
    size_t len, nf;
    char *s = csv_row(CSV_MAX_FIELDS + 1, CSV_MAX_FIELD, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_TOO_MANY_FIELDS);
    s = csv_row(CSV_MAX_FIELDS + 1, 100, &len);
    assert_int_equal(csv_first(s, len, &nf, 1), CSV_TOO_MANY_FIELDS);
}

/* After an error: the line it was found on and the index of the field it is in. */
static void csv_error_position(void **state)
{
    static const struct {
        const char *data;
        int rc;
        unsigned line;
        size_t field;
    } cases[] = {
        {"a,b,c\nd,e\"f,g\n", CSV_BAD_QUOTE, 2, 1},
        {"a,\"b\nc\"x,d\n", CSV_BAD_QUOTE, 2, 1},
        {"h\n\n\"x\ny", CSV_UNTERMINATED, 4, 0},
        {"h\nk,l,m,\"never", CSV_UNTERMINATED, 2, 3},
        {"x\"", CSV_BAD_QUOTE, 1, 0},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        struct csv_reader r;
        csv_init(&r, cases[i].data, strlen(cases[i].data));
        int rc;
        while ((rc = csv_next(&r)) == CSV_ROW)
            ;
        unsigned line = r.line;
        size_t field = r.nfields;
        csv_release(&r);
        if (rc != cases[i].rc || line != cases[i].line || field != cases[i].field)
            fail_msg("csv error case %zu: rc %d line %u field %zu", i, rc, line, field);
    }
    size_t len;
    char *s = csv_row(CSV_MAX_FIELDS + 1, 1, &len);
    struct csv_reader r;
    csv_init(&r, s, len);
    int rc = csv_next(&r);
    size_t field = r.nfields;
    csv_release(&r);
    free(s);
    assert_int_equal(rc, CSV_TOO_MANY_FIELDS);
    assert_int_equal(field, CSV_MAX_FIELDS);
}

static void csv_nomem(void **state)
{
    struct csv_reader r;
    csv_init(&r, "a,b\n", 4);
    cc_alloc_fail_after(1);
    int rc = csv_next(&r);
    cc_alloc_fail_after(0);
    assert_int_equal(rc, CSV_NOMEM);
    csv_release(&r);
}

/* --------------------------------------------------------------- json */

static char *nested(int depth, char open, char close, const char *inner)
{
    size_t n = strlen(inner);
    char *s = malloc(2 * (size_t)depth + n + 1);
    memset(s, open, (size_t)depth);
    memcpy(s + depth, inner, n);
    memset(s + depth + n, close, (size_t)depth);
    s[2 * depth + n] = 0;
    return s;
}

static void json_depth_limit(void **state)
{
    json_t *v;
    char *ok = nested(JSON_MAX_DEPTH, '[', ']', "1");
    int depth = json_depth(ok, strlen(ok), JSON_MAX_DEPTH);
    int rc = json_read(ok, strlen(ok), JSON_MAX_DEPTH, 0, &v);
    free(ok);
    assert_int_equal(depth, 32);
    assert_int_equal(rc, JSON_READ_OK);
    assert_non_null(v);
    json_decref(v);

    char *deep = nested(JSON_MAX_DEPTH + 1, '[', ']', "");
    v = (json_t *)1;
    rc = json_read(deep, strlen(deep), JSON_MAX_DEPTH, 0, &v);
    free(deep);
    assert_int_equal(rc, JSON_READ_TOO_DEEP);
    assert_null(v);

    /* Objects count as levels too: {"a":{"a":...}}. */
    char obj_ok[512], obj_deep[1024];
    size_t k = 0;
    for (int i = 0; i < 32; i++)
        k += (size_t)snprintf(obj_ok + k, sizeof(obj_ok) - k, "{\"a\":");
    k += (size_t)snprintf(obj_ok + k, sizeof(obj_ok) - k, "0");
    for (int i = 0; i < 32; i++)
        obj_ok[k++] = '}';
    obj_ok[k] = 0;
    assert_int_equal(json_read(obj_ok, k, JSON_MAX_DEPTH, 1, &v), JSON_READ_OK);
    json_decref(v);
    snprintf(obj_deep, sizeof(obj_deep), "{\"b\":%s}", obj_ok);
    assert_int_equal(json_read(obj_deep, strlen(obj_deep), JSON_MAX_DEPTH, 1, &v),
                     JSON_READ_TOO_DEEP);
    assert_null(v);

    /* Deep nesting is caught before jansson sees it, far beyond its own limit. */
    char *huge = nested(100000, '[', ']', "");
    rc = json_read(huge, strlen(huge), JSON_MAX_DEPTH, 0, &v);
    depth = json_depth(huge, strlen(huge), 10);
    free(huge);
    assert_int_equal(rc, JSON_READ_TOO_DEEP);
    assert_int_equal(depth, 11); /* counts past at most limit+1 */

    /* Sibling containers do not add up. */
    const char *wide = "[[1],[2],{\"a\":[3]},[[]]]";
    assert_int_equal(json_depth(wide, strlen(wide), 32), 3);
    assert_int_equal(json_depth("", 0, 32), 0);
    assert_int_equal(json_depth("123", 3, 32), 0);
}

/* The span of KEY in TEXT as a string ("" when absent, "ERR" when refused). */
static const char *span_of(const char *text, const char *key, char *out, size_t size)
{
    struct json_span sp;
    const char *keys[] = {key};
    if (json_member_spans(text, strlen(text), keys, 1, &sp))
        return "ERR";
    snprintf(out, size, "%.*s", sp.p ? (int)sp.len : 0, sp.p ? sp.p : "");
    return out;
}

static void json_member_spans_table(void **state)
{
    static const struct {
        const char *text, *key, *span;
    } rows[] = {
        {"{\"a\":1,\"b\":2}", "b", "2"},
        {"{\"a\":1,\"b\":2}", "a", "1"},
        {"{\"a\":1,\"b\":2}", "c", ""},
        {" { \"a\" : [1, {\"b\":2}] , \"b\" : \"x\" } ", "a", "[1, {\"b\":2}]"},
        {" { \"a\" : [1, {\"b\":2}] , \"b\" : \"x\" } ", "b", "\"x\""},
        /* Nested members of the same name are not top-level ones. */
        {"{\"o\":{\"id\":\"inner\"},\"id\":\"outer\"}", "id", "\"outer\""},
        /* Brackets and quotes inside strings, escaped quotes and backslashes. */
        {"{\"s\":\"}]\\\"{[\",\"t\":\"a\\\\\",\"u\":true}", "u", "true"},
        {"{\"s\":\"}]\\\"{[\",\"t\":\"a\\\\\",\"u\":true}", "t", "\"a\\\\\""},
        {"{\"n\":-1.5e3,\"z\":null}", "n", "-1.5e3"},
        {"{\"n\":-1.5e3,\"z\":null}", "z", "null"},
        {"{}", "a", ""},
        {"[1,2]", "a", "ERR"},
        {"{\"a\\u0062\":1}", "a", "ERR"}, /* a key with an escape: parse the document instead */
        {"{\"a\" 1}", "a", "ERR"},
        {"{\"a\":1", "a", "ERR"},
        {"{\"a\":}", "a", "ERR"},
    };
    char buf[256];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got = span_of(rows[i].text, rows[i].key, buf, sizeof(buf));
        if (strcmp(got, rows[i].span) != 0)
            fail_msg("row %zu (%s, %s): got [%s], expected [%s]", i, rows[i].text, rows[i].key, got,
                     rows[i].span);
    }
    /* Several keys in one pass; the first of a repeated key wins. */
    const char *text = "{\"x\":1,\"y\":{\"x\":9},\"z\":[],\"x\":3}";
    const char *keys[] = {"z", "x", "w"};
    struct json_span sp[3];
    assert_int_equal(json_member_spans(text, strlen(text), keys, 3, sp), 0);
    assert_int_equal(sp[0].len, 2);
    assert_memory_equal(sp[0].p, "[]", 2);
    assert_int_equal(sp[1].len, 1);
    assert_memory_equal(sp[1].p, "1", 1);
    assert_null(sp[2].p);
}

static void json_depth_ignores_strings(void **state)
{
    const char *s = "{\"k\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{\"}";
    assert_int_equal(json_depth(s, strlen(s), 32), 1);
    json_t *v;
    assert_int_equal(json_read(s, strlen(s), 2, 1, &v), JSON_READ_OK);
    assert_string_equal(json_get_str(v, "k"), "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{");
    json_decref(v);

    /* An escaped quote does not end the string; an escaped backslash does not escape it. */
    const char *e = "[\"\\\"[[[\", \"\\\\\", [\"]]]\"]]";
    assert_int_equal(json_depth(e, strlen(e), 32), 2);
    assert_int_equal(json_read(e, strlen(e), 2, 0, &v), JSON_READ_OK);
    json_decref(v);

    /* Closing brackets inside strings do not lower the count either. */
    const char *c = "[[\"]]]]]]]]\",[[1]]]]";
    assert_int_equal(json_depth(c, strlen(c), 32), 4);
    assert_int_equal(json_read(c, strlen(c), 3, 0, &v), JSON_READ_TOO_DEEP);
}

struct json_case {
    const char *name;
    const char *text;
    size_t len; /* 0: strlen */
    int require_object;
    int want;
};

static void json_read_table(void **state)
{
    static const struct json_case cases[] = {
        {"object", "{\"a\":1,\"b\":[true,null]}", 0, 1, JSON_READ_OK},
        {"empty object", "{}", 0, 1, JSON_READ_OK},
        {"whitespace", " \n\t{ } \n", 0, 1, JSON_READ_OK},
        {"UTF-8 text", "{\"name\":\"王芳 Wang Fang\"}", 0, 1, JSON_READ_OK},
        {"escaped non-BMP", "{\"e\":\"\\ud83d\\ude00\"}", 0, 1, JSON_READ_OK},
        {"array, object required", "[1,2]", 0, 1, JSON_READ_BAD},
        {"array, any", "[1,2]", 0, 0, JSON_READ_OK},
        {"number, object required", "1", 0, 1, JSON_READ_BAD},
        {"number, any", "1", 0, 0, JSON_READ_OK},
        {"string, object required", "\"s\"", 0, 1, JSON_READ_BAD},
        {"string, any", "\"s\"", 0, 0, JSON_READ_OK},
        {"null, object required", "null", 0, 1, JSON_READ_BAD},
        {"null, any", "null", 0, 0, JSON_READ_OK},
        {"duplicate keys", "{\"a\":1,\"a\":2}", 0, 1, JSON_READ_BAD},
        {"duplicate nested keys", "{\"x\":{\"a\":1,\"a\":1}}", 0, 1, JSON_READ_BAD},
        {"same key at two levels", "{\"a\":{\"a\":1}}", 0, 1, JSON_READ_OK},
        {"invalid byte", "{\"a\":\"\xff\"}", 0, 1, JSON_READ_BAD},
        {"Latin-1 text", "{\"name\":\"Jos\xe9\"}", 0, 1, JSON_READ_BAD},
        {"overlong encoding", "{\"a\":\"\xc0\xaf\"}", 0, 1, JSON_READ_BAD},
        {"encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", 0, 1, JSON_READ_BAD},
        {"truncated sequence", "{\"a\":\"\xe4\xb8\"}", 0, 1, JSON_READ_BAD},
        {"invalid key", "{\"\xfe\":1}", 0, 1, JSON_READ_BAD},
        {"empty", "", 0, 0, JSON_READ_BAD},
        {"unclosed", "{\"a\":1", 0, 1, JSON_READ_BAD},
        {"missing value", "{\"a\":}", 0, 1, JSON_READ_BAD},
        {"trailing comma", "{\"a\":1,}", 0, 1, JSON_READ_BAD},
        {"trailing garbage", "{} x", 0, 1, JSON_READ_BAD},
        {"two values", "{}{}", 0, 1, JSON_READ_BAD},
        {"single quotes", "{'a':1}", 0, 1, JSON_READ_BAD},
        {"NUL byte", "{\"a\":1}\0", 8, 1, JSON_READ_BAD},
        {"escaped NUL", "{\"a\":\"\\u0000\"}", 0, 1, JSON_READ_BAD},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const struct json_case *c = &cases[i];
        json_t *v = (json_t *)1;
        size_t len = c->len ? c->len : strlen(c->text);
        int got = json_read(c->text, len, JSON_MAX_DEPTH, c->require_object, &v);
        if (got != c->want)
            fail_msg("json case \"%s\": got %d, want %d", c->name, got, c->want);
        if (got == JSON_READ_OK) {
            assert_non_null(v);
            if (c->require_object)
                assert_true(json_is_object(v));
            json_decref(v);
        } else {
            assert_null(v);
        }
    }
}

static void json_read_reads_only_len_bytes(void **state)
{
    json_t *v;
    const char *s = "{\"a\":\"b\"} trailing garbage";
    assert_int_equal(json_read(s, 9, JSON_MAX_DEPTH, 1, &v), JSON_READ_OK);
    assert_string_equal(json_get_str(v, "a"), "b");
    assert_null(json_get_str(v, "missing"));
    json_decref(v);

    assert_int_equal(json_read("{\"n\":1,\"s\":\"x\"}", 15, JSON_MAX_DEPTH, 1, &v), JSON_READ_OK);
    assert_null(json_get_str(v, "n")); /* not a string */
    assert_string_equal(json_get_str(v, "s"), "x");
    json_decref(v);
}

static void json_write_compact_in_order(void **state)
{
    json_t *v = json_object();
    json_object_set_new(v, "z", json_integer(1));
    json_object_set_new(v, "a", json_pack("[b,n,s]", 1, "王"));
    json_object_set_new(v, "m", json_string("q\"uote"));
    struct buf b;
    buf_init(&b, 1024);
    assert_int_equal(json_write(v, &b), 0);
    assert_string_equal(b.data, "{\"z\":1,\"a\":[true,null,\"王\"],\"m\":\"q\\\"uote\"}");
    buf_release(&b);

    /* Too small a cap is an error, not a truncated document. */
    buf_init(&b, 10);
    assert_int_not_equal(json_write(v, &b), 0);
    buf_release(&b);

    buf_init(&b, 100);
    json_t *n = json_integer(7);
    assert_int_equal(json_write(n, &b), 0); /* not only objects */
    assert_string_equal(b.data, "7");
    json_decref(n);
    buf_release(&b);
    json_decref(v);
}

/* json_write writes what jansson's json_dumps writes, byte for byte: escapes, numbers, nesting. */
static void json_write_as_jansson(void **state)
{
    json_t *v = json_object();
    char all[160];
    size_t n = 0;
    for (int c = 1; c < 128; c++) /* every ASCII byte, the controls and the quotes among them */
        all[n++] = (char)c;
    memcpy(all + n, "\xc3\xa9\xe7\x8e\x8b\xf0\x9f\x98\x80\xe2\x80\xa8", 12); /* é 王 😀 U+2028 */
    n += 12;
    json_object_set_new(v, "all", json_stringn(all, n));
    json_object_set_new(v, "key \"\\\n\x01", json_string(""));
    json_object_set_new(
        v, "reals",
        json_pack("[f,f,f,f,f,f,f]", 0.26, -1.0, 1e300, 1.5e-7, 100.0, 0.1 + 0.2, -0.0));
    json_object_set_new(v, "ints",
                        json_pack("[I,I,i]", (json_int_t)INT64_MAX, (json_int_t)INT64_MIN, 0));
    json_object_set_new(v, "empty", json_pack("{s:{},s:[],s:[[]]}", "o", "a", "aa"));
    json_object_set_new(v, "deep", json_pack("[[[{s:[b,b,n]}]]]", "x", 1, 0));
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(want);
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(json_write(v, &b), 0);
    assert_string_equal(b.data, want);
    free(want);
    buf_release(&b);
    json_decref(v);

    /* A value that contains itself is refused, not followed for ever. */
    json_t *loop = json_array(), *inner = json_array();
    assert_int_equal(json_array_append(inner, loop), 0);
    assert_int_equal(json_array_append_new(loop, inner), 0);
    buf_init(&b, 1 << 20);
    assert_int_not_equal(json_write(loop, &b), 0);
    buf_release(&b);
    json_array_clear(inner);
    json_decref(loop);
}

/* --------------------------------------------------------------- i18n */

/* Every message id of src/util/i18n.c. */
static const char *const message_ids[] = {
    "bad_json",
    "bad_request",
    "class_name_length",
    "class_name_taken",
    "class_unknown",
    "conflict",
    "country_invalid",
    "csrf_failed",
    "csv_bad_char",
    "csv_bad_quote",
    "csv_bad_utf8",
    "csv_column_count",
    "csv_empty",
    "csv_field_too_long",
    "csv_missing_column",
    "csv_too_many_fields",
    "csv_too_many_rows",
    "csv_unknown_column",
    "csv_unterminated",
    "field_required",
    "forbidden",
    "import_failed",
    "institution_name_length",
    "internal",
    "invalid_credentials",
    "json_too_deep",
    "lang_invalid",
    "login_duplicate",
    "login_format",
    "login_taken",
    "method_not_allowed",
    "name_length",
    "not_found",
    "password_length",
    "password_wrong",
    "payload_too_large",
    "rate_limited",
    "role_invalid",
    "students_invalid",
    "teacher_invalid",
    "unauthenticated",
    "unsupported_media_type",
};

/* The printf conversions of S, e.g. "%d%d". */
static void conversions(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 3 < size; s++) {
        if (*s != '%')
            continue;
        out[k++] = '%';
        out[k++] = s[1];
        if (s[1])
            s++;
    }
    out[k] = 0;
}

static void i18n_every_id_resolves(void **state)
{
    /* i18n_text uses a binary search: an id out of order would not be found. */
    for (size_t i = 0; i < N_ELEMS(message_ids); i++) {
        const char *id = message_ids[i];
        if (i > 0 && strcmp(message_ids[i - 1], id) >= 0)
            fail_msg("test table not sorted at %s", id);
        const char *en = i18n_text(id, LANG_EN), *zh = i18n_text(id, LANG_ZH);
        if (en == id || zh == id || strcmp(en, id) == 0 || strcmp(zh, id) == 0)
            fail_msg("message %s is not found", id);
        if (!*en || !*zh || strcmp(en, zh) == 0)
            fail_msg("message %s: empty or untranslated", id);
        char ce[32], cz[32];
        conversions(en, ce, sizeof(ce));
        conversions(zh, cz, sizeof(cz));
        if (strcmp(ce, cz) != 0)
            fail_msg("message %s: conversions differ: en %s, zh %s", id, ce, cz);
    }
}

static void i18n_unknown_id_returns_id(void **state)
{
    const char *ids[] = {"no_such_message", "", "a", "zzz", "bad_jso", "bad_json_"};
    for (size_t i = 0; i < N_ELEMS(ids); i++)
        assert_ptr_equal(i18n_text(ids[i], LANG_EN), ids[i]);
    assert_string_equal(i18n_text("not_found", LANG_EN), "Not found.");
    assert_string_equal(i18n_text("not_found", LANG_ZH), "未找到。");
}

static void i18n_lang_tags(void **state)
{
    assert_string_equal(lang_tag(LANG_EN), "en");
    assert_string_equal(lang_tag(LANG_ZH), "zh-CN");
    assert_int_equal(lang_parse("en"), LANG_EN);
    assert_int_equal(lang_parse("zh-CN"), LANG_ZH);
    const char *bad[] = {NULL, "", "zh", "zh-cn", "EN", "en-US", "fr", "zh-CN "};
    for (size_t i = 0; i < N_ELEMS(bad); i++)
        if (lang_parse(bad[i]) != -1)
            fail_msg("lang_parse(\"%s\") accepted", bad[i] ? bad[i] : "(null)");
}

static void i18n_lang_from_accept(void **state)
{
    static const struct {
        const char *header;
        enum lang want;
    } cases[] = {
        {"zh-CN,zh;q=0.9,en;q=0.8", LANG_ZH},
        {"en-US", LANG_EN},
        {"en-US,en;q=0.9", LANG_EN},
        {"fr, zh;q=0.5", LANG_ZH},
        {"", LANG_EN},
        {NULL, LANG_EN},
        {"zh;q=0", LANG_EN},
        {"zh-CN;q=0, en;q=0", LANG_EN},
        {"zh;q=0.0,fr", LANG_EN},
        {"en;q=0.5, zh;q=0.8", LANG_ZH},
        {"en;q=0.8, zh-TW;q=0.9", LANG_ZH},
        {"en, zh", LANG_EN},
        {"zh, en", LANG_ZH},
        {"ZH-cn", LANG_ZH},
        {"de;q=1.0, zh ; q=0.7", LANG_ZH},
        {"zhuang, en;q=0.1", LANG_EN},
        {"*", LANG_EN},
        {"fr-FR,fr;q=0.9", LANG_EN},
        {",,, ;;; ,", LANG_EN},
        {";q=1,zh", LANG_ZH},
        {"zh;q=abc", LANG_EN},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        enum lang got = lang_from_accept(cases[i].header);
        if (got != cases[i].want)
            fail_msg("lang_from_accept(\"%s\") = %d, want %d",
                     cases[i].header ? cases[i].header : "(null)", got, cases[i].want);
    }
}

/* ------------------------------------------------------------- secret */

static int group_setup(void **state)
{
    return secret_init();
}

static void secret_token_shape(void **state)
{
    enum { N = 200 };
    static char tokens[N][SECRET_TOKEN_LEN + 1];
    for (int i = 0; i < N; i++) {
        memset(tokens[i], '#', sizeof(tokens[i]));
        secret_token(tokens[i]);
        assert_int_equal(strlen(tokens[i]), SECRET_TOKEN_LEN);
        for (int k = 0; k < SECRET_TOKEN_LEN; k++) {
            char c = tokens[i][k];
            int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_';
            if (!ok)
                fail_msg("token %s has '%c'", tokens[i], c);
        }
        for (int j = 0; j < i; j++)
            assert_string_not_equal(tokens[i], tokens[j]);
    }
}

static void secret_sha256_vectors(void **state)
{
    char hex[SECRET_SHA256_HEX_LEN + 1];
    secret_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    secret_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    secret_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert_int_equal(strlen(hex), SECRET_SHA256_HEX_LEN);
}

static void secret_equal_cases(void **state)
{
    assert_true(secret_equal("abc", "abc"));
    assert_true(secret_equal("", ""));
    assert_false(secret_equal("abc", "abd"));
    assert_false(secret_equal("abc", "ab"));
    assert_false(secret_equal("ab", "abc"));
    assert_false(secret_equal("", "a"));
    assert_false(secret_equal("Abc", "abc"));
}

static void secret_base64url_vectors(void **state)
{
    char out[16];
    secret_base64url((const unsigned char *)"\xfb\xff", 2, out, sizeof(out));
    assert_string_equal(out, "-_8");
    secret_base64url((const unsigned char *)"foobar", 6, out, sizeof(out));
    assert_string_equal(out, "Zm9vYmFy");
    secret_base64url((const unsigned char *)"f", 1, out, sizeof(out));
    assert_string_equal(out, "Zg");
}

/* ----------------------------------------------------------- embedded */

static void embedded_finds_web_assets(void **state)
{
    assert_true(web_assets_count > 0);
    const struct embedded_file *f = embedded_find(web_assets, web_assets_count, "/index.html");
    assert_non_null(f);
    assert_string_equal(f->path, "/index.html");
    assert_true(f->size > 0);
    assert_non_null(strstr((const char *)f->data, "<"));
    assert_null(embedded_find(web_assets, web_assets_count, "/nope"));
    assert_null(embedded_find(web_assets, web_assets_count, "index.html"));
    assert_null(embedded_find(web_assets, web_assets_count, ""));
    assert_null(embedded_find(web_assets, 0, "/index.html"));

    /* Sorted, each found by the search, NUL after the data. */
    for (size_t i = 0; i < web_assets_count; i++) {
        const struct embedded_file *e = &web_assets[i];
        assert_int_equal(e->path[0], '/');
        if (i)
            assert_true(strcmp(web_assets[i - 1].path, e->path) < 0);
        assert_ptr_equal(embedded_find(web_assets, web_assets_count, e->path), e);
        assert_int_equal(e->data[e->size], 0);
    }
}

static void embedded_finds_schema(void **state)
{
    assert_true(schema_files_count > 0);
    const struct embedded_file *f =
        embedded_find(schema_files, schema_files_count, "/0001_accounts.sql");
    assert_non_null(f);
    assert_non_null(strstr((const char *)f->data, "CREATE TABLE users"));
    /* The SQL is run as a C string: it must end where its size says. */
    assert_int_equal(strlen((const char *)f->data), f->size);
}

/* --------------------------------------------------------------- utf8 */

static void utf8_valid_table(void **state)
{
    static const struct {
        const char *s;
        size_t len; /* 0: strlen */
        int valid;
    } cases[] = {
        {"", 0, 1},
        {"plain ascii", 0, 1},
        {"王芳 Wang Fang", 0, 1},
        {"é", 0, 1},
        {"😀", 0, 1},
        {"\xf4\x8f\xbf\xbf", 0, 1}, /* U+10FFFF */
        {"\xef\xbb\xbf", 0, 1},     /* a BOM is a character */
        {"a\0b", 3, 1},             /* NUL is ASCII */
        {"Jos\xe9", 0, 0},          /* Latin-1 */
        {"\xff", 0, 0},
        {"\xfe\xff", 0, 0},
        {"\x80", 0, 0},     /* a lone continuation byte */
        {"\xc0\xaf", 0, 0}, /* overlong '/' */
        {"\xc1\xbf", 0, 0},
        {"\xe0\x80\xaf", 0, 0},
        {"\xf0\x80\x80\xaf", 0, 0},
        {"\xed\xa0\x80", 0, 0}, /* a surrogate */
        {"\xed\xbf\xbf", 0, 0},
        {"\xf4\x90\x80\x80", 0, 0}, /* above U+10FFFF */
        {"\xf5\x80\x80\x80", 0, 0},
        {"\xf8\x88\x80\x80\x80", 0, 0}, /* 5-byte form */
        {"\xe4\xb8", 0, 0},             /* truncated */
        {"\xe4\xb8\xad", 2, 0},         /* truncated by LEN */
        {"\xe4x\xad", 0, 0},
        {"ok\xc3", 0, 0},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
        if (utf8_valid(cases[i].s, len) != cases[i].valid)
            fail_msg("utf8_valid case %zu: want %d", i, cases[i].valid);
    }
    /* Only LEN bytes are looked at. */
    assert_true(utf8_valid("ab\xff", 2));
}

static void utf8_length_counts_characters(void **state)
{
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("abc"), 3);
    assert_int_equal(utf8_length("王芳 Li"), 5);
    assert_int_equal(utf8_length("😀é"), 2);
}

static void utf8_copy_cuts_at_characters(void **state)
{
    char out[16];
    memset(out, '#', sizeof(out));
    assert_int_equal(utf8_copy(out, sizeof(out), "abc"), 3);
    assert_string_equal(out, "abc");

    /* "王芳" is 6 bytes: with room for 5, only the first character fits. */
    static const struct {
        size_t size;
        const char *want;
    } cases[] = {{7, "王芳"}, {6, "王"}, {5, "王"}, {4, "王"}, {3, ""}, {2, ""}, {1, ""}};
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        memset(out, '#', sizeof(out));
        size_t n = utf8_copy(out, cases[i].size, "王芳");
        if (strcmp(out, cases[i].want) != 0 || n != strlen(cases[i].want))
            fail_msg("utf8_copy size %zu: \"%s\" (%zu)", cases[i].size, out, n);
        assert_int_equal(out[cases[i].size], '#'); /* nothing past SIZE */
    }
    memset(out, '#', sizeof(out));
    assert_int_equal(utf8_copy(out, 5, "ab😀"), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(utf8_copy(out, 7, "ab😀"), 6);
    assert_string_equal(out, "ab😀");
    assert_int_equal(utf8_copy(out, 4, "abcdef"), 3);
    assert_string_equal(out, "abc");
}

/* ----------------------------------------------------------- timeutil */

static void time_iso8601_format(void **state)
{
    char out[21];
    time_iso8601(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    time_iso8601(1795953600, out); /* 2026-11-29T12:00:00Z */
    assert_string_equal(out, "2026-11-29T12:00:00Z");
    int64_t now = time_now();
    assert_true(now > 1700000000);
    uint64_t a = time_mono_ns(), b = time_mono_ns();
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_init_is_empty_string),
        cmocka_unit_test(buf_add_appends_and_terminates),
        cmocka_unit_test(buf_is_binary_safe),
        cmocka_unit_test(buf_grows_past_first_allocation),
        cmocka_unit_test(buf_cap_is_exact_and_failure_frees),
        cmocka_unit_test(buf_too_big_in_one_append),
        cmocka_unit_test(buf_zero_cap),
        cmocka_unit_test(buf_addf_formats),
        cmocka_unit_test(buf_addf_over_cap_frees),
        cmocka_unit_test(buf_reset_keeps_memory),
        cmocka_unit_test(buf_detach_hands_over),
        cmocka_unit_test(buf_detach_empty_gives_freeable_string),
        cmocka_unit_test(buf_first_allocation_failure),
        cmocka_unit_test(buf_growth_failure_frees),
        cmocka_unit_test(buf_unbounded_max),
        cmocka_unit_test(alloc_fail_after_counts),
        cmocka_unit_test(csv_table),
        cmocka_unit_test(csv_lone_cr_counts_lines),
        cmocka_unit_test(csv_line_counters),
        cmocka_unit_test(csv_field_limits),
        cmocka_unit_test(csv_too_many_long_fields),
        cmocka_unit_test(csv_error_position),
        cmocka_unit_test(csv_nomem),
        cmocka_unit_test(json_depth_limit),
        cmocka_unit_test(json_depth_ignores_strings),
        cmocka_unit_test(json_member_spans_table),
        cmocka_unit_test(json_read_table),
        cmocka_unit_test(json_read_reads_only_len_bytes),
        cmocka_unit_test(json_write_compact_in_order),
        cmocka_unit_test(json_write_as_jansson),
        cmocka_unit_test(i18n_every_id_resolves),
        cmocka_unit_test(i18n_unknown_id_returns_id),
        cmocka_unit_test(i18n_lang_tags),
        cmocka_unit_test(i18n_lang_from_accept),
        cmocka_unit_test(secret_token_shape),
        cmocka_unit_test(secret_sha256_vectors),
        cmocka_unit_test(secret_equal_cases),
        cmocka_unit_test(secret_base64url_vectors),
        cmocka_unit_test(embedded_finds_web_assets),
        cmocka_unit_test(embedded_finds_schema),
        cmocka_unit_test(utf8_valid_table),
        cmocka_unit_test(utf8_length_counts_characters),
        cmocka_unit_test(utf8_copy_cuts_at_characters),
        cmocka_unit_test(time_iso8601_format),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
