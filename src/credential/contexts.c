#include "credential/contexts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

static pthread_once_t parse_once = PTHREAD_ONCE_INIT;
static json_t **parsed; /* one per table entry; NULL when it failed to parse */

static void parse_all(void)
{
    /* Plain calloc: this lives for the whole process, like the table it mirrors. */
    parsed = calloc(jsonld_bundled_contexts_count, sizeof(*parsed));
    if (!parsed)
        return;
    for (size_t i = 0; i < jsonld_bundled_contexts_count; i++) {
        const struct embedded_file *f = &jsonld_bundled_contexts[i];
        parsed[i] = json_loadb((const char *)f->data, f->size, JSON_REJECT_DUPLICATES, NULL);
    }
}

const json_t *jsonld_context_document(const char *url)
{
    const struct embedded_file *f =
        embedded_find(jsonld_bundled_contexts, jsonld_bundled_contexts_count, url);
    if (!f)
        return NULL;
    pthread_once(&parse_once, parse_all);
    return parsed ? parsed[f - jsonld_bundled_contexts] : NULL;
}
