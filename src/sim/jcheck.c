#include "sim/jcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"
#include "util/banned.h"

#define SIM_JSON_MAX_DEPTH 32

void sim_jcheck_init(struct sim_jcheck *c, const char *text, size_t len, struct sim_errors *errs)
{
    memset(c, 0, sizeof(*c));
    c->text = text;
    c->len = len;
    c->errs = errs;
    errs->n = 0;
    errs->more = 0;
}

void sim_jcheck_push_key(struct sim_jcheck *c, const char *key)
{
    if (c->path.depth < SIM_JPATH_MAX) {
        c->path.key[c->path.depth] = key;
        c->path.index[c->path.depth] = 0;
    }
    c->path.depth++;
}

void sim_jcheck_push_index(struct sim_jcheck *c, int index)
{
    if (c->path.depth < SIM_JPATH_MAX) {
        c->path.key[c->path.depth] = NULL;
        c->path.index[c->path.depth] = index;
    }
    c->path.depth++;
}

void sim_jcheck_pop(struct sim_jcheck *c)
{
    if (c->path.depth > 0)
        c->path.depth--;
}

static void add_v(struct sim_errors *errs, int line, const char *path, const char *fmt, va_list ap)
{
    if (errs->n >= SIM_MAX_ERRORS) {
        errs->more = 1;
        return;
    }
    struct sim_error *e = &errs->e[errs->n++];
    e->line = line;
    snprintf(e->path, sizeof(e->path), "%s", path);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void sim_errors_add(struct sim_errors *errs, int line, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(errs, line, path, fmt, ap);
    va_end(ap);
}

void sim_jcheck_error(struct sim_jcheck *c, const char *key, const char *fmt, ...)
{
    if (key)
        sim_jcheck_push_key(c, key);
    char path[256];
    sim_jpath_format(&c->path, path, sizeof(path));
    int line = sim_json_line(c->text, c->len, &c->path);
    va_list ap;
    va_start(ap, fmt);
    add_v(c->errs, line, path, fmt, ap);
    va_end(ap);
    if (key)
        sim_jcheck_pop(c);
}

void sim_errors_sort(struct sim_errors *errs)
{
    /* Insertion sort: stable, and there are at most SIM_MAX_ERRORS. */
    for (int i = 1; i < errs->n; i++) {
        struct sim_error e = errs->e[i];
        int j = i;
        while (j > 0 && errs->e[j - 1].line > e.line) {
            errs->e[j] = errs->e[j - 1];
            j--;
        }
        errs->e[j] = e;
    }
}

static int plain_name(const char *k)
{
    if (!*k || (*k >= '0' && *k <= '9'))
        return 0;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_' || *k == '-'))
            return 0;
    return 1;
}

void sim_jpath_format(const struct sim_jpath *p, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "$");
    int depth = p->depth < SIM_JPATH_MAX ? p->depth : SIM_JPATH_MAX;
    for (int d = 0; d < depth && n < size; d++) {
        if (!p->key[d]) {
            n += (size_t)snprintf(out + n, size - n, "[%d]", p->index[d]);
        } else if (plain_name(p->key[d])) {
            n += (size_t)snprintf(out + n, size - n, ".%s", p->key[d]);
        } else {
            /* A key that is not a plain name is quoted, with quotes and backslashes escaped. */
            n += (size_t)snprintf(out + n, size - n, "[\"");
            for (const char *k = p->key[d]; *k && n + 3 < size; k++) {
                if (*k == '"' || *k == '\\')
                    out[n++] = '\\';
                out[n++] = *k;
            }
            out[n < size ? n : size - 1] = '\0';
            n += (size_t)snprintf(out + n, size > n ? size - n : 0, "\"]");
        }
    }
}

/* ---------------------------------------------------------------- line scan */

struct scan {
    const char *s;
    size_t len, i;
    int line;
};

static void ws(struct scan *x)
{
    while (x->i < x->len) {
        char ch = x->s[x->i];
        if (ch == '\n')
            x->line++;
        else if (ch != ' ' && ch != '\t' && ch != '\r')
            return;
        x->i++;
    }
}

/* Skips the string at x->i (which is '"'). */
static void skip_string(struct scan *x)
{
    x->i++;
    while (x->i < x->len) {
        char ch = x->s[x->i++];
        if (ch == '\\')
            x->i++;
        else if (ch == '"')
            return;
        else if (ch == '\n')
            x->line++;
    }
}

