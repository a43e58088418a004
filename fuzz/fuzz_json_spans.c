/*
 * Fuzzes json_member_spans, the one-pass finder of top-level members that
 * the mastery engine reads statements with. On any input it must stay inside
 * the bytes it was given. On every object jansson reads (written back
 * compactly and indented, as stored statements are), each member it finds
 * must parse to the value jansson has for that key, and a key it misses must
 * be absent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

#define KEYS 8

static void compare(json_t *obj, const char *text)
{
    const char *keys[KEYS + 1];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach (obj, k, v) {
        if (n < KEYS)
            keys[n++] = k;
    }
    keys[n++] = "\x01 surely absent";
    struct json_span spans[KEYS + 1];
    int rc = json_member_spans(text, strlen(text), keys, n, spans);
    if (rc) {
        /* Refused only for a key written with an escape. */
        CHECK(strchr(text, '\\') != NULL);
        return;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(spans[i].p != NULL);
        CHECK(spans[i].p >= text && spans[i].p + spans[i].len <= text + strlen(text));
        json_t *got = json_loadb(spans[i].p, spans[i].len, JSON_DECODE_ANY, NULL);
        CHECK(got != NULL);
        CHECK(json_equal(got, json_object_get(obj, keys[i])));
        json_decref(got);
    }
    CHECK(spans[n - 1].p == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Any bytes: the spans stay within them. */
    const char *probe[] = {"actor", "object", "result", "id"};
    struct json_span spans[4];
    if (json_member_spans((const char *)data, size, probe, 4, spans) == 0) {
        for (int i = 0; i < 4; i++)
            CHECK(!spans[i].p || (spans[i].p >= (const char *)data &&
                                  spans[i].p + spans[i].len <= (const char *)data + size));
    }
    json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(v)) {
        json_decref(v);
        return 0;
    }
    char *compact = json_dumps(v, JSON_COMPACT), *indented = json_dumps(v, JSON_INDENT(2));
    if (compact)
        compare(v, compact);
    if (indented)
        compare(v, indented);
    free(compact);
    free(indented);
    json_decref(v);
    return 0;
}
