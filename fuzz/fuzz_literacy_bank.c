/*
 * Fuzzes the reading of literacy item-bank files (literacy_bank_read_file,
 * literacy_bank_finish) and of learning-path resources. Either problems that
 * name a place and a known message, or items every one of which is
 * consistent: ids and texts present, keys among the choices, parameters
 * valid and stable through their JSON form, the key scoring full credit and
 * what the student sees carrying no key; the pool built from them lets the
 * adaptive engine pick only usable, unused items.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literacy/cat.h"
#include "literacy/item.h"
#include "literacy/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static void check_item(const struct literacy_item *it)
{
    CHECK(it->id && strncmp(it->id, "dl-", 3) == 0 && strlen(it->id) == 10);
    CHECK(it->competence >= 0 && it->competence < LITERACY_COMPETENCES);
    CHECK(it->area == literacy_competences[it->competence].area);
    CHECK(it->level >= 1 && it->level <= 8);
    CHECK(*it->stem.en && *it->stem.zh && *it->feedback.en && *it->feedback.zh);
    CHECK(it->nchoices >= 1 && it->nchoices <= LITERACY_MAX_CHOICES);
    CHECK(it->nkey >= 1 && it->nkey <= it->nchoices);
    for (int i = 0; i < it->nkey; i++) {
        CHECK(it->key[i] < it->nchoices);
        CHECK(!it->nav[it->key[i]]);
    }
    /* The parameters survive their JSON form. */
    json_t *j = literacy_irt_json(&it->irt);
    struct literacy_irt back;
    CHECK(j && literacy_irt_read(j, &back) == 0);
    CHECK(back.model == it->irt.model && back.m == it->irt.m && back.a == it->irt.a);
    json_decref(j);
    CHECK((it->irt.model == LITERACY_MODEL_GRM) == it->partial);
    /* The key earns full credit; a reversed ordering does not. */
    struct literacy_answer a = {0};
    for (int i = 0; i < it->nkey; i++)
        a.sel[a.n++] = it->key[i];
    CHECK(literacy_score(it, &a) == it->irt.m);
    json_t *ids = literacy_answer_json(it, &a);
    struct literacy_answer again;
    struct literacy_problem p;
    CHECK(ids && literacy_answer_read(it, ids, &again, &p) == LITERACY_OK);
    CHECK(literacy_score(it, &again) == it->irt.m);
    json_decref(ids);
    if (it->type == LITERACY_ORDERING) {
        struct literacy_answer rev = {0};
        for (int i = it->nkey - 1; i >= 0; i--)
            rev.sel[rev.n++] = it->key[i];
        int k = literacy_score(it, &rev);
        CHECK(k >= 0 && k < it->irt.m);
    }
    /* What the student sees carries no key, no feedback, no parameters. */
    json_t *seen = literacy_item_present(it, 7);
    CHECK(seen && !json_object_get(seen, "key") && !json_object_get(seen, "feedback") &&
          !json_object_get(seen, "irt"));
    json_decref(seen);
    /* Information and probabilities are finite and proper. */
    double pr[LITERACY_MAX_THRESHOLDS + 1], s = 0;
    literacy_irt_probs(&it->irt, 0.3, pr);
    for (int k = 0; k <= it->irt.m; k++)
        s += pr[k];
    CHECK(s > 0.999999 && s < 1.000001);
    CHECK(literacy_irt_info(&it->irt, 0.3) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct literacy_bank b;
    struct literacy_report *r = calloc(1, sizeof(*r));
    if (!r)
        return 0;
    literacy_bank_init(&b);
    int err = literacy_bank_read_file(&b, (const char *)data, size, "x.json", r);
    if (!err)
        err = literacy_bank_finish(&b, r);
    if (err) {
        CHECK(err == LITERACY_ERR_INVALID || err == LITERACY_ERR_NOMEM);
        for (size_t i = 0; i < r->n; i++) {
            char line[1024];
            CHECK(r->list[i].msg && strncmp(r->list[i].msg, "lit_", 4) == 0);
            CHECK(literacy_message(r->list[i].msg, LANG_ZH) != r->list[i].msg);
            literacy_problem_format(&r->list[i], LANG_EN, line, sizeof(line));
        }
        CHECK(err != LITERACY_ERR_INVALID || r->total >= 1);
    } else {
        for (size_t i = 0; i < b.n; i++) {
            check_item(&b.items[i]);
            CHECK(literacy_bank_find(&b, b.items[i].id) == &b.items[i]);
        }
        struct literacy_pool pool;
        struct literacy_settings s;
        struct literacy_cat c;
        literacy_settings_default(&s);
        if (!literacy_pool_build(&b, &pool)) {
            if (!literacy_cat_init(&c, &pool, &s, size)) {
                size_t next;
                for (int n = 0; n < 5 && literacy_cat_next(&c, &next) == 0; n++) {
                    CHECK(next < pool.n && !c.used[next] && pool.items[next].usable);
                    literacy_cat_answer(&c, next, NULL, n % 2 ? pool.items[next].irt.m : 0);
                }
                literacy_cat_release(&c);
            }
            literacy_pool_release(&pool);
        }
    }
    literacy_bank_release(&b);
    free(r);
    /* The same bytes as a resources file. */
    struct literacy_resources res;
    char why[512];
    if (literacy_resources_read((const char *)data, size, &res, why, sizeof(why)) == LITERACY_OK) {
        for (size_t i = 0; i < res.n; i++)
            CHECK(res.list[i].competence >= 0 && res.list[i].levels != 0 &&
                  (!res.list[i].activity != !res.list[i].url));
        literacy_resources_release(&res);
    } else {
        CHECK(why[0]);
    }
    return 0;
}
