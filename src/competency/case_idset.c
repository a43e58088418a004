/* A set of strings with an int each (competency/case_internal.h). */
#include <string.h>

#include "competency/case_internal.h"
#include "util/alloc.h"
#include "util/banned.h"

void case_idset_init(struct case_idset *s, int own)
{
    memset(s, 0, sizeof(*s));
    s->own = own;
}

void case_idset_release(struct case_idset *s)
{
    if (s->own)
        for (size_t i = 0; i < s->cap; i++)
            cc_free(s->keys[i]);
    cc_free(s->keys);
    cc_free(s->values);
    case_idset_init(s, s->own);
}

static uint64_t hash(const char *k)
{
    uint64_t h = 1469598103934665603ull;
    for (; *k; k++) {
        h ^= (unsigned char)*k;
        h *= 1099511628211ull;
    }
    return h;
}

/* The slot of KEY, or of the empty slot where it would go. CAP is a power of two. */
static size_t slot(char *const *keys, size_t cap, const char *key)
{
    size_t i = (size_t)hash(key) & (cap - 1);
    while (keys[i] && strcmp(keys[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(struct case_idset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **keys = cc_calloc(cap, sizeof(*keys));
    int *values = cc_calloc(cap, sizeof(*values));
    if (!keys || !values) {
        cc_free(keys);
        cc_free(values);
        return CASE_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->keys[i]) {
            size_t j = slot(keys, cap, s->keys[i]);
            keys[j] = s->keys[i];
            values[j] = s->values[i];
        }
    cc_free(s->keys);
    cc_free(s->values);
    s->keys = keys;
    s->values = values;
    s->cap = cap;
    return CASE_OK;
}

int case_idset_put(struct case_idset *s, const char *key, int value, int *previous)
{
    *previous = -1;
    /* Kept at most half full, so that probes stay short. */
    if ((s->len + 1) * 2 > s->cap && grow(s))
        return CASE_ERR_NOMEM;
    size_t i = slot(s->keys, s->cap, key);
    if (s->keys[i]) {
        *previous = s->values[i];
        return CASE_OK;
    }
    char *k = s->own ? cc_strdup(key) : (char *)key;
    if (!k)
        return CASE_ERR_NOMEM;
    s->keys[i] = k;
    s->values[i] = value;
    s->len++;
    return CASE_OK;
}

int case_idset_get(const struct case_idset *s, const char *key)
{
    if (!s->cap)
        return -1;
    size_t i = slot(s->keys, s->cap, key);
    return s->keys[i] ? s->values[i] : -1;
}
