#include "xapi/validate.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/json.h"
#include "util/utf8.h"

#include "util/banned.h"

/*
 * Character classes by hand rather than <ctype.h>: these formats are ASCII
 * grammars, and the <ctype.h> functions depend on the locale and are
 * undefined for negative chars.
 */
static int is_alpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
    return is_alpha(c) || is_digit(c);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_hex(int c)
{
    return hex_value(c) >= 0;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ------------------------------------------------------------------ UUID */

int xapi_uuid_parse(const char *s, unsigned char out[16])
{
    if (!s)
        return -1;
    const char *q = s;
    for (int k = 0; k < 16; k++) {
        if (k == 4 || k == 6 || k == 8 || k == 10) {
            if (*q != '-')
                return -1;
            q++;
        }
        int hi = hex_value((unsigned char)q[0]);
        if (hi < 0) /* also stops at the NUL before q[1] is read */
            return -1;
        int lo = hex_value((unsigned char)q[1]);
        if (lo < 0)
            return -1;
        out[k] = (unsigned char)(hi << 4 | lo);
        q += 2;
    }
    if (*q)
        return -1;
    /* The RFC 4122 variant is 10xx in the top bits of byte 8. */
    if ((out[8] & 0xC0) != 0x80)
        return -1;
    return 0;
}

int xapi_uuid_valid(const char *s)
{
    unsigned char bytes[16];
    return xapi_uuid_parse(s, bytes) == 0;
}

/* ------------------------------------------------------------------- IRI */

/*
 * The bytes that may appear in an IRI after the scheme as they are: all but
 * controls, space, < > " { } | \ ^ ` (RFC 3987 excludes them), and the three
 * that need a closer look: "%", "#" and C2, the lead byte of the C1 controls.
 */
static const unsigned char iri_plain[256] = {
    ['!'] = 1,           ['$'] = 1,           ['&'] = 1, ['\''] = 1, ['('] = 1,         [')'] = 1,
    ['*'] = 1,           ['+'] = 1,           [','] = 1, ['-'] = 1,  ['.'] = 1,         ['/'] = 1,
    ['0' ... '9'] = 1,   [':'] = 1,           [';'] = 1, ['='] = 1,  ['?'] = 1,         ['@'] = 1,
    ['A' ... 'Z'] = 1,   ['['] = 1,           [']'] = 1, ['_'] = 1,  ['a' ... 'z'] = 1, ['~'] = 1,
    [0x80 ... 0xC1] = 1, [0xC3 ... 0xFF] = 1,
};

int xapi_iri_valid(const char *s)
{
    if (!s || !is_alpha((unsigned char)*s))
        return 0;
    const unsigned char *q = (const unsigned char *)s + 1;
    while (is_alnum(*q) || *q == '+' || *q == '-' || *q == '.')
        q++;
    if (*q != ':' || !q[1])
        return 0;
    int fragments = 0;
    for (q++; *q; q++) {
        if (iri_plain[*q])
            continue;
        switch (*q) {
        case '%':
            if (!is_hex(q[1]) || !is_hex(q[2]))
                return 0;
            q += 2;
            break;
        case '#':
            if (++fragments > 1)
                return 0;
            break;
        case 0xC2: /* U+0080..U+009F, the C1 controls, are C2 80..C2 9F */
            if (q[1] >= 0x80 && q[1] <= 0x9F)
                return 0;
            break;
        default:
            return 0;
        }
    }
    return 1;
}

/* --------------------------------------------------------- language tags */

/*
 * The tags RFC 5646 keeps for compatibility. The "regular" ones also match
 * the langtag grammar; the irregular ones do not and must be listed.
 */
static const char *const grandfathered[] = {
    "en-GB-oed", "i-ami",     "i-bnn",     "i-default",  "i-enochian",  "i-hak",  "i-klingon",
    "i-lux",     "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",       "i-tay",  "i-tsu",
    "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
    "zh-guoyu",  "zh-hakka",  "zh-min",    "zh-min-nan", "zh-xiang",
};

/*
 * Reads the subtag at *Q into START and LEN and moves *Q past it and its
 * "-". Returns 1 for a subtag, 0 at the end, -1 for an empty subtag or a
 * character other than a letter or digit.
 */
static int next_subtag(const char **q, const char **start, size_t *len)
{
    const char *s = *q;
    if (!s)
        return 0;
    size_t n = 0;
    while (is_alnum((unsigned char)s[n]))
        n++;
    if (n == 0 || (s[n] && s[n] != '-'))
        return -1;
    *start = s;
    *len = n;
    if (s[n] == '-') {
        *q = s + n + 1;
        if (!**q) /* a trailing "-" is an empty last subtag */
            return -1;
    } else {
        *q = NULL;
    }
    return 1;
}

static int all_alpha(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alpha((unsigned char)s[i]))
            return 0;
    return 1;
}

