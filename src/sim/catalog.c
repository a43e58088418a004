#include "sim/catalog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/alloc.h"
#include "util/banned.h"

#define UUID_LEN 36

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char (*items)[UUID_LEN + 1];
static size_t nitems;

static int by_uuid(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads every CFItem identifier of every bundled framework into the sorted table. */
static void load_items(void)
{
    size_t cap = 0;
    for (size_t f = 0; f < content_files_count; f++) {
        const struct embedded_file *e = &content_files[f];
        if (!starts_with(e->path, "/frameworks/") || !ends_with(e->path, ".json"))
            continue;
        json_t *root = json_loadb((const char *)e->data, e->size, 0, NULL);
        json_t *list = json_object_get(root, "CFItems");
        for (size_t i = 0; i < json_array_size(list); i++) {
            const char *id =
                json_string_value(json_object_get(json_array_get(list, i), "identifier"));
            if (!id || strlen(id) != UUID_LEN)
                continue;
            if (nitems == cap) {
                size_t ncap = cap ? cap * 2 : 512;
                char(*n)[UUID_LEN + 1] = cc_realloc(items, ncap * sizeof(*items));
                if (!n)
                    break;
                items = n;
                cap = ncap;
            }
            memcpy(items[nitems++], id, UUID_LEN + 1);
        }
        json_decref(root);
    }
    if (nitems)
        qsort(items, nitems, sizeof(*items), by_uuid);
}

int sim_catalog_item_known(const char *uuid, void *ctx)
{
    (void)ctx;
    pthread_once(&once, load_items);
    if (strlen(uuid) != UUID_LEN || !nitems)
        return 0;
    return bsearch(uuid, items, nitems, sizeof(*items), by_uuid) != NULL;
}

size_t sim_catalog_item_count(void)
{
    pthread_once(&once, load_items);
    return nitems;
}

const struct embedded_file *sim_catalog_scenario(const char *id)
{
    char path[128];
    if (strlen(id) > 64 || strchr(id, '/'))
        return NULL;
    snprintf(path, sizeof(path), "/scenarios/%s.json", id);
    return embedded_find(content_files, content_files_count, path);
}

const struct embedded_file *sim_catalog_scenario_at(size_t i)
{
    /* The table is sorted by path, so the scenarios are one run in id order. */
    for (size_t f = 0; f < content_files_count; f++) {
        const struct embedded_file *e = &content_files[f];
        if (starts_with(e->path, "/scenarios/") && ends_with(e->path, ".json") && i-- == 0)
            return e;
    }
    return NULL;
}
