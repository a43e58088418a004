#include "util/json.h"

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

static int dump_cb(const char *p, size_t n, void *data)
{
    return buf_add(data, p, n) ? -1 : 0;
}

int json_write(const json_t *v, struct buf *out)
{
    return json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_ENCODE_ANY) ? BUF_NOMEM : 0;
}

const char *json_get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}