static void skip_value(struct scan *x)
{
    if (x->i >= x->len)
        return;
    char ch = x->s[x->i];
    if (ch == '"') {
        skip_string(x);
        return;
    }
    if (ch == '{' || ch == '[') {
        int depth = 0;
        while (x->i < x->len) {
            ch = x->s[x->i];
            if (ch == '"') {
                skip_string(x);
                continue;
            }
            if (ch == '\n')
                x->line++;
            else if (ch == '{' || ch == '[')
                depth++;
            else if (ch == '}' || ch == ']') {
                if (--depth == 0) {
                    x->i++;
                    return;
                }
            }
            x->i++;
        }
        return;
    }
    while (x->i < x->len) {
        ch = x->s[x->i];
        if (ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\t' || ch == '\r' ||
            ch == '\n')
            return;
        x->i++;
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Reads the string at x->i (a key) and says whether it decodes to KEY; x->i moves past it. */
static int key_is(struct scan *x, const char *key)
{
    size_t k = 0, klen = strlen(key);
    int same = 1;
    x->i++;
    while (x->i < x->len) {
        char ch = x->s[x->i++];
        if (ch == '"')
            return same && k == klen;
        unsigned char buf[4];
        size_t n = 1;
        buf[0] = (unsigned char)ch;
        if (ch == '\\' && x->i < x->len) {
            char e = x->s[x->i++];
            switch (e) {
            case 'b':
                buf[0] = '\b';
                break;
            case 'f':
                buf[0] = '\f';
                break;
            case 'n':
                buf[0] = '\n';
                break;
            case 'r':
                buf[0] = '\r';
                break;
            case 't':
                buf[0] = '\t';
                break;
            case 'u': {
                unsigned cp = 0;
                for (int j = 0; j < 4 && x->i < x->len; j++) {
                    int h = hexval(x->s[x->i++]);
                    cp = (cp << 4) | (unsigned)(h < 0 ? 0 : h);
                }
                if (cp >= 0xd800 && cp < 0xdc00 && x->i + 6 <= x->len && x->s[x->i] == '\\' &&
                    x->s[x->i + 1] == 'u') {
                    unsigned lo = 0;
                    for (int j = 0; j < 4; j++) {
                        int h = hexval(x->s[x->i + 2 + (size_t)j]);
                        lo = (lo << 4) | (unsigned)(h < 0 ? 0 : h);
                    }
                    x->i += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                if (cp < 0x80) {
                    buf[0] = (unsigned char)cp;
                } else if (cp < 0x800) {
                    buf[0] = (unsigned char)(0xc0 | (cp >> 6));
                    buf[1] = (unsigned char)(0x80 | (cp & 0x3f));
                    n = 2;
                } else if (cp < 0x10000) {
                    buf[0] = (unsigned char)(0xe0 | (cp >> 12));
                    buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
                    buf[2] = (unsigned char)(0x80 | (cp & 0x3f));
                    n = 3;
                } else {
                    buf[0] = (unsigned char)(0xf0 | (cp >> 18));
                    buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
                    buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
                    buf[3] = (unsigned char)(0x80 | (cp & 0x3f));
                    n = 4;
                }
                break;
            }
            default: /* \" \\ \/ */
                buf[0] = (unsigned char)e;
                break;
            }
        }
        for (size_t j = 0; j < n; j++) {
            if (k >= klen || (unsigned char)key[k] != buf[j])
                same = 0;
            k++;
        }
    }
    return 0;
}

int sim_json_line(const char *text, size_t len, const struct sim_jpath *p)
{
    struct scan x = {text, len, 0, 1};
    ws(&x);
    int depth = p->depth < SIM_JPATH_MAX ? p->depth : SIM_JPATH_MAX;
    for (int d = 0; d < depth; d++) {
        int here = x.line; /* the line of the value that should hold the next step */
        if (x.i >= x.len)
            return here;
        if (p->key[d]) {
            if (x.s[x.i] != '{')
                return here;
            x.i++;
            int found = 0;
            for (;;) {
                ws(&x);
                if (x.i >= x.len || x.s[x.i] != '"')
                    return here;
                int match = key_is(&x, p->key[d]);
                ws(&x);
                if (x.i < x.len && x.s[x.i] == ':')
                    x.i++;
                ws(&x);
                if (match) {
                    found = 1;
                    break;
                }
                skip_value(&x);
                ws(&x);
                if (x.i < x.len && x.s[x.i] == ',')
                    x.i++;
                else
                    return here;
            }
            if (!found)
                return here;
        } else {
            if (x.s[x.i] != '[')
                return here;
            x.i++;
            for (int k = 0;; k++) {
                ws(&x);
                if (x.i >= x.len || x.s[x.i] == ']')
                    return here;
                if (k == p->index[d])
                    break;
                skip_value(&x);
                ws(&x);
                if (x.i < x.len && x.s[x.i] == ',')
                    x.i++;
                else
                    return here;
            }
        }
    }
    return x.line;
}

/* ---------------------------------------------------------------- parse */

int sim_jcheck_parse(const char *text, size_t len, size_t max_bytes, struct sim_errors *errs,
                     json_t **out)
{
    *out = NULL;
    errs->n = 0;
    errs->more = 0;
    if (len > max_bytes) {
        sim_errors_add(errs, 0, "$", "the file is larger than %zu bytes", max_bytes);
        return -1;
    }
    if (json_depth(text, len, SIM_JSON_MAX_DEPTH) > SIM_JSON_MAX_DEPTH) {
        sim_errors_add(errs, 0, "$", "nests deeper than %d levels", SIM_JSON_MAX_DEPTH);
        return -1;
    }
    json_error_t jerr;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        sim_errors_add(errs, jerr.line > 0 ? jerr.line : 0, "$", "not valid JSON: %s", jerr.text);
        return -1;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        sim_errors_add(errs, 1, "$", "must be an object");
        return -1;
    }
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- members */

int sim_jcheck_object(struct sim_jcheck *c, const json_t *v)
{
    if (json_is_object(v))
        return 0;
    sim_jcheck_error(c, NULL, "must be an object");
    return -1;
}

int sim_jcheck_keys(struct sim_jcheck *c, const json_t *obj, const char *const allowed[])
{
    const char *key;
    json_t *v;
    int bad = 0;
    json_object_foreach ((json_t *)obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], key) == 0)
                ok = 1;
        if (!ok) {
            sim_jcheck_error(c, key, "unknown field");
            bad = -1;
        }
    }
    return bad;
}

