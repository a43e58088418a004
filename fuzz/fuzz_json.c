/*
 * Fuzzes bounded JSON reading: json_read with the API's depth limit, with
 * and without requiring an object, and json_depth. What is read must write
 * out (json_write, byte for byte as jansson's json_dumps) and read back as
 * the same value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

/* The nesting of arrays and objects in V (a scalar is 0). */
static int value_depth(json_t *v)
{
    int deepest = 0;
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        json_object_foreach (v, key, m) {
            int d = value_depth(m);
            if (d > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach (v, i, m) {
            int d = value_depth(m);
            if (d > deepest)
                deepest = d;
        }
        return deepest + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    int depth = json_depth(text, size, JSON_MAX_DEPTH);
    CHECK(depth >= 0 && depth <= JSON_MAX_DEPTH + 1);

    int results[2];
    for (int require_object = 0; require_object <= 1; require_object++) {
        json_t *v = (json_t *)1;
        int rc = json_read(text, size, JSON_MAX_DEPTH, require_object, &v);
        results[require_object] = rc;
        CHECK(rc == JSON_READ_OK || rc == JSON_READ_BAD || rc == JSON_READ_TOO_DEEP);
        CHECK((rc == JSON_READ_TOO_DEEP) == (depth > JSON_MAX_DEPTH));
        if (rc != JSON_READ_OK) {
            CHECK(v == NULL);
            continue;
        }
        CHECK(v != NULL);
        if (require_object)
            CHECK(json_is_object(v));
        /* The pre-check measured what jansson built: the limit holds. */
        CHECK(value_depth(v) == depth);

        /* Round trip: compact output that reads back equal and no deeper. */
        struct buf out;
        buf_init(&out, 4u << 20);
        if (json_write(v, &out) == 0) {
            /* Byte for byte what jansson writes. */
            char *dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            CHECK(dumped && strlen(dumped) == out.len && memcmp(dumped, out.data, out.len) == 0);
            free(dumped);
            json_t *again = NULL;
            CHECK(json_depth(out.data, out.len, JSON_MAX_DEPTH) <= depth);
            int rc2 = json_read(out.data, out.len, JSON_MAX_DEPTH, require_object, &again);
            CHECK(rc2 == JSON_READ_OK);
            CHECK(json_equal(v, again));
            json_decref(again);
        }
        buf_release(&out);
        json_decref(v);
    }
    /* Requiring an object only ever turns OK into BAD. */
    if (results[0] != JSON_READ_OK)
        CHECK(results[1] == results[0]);
    return 0;
}
