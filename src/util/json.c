#include "util/json.h"

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
