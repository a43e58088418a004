#include "util/json.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

int json_depth(const char *data, size_t len, int limit)
{
    int depth = 0, deepest = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest) {
                deepest = depth;
                if (deepest > limit)
                    return deepest;
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return deepest;
}

int json_read(const char *data, size_t len, int max_depth, int require_object, json_t **out)
{
    *out = NULL;
    if (json_depth(data, len, max_depth) > max_depth)
        return JSON_READ_TOO_DEEP;
    json_error_t err;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!v)
        return JSON_READ_BAD;
    if (require_object && !json_is_object(v)) {
        json_decref(v);
        return JSON_READ_BAD;
    }
    *out = v;
    return JSON_READ_OK;
}

/*
 * json_write writes what json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) does,
 * byte for byte, several times faster: jansson walks each string code point
 * by code point and keeps a hash table of the containers it is in (to catch
 * a value that contains itself); here strings are copied in runs between
 * the bytes that need escaping, and a depth limit stands in for the loop
 * check. Reals, rare, are still written by jansson, whose float formatting
 * this keeps.
 */
#define WRITE_MAX_DEPTH 2048

/* 1 for the bytes jansson escapes in a string: controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

static int write_string(const char *s, size_t len, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    if (buf_addc(out, '"'))
        return -1;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!needs_escape[c])
            continue;
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"':
        case '\\':
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        if (buf_add(out, s + run, i - run) || buf_add(out, esc, n))
            return -1;
        run = i + 1;
    }
    if (buf_add(out, s + run, len - run) || buf_addc(out, '"'))
        return -1;
    return 0;
}

static int write_value(const json_t *v, struct buf *out, int depth)
{
    char num[64];
    int n;
    if (!v || depth > WRITE_MAX_DEPTH)
        return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *member;
        int first = 1;
        if (buf_addc(out, '{'))
            return -1;
        json_object_foreach ((json_t *)v, key, member) {
            if ((!first && buf_addc(out, ',')) || write_string(key, strlen(key), out) ||
                buf_addc(out, ':') || write_value(member, out, depth + 1))
                return -1;
            first = 0;
        }
        return buf_addc(out, '}') ? -1 : 0;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *item;
        if (buf_addc(out, '['))
            return -1;
        json_array_foreach (v, i, item) {
            if ((i && buf_addc(out, ',')) || write_value(item, out, depth + 1))
                return -1;
        }
        return buf_addc(out, ']') ? -1 : 0;
    }
    case JSON_STRING:
        return write_string(json_string_value(v), json_string_length(v), out);
    case JSON_INTEGER:
        n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return n > 0 && (size_t)n < sizeof(num) && !buf_add(out, num, (size_t)n) ? 0 : -1;
    case JSON_REAL: {
        size_t len = json_dumpb(v, num, sizeof(num), JSON_COMPACT | JSON_ENCODE_ANY);
        return len > 0 && len <= sizeof(num) && !buf_add(out, num, len) ? 0 : -1;
    }
    case JSON_TRUE:
        return buf_adds(out, "true") ? -1 : 0;
    case JSON_FALSE:
        return buf_adds(out, "false") ? -1 : 0;
    case JSON_NULL:
        return buf_adds(out, "null") ? -1 : 0;
    }
    return -1;
}

int json_write(const json_t *v, struct buf *out)
{
    return write_value(v, out, 0) ? BUF_NOMEM : 0;
}

const char *json_get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static size_t skip_space(const char *p, size_t i, size_t len)
{
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    return i;
}

/* The end of the string whose opening quote is at I (the index after its closing quote). */
static size_t skip_string(const char *p, size_t i, size_t len, int *escaped)
{
    for (i++; i < len;) {
        const char *q = memchr(p + i, '"', len - i);
        if (!q)
            return len;
        size_t at = (size_t)(q - p), back = 0;
        while (at - back > i && p[at - back - 1] == '\\')
            back++;
        if (back)
            *escaped = 1;
        if (back % 2 == 0)
            return at + 1;
        i = at + 1; /* an escaped quote */
    }
    return len;
}

/* The end of the value starting at I: where, outside strings, its nesting returns to zero. */
static size_t skip_value(const char *p, size_t i, size_t len)
{
    int depth = 0, escaped = 0;
    while (i < len) {
        char c = p[i];
        if (c == '"') {
            i = skip_string(p, i, len, &escaped);
            if (!depth)
                return i;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (!depth)
                return i;
            if (!--depth)
                return i + 1;
        } else if (!depth && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            return i;
        }
        i++;
    }
    return i;
}

int json_member_spans(const char *data, size_t len, const char *const *keys, size_t n,
                      struct json_span *spans)
{
    for (size_t k = 0; k < n; k++)
        spans[k] = (struct json_span){NULL, 0};
    size_t i = skip_space(data, 0, len);
    if (i >= len || data[i] != '{')
        return -1;
    i = skip_space(data, i + 1, len);
    while (i < len && data[i] == '"') {
        int escaped = 0;
        size_t kstart = i + 1, kend = skip_string(data, i, len, &escaped);
        if (escaped || kend <= kstart || data[kend - 1] != '"' ||
            memchr(data + kstart, '\\', kend - 1 - kstart))
            return -1; /* unterminated, or an escape to decode */
        i = skip_space(data, kend, len);
        if (i >= len || data[i] != ':')
            return -1;
        i = skip_space(data, i + 1, len);
        size_t vstart = i, vend = skip_value(data, i, len);
        if (vend == vstart)
            return -1;
        size_t klen = kend - 1 - kstart;
        for (size_t k = 0; k < n; k++) {
            if (!spans[k].p && strlen(keys[k]) == klen &&
                memcmp(data + kstart, keys[k], klen) == 0) {
                spans[k] = (struct json_span){data + vstart, vend - vstart};
                break;
            }
        }
        i = skip_space(data, vend, len);
        if (i < len && data[i] == ',')
            i = skip_space(data, i + 1, len);
        else
            break;
    }
    return i < len && data[i] == '}' ? 0 : -1;
}