/* The member KEY: *V set, 1 when present; 0 when absent (an error when REQUIRED: -1). */
static int member(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                  json_t **v)
{
    *v = json_object_get(obj, key);
    if (*v)
        return 1;
    if (required) {
        sim_jcheck_error(c, key, "required");
        return -1;
    }
    return 0;
}

int sim_jcheck_int(struct sim_jcheck *c, const json_t *obj, const char *key, int required, int min,
                   int max, int *out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
        *out = (int)json_integer_value(v);
        return 0;
    }
    sim_jcheck_error(c, key, "must be a whole number from %d to %d", min, max);
    return -1;
}

/* Prints V (scaled by 10^DECIMALS) as a decimal number. */
static void fixed_str(int64_t v, int decimals, char *out, size_t size)
{
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    const char *sign = v < 0 ? "-" : "";
    int64_t a = v < 0 ? -v : v;
    if (!decimals || a % scale == 0)
        snprintf(out, size, "%s%lld", sign, (long long)(a / scale));
    else {
        int64_t frac = a % scale;
        int d = decimals;
        while (frac % 10 == 0) {
            frac /= 10;
            d--;
        }
        snprintf(out, size, "%s%lld.%0*lld", sign, (long long)(a / scale), d, (long long)frac);
    }
}

int sim_jcheck_fixed(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                     int decimals, int64_t min, int64_t max, int64_t *out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    int ok = 0;
    int64_t x = 0;
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n >= -1000000000LL && n <= 1000000000LL) {
            x = (int64_t)n * scale;
            ok = 1;
        }
    } else if (json_is_real(v)) {
        /*
         * The nearest scaled integer, and the number must be that integer: 36.6
         * with one decimal is 366, 36.65 is refused. Parsing and this check
         * are exact and the same on every machine.
         */
        double d = json_real_value(v) * (double)scale;
        if (d > -1e12 && d < 1e12) {
            x = (int64_t)(d < 0 ? d - 0.5 : d + 0.5);
            double diff = d - (double)x;
            ok = diff < 1e-6 && diff > -1e-6;
        }
    }
    if (ok && x >= min && x <= max) {
        *out = x;
        return 0;
    }
    char lo[32], hi[32];
    fixed_str(min, decimals, lo, sizeof(lo));
    fixed_str(max, decimals, hi, sizeof(hi));
    if (decimals)
        sim_jcheck_error(c, key, "must be a number from %s to %s with at most %d decimal%s", lo, hi,
                         decimals, decimals == 1 ? "" : "s");
    else
        sim_jcheck_error(c, key, "must be a whole number from %s to %s", lo, hi);
    return -1;
}

int sim_jcheck_bool(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    int *out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    sim_jcheck_error(c, key, "must be true or false");
    return -1;
}

int sim_jcheck_str(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                   size_t max_len, const char **out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max_len) {
        sim_jcheck_error(c, key, "must be a text of 1 to %zu bytes", max_len);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int sim_id_valid(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 (n > 0 && (*p == '-' || *p == '_'));
        if (!ok)
            return 0;
    }
    return n >= 1 && n <= SIM_ID_MAX;
}