static int all_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* The rest of a private use sequence: one or more subtags of 1 to 8 characters. */
static int privateuse_rest(const char *q)
{
    const char *t;
    size_t n;
    int r, count = 0;
    while ((r = next_subtag(&q, &t, &n)) == 1) {
        if (n > 8)
            return 0;
        count++;
    }
    return r == 0 && count > 0;
}

/* More variants than this in one tag (no real tag has more than two) are rejected. */
#define LANG_MAX_VARIANTS 16

/* The langtag and privateuse productions of RFC 5646, with the checks of 2.2.9. */
static int lang_tag_parse(const char *s)
{
    const char *q = s, *t;
    size_t n;
    if (next_subtag(&q, &t, &n) != 1)
        return 0;
    if (n == 1)
        return (*t == 'x' || *t == 'X') && privateuse_rest(q);
    if (!all_alpha(t, n) || n > 8)
        return 0;

    /*
     * After the language the subtags come in a fixed order; STAGE is the
     * earliest kind that may still come: 1 extlang, 2 script, 3 region,
     * 4 variant, 5 extension.
     */
    int stage = n <= 3 ? 1 : 2, extlangs = 0;
    const char *variants[LANG_MAX_VARIANTS];
    size_t variant_len[LANG_MAX_VARIANTS], nvariants = 0;
    unsigned long long singletons = 0; /* one bit per letter or digit seen */
    int extension_subtags = -1;        /* subtags of the current extension; -1: none open */
    int r;
    while ((r = next_subtag(&q, &t, &n)) == 1) {
        if (n == 1) {
            if (extension_subtags == 0)
                return 0; /* the previous singleton had no subtag */
            if (*t == 'x' || *t == 'X')
                return privateuse_rest(q);
            int c = lower((unsigned char)*t);
            int bit = is_digit(c) ? c - '0' : 10 + (c - 'a');
            if (singletons & (1ull << bit))
                return 0; /* RFC 5646 2.2.9: each singleton at most once */
            singletons |= 1ull << bit;
            stage = 5;
            extension_subtags = 0;
            continue;
        }
        if (n > 8)
            return 0;
        if (stage == 5) {
            extension_subtags++; /* 2 to 8 letters or digits */
            continue;
        }
        if (stage == 1 && n == 3 && all_alpha(t, n) && extlangs < 3) {
            extlangs++;
            continue;
        }
        if (stage <= 2 && n == 4 && all_alpha(t, n)) {
            stage = 3;
            continue;
        }
        if (stage <= 3 && ((n == 2 && all_alpha(t, n)) || (n == 3 && all_digit(t, n)))) {
            stage = 4;
            continue;
        }
        if (n >= 5 || (n == 4 && is_digit((unsigned char)*t))) {
            /* A variant; none may repeat (RFC 5646 2.2.9). */
            if (nvariants == LANG_MAX_VARIANTS)
                return 0;
            for (size_t i = 0; i < nvariants; i++)
                if (variant_len[i] == n && strncasecmp(variants[i], t, n) == 0)
                    return 0;
            variants[nvariants] = t;
            variant_len[nvariants++] = n;
            stage = 4;
            continue;
        }
        return 0;
    }
    return r == 0 && extension_subtags != 0;
}

