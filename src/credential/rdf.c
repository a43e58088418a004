#include "credential/rdf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

void rdf_dataset_init(struct rdf_dataset *d, size_t max_quads, size_t max_bytes)
{
    d->quads = NULL;
    d->len = d->cap = 0;
    d->max_quads = max_quads;
    cred_arena_init(&d->arena, max_bytes);
}

void rdf_dataset_release(struct rdf_dataset *d)
{
    cc_free(d->quads);
    d->quads = NULL;
    d->len = d->cap = 0;
    cred_arena_release(&d->arena);
}

int rdf_dataset_add(struct rdf_dataset *d, const struct rdf_quad *q)
{
    if (d->len >= d->max_quads)
        return RDF_ERR_LIMIT;
    if (d->len == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        struct rdf_quad *n = cc_realloc(d->quads, cap * sizeof(*n));
        if (!n)
            return RDF_ERR_NOMEM;
        d->quads = n;
        d->cap = cap;
    }
    d->quads[d->len++] = *q;
    return RDF_OK;
}

static int cmp_str(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return -1;
    if (!b)
        return 1;
    return strcmp(a, b);
}

static int cmp_term(const struct rdf_term *a, const struct rdf_term *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = cmp_str(a->value, b->value);
    if (c)
        return c;
    if ((c = cmp_str(a->datatype, b->datatype)))
        return c;
    return cmp_str(a->language, b->language);
}

static int cmp_quad(const void *x, const void *y)
{
    const struct rdf_quad *a = x, *b = y;
    int c = cmp_term(&a->s, &b->s);
    if (!c)
        c = cmp_term(&a->p, &b->p);
    if (!c)
        c = cmp_term(&a->o, &b->o);
    if (!c)
        c = cmp_term(&a->g, &b->g);
    return c;
}

int rdf_quad_compare(const struct rdf_quad *a, const struct rdf_quad *b)
{
    return cmp_quad(a, b);
}

void rdf_dataset_dedupe(struct rdf_dataset *d)
{
    if (d->len < 2)
        return;
    qsort(d->quads, d->len, sizeof(*d->quads), cmp_quad);
    size_t n = 1;
    for (size_t i = 1; i < d->len; i++)
        if (cmp_quad(&d->quads[i], &d->quads[n - 1]))
            d->quads[n++] = d->quads[i];
    d->len = n;
}

static int write_literal(const char *s, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    int err = buf_addc(out, '"');
    const char *run = s;
    for (const unsigned char *c = (const unsigned char *)s; !err && *c; c++) {
        const char *esc = NULL;
        char u[7];
        switch (*c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        default:
            if (*c < 0x20 || *c == 0x7f) {
                u[0] = '\\';
                u[1] = 'u';
                u[2] = '0';
                u[3] = '0';
                u[4] = hex[*c >> 4];
                u[5] = hex[*c & 15];
                u[6] = 0;
                esc = u;
            }
        }
        if (!esc)
            continue;
        err = buf_add(out, run, (const char *)c - run);
        if (!err)
            err = buf_adds(out, esc);
        run = (const char *)c + 1;
    }
    if (!err)
        err = buf_adds(out, run);
    if (!err)
        err = buf_addc(out, '"');
    return err;
}

int rdf_term_write(const struct rdf_term *t, struct buf *out,
                   const char *(*label)(void *relabel_ctx, const char *blank), void *relabel_ctx)
{
    int err;
    switch (t->kind) {
    case RDF_IRI:
        err = buf_addc(out, '<');
        if (!err)
            err = buf_adds(out, t->value);
        if (!err)
            err = buf_addc(out, '>');
        return err;
    case RDF_BLANK:
        err = buf_add(out, "_:", 2);
        if (!err)
            err = buf_adds(out, label ? label(relabel_ctx, t->value) : t->value);
        return err;
    case RDF_LITERAL:
        err = write_literal(t->value, out);
        if (!err && t->language)
            err = buf_addf(out, "@%s", t->language);
        else if (!err && t->datatype && strcmp(t->datatype, XSD_STRING) != 0)
            err = buf_addf(out, "^^<%s>", t->datatype);
        return err;
    case RDF_DEFAULT_GRAPH:
        return 0;
    }
    return 0;
}