int sim_jcheck_id(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                  const char **out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    if (!json_is_string(v) || !sim_id_valid(json_string_value(v))) {
        sim_jcheck_error(c, key,
                         "must be an id: 1 to %d lowercase letters, digits, '-' or '_', starting "
                         "with a letter or digit",
                         SIM_ID_MAX);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int sim_jcheck_enum_value(struct sim_jcheck *c, const json_t *v, enum sim_vocab table, int *out)
{
    int k = json_is_string(v) ? sim_vocab_find(table, json_string_value(v)) : -1;
    if (k >= 0) {
        *out = k;
        return 0;
    }
    char list[480];
    size_t n = 0;
    list[0] = '\0';
    for (int i = 0; i < sim_vocab_count(table) && n < sizeof(list); i++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
                              sim_vocab_id(table, i));
    sim_jcheck_error(c, NULL, "must be one of: %s", list);
    return -1;
}

int sim_jcheck_enum(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    enum sim_vocab table, int *out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    sim_jcheck_push_key(c, key);
    int bad = sim_jcheck_enum_value(c, v, table, out);
    sim_jcheck_pop(c);
    return bad;
}

int sim_jcheck_text(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    size_t max_len, struct sim_text *out)
{
    static const char *const langs[] = {"en", "zh-CN", NULL};
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    if (!json_is_object(v)) {
        sim_jcheck_error(c, key, "must be an object with the texts \"en\" and \"zh-CN\"");
        return -1;
    }
    sim_jcheck_push_key(c, key);
    struct sim_text t = {NULL, NULL};
    int bad = sim_jcheck_keys(c, v, langs);
    bad |= sim_jcheck_str(c, v, "en", 1, max_len, &t.en);
    bad |= sim_jcheck_str(c, v, "zh-CN", 1, max_len, &t.zh);
    sim_jcheck_pop(c);
    if (bad)
        return -1;
    *out = t;
    return 0;
}

int sim_parse_clock(const char *s, int64_t *out_ms)
{
    int neg = *s == '-';
    if (neg)
        s++;
    long f[3];
    int nd[3], n = 0;
    const char *p = s;
    for (;;) {
        if (n == 3)
            return -1;
        long v = 0;
        int d = 0;
        while (*p >= '0' && *p <= '9') {
            if (d >= 4)
                return -1;
            v = v * 10 + (*p - '0');
            p++;
            d++;
        }
        if (!d)
            return -1;
        f[n] = v;
        nd[n] = d;
        n++;
        if (*p == ':') {
            p++;
            continue;
        }
        if (*p)
            return -1;
        break;
    }
    /* Seconds always have two digits; so do minutes after hours. */
    if (n < 2 || nd[n - 1] != 2 || f[n - 1] > 59)
        return -1;
    if (n == 3 && (nd[1] != 2 || f[1] > 59))
        return -1;
    long h = n == 3 ? f[0] : 0, m = f[n - 2], sec = f[n - 1];
    int64_t ms = ((int64_t)h * 3600 + (int64_t)m * 60 + sec) * 1000;
    *out_ms = neg ? -ms : ms;
    return 0;
}

void sim_format_time(int64_t ms, char *out, size_t size)
{
    const char *sign = ms < 0 ? "-" : "";
    int64_t s = (ms < 0 ? -ms : ms) / 1000;
    if (s >= 3600)
        snprintf(out, size, "%s%lld:%02lld:%02lld", sign, (long long)(s / 3600),
                 (long long)(s / 60 % 60), (long long)(s % 60));
    else
        snprintf(out, size, "%s%lld:%02lld", sign, (long long)(s / 60), (long long)(s % 60));
}

int sim_jcheck_time(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    int64_t min_ms, int64_t max_ms, int64_t *out)
{
    json_t *v;
    int m = member(c, obj, key, required, &v);
    if (m <= 0)
        return m;
    int64_t ms = 0;
    int ok = 0;
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n >= -1000000 && n <= 1000000) {
            ms = (int64_t)n * 1000;
            ok = 1;
        }
    } else if (json_is_string(v)) {
        ok = sim_parse_clock(json_string_value(v), &ms) == 0;
    }
    if (ok && ms >= min_ms && ms <= max_ms) {
        *out = ms;
        return 0;
    }
    char lo[32], hi[32];
    sim_format_time(min_ms, lo, sizeof(lo));
    sim_format_time(max_ms, hi, sizeof(hi));
    sim_jcheck_error(
        c, key, "must be a time from %s to %s: whole seconds, or \"MM:SS\" or \"H:MM:SS\"", lo, hi);
    return -1;
}