int xapi_lang_tag_valid(const char *s)
{
    if (!s || !*s)
        return 0;
    if (lang_tag_parse(s))
        return 1;
    for (size_t i = 0; i < sizeof(grandfathered) / sizeof(grandfathered[0]); i++)
        if (strcasecmp(s, grandfathered[i]) == 0)
            return 1;
    return 0;
}

/* -------------------------------------------------------------- duration */

/* Reads digits with an optional "." or "," fraction; NULL when there are no digits. */
static const char *duration_number(const char *q, int *fraction)
{
    if (!is_digit((unsigned char)*q))
        return NULL;
    while (is_digit((unsigned char)*q))
        q++;
    *fraction = 0;
    if (*q == '.' || *q == ',') {
        q++;
        if (!is_digit((unsigned char)*q))
            return NULL;
        while (is_digit((unsigned char)*q))
            q++;
        *fraction = 1;
    }
    return q;
}

int xapi_duration_valid(const char *s)
{
    if (!s || s[0] != 'P' || !s[1])
        return 0;
    const char *q = s + 1;
    const char *units = "YMD"; /* the designators that may still come, in order */
    int parts = 0, in_time = 0, fraction = 0;
    while (*q) {
        if (*q == 'T') {
            if (in_time || !q[1])
                return 0;
            in_time = 1;
            units = "HMS";
            q++;
            continue;
        }
        if (fraction)
            return 0; /* only the lowest-order part may have a fraction */
        const char *e = duration_number(q, &fraction);
        if (!e)
            return 0;
        if (*e == 'W')
            return parts == 0 && !in_time && e[1] == 0; /* weeks stand alone: P4W */
        const char *u = *e ? strchr(units, *e) : NULL;
        if (!u)
            return 0;
        units = u + 1;
        parts++;
        q = e + 1;
    }
    return parts > 0;
}

/* ------------------------------------------------------------- timestamp */

/* Reads exactly N digits at Q into *VAL; 0 when they are not there. */
static int read_digits(const char *q, int n, int *val)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((unsigned char)q[i]))
            return 0;
        v = v * 10 + (q[i] - '0');
    }
    *val = v;
    return 1;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/*
 * Reads a numeric offset at Q (the sign) in the extended (+hh:mm, +hh) or
 * basic (+hhmm, +hh) format; with REQUIRE_MINUTES only +hh:mm. Returns the
 * end or NULL. A negative zero is rejected: ISO 8601 writes a zero offset
 * with "+" (or Z), and xAPI requires the LRS to reject "-00:00".
 */
static const char *read_offset(const char *q, int extended, int require_minutes)
{
    int negative = *q == '-', hh, mm = 0;
    q++;
    if (!read_digits(q, 2, &hh) || hh > 23)
        return NULL;
    q += 2;
    if (extended && *q == ':') {
        if (!read_digits(q + 1, 2, &mm) || mm > 59)
            return NULL;
        q += 3;
    } else if (!extended && is_digit((unsigned char)*q)) {
        if (!read_digits(q, 2, &mm) || mm > 59)
            return NULL;
        q += 2;
    } else if (require_minutes) {
        return NULL;
    }
    if (negative && hh == 0 && mm == 0)
        return NULL;
    return q;
}