int rdf_quad_write(const struct rdf_quad *q, struct buf *out,
                   const char *(*label)(void *relabel_ctx, const char *blank), void *relabel_ctx)
{
    int err = rdf_term_write(&q->s, out, label, relabel_ctx);
    if (!err)
        err = buf_addc(out, ' ');
    if (!err)
        err = rdf_term_write(&q->p, out, label, relabel_ctx);
    if (!err)
        err = buf_addc(out, ' ');
    if (!err)
        err = rdf_term_write(&q->o, out, label, relabel_ctx);
    if (!err && q->g.kind != RDF_DEFAULT_GRAPH) {
        err = buf_addc(out, ' ');
        if (!err)
            err = rdf_term_write(&q->g, out, label, relabel_ctx);
    }
    if (!err)
        err = buf_add(out, " .\n", 3);
    return err;
}

/* ------------------------------------------------------------------ parsing */

struct parser {
    const char *p, *end;
    struct rdf_dataset *d;
    struct buf tmp;
};

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
        ps->p++;
}

static int put_utf8(struct buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return RDF_ERR_SYNTAX; /* strings here are NUL-terminated */
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else if (cp <= 0x10FFFF) {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    } else {
        return RDF_ERR_SYNTAX;
    }
    return buf_add(b, u, n) ? RDF_ERR_NOMEM : 0;
}

static int read_uchar(struct parser *ps, int digits)
{
    uint32_t cp = 0;
    if (ps->end - ps->p < digits)
        return RDF_ERR_SYNTAX;
    for (int i = 0; i < digits; i++) {
        char c = *ps->p++;
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return RDF_ERR_SYNTAX;
        cp = cp << 4 | (uint32_t)v;
    }
    return put_utf8(&ps->tmp, cp);
}

/* Reads up to the closing CLOSE into ps->tmp, resolving escapes; ECHAR only in literals. */
static int read_escaped(struct parser *ps, char close, int echar)
{
    buf_reset(&ps->tmp);
    while (ps->p < ps->end && *ps->p != close) {
        char c = *ps->p++;
        if (c == '\n' || c == '\r' || c == 0)
            return RDF_ERR_SYNTAX; /* strings here are NUL-terminated */
        if (c != '\\') {
            if (!echar && ((unsigned char)c <= 0x20 || c == '<' || c == '"' || c == '{' ||
                           c == '}' || c == '|' || c == '^' || c == '`'))
                return RDF_ERR_SYNTAX;
            if (buf_addc(&ps->tmp, c))
                return RDF_ERR_NOMEM;
            continue;
        }
        if (ps->p >= ps->end)
            return RDF_ERR_SYNTAX;
        c = *ps->p++;
        int err = 0;
        if (c == 'u')
            err = read_uchar(ps, 4);
        else if (c == 'U')
            err = read_uchar(ps, 8);
        else if (!echar)
            return RDF_ERR_SYNTAX;
        else {
            const char *from = "tbnrf\"'\\", *to = "\t\b\n\r\f\"'\\";
            const char *at = strchr(from, c);
            if (!at || !c)
                return RDF_ERR_SYNTAX;
            err = buf_addc(&ps->tmp, to[at - from]) ? RDF_ERR_NOMEM : 0;
        }
        if (err)
            return err;
    }
    if (ps->p >= ps->end)
        return RDF_ERR_SYNTAX;
    ps->p++;
    return 0;
}

static int keep(struct parser *ps, const char *s, size_t n, const char **out)
{
    *out = cred_arena_strndup(&ps->d->arena, s, n);
    return *out ? 0 : RDF_ERR_LIMIT;
}

