/*
 * Bounded JSON reading and writing over jansson. Request bodies are parsed
 * with a size and depth limit checked before jansson sees them (jansson's own
 * depth limit is 2048); invalid UTF-8 and duplicate keys are rejected.
 */
#ifndef CC_UTIL_JSON_H
#define CC_UTIL_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"

enum json_read_result {
    JSON_READ_OK = 0,
    JSON_READ_BAD = -1,      /* not JSON, not UTF-8, or not an object when one is required */
    JSON_READ_TOO_DEEP = -2, /* nests deeper than the limit */
};

#define JSON_MAX_DEPTH 32

/*
 * Parses DATA (LEN bytes) into *OUT (a new reference) when it nests at most
 * MAX_DEPTH levels. With REQUIRE_OBJECT the top level must be an object.
 */
int json_read(const char *data, size_t len, int max_depth, int require_object, json_t **out)
    __attribute__((warn_unused_result));

/* The deepest nesting of arrays and objects in DATA, counting past at most LIMIT+1. */
int json_depth(const char *data, size_t len, int limit);

/* Serialises V compactly (keys in insertion order) into OUT. */
int json_write(const json_t *v, struct buf *out) __attribute__((warn_unused_result));

/* Where a value lies in a JSON text. */
struct json_span {
    const char *p; /* NULL when absent */
    size_t len;
};

/*
 * Finds the members KEYS[0..N) at the top level of the JSON object text DATA
 * (LEN bytes, well-formed, as jansson writes it) in one pass, without parsing
 * the rest, for readers that need a few members of large documents: SPANS[i]
 * is the value of KEYS[i] (p NULL when absent). Returns 0, or -1 when DATA is
 * not an object or a key holds an escape (such a document is to be parsed).
 */
int json_member_spans(const char *data, size_t len, const char *const *keys, size_t n,
                      struct json_span *spans);

/* The string member KEY of OBJ, or NULL when absent or not a string. */
const char *json_get_str(const json_t *obj, const char *key);

#endif