int xapi_timestamp_valid(const char *s, enum xapi_version v)
{
    if (!s)
        return 0;
    int rfc3339 = v == XAPI_V20;
    int year, month, day, hour, minute, second = 0;
    const char *q = s;
    if (!read_digits(q, 4, &year))
        return 0;
    q += 4;
    int extended = *q == '-';
    if (rfc3339 && !extended)
        return 0;
    q += extended;
    if (!read_digits(q, 2, &month))
        return 0;
    q += 2;
    if (extended) {
        if (*q != '-')
            return 0;
        q++;
    }
    if (!read_digits(q, 2, &day))
        return 0;
    q += 2;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return 0;
    if (*q != 'T' && *q != 't')
        return 0;
    q++;
    if (!read_digits(q, 2, &hour) || hour > 23)
        return 0;
    q += 2;
    if (extended && *q++ != ':')
        return 0;
    if (!read_digits(q, 2, &minute) || minute > 59)
        return 0;
    q += 2;
    /* Seconds: required by RFC 3339, optional in ISO 8601 (reduced precision). */
    int has_seconds = extended ? *q == ':' : is_digit((unsigned char)*q);
    if (rfc3339 && !has_seconds)
        return 0;
    if (has_seconds) {
        q += extended;
        if (!read_digits(q, 2, &second) || second > 60)
            return 0;
        q += 2;
        if (*q == '.' || (!rfc3339 && *q == ',')) {
            q++;
            if (!is_digit((unsigned char)*q))
                return 0;
            while (is_digit((unsigned char)*q))
                q++;
        }
    }
    if (*q == 'Z' || *q == 'z') {
        q++;
    } else if (*q == '+' || *q == '-') {
        q = read_offset(q, extended, rfc3339);
        if (!q)
            return 0;
    } else if (rfc3339) {
        return 0; /* RFC 3339 requires the offset */
    }
    return *q == 0;
}

/* ------------------------------------------------------------ mbox, sha1 */

int xapi_mbox_valid(const char *s)
{
    if (!s || strncmp(s, "mailto:", 7) != 0)
        return 0;
    const unsigned char *q = (const unsigned char *)s + 7;
    size_t local = 0;
    for (; *q && *q != '@'; q++, local++) {
        if (*q == '%') {
            if (!is_hex(q[1]) || !is_hex(q[2]))
                return 0;
            q += 2;
        } else if (!is_alnum(*q) && *q < 0x80 && !strchr("!#$&'*+-./=^_`{|}~", *q)) {
            return 0;
        }
    }
    if (local == 0 || *q != '@')
        return 0;
    size_t label = 0;
    for (q++; *q; q++) {
        if (*q == '.') {
            if (label == 0)
                return 0;
            label = 0;
        } else if (is_alnum(*q) || *q == '-' || *q >= 0x80) {
            label++;
        } else {
            return 0;
        }
    }
    return label > 0;
}

int xapi_sha1_hex_valid(const char *s)
{
    if (!s)
        return 0;
    for (int i = 0; i < 40; i++)
        if (!is_hex((unsigned char)s[i]))
            return 0;
    return s[40] == 0;
}

/* ------------------------------------------------------ paths, problems */

void xapi_path_init(struct xapi_path *path, const char *prefix)
{
    path->prefix = prefix ? prefix : "";
    path->depth = 0;
}

static size_t path_push(struct xapi_path *path, const char *key, size_t index, int entry)
{
    size_t mark = path->depth++;
    if (mark < XAPI_PATH_DEPTH) {
        path->seg[mark].key = key;
        path->seg[mark].index = index;
        path->seg[mark].entry = entry;
    }
    return mark;
}

size_t xapi_path_key(struct xapi_path *path, const char *key)
{
    return path_push(path, key, 0, 0);
}

size_t xapi_path_entry(struct xapi_path *path, const char *key)
{
    return path_push(path, key, 0, 1);
}

size_t xapi_path_index(struct xapi_path *path, size_t i)
{
    return path_push(path, NULL, i, 0);
}

void xapi_path_pop(struct xapi_path *path, size_t mark)
{
    if (mark < path->depth)
        path->depth = mark;
}

/* Text being rendered into a fixed buffer; what does not fit is dropped. */
struct out {
    char *buf;
    size_t size, len;
};

