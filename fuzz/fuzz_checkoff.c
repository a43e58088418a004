/*
 * Fuzzes the reading of checklist files (checkoff_catalog_build): the input
 * is one file content/checkoffs/x.json, beside a small framework whose one
 * item it may name. Either a valid catalog of one checklist whose every
 * string is there, or an error that names the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkoff/checkoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static const char framework[] =
    "{\"CFItems\":[{\"identifier\":\"945e920a-a630-5ac8-a7bc-809378909616\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct embedded_file files[] = {
        {"/checkoffs/hand-hygiene.json", data, size},
        {"/frameworks/demo.json", (const unsigned char *)framework, sizeof(framework) - 1},
    };
    struct checkoff_catalog *c = NULL;
    char why[512];
    int err = checkoff_catalog_build(files, 2, &c, why, sizeof(why));
    if (err) {
        CHECK(c == NULL);
        CHECK(err == CHECKOFF_ERR_INVALID || err == CHECKOFF_ERR_NOMEM);
        if (err == CHECKOFF_ERR_INVALID)
            CHECK(strncmp(why, "checkoffs/hand-hygiene.json: ", 29) == 0);
        return 0;
    }
    CHECK(c->n == 1);
    const struct checkoff_list *l = &c->lists[0];
    CHECK(strcmp(l->id, "hand-hygiene") == 0);
    CHECK(l->version >= 1);
    CHECK(l->title.en && *l->title.en && l->title.zh && *l->title.zh);
    CHECK(l->description.en && l->description.zh && l->source);
    CHECK(l->nitems == 1 && strcmp(l->items[0], "945e920a-a630-5ac8-a7bc-809378909616") == 0);
    CHECK(l->nsteps >= 1 && l->nsteps <= CHECKOFF_MAX_STEPS);
    size_t critical = 0;
    for (size_t i = 0; i < l->nsteps; i++) {
        CHECK(checkoff_step_index(l, l->steps[i].id) == (int)i);
        CHECK(*l->steps[i].text.en && *l->steps[i].text.zh);
        critical += (size_t)l->steps[i].critical;
    }
    CHECK(critical == l->ncritical && critical >= 1);
    CHECK(checkoff_find(c, "hand-hygiene") == l);
    /* The outcome rule on every tick pattern of the first steps. */
    unsigned char ticks[CHECKOFF_MAX_STEPS] = {0};
    for (size_t i = 0; i < l->nsteps; i++)
        ticks[i] = (unsigned char)(data[i % size] & 1);
    struct checkoff_outcome o;
    checkoff_outcome(l, ticks, &o);
    CHECK(o.total == l->nsteps && o.ticked <= o.total && o.critical_missed <= o.critical_total);
    CHECK(!o.passed ||
          (o.critical_missed == 0 && o.ticked * 100 >= o.total * CHECKOFF_PASS_PERCENT));
    checkoff_catalog_free(&c);
    return 0;
}