static int read_term(struct parser *ps, struct rdf_term *t, int literal_ok)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return RDF_ERR_SYNTAX;
    memset(t, 0, sizeof(*t));
    if (*ps->p == '<') {
        ps->p++;
        int err = read_escaped(ps, '>', 0);
        if (err)
            return err;
        t->kind = RDF_IRI;
        if (!strchr(ps->tmp.data, ':'))
            return RDF_ERR_SYNTAX;
        /* What a \u escape brought in must be allowed in an IRI too. */
        for (const unsigned char *c = (const unsigned char *)ps->tmp.data; *c; c++)
            if (*c <= 0x20 || strchr("<>\"{}|^`\\", *c) || *c == 0x7f)
                return RDF_ERR_SYNTAX;
        return keep(ps, ps->tmp.data, ps->tmp.len, &t->value);
    }
    if (*ps->p == '_') {
        if (ps->end - ps->p < 3 || ps->p[1] != ':')
            return RDF_ERR_SYNTAX;
        ps->p += 2;
        const char *start = ps->p;
        /* PN_CHARS: letters, digits, '_', '-', '.', and any non-ASCII character. */
        while (ps->p < ps->end &&
               ((*ps->p >= 'a' && *ps->p <= 'z') || (*ps->p >= 'A' && *ps->p <= 'Z') ||
                (*ps->p >= '0' && *ps->p <= '9') || *ps->p == '_' || *ps->p == '-' ||
                *ps->p == '.' || (unsigned char)*ps->p >= 0x80))
            ps->p++;
        /* A label may not end with '.', which then ends the statement. */
        while (ps->p > start && ps->p[-1] == '.')
            ps->p--;
        if (ps->p == start)
            return RDF_ERR_SYNTAX;
        t->kind = RDF_BLANK;
        return keep(ps, start, (size_t)(ps->p - start), &t->value);
    }
    if (*ps->p == '"' && literal_ok) {
        ps->p++;
        int err = read_escaped(ps, '"', 1);
        if (err)
            return err;
        t->kind = RDF_LITERAL;
        if ((err = keep(ps, ps->tmp.data, ps->tmp.len, &t->value)))
            return err;
        if (ps->p < ps->end && *ps->p == '@') {
            const char *start = ++ps->p;
            while (ps->p < ps->end &&
                   ((*ps->p >= 'a' && *ps->p <= 'z') || (*ps->p >= 'A' && *ps->p <= 'Z') ||
                    (*ps->p >= '0' && *ps->p <= '9') || *ps->p == '-'))
                ps->p++;
            if (ps->p == start)
                return RDF_ERR_SYNTAX;
            return keep(ps, start, (size_t)(ps->p - start), &t->language);
        }
        if (ps->end - ps->p >= 3 && ps->p[0] == '^' && ps->p[1] == '^' && ps->p[2] == '<') {
            ps->p += 3;
            if ((err = read_escaped(ps, '>', 0)))
                return err;
            if (strcmp(ps->tmp.data, XSD_STRING) == 0)
                return 0;
            return keep(ps, ps->tmp.data, ps->tmp.len, &t->datatype);
        }
        return 0;
    }
    return RDF_ERR_SYNTAX;
}

int rdf_nquads_parse(const char *text, size_t len, struct rdf_dataset *d)
{
    struct parser ps = {text, text + len, d, {0}};
    buf_init(&ps.tmp, len + 1);
    int err = 0;
    while (!err && ps.p < ps.end) {
        skip_ws(&ps);
        if (ps.p < ps.end && (*ps.p == '\n' || *ps.p == '\r')) {
            ps.p++;
            continue;
        }
        if (ps.p < ps.end && *ps.p == '#') {
            while (ps.p < ps.end && *ps.p != '\n')
                ps.p++;
            continue;
        }
        if (ps.p >= ps.end)
            break;
        struct rdf_quad q;
        memset(&q, 0, sizeof(q));
        if ((err = read_term(&ps, &q.s, 0)) || (err = read_term(&ps, &q.p, 0)) ||
            (err = read_term(&ps, &q.o, 1)))
            break;
        if (q.s.kind == RDF_LITERAL || q.p.kind != RDF_IRI) {
            err = RDF_ERR_SYNTAX;
            break;
        }
        skip_ws(&ps);
        if (ps.p < ps.end && *ps.p != '.') {
            if ((err = read_term(&ps, &q.g, 0)))
                break;
            skip_ws(&ps);
        }
        if (ps.p >= ps.end || *ps.p != '.') {
            err = RDF_ERR_SYNTAX;
            break;
        }
        ps.p++;
        skip_ws(&ps);
        if (ps.p < ps.end && *ps.p == '#')
            while (ps.p < ps.end && *ps.p != '\n')
                ps.p++;
        if (ps.p < ps.end && *ps.p != '\n' && *ps.p != '\r') {
            err = RDF_ERR_SYNTAX;
            break;
        }
        err = rdf_dataset_add(d, &q);
    }
    buf_release(&ps.tmp);
    return err;
}