static void out_add(struct out *o, const char *s, size_t n)
{
    size_t room = o->size - 1 - o->len;
    if (n > room)
        n = room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static int is_identifier(const char *key)
{
    if (!is_alpha((unsigned char)*key) && *key != '_')
        return 0;
    for (const char *k = key + 1; *k; k++)
        if (!is_alnum((unsigned char)*k) && *k != '_')
            return 0;
    return 1;
}

/* ["key"], escaped like a JSON string. */
static void out_quoted(struct out *o, const char *key)
{
    out_add(o, "[\"", 2);
    for (const char *k = key; *k; k++) {
        unsigned char c = (unsigned char)*k;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            out_add(o, esc, 2);
        } else if (c < 0x20) {
            char esc[8];
            int n = snprintf(esc, sizeof(esc), "\\u%04x", c);
            out_add(o, esc, (size_t)n);
        } else {
            out_add(o, k, 1);
        }
    }
    out_add(o, "\"]", 2);
}

size_t xapi_path_render(const struct xapi_path *path, char *out, size_t size)
{
    /* Rendered whole first, then cut at a character boundary by utf8_copy. */
    char buf[1024];
    struct out o = {buf, sizeof(buf), 0};
    out_add(&o, path->prefix, strlen(path->prefix));
    size_t n = path->depth < XAPI_PATH_DEPTH ? path->depth : XAPI_PATH_DEPTH;
    for (size_t i = 0; i < n; i++) {
        const char *key = path->seg[i].key;
        if (!key) {
            char num[32];
            int len = snprintf(num, sizeof(num), "[%zu]", path->seg[i].index);
            out_add(&o, num, (size_t)len);
        } else if (!path->seg[i].entry && is_identifier(key)) {
            if (o.len > 0)
                out_add(&o, ".", 1);
            out_add(&o, key, strlen(key));
        } else {
            out_quoted(&o, key);
        }
    }
    if (path->depth > XAPI_PATH_DEPTH)
        out_add(&o, "…", strlen("…"));
    buf[o.len] = 0;
    return utf8_copy(out, size, buf);
}

int xapi_problem_set(struct xapi_problem *p, const struct xapi_path *path, const char *msg,
                     const char *arg)
{
    if (path)
        xapi_path_render(path, p->path, sizeof(p->path));
    else
        p->path[0] = 0;
    p->msg = msg;
    utf8_copy(p->arg, sizeof(p->arg), arg ? arg : "");
    return XAPI_ERR_INVALID;
}

int xapi_value_problem(const json_t *v, const struct xapi_path *path, struct xapi_problem *p,
                       const char *msg)
{
    return xapi_problem_set(p, path, json_is_null(v) ? "xapi_null" : msg, NULL);
}

int xapi_string_check(const json_t *v, const struct xapi_path *path, struct xapi_problem *p,
                      const char **out)
{
    const char *s = json_string_value(v);
    /* A string with a NUL inside would be judged by its first part only. */
    if (!s || strlen(s) != json_string_length(v))
        return xapi_value_problem(v, path, p, "xapi_not_string");
    *out = s;
    return XAPI_OK;
}

int xapi_keys_check(const json_t *obj, const char *const *allowed, const char *nullable,
                    const char *kind, struct xapi_path *path, struct xapi_problem *p)
{
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)obj, key, value) {
        const char *const *a = allowed;
        while (*a && ((*a)[0] != key[0] || strcmp(*a, key) != 0)) /* most differ at once */
            a++;
        if (!*a) {
            xapi_path_key(path, key);
            /* Tell a wrongly cased property ("Version") from an unknown one. */
            for (a = allowed; *a; a++)
                if (strcasecmp(*a, key) == 0)
                    return xapi_problem_set(p, path, "xapi_property_case", *a);
            return xapi_problem_set(p, path, "xapi_property_unknown", kind);
        }
        if (json_is_null(value) && !(nullable && strcmp(key, nullable) == 0)) {
            xapi_path_key(path, key);
            return xapi_problem_set(p, path, "xapi_null", NULL);
        }
    }
    return XAPI_OK;
}

/* ---------------------------------------------------------------- agents */

static const char *const agent_keys[] = {"objectType", "name",    "mbox", "mbox_sha1sum",
                                         "openid",     "account", NULL};
static const char *const group_keys[] = {"objectType", "name",    "mbox",   "mbox_sha1sum",
                                         "openid",     "account", "member", NULL};
static const char *const account_keys[] = {"homePage", "name", NULL};

/* A member that must be there: the problem "is required" at PATH.KEY. */
static int required_problem(struct xapi_path *path, const char *key, struct xapi_problem *p)
{
    xapi_path_key(path, key);
    return xapi_problem_set(p, path, "xapi_required", NULL);
}

static int account_check(const json_t *account, struct xapi_path *path, struct xapi_problem *p)
{
    if (!json_is_object(account))
        return xapi_value_problem(account, path, p, "xapi_not_object");
    int rc = xapi_keys_check(account, account_keys, NULL, "Account", path, p);
    if (rc)
        return rc;
    const json_t *home = json_object_get(account, "homePage");
    const json_t *name = json_object_get(account, "name");
    if (!home)
        return required_problem(path, "homePage", p);
    if (!name)
        return required_problem(path, "name", p);
    const char *s;
    size_t mark = xapi_path_key(path, "homePage");
    if ((rc = xapi_string_check(home, path, p, &s)))
        return rc;
    if (!xapi_iri_valid(s))
        return xapi_problem_set(p, path, "xapi_irl", NULL);
    xapi_path_pop(path, mark);
    xapi_path_key(path, "name");
    if ((rc = xapi_string_check(name, path, p, &s)))
        return rc;
    xapi_path_pop(path, mark);
    return XAPI_OK;
}

/* Checks the identifiers of an Agent or Group and counts them into *COUNT. */
static int ifis_check(const json_t *a, struct xapi_path *path, struct xapi_problem *p, int *count)
{
    static const char *const ifis[] = {"mbox", "mbox_sha1sum", "openid"};
    static const char *const msgs[] = {"xapi_mbox", "xapi_sha1", "xapi_iri"};
    int rc;
    *count = 0;
    for (int i = 0; i < 3; i++) {
        const json_t *v = json_object_get(a, ifis[i]);
        if (!v)
            continue;
        ++*count;
        const char *s;
        size_t mark = xapi_path_key(path, ifis[i]);
        if ((rc = xapi_string_check(v, path, p, &s)))
            return rc;
        int ok = i == 0 ? xapi_mbox_valid(s) : i == 1 ? xapi_sha1_hex_valid(s) : xapi_iri_valid(s);
        if (!ok)
            return xapi_problem_set(p, path, msgs[i], NULL);
        xapi_path_pop(path, mark);
    }
    const json_t *account = json_object_get(a, "account");
    if (account) {
        ++*count;
        size_t mark = xapi_path_key(path, "account");
        if ((rc = account_check(account, path, p)))
            return rc;
        xapi_path_pop(path, mark);
    }
    return XAPI_OK;
}

static int agent_check(const json_t *a, enum xapi_version v, struct xapi_path *path,
                       struct xapi_problem *p, int in_group)
{
    if (!json_is_object(a))
        return xapi_value_problem(a, path, p, "xapi_not_object");
    int rc, group = 0;
    const json_t *type = json_object_get(a, "objectType");
    if (type) {
        const char *t;
        size_t mark = xapi_path_key(path, "objectType");
        if ((rc = xapi_string_check(type, path, p, &t)))
            return rc;
        group = strcmp(t, "Group") == 0;
        if (group && in_group)
            return xapi_problem_set(p, path, "xapi_member_agent", NULL);
        if (!group && strcmp(t, "Agent") != 0)
            return xapi_problem_set(p, path, "xapi_enum", in_group ? "Agent" : "Agent, Group");
        xapi_path_pop(path, mark);
    }
    if ((rc = xapi_keys_check(a, group ? group_keys : agent_keys, NULL, group ? "Group" : "Agent",
                              path, p)))
        return rc;
    const json_t *name = json_object_get(a, "name");
    if (name) {
        const char *s;
        size_t mark = xapi_path_key(path, "name");
        if ((rc = xapi_string_check(name, path, p, &s)))
            return rc;
        xapi_path_pop(path, mark);
    }
    int count;
    if ((rc = ifis_check(a, path, p, &count)))
        return rc;
    if (group ? count > 1 : count != 1) {
        char n[16];
        snprintf(n, sizeof(n), "%d", count);
        return xapi_problem_set(p, path, group ? "xapi_ifi_count_group" : "xapi_ifi_count", n);
    }
    if (!group)
        return XAPI_OK;
    const json_t *member = json_object_get(a, "member");
    size_t mark = xapi_path_key(path, "member");
    if (!member) {
        if (count == 0)
            return xapi_problem_set(p, path, "xapi_group_member_required", NULL);
        xapi_path_pop(path, mark);
        return XAPI_OK;
    }
    if (!json_is_array(member))
        return xapi_value_problem(member, path, p, "xapi_not_array");
    if (count == 0 && json_array_size(member) == 0)
        return xapi_problem_set(p, path, "xapi_group_member_required", NULL);
    size_t i;
    json_t *m;
    json_array_foreach (member, i, m) {
        size_t im = xapi_path_index(path, i);
        if ((rc = agent_check(m, v, path, p, 1)))
            return rc;
        xapi_path_pop(path, im);
    }
    xapi_path_pop(path, mark);
    return XAPI_OK;
}

int xapi_agent_check(const json_t *agent, enum xapi_version v, struct xapi_path *path,
                     struct xapi_problem *p)
{
    return agent_check(agent, v, path, p, 0);
}

int xapi_agent_validate(const json_t *agent, enum xapi_version v, const char *path,
                        struct xapi_problem *p)
{
    struct xapi_path where;
    xapi_path_init(&where, path);
    return agent_check(agent, v, &where, p, 0);
}

/* Writes PREFIX, A and (when not NULL) " " B into OUT; XAPI_ERR_NOMEM when it does not fit. */
static int key_put(char *out, size_t size, const char *prefix, const char *a, const char *b)
{
    int n =
        b ? snprintf(out, size, "%s%s %s", prefix, a, b) : snprintf(out, size, "%s%s", prefix, a);
    if (n < 0 || (size_t)n >= size) {
        if (size)
            out[0] = 0;
        return XAPI_ERR_NOMEM;
    }
    return XAPI_OK;
}

int xapi_agent_key(const json_t *agent, char *out, size_t size)
{
    if (size)
        out[0] = 0;
    if (!json_is_object(agent))
        return -1;
    const char *s;
    if ((s = json_get_str(agent, "mbox")))
        return key_put(out, size, "mbox:", s, NULL);
    if ((s = json_get_str(agent, "mbox_sha1sum"))) {
        int rc = key_put(out, size, "mbox_sha1sum:", s, NULL);
        if (rc == XAPI_OK) /* hex digits compare case-insensitively: keep one spelling */
            for (char *c = out + strlen("mbox_sha1sum:"); *c; c++)
                *c = (char)lower((unsigned char)*c);
        return rc;
    }
    if ((s = json_get_str(agent, "openid")))
        return key_put(out, size, "openid:", s, NULL);
    const json_t *account = json_object_get(agent, "account");
    const char *home = json_get_str(account, "homePage"), *name = json_get_str(account, "name");
    if (home && name)
        return key_put(out, size, "account:", home, name);
    return -1;
}
