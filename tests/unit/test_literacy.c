/*
 * Unit tests of literacy/: the models against fixed vectors computed with
 * numpy/scipy (tests/literacy/check.py), estimation, the checks of items and
 * banks, scoring, selection with content balancing, exposure control and
 * stopping, the simulation, calibration (parameters recovered from
 * simulated answers), the profile and learning path, settings, and stored
 * tests with every refusal. A migrated SQLite file per test with two
 * colleges, A and B, and the fixture bank (tests/fixtures/literacy/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/account.h"
#include "auth/class.h"
#include "literacy/calibrate.h"
#include "literacy/cat.h"
#include "literacy/irt.h"
#include "literacy/item.h"
#include "literacy/messages.h"
#include "literacy/profile.h"
#include "literacy/store.h"
#include "literacy/test.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/log.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NEAR(a, b, tol)                                                                            \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                                             \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #a, a_, b_, (double)(tol));      \
    } while (0)

static char tmpdir[] = "/tmp/cc_test_literacy_XXXXXX";
static char fixtures[1024];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    /* The fixtures sit beside this file: tests/fixtures/literacy/. */
    snprintf(fixtures, sizeof(fixtures), "%s", __FILE__);
    char *slash = strrchr(fixtures, '/');
    if (slash)
        *slash = 0;
    slash = strrchr(fixtures, '/');
    if (slash)
        *slash = 0;
    size_t n = strlen(fixtures);
    snprintf(fixtures + n, sizeof(fixtures) - n, "/fixtures/literacy");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads fixture NAME into OUT (a new buffer). */
static void read_fixture(const char *name, struct buf *out)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", fixtures, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    buf_init(out, 1u << 24);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(buf_add(out, chunk, n), BUF_OK);
    fclose(f);
}

/* The fixture bank, read and finished. */
static void fixture_bank(struct literacy_bank *b)
{
    struct buf data;
    struct literacy_report *r = calloc(1, sizeof(*r));
    read_fixture("bank.json", &data);
    literacy_bank_init(b);
    assert_int_equal(literacy_bank_read_file(b, data.data, data.len, "bank.json", r), LITERACY_OK);
    assert_int_equal(literacy_bank_finish(b, r), LITERACY_OK);
    buf_release(&data);
    free(r);
}

static int has_cjk(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c == 0xE3 ? c[1] >= 0x90 : (*c >= 0xE4 && *c <= 0xE9))
            return 1;
    return 0;
}

/* ------------------------------------------------------------- the models */

static const struct literacy_irt IT2 = {LITERACY_MODEL_2PL, 1, 1.3, {-0.4}};
static const struct literacy_irt ITG = {LITERACY_MODEL_GRM, 3, 1.1, {-1.2, 0.1, 1.5}};

/* Fixed vectors from numpy/scipy (check.py's naive differences): to 1e-12. */
static void model_vectors(void **state)
{
    static const double th2[] = {-2.0, 0.0, 0.7, 3.5};
    static const double p2[] = {0.11105596671140756, 0.6271477663131956, 0.8069013157667836,
                                0.9937568022504835};
    static const double i2[] = {0.16684109085795185, 0.39517852293144495, 0.26332157422324276,
                                0.010485132191027082};
    for (size_t i = 0; i < N_ELEMS(th2); i++) {
        double p[2];
        literacy_irt_probs(&IT2, th2[i], p);
        NEAR(p[1], p2[i], 1e-12);
        NEAR(p[0] + p[1], 1.0, 1e-15);
        NEAR(literacy_irt_info(&IT2, th2[i]), i2[i], 1e-12);
        NEAR(literacy_irt_logp(&IT2, th2[i], 1), log(p2[i]), 1e-12);
    }
    static const double thg[] = {-1.0, 0.3, 2.2};
    static const double pg[][4] = {
        {0.44522076489278517, 0.32507818415381673, 0.16961440077939044, 0.060086650174007626},
        {0.16110894957658528, 0.2841118153161999, 0.34396094162946766, 0.21081829347774714},
        {0.023202938145644003, 0.06709520655727574, 0.2261809615607645, 0.6835208937363157}};
    static const double ig[] = {0.3518269293583361, 0.372204658950158, 0.2697384505286281};
    for (size_t i = 0; i < N_ELEMS(thg); i++) {
        double p[4];
        literacy_irt_probs(&ITG, thg[i], p);
        for (int k = 0; k < 4; k++) {
            NEAR(p[k], pg[i][k], 1e-12);
            NEAR(literacy_irt_logp(&ITG, thg[i], k), log(pg[i][k]), 1e-12);
        }
        NEAR(literacy_irt_info(&ITG, thg[i]), ig[i], 1e-12);
        NEAR(literacy_irt_expected(&ITG, thg[i]), pg[i][1] + 2 * pg[i][2] + 3 * pg[i][3], 1e-14);
    }
}

/* log P stays finite and right far out, where the naive difference would be 0 or 1 - 1. */
static void model_tails(void **state)
{
    for (double th = -40; th <= 40; th += 0.5)
        for (int k = 0; k <= ITG.m; k++) {
            double lp = literacy_irt_logp(&ITG, th, k);
            assert_true(isfinite(lp));
            assert_true(lp <= 0);
        }
    /* At theta = 30 category 0 of the 2PL item: log sigma(-a(theta - b)) = -a(theta - b) - tiny. */
    NEAR(literacy_irt_logp(&IT2, 30, 0), -1.3 * 30.4, 1e-9);
    NEAR(literacy_irt_logp(&IT2, -30, 1), -1.3 * 29.6, 1e-9);
    assert_true(literacy_irt_info(&ITG, 40) >= 0);
}

/* The analytic derivatives of log P against central differences. */
static void model_derivatives(void **state)
{
    const struct literacy_irt *its[] = {&IT2, &ITG};
    for (size_t n = 0; n < N_ELEMS(its); n++)
        for (double th = -3; th <= 3; th += 0.75)
            for (int k = 0; k <= its[n]->m; k++) {
                double d1, d2, h = 1e-4;
                literacy_irt_dlogp(its[n], th, k, &d1, &d2);
                double f0 = literacy_irt_logp(its[n], th - h, k),
                       f1 = literacy_irt_logp(its[n], th, k),
                       f2 = literacy_irt_logp(its[n], th + h, k);
                NEAR(d1, (f2 - f0) / (2 * h), 1e-7);
                NEAR(d2, (f2 - 2 * f1 + f0) / (h * h), 1e-5);
                assert_true(d2 < 0);
            }
}

static void quadrature_and_logsumexp(void **state)
{
    struct literacy_quadrature q;
    literacy_quadrature_init(&q, 0, 1);
    double s = 0;
    for (int i = 0; i < LITERACY_QUAD_N; i++)
        s += exp(q.logw[i]);
    NEAR(s, 1.0, 1e-14);
    NEAR(q.x[0], -4.0, 0);
    NEAR(q.x[30], 0.0, 1e-15);
    NEAR(q.x[60], 4.0, 0);
    NEAR(q.x[1] - q.x[0], 8.0 / 60, 1e-15);
    double big[] = {1000, 1000, 999};
    NEAR(literacy_logsumexp(big, 3), 1000 + log(2 + exp(-1)), 1e-12);
    assert_true(isinf(literacy_logsumexp(big, 0)));
}

/* Five responses (2PL and graded), against numpy/scipy: EAP, EAP with another prior, MAP, MLE. */
static void estimation_vectors(void **state)
{
    static const struct literacy_irt items[] = {
        {LITERACY_MODEL_2PL, 1, 1.3, {-0.4}},      {LITERACY_MODEL_GRM, 3, 1.1, {-1.2, 0.1, 1.5}},
        {LITERACY_MODEL_2PL, 1, 0.8, {1.2}},       {LITERACY_MODEL_2PL, 1, 2.0, {0.3}},
        {LITERACY_MODEL_GRM, 2, 1.6, {-0.5, 0.6}},
    };
    static const int cats[] = {1, 2, 0, 1, 1};
    struct literacy_response r[5];
    for (int i = 0; i < 5; i++)
        r[i] = (struct literacy_response){&items[i], cats[i]};
    struct literacy_estimate e;
    literacy_estimate(r, 5, LITERACY_EAP, 0, 1, &e);
    NEAR(e.theta, 0.5273430524255184, 1e-12);
    NEAR(e.se, 0.5265354484131644, 1e-12);
    literacy_estimate(r, 5, LITERACY_EAP, 0.5, 0.8, &e);
    NEAR(e.theta, 0.6407507255017135, 1e-12);
    NEAR(e.se, 0.4926420369629636, 1e-12);
    literacy_estimate(r, 5, LITERACY_MAP, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_OK);
    NEAR(e.theta, 0.5021756042034123, 1e-10);
    NEAR(e.se, 0.5340723154288276, 1e-10);
    assert_true(e.iterations >= 1 && e.iterations < 20);
    literacy_estimate(r, 5, LITERACY_MLE, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_OK);
    NEAR(e.theta, 0.6791395408889518, 1e-10);
    NEAR(e.se, 0.6524995251847571, 1e-10);
    /* The incremental posterior gives the same EAP as the batch. */
    struct literacy_posterior post;
    double t, sd;
    literacy_posterior_init(&post, 0, 1);
    for (int i = 0; i < 5; i++)
        literacy_posterior_add(&post, &items[i], cats[i]);
    literacy_posterior_eap(&post, &t, &sd);
    NEAR(t, 0.5273430524255184, 1e-12);
}

static void mle_extremes(void **state)
{
    struct literacy_response right[] = {{&IT2, 1}, {&ITG, 3}}, wrong[] = {{&IT2, 0}, {&ITG, 0}},
                             mixed[] = {{&IT2, 1}, {&ITG, 0}};
    struct literacy_estimate e;
    literacy_estimate(right, 2, LITERACY_MLE, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_ALL_TOP);
    assert_true(isinf(e.theta) && e.theta > 0);
    literacy_estimate(wrong, 2, LITERACY_MLE, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_ALL_BOTTOM);
    literacy_estimate(right, 0, LITERACY_MLE, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_NO_DATA);
    literacy_estimate(mixed, 2, LITERACY_MLE, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_OK);
    /* EAP and MAP always give an estimate, even for all right. */
    literacy_estimate(right, 2, LITERACY_MAP, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_OK);
    assert_true(e.theta > 0.5 && e.theta < 4);
    /* A middle category of a graded item bounds the likelihood: MLE exists. */
    struct literacy_response middle[] = {{&ITG, 2}};
    literacy_estimate(middle, 1, LITERACY_MLE, 0, 1, &e);
    assert_int_equal(e.status, LITERACY_EST_OK);
    assert_true(e.theta > 0.1 && e.theta < 1.5);
}

/* The chi-square survival function against scipy.stats.chi2.sf. */
static void gamma_vectors(void **state)
{
    static const struct {
        double q;
        int df;
        double p;
    } v[] = {{3.2, 5, 0.6691829020332432},
             {12.7, 7, 0.07976405917700828},
             {0.5, 1, 0.47950012218695337},
             {40.0, 8, 3.203719780476998e-06},
             {7.0, 3, 0.07189777249646509}};
    for (size_t i = 0; i < N_ELEMS(v); i++) {
        double p = literacy_gamma_q(v[i].df / 2.0, v[i].q / 2.0);
        if (fabs(p - v[i].p) > 1e-12 * fmax(1, 1 / v[i].p) * v[i].p + 1e-15)
            fail_msg("chi2 sf(%g, %d) = %.17g, expected %.17g", v[i].q, v[i].df, p, v[i].p);
    }
    NEAR(literacy_gamma_q(2, 0), 1.0, 0);
}

/* ------------------------------------------------------- items and banks */

static void fixture_bank_reads(void **state)
{
    struct literacy_bank b;
    fixture_bank(&b);
    assert_int_equal(b.n, 42);
    for (size_t i = 1; i < b.n; i++)
        assert_true(strcmp(b.items[i - 1].id, b.items[i].id) < 0);
    const struct literacy_item *it = literacy_bank_find(&b, "dl-4.2-901");
    assert_non_null(it);
    assert_int_equal(it->area, 4);
    assert_string_equal(literacy_competences[it->competence].code, "DC.4.2");
    assert_null(literacy_bank_find(&b, "dl-4.2-999"));
    /* A screen item's choices are its elements, depth first. */
    for (size_t i = 0; i < b.n; i++)
        if (b.items[i].type == LITERACY_SCREEN) {
            assert_int_equal(b.items[i].nchoices, 7);
            assert_string_equal(b.items[i].choices[1], "wifi-toggle");
            assert_string_equal(b.items[i].choices[3], "msg-1");
        }
    literacy_bank_release(&b);
}

/* One bad change to a good item, and the place and message it must be refused with. */
struct bad_case {
    const char *path; /* member to change, "a.b" for nested */
    const char *json; /* new value, or NULL to delete */
    const char *where, *msg;
};

static json_t *good_item(const char *id)
{
    struct buf data;
    read_fixture("bank.json", &data);
    json_t *doc = json_loadb(data.data, data.len, 0, NULL);
    buf_release(&data);
    size_t i;
    json_t *v, *out = NULL;
    json_array_foreach (json_object_get(doc, "items"), i, v)
        if (strcmp(json_string_value(json_object_get(v, "id")), id) == 0)
            out = json_deep_copy(v);
    json_decref(doc);
    assert_non_null(out);
    return out;
}

static void check_bad(const char *id, const struct bad_case *c)
{
    json_t *item = good_item(id), *target = item;
    char path[64];
    snprintf(path, sizeof(path), "%s", c->path);
    char *dot = strchr(path, '.');
    if (dot) {
        *dot = 0;
        target = json_object_get(item, path);
    }
    const char *key = dot ? dot + 1 : path;
    if (c->json)
        json_object_set_new(target, key, json_loads(c->json, JSON_DECODE_ANY, NULL));
    else
        json_object_del(target, key);
    struct literacy_item it;
    struct literacy_problem p;
    if (literacy_item_read(item, "items[0]", &it, &p) != LITERACY_ERR_INVALID)
        fail_msg("%s = %s was accepted", c->path, c->json ? c->json : "(deleted)");
    if (strcmp(p.msg, c->msg) != 0 || !strstr(p.where, c->where))
        fail_msg("%s = %s: %s at %s, expected %s at %s", c->path, c->json ? c->json : "-", p.msg,
                 p.where, c->msg, c->where);
    json_decref(item);
}

static void bad_items_are_refused(void **state)
{
    /* dl-1.1-901 is single choice; dl-1.2-901 multiple partial; dl-1.3-901 ordering; dl-2.1-901
     * screen. */
    static const struct bad_case single[] = {
        {"id", "\"dl-1.1-1\"", "items[0].id", "lit_id"},
        {"id", "\"dl-2.1-901\"", ".id", "lit_id_competence"},
        {"version", "0", ".version", "lit_version"},
        {"version", "1.5", ".version", "lit_version"},
        {"competence", "\"DC.6.1\"", ".competence", "lit_competence"},
        {"cfitem", "\"2d7ff1d9-5f8a-59d5-af72-318577d77341\"", ".cfitem", "lit_cfitem"},
        {"level", "9", ".level", "lit_level"},
        {"cn_literacy", "\"数字素养\"", ".cn_literacy", "lit_cn_literacy"},
        {"context", "\"hospital\"", ".context", "lit_context"},
        {"type", "\"essay\"", ".type", "lit_type"},
        {"stem", NULL, ".stem", "lit_text"},
        {"stem", "{\"en\": \"x\"}", ".stem", "lit_text"},
        {"stem.zh-CN", "\"\"", ".stem", "lit_text"},
        {"stem.en", "\"bell\\u0007\"", ".stem", "lit_text"},
        {"options", "[{\"id\": \"a\", \"text\": {\"en\": \"A\", \"zh-CN\": \"甲\"}}]", ".options",
         "lit_options"},
        {"key", "[\"a\", \"b\"]", ".key", "lit_key_single"},
        {"key", "[\"z\"]", ".key", "lit_key_unknown"},
        {"key", "[]", ".key", "lit_key"},
        {"scoring", "\"partial\"", ".scoring", "lit_scoring_single"},
        {"irt", "{\"model\": \"2pl\", \"a\": 5, \"b\": 0}", ".irt", "lit_irt"},
        {"irt", "{\"model\": \"grm\", \"a\": 1, \"b\": [0.2]}", ".irt.model", "lit_irt_model"},
        {"irt", "{\"model\": \"2pl\", \"a\": 1, \"b\": 0, \"c\": 0.2}", ".irt", "lit_irt"},
        {"feedback", NULL, ".feedback", "lit_text"},
        {"screen", "{}", ".screen", "lit_screen_only"},
        {"extra", "1", "(dl-1.1-901)", "lit_unknown_member"},
    };
    for (size_t i = 0; i < N_ELEMS(single); i++)
        check_bad("dl-1.1-901", &single[i]);
    static const struct bad_case multiple[] = {
        {"irt", "{\"model\": \"grm\", \"a\": 1, \"b\": [-1, 0, 1, 2]}", ".irt.b",
         "lit_irt_categories"},
        {"irt", "{\"model\": \"grm\", \"a\": 1, \"b\": [1, -1]}", ".irt", "lit_irt"},
        {"key", "[\"a\", \"a\"]", ".key", "lit_key_twice"},
    };
    for (size_t i = 0; i < N_ELEMS(multiple); i++)
        check_bad("dl-1.2-901", &multiple[i]);
    static const struct bad_case ordering[] = {
        {"key", "[\"s1\", \"s2\", \"s3\"]", ".key", "lit_key_order"},
    };
    check_bad("dl-1.3-901", &ordering[0]);
    static const struct bad_case screen[] = {
        {"options", "[]", ".options", "lit_options_screen"},
        {"screen.kind", "\"watch\"", ".screen.kind", "lit_screen_kind"},
        {"screen.elements", "[]", ".screen.elements", "lit_elements"},
        {"screen.elements",
         "[{\"id\": \"a\", \"role\": \"row\", \"label\": {\"en\": \"A\", \"zh-CN\": \"甲\"}},"
         " {\"id\": \"a\", \"role\": \"row\", \"label\": {\"en\": \"B\", \"zh-CN\": \"乙\"}}]",
         ".screen.elements[1].id", "lit_choice_twice"},
        {"screen.elements",
         "[{\"id\": \"a\", \"role\": \"slider\", \"label\": {\"en\": \"A\", \"zh-CN\": \"甲\"}}]",
         ".screen.elements[0].role", "lit_element_role"},
        {"key", "[\"settings\"]", ".key", "lit_key_unknown"},
    };
    for (size_t i = 0; i < N_ELEMS(screen); i++)
        check_bad("dl-2.1-901", &screen[i]);
}

static void bank_files_are_checked(void **state)
{
    struct literacy_bank b;
    struct literacy_report r = {0};
    literacy_bank_init(&b);
    assert_int_equal(literacy_bank_read_file(&b, "{\"items\": [", 11, "x.json", &r),
                     LITERACY_ERR_INVALID);
    assert_string_equal(r.list[0].msg, "lit_bad_json");
    memset(&r, 0, sizeof(r));
    const char *area7 = "{\"area\": \"DC.7\", \"items\": []}";
    assert_int_equal(literacy_bank_read_file(&b, area7, strlen(area7), "x.json", &r),
                     LITERACY_ERR_INVALID);
    assert_string_equal(r.list[0].msg, "lit_area");
    memset(&r, 0, sizeof(r));
    assert_int_equal(literacy_bank_read_file(&b, "[]", 2, "x.json", &r), LITERACY_ERR_INVALID);
    assert_string_equal(r.list[0].msg, "lit_not_bank");
    literacy_bank_release(&b);
    /* The same file twice: every id twice. */
    struct buf data;
    read_fixture("bank.json", &data);
    literacy_bank_init(&b);
    memset(&r, 0, sizeof(r));
    assert_int_equal(literacy_bank_read_file(&b, data.data, data.len, "a", &r), LITERACY_OK);
    assert_int_equal(literacy_bank_read_file(&b, data.data, data.len, "b", &r), LITERACY_OK);
    assert_int_equal(literacy_bank_finish(&b, &r), LITERACY_ERR_INVALID);
    assert_int_equal(r.total, 42);
    assert_int_equal(r.n, LITERACY_REPORT_MAX < 42 ? LITERACY_REPORT_MAX : 42);
    assert_string_equal(r.list[0].msg, "lit_id_twice");
    literacy_bank_release(&b);
    buf_release(&data);
}

/* Reading the bank with allocation N failing, for every N: an error, never a crash or a leak. */
static void bank_survives_allocation_failures(void **state)
{
    struct buf data;
    read_fixture("bank.json", &data);
    struct literacy_report *r = calloc(1, sizeof(*r));
    int ok = 0;
    for (long n = 1; n < 400 && !ok; n++) {
        struct literacy_bank b;
        memset(r, 0, sizeof(*r));
        literacy_bank_init(&b);
        cc_alloc_fail_after(n);
        int err = literacy_bank_read_file(&b, data.data, data.len, "bank.json", r);
        if (!err)
            err = literacy_bank_finish(&b, r);
        cc_alloc_fail_after(0);
        ok = err == LITERACY_OK && b.n == 42;
        literacy_bank_release(&b);
    }
    assert_true(ok);
    free(r);
    buf_release(&data);
}

/* ---- answers and scoring ---- */

static int score_of(const struct literacy_item *it, const char *answer_json, int *err)
{
    json_t *a = json_loads(answer_json, JSON_DECODE_ANY, NULL);
    struct literacy_answer ans;
    struct literacy_problem p;
    *err = literacy_answer_read(it, a, &ans, &p);
    json_decref(a);
    return *err ? -1 : literacy_score(it, &ans);
}

static void scoring_rules(void **state)
{
    struct literacy_bank b;
    fixture_bank(&b);
    int err;
    /* single (key b or c or d: read it). */
    const struct literacy_item *single = literacy_bank_find(&b, "dl-1.1-901");
    char right[32], wrong[32];
    snprintf(right, sizeof(right), "[\"%s\"]", single->choices[single->key[0]]);
    snprintf(wrong, sizeof(wrong), "[\"%s\"]", single->key[0] == 0 ? "b" : "a");
    assert_int_equal(score_of(single, right, &err), 1);
    assert_int_equal(score_of(single, wrong, &err), 0);
    /* multiple, partial, key a c e, m = 2: correct minus wrong, 0..2. */
    const struct literacy_item *multi = literacy_bank_find(&b, "dl-1.2-901");
    assert_true(multi->partial);
    assert_int_equal(multi->irt.m, 2);
    static const struct {
        const char *answer;
        int category;
    } mcases[] = {{"[\"a\", \"c\", \"e\"]", 2},
                  {"[\"a\", \"c\"]", 2},
                  {"[\"a\"]", 1},
                  {"[\"a\", \"b\"]", 0},
                  {"[\"b\", \"d\"]", 0},
                  {"[\"e\", \"c\", \"b\"]", 1},
                  {"[\"a\", \"b\", \"c\", \"d\", \"e\"]", 1}};
    for (size_t i = 0; i < N_ELEMS(mcases); i++)
        if (score_of(multi, mcases[i].answer, &err) != mcases[i].category)
            fail_msg("multiple %s: %d, expected %d", mcases[i].answer,
                     score_of(multi, mcases[i].answer, &err), mcases[i].category);
    /* multiple, dichotomous: exactly the key. */
    const struct literacy_item *multid = literacy_bank_find(&b, "dl-2.5-901");
    assert_int_equal(multid->type, LITERACY_MULTIPLE);
    assert_false(multid->partial);
    assert_int_equal(score_of(multid, "[\"e\", \"a\", \"c\"]", &err), 1);
    assert_int_equal(score_of(multid, "[\"a\", \"c\"]", &err), 0);
    /* ordering, dichotomous: key s2 s1 s4 s3. */
    const struct literacy_item *ord = NULL;
    for (size_t i = 0; i < b.n; i++)
        if (b.items[i].type == LITERACY_ORDERING && !b.items[i].partial)
            ord = &b.items[i];
    assert_non_null(ord);
    assert_int_equal(score_of(ord, "[\"s2\", \"s1\", \"s4\", \"s3\"]", &err), 1);
    assert_int_equal(score_of(ord, "[\"s2\", \"s1\", \"s3\", \"s4\"]", &err), 0);
    /* ordering, partial (m = 2, N = 4): m for the order, else floor(right * m / (N - 1)). */
    const struct literacy_item *ordp = NULL;
    for (size_t i = 0; i < b.n; i++)
        if (b.items[i].type == LITERACY_ORDERING && b.items[i].partial)
            ordp = &b.items[i];
    assert_non_null(ordp);
    static const struct {
        const char *answer;
        int category;
    } ocases[] = {{"[\"s2\", \"s1\", \"s4\", \"s3\"]", 2},
                  {"[\"s2\", \"s1\", \"s3\", \"s4\"]", 1},  /* 2 right: floor(4/3) */
                  {"[\"s2\", \"s3\", \"s1\", \"s4\"]", 0},  /* 1 right: floor(2/3) */
                  {"[\"s1\", \"s2\", \"s3\", \"s4\"]", 0}}; /* none right */
    for (size_t i = 0; i < N_ELEMS(ocases); i++)
        assert_int_equal(score_of(ordp, ocases[i].answer, &err), ocases[i].category);
    /* screen: dichotomous the key's set; partial like multiple. */
    for (size_t i = 0; i < b.n; i++) {
        const struct literacy_item *s = &b.items[i];
        if (s->type != LITERACY_SCREEN)
            continue;
        if (s->partial) {
            assert_int_equal(score_of(s, "[\"msg-1\", \"wifi-toggle\"]", &err), 2);
            assert_int_equal(score_of(s, "[\"wifi-toggle\"]", &err), 1);
            assert_int_equal(score_of(s, "[\"wifi-toggle\", \"help\"]", &err), 0);
        } else {
            assert_int_equal(score_of(s, "[\"wifi-toggle\"]", &err), 1);
            assert_int_equal(score_of(s, "[\"wifi-toggle\", \"msg-2\"]", &err), 0);
            assert_int_equal(score_of(s, "[\"wifi\"]", &err), -1); /* navigation */
        }
    }
    literacy_bank_release(&b);
}

static void answers_are_checked(void **state)
{
    struct literacy_bank b;
    fixture_bank(&b);
    const struct literacy_item *single = literacy_bank_find(&b, "dl-1.1-901"),
                               *ord = literacy_bank_find(&b, "dl-1.3-901"),
                               *multi = literacy_bank_find(&b, "dl-1.2-901");
    static const struct {
        int which;
        const char *answer, *msg;
    } cases[] = {
        {0, "\"a\"", "literacy_answer_shape"},
        {0, "{\"a\": 1}", "literacy_answer_shape"},
        {0, "[1]", "literacy_answer_shape"},
        {0, "[\"a\", \"b\"]", "literacy_answer_single"},
        {0, "[]", "literacy_answer_single"},
        {0, "[\"x\"]", "literacy_answer_unknown"},
        {0, "[\"a\", \"b\", \"c\", \"d\", \"a\"]", "literacy_answer_shape"},
        {1, "[\"s1\", \"s2\", \"s3\"]", "literacy_answer_order"},
        {1, "[\"s1\", \"s1\", \"s3\", \"s4\"]", "literacy_answer_twice"},
        {2, "[]", "literacy_answer_empty"},
        {2, "[\"a\", \"a\"]", "literacy_answer_twice"},
        {2, "[\"a\\u0000b\"]", "literacy_answer_shape"},
    };
    const struct literacy_item *its[] = {single, ord, multi};
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        json_t *a = json_loads(cases[i].answer, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        struct literacy_answer ans;
        struct literacy_problem p = {0};
        assert_non_null(a);
        if (literacy_answer_read(its[cases[i].which], a, &ans, &p) != LITERACY_ERR_INVALID ||
            strcmp(p.msg, cases[i].msg) != 0)
            fail_msg("answer %s: %s, expected %s", cases[i].answer, p.msg ? p.msg : "accepted",
                     cases[i].msg);
        json_decref(a);
    }
    literacy_bank_release(&b);
}

/* The item a student sees: no key, feedback or parameters; ordering never in the right order. */
static void presentation(void **state)
{
    struct literacy_bank b;
    fixture_bank(&b);
    for (size_t i = 0; i < b.n; i++) {
        for (uint64_t seed = 0; seed < 40; seed++) {
            json_t *o = literacy_item_present(&b.items[i], seed);
            assert_non_null(o);
            assert_null(json_object_get(o, "key"));
            assert_null(json_object_get(o, "feedback"));
            assert_null(json_object_get(o, "irt"));
            assert_null(json_object_get(o, "scoring"));
            if (b.items[i].type == LITERACY_ORDERING) {
                const json_t *opts = json_object_get(o, "options");
                int same = 1;
                for (int k = 0; k < b.items[i].nchoices; k++)
                    same &= strcmp(json_string_value(
                                       json_object_get(json_array_get(opts, (size_t)k), "id")),
                                   b.items[i].choices[b.items[i].key[k]]) == 0;
                assert_false(same);
            }
            json_decref(o);
        }
    }
    literacy_bank_release(&b);
}

/* ------------------------------------------------------------- selection */

/* Runs a test on POOL answering by the model at THETA; fills the indices chosen into SEEN. */
static int run_cat(const struct literacy_pool *pool, const struct literacy_settings *s,
                   uint64_t seed, double theta, size_t *seen, enum literacy_stop *stop)
{
    struct literacy_cat c;
    struct literacy_rng r;
    literacy_rng_seed(&r, seed * 7 + 1);
    assert_int_equal(literacy_cat_init(&c, pool, s, seed), LITERACY_OK);
    int n = 0;
    *stop = literacy_cat_stop(&c);
    while (*stop == LITERACY_CONTINUE) {
        size_t i;
        if (literacy_cat_next(&c, &i)) {
            *stop = LITERACY_STOP_EXHAUSTED;
            break;
        }
        assert_false(c.used[i]);
        seen[n++] = i;
        literacy_cat_answer(&c, i, NULL, literacy_rng_response(&r, &pool->items[i].irt, theta));
        *stop = literacy_cat_stop(&c);
    }
    literacy_cat_release(&c);
    return n;
}

static void content_balancing(void **state)
{
    struct literacy_pool pool;
    struct literacy_settings s;
    literacy_settings_default(&s);
    s.min_items = s.max_items = 30;
    assert_int_equal(literacy_pool_synthetic(&pool, 1000, 5), LITERACY_OK);
    for (uint64_t seed = 1; seed <= 20; seed++) {
        size_t seen[100];
        enum literacy_stop stop;
        int n = run_cat(&pool, &s, seed, (double)seed / 5 - 2, seen, &stop);
        assert_int_equal(n, 30);
        assert_int_equal(stop, LITERACY_STOP_MAX_ITEMS);
        /* The first five cover the five areas; after that no area is more than one off. */
        int first[6] = {0}, count[6] = {0}, comp[LITERACY_COMPETENCES] = {0};
        for (int i = 0; i < 5; i++)
            first[pool.items[seen[i]].area]++;
        for (int a = 1; a <= 5; a++)
            assert_int_equal(first[a], 1);
        for (int i = 0; i < n; i++) {
            count[pool.items[seen[i]].area]++;
            comp[pool.items[seen[i]].competence]++;
            if (i >= 5)
                for (int a = 1; a <= 5; a++)
                    assert_true(abs(count[a] * 5 - (i + 1)) <= 5);
        }
        for (int a = 1; a <= 5; a++)
            assert_int_equal(count[a], 6);
        /* Spread: the competences of an area differ by at most one item. */
        for (int a = 1; a <= 5; a++) {
            int lo = 100, hi = 0;
            for (int k = 0; k < LITERACY_COMPETENCES; k++)
                if (literacy_competences[k].area == a) {
                    lo = comp[k] < lo ? comp[k] : lo;
                    hi = comp[k] > hi ? comp[k] : hi;
                }
            assert_true(hi - lo <= 1);
        }
    }
    /* Shares 0.4 / 0.4 / 0.2 / 0 / 0: areas 4 and 5 never, the others in proportion. */
    struct literacy_problem p;
    json_t *v = json_pack("{s:{s:f, s:f, s:f, s:f, s:f}}", "area_shares", "DC.1", 0.4, "DC.2", 0.4,
                          "DC.3", 0.2, "DC.4", 0.0, "DC.5", 0.0);
    assert_int_equal(literacy_settings_read(v, &s, &p), LITERACY_OK);
    json_decref(v);
    size_t seen[100];
    enum literacy_stop stop;
    int n = run_cat(&pool, &s, 3, 0.0, seen, &stop), count[6] = {0};
    for (int i = 0; i < n; i++)
        count[pool.items[seen[i]].area]++;
    assert_int_equal(count[4] + count[5], 0);
    assert_int_equal(count[1], 12);
    assert_int_equal(count[2], 12);
    assert_int_equal(count[3], 6);
    literacy_pool_release(&pool);
}

static void exposure_and_determinism(void **state)
{
    struct literacy_pool pool;
    struct literacy_settings s;
    literacy_settings_default(&s);
    assert_int_equal(literacy_pool_synthetic(&pool, 300, 9), LITERACY_OK);
    size_t a[100], b[100];
    enum literacy_stop stop;
    int na = run_cat(&pool, &s, 77, 0.3, a, &stop), nb = run_cat(&pool, &s, 77, 0.3, b, &stop);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, (size_t)na * sizeof(*a));
    /* Randomesque 4: the first item over many seeds is one of at most 5 areas x 4 items. */
    size_t firsts[200], distinct = 0;
    for (uint64_t seed = 0; seed < 200; seed++) {
        struct literacy_cat c;
        assert_int_equal(literacy_cat_init(&c, &pool, &s, seed), LITERACY_OK);
        assert_int_equal(literacy_cat_next(&c, &firsts[seed]), 0);
        literacy_cat_release(&c);
        int dup = 0;
        for (uint64_t j = 0; j < seed; j++)
            dup |= firsts[j] == firsts[seed];
        distinct += !dup;
    }
    assert_true(distinct > 10 && distinct <= 20);
    /* Randomesque 1, spread off: always the most informative item of the area chosen. */
    s.randomesque = 1;
    s.spread = 0;
    struct literacy_cat c;
    assert_int_equal(literacy_cat_init(&c, &pool, &s, 5), LITERACY_OK);
    size_t first;
    assert_int_equal(literacy_cat_next(&c, &first), 0);
    double best = -1;
    for (size_t i = 0; i < pool.n; i++)
        if (pool.items[i].area == pool.items[first].area)
            best = fmax(best, literacy_irt_info(&pool.items[i].irt, 0.0));
    NEAR(literacy_irt_info(&pool.items[first].irt, 0.0), best, 1e-15);
    literacy_cat_release(&c);
    literacy_pool_release(&pool);
}

static void stopping_rules(void **state)
{
    struct literacy_pool pool;
    struct literacy_settings s;
    literacy_settings_default(&s);
    assert_int_equal(literacy_pool_synthetic(&pool, 500, 2), LITERACY_OK);
    size_t seen[100];
    enum literacy_stop stop;
    /* Precision: stops once SD <= target, never before min_items. */
    s.min_items = 8;
    s.max_items = 60;
    s.se_target = 0.35;
    int n = run_cat(&pool, &s, 1, 0.2, seen, &stop);
    assert_int_equal(stop, LITERACY_STOP_PRECISION);
    assert_true(n >= 8 && n < 60);
    s.min_items = 25;
    n = run_cat(&pool, &s, 1, 0.2, seen, &stop);
    assert_true(n >= 25);
    /* Max items. */
    s.se_target = 0.1;
    s.min_items = 1;
    s.max_items = 7;
    n = run_cat(&pool, &s, 1, 0.2, seen, &stop);
    assert_int_equal(stop, LITERACY_STOP_MAX_ITEMS);
    assert_int_equal(n, 7);
    /* Exhausted: a pool of 6 items, 4 of them retired. */
    struct literacy_pool small = {pool.items, 6};
    for (int i = 0; i < 4; i++)
        pool.items[i].usable = 0;
    s.max_items = 40;
    n = run_cat(&small, &s, 1, 0.2, seen, &stop);
    assert_int_equal(stop, LITERACY_STOP_EXHAUSTED);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++)
        assert_true(seen[i] >= 4);
    literacy_pool_release(&pool);
}

/* Sympson-Hetter: tuned by simulation, the largest exposure falls to about the target. */
static void sympson_hetter(void **state)
{
    struct literacy_pool pool;
    struct literacy_settings s;
    literacy_settings_default(&s);
    s.randomesque = 1; /* the most informative item always: exposure at its worst */
    s.max_exposure = 0.25;
    assert_int_equal(literacy_pool_synthetic(&pool, 300, 4), LITERACY_OK);
    struct literacy_exposure_report r;
    assert_int_equal(literacy_exposure_tune(&pool, &s, 800, 6, 21, &r), LITERACY_OK);
    assert_true(r.before > 0.5);
    assert_true(r.after < 0.25 + 0.06);
    assert_true(r.limited > 0);
    double *k = calloc(pool.n, sizeof(*k));
    for (size_t i = 0; i < pool.n; i++) {
        k[i] = pool.items[i].k;
        assert_true(k[i] > 0 && k[i] <= 1);
    }
    /* The same seed, the same parameters. */
    assert_int_equal(literacy_exposure_tune(&pool, &s, 800, 6, 21, &r), LITERACY_OK);
    for (size_t i = 0; i < pool.n; i++)
        NEAR(pool.items[i].k, k[i], 0);
    /* A study with them (other test-takers) keeps to about the target too. */
    struct literacy_sim_options o = {.n = 1000, .seed = 99, .settings = s};
    struct literacy_sim_result res;
    assert_int_equal(literacy_simulate(&pool, &o, &res, NULL), LITERACY_OK);
    assert_true(res.max_exposure < 0.25 + 0.06);
    /* An item passed over is marked used and never chosen later in the test. */
    struct literacy_cat c;
    assert_int_equal(literacy_cat_init(&c, &pool, &s, 3), LITERACY_OK);
    unsigned char passed[300] = {0};
    int any = 0;
    for (int n = 0; n < 30; n++) {
        size_t i;
        assert_int_equal(literacy_cat_next(&c, &i), 0);
        assert_false(passed[i]);
        for (int j = 0; j < c.nrejected; j++) {
            assert_true(c.used[c.rejected[j]]);
            passed[c.rejected[j]] = 1;
            any = 1;
        }
        literacy_cat_answer(&c, i, NULL, n % 2);
    }
    assert_true(any);
    literacy_cat_release(&c);
    /* Off: the parameters are not used. */
    s.max_exposure = 0;
    assert_int_equal(literacy_exposure_tune(&pool, &s, 100, 1, 1, &r), LITERACY_ERR_INVALID);
    free(k);
    literacy_pool_release(&pool);
}

static void simulation_study(void **state)
{
    struct literacy_pool pool;
    struct literacy_sim_options o = {.n = 600, .seed = 11};
    literacy_settings_default(&o.settings);
    assert_int_equal(literacy_pool_synthetic(&pool, 1000, 3), LITERACY_OK);
    struct literacy_sim_result r;
    size_t *exposure = calloc(pool.n, sizeof(*exposure));
    assert_int_equal(literacy_simulate(&pool, &o, &r, exposure), LITERACY_OK);
    assert_int_equal(r.n, 600);
    assert_true(fabs(r.bias) < 0.06);
    assert_true(r.rmse < 0.4);
    NEAR(r.mean_se, 0.3, 0.05);
    assert_true(r.mean_length >= 10 && r.mean_length <= 40);
    size_t sum = 0, bands = 0;
    for (size_t i = 0; i < pool.n; i++)
        sum += exposure[i];
    NEAR((double)sum, r.mean_length * 600, 1e-6);
    for (int b = 0; b < LITERACY_SIM_BANDS; b++)
        bands += r.band[b].n;
    assert_int_equal(bands, 600);
    assert_true(r.max_exposure < 0.5);
    assert_true(r.level_adjacent > 0.9);
    /* The same seed, the same study. */
    struct literacy_sim_result again;
    assert_int_equal(literacy_simulate(&pool, &o, &again, NULL), LITERACY_OK);
    NEAR(again.bias, r.bias, 0);
    NEAR(again.rmse, r.rmse, 0);
    free(exposure);
    literacy_pool_release(&pool);
}

/* ----------------------------------------------------------- calibration */

/* Simulated answers of N persons (theta ~ N(MEAN, 1)) to every item of TRUTH. */
static struct literacy_calib_response *simulate_answers(const struct literacy_irt *truth,
                                                        size_t nitems, size_t n, double mean,
                                                        uint64_t seed)
{
    struct literacy_rng r;
    literacy_rng_seed(&r, seed);
    struct literacy_calib_response *out = calloc(n * nitems, sizeof(*out));
    for (size_t p = 0; p < n; p++) {
        double theta = mean + literacy_rng_normal(&r);
        for (size_t i = 0; i < nitems; i++)
            out[p * nitems + i] = (struct literacy_calib_response){
                (uint32_t)p, (uint32_t)i, literacy_rng_response(&r, &truth[i], theta)};
    }
    return out;
}

static void calibration_recovers_parameters(void **state)
{
    enum { NI = 12, NP = 2000 };
    struct literacy_irt truth[NI];
    struct literacy_rng r;
    literacy_rng_seed(&r, 99);
    for (int i = 0; i < NI; i++) {
        double a = 0.8 + 1.2 * literacy_rng_uniform(&r), b = -1.5 + 3 * literacy_rng_uniform(&r);
        truth[i] = i % 3 == 2 ? (struct literacy_irt){LITERACY_MODEL_GRM, 2, a, {b - 0.6, b + 0.6}}
                              : (struct literacy_irt){LITERACY_MODEL_2PL, 1, a, {b}};
    }
    struct literacy_calib_response *resp = simulate_answers(truth, NI, NP, 0.0, 5);
    struct literacy_calib_item items[NI + 1];
    memset(items, 0, sizeof(items));
    for (int i = 0; i < NI; i++) {
        items[i].start = truth[i];
        items[i].start.a = 1.0;
        for (int j = 0; j < truth[i].m; j++)
            items[i].start.b[j] = j - 0.5 * (truth[i].m - 1);
    }
    /* An item nobody answered: held as it is. */
    items[NI].start = (struct literacy_irt){LITERACY_MODEL_2PL, 1, 1.7, {0.4}};
    struct literacy_calib_options o;
    literacy_calib_options_default(&o);
    o.priors = 0;
    o.link = 0;
    struct literacy_calib_result res;
    assert_int_equal(literacy_calibrate(resp, (size_t)NI * NP, NP, items, NI + 1, &o, &res),
                     LITERACY_OK);
    assert_true(res.converged);
    assert_int_equal(res.estimated, NI);
    assert_int_equal(res.persons, NP);
    for (int i = 0; i < NI; i++) {
        if (!(fabs(items[i].est.a - truth[i].a) < 4 * items[i].se_a))
            fail_msg("item %d: a %.3f, truth %.3f (se %.3f)", i, items[i].est.a, truth[i].a,
                     items[i].se_a);
        for (int j = 0; j < truth[i].m; j++)
            if (!(fabs(items[i].est.b[j] - truth[i].b[j]) < 4 * items[i].se_b[j]))
                fail_msg("item %d: b%d %.3f, truth %.3f (se %.3f)", i, j, items[i].est.b[j],
                         truth[i].b[j], items[i].se_b[j]);
        assert_int_equal(items[i].groups, 10);
        assert_true(items[i].infit > 0.9 && items[i].infit < 1.1);
    }
    assert_false(items[NI].estimated);
    NEAR(items[NI].est.a, 1.7, 0);
    NEAR(items[NI].est.b[0], 0.4, 0);
    free(resp);
}

/* A college half an SD above the bank's population: linking keeps the bank's scale. */
static void calibration_links_to_the_bank(void **state)
{
    enum { NI = 15, NP = 3000 };
    struct literacy_irt truth[NI];
    for (int i = 0; i < NI; i++)
        truth[i] = (struct literacy_irt){LITERACY_MODEL_2PL, 1, 0.9 + 0.08 * i, {-1.4 + 0.2 * i}};
    struct literacy_calib_response *resp = simulate_answers(truth, NI, NP, 0.5, 8);
    struct literacy_calib_item items[NI];
    memset(items, 0, sizeof(items));
    for (int i = 0; i < NI; i++)
        items[i].start = truth[i];
    struct literacy_calib_options o;
    literacy_calib_options_default(&o);
    struct literacy_calib_result res;
    assert_int_equal(literacy_calibrate(resp, (size_t)NI * NP, NP, items, NI, &o, &res),
                     LITERACY_OK);
    assert_true(res.linked);
    NEAR(res.link_b, 0.5, 0.08);
    NEAR(res.link_a, 1.0, 0.08);
    for (int i = 0; i < NI; i++)
        NEAR(items[i].est.b[0], truth[i].b[0], 0.15);
    /* Without linking the difficulties move down by the college's advantage. */
    o.link = 0;
    assert_int_equal(literacy_calibrate(resp, (size_t)NI * NP, NP, items, NI, &o, &res),
                     LITERACY_OK);
    double shift = 0;
    for (int i = 0; i < NI; i++)
        shift += items[i].est.b[0] - truth[i].b[0];
    NEAR(shift / NI, -0.5, 0.1);
    /* A category out of range is refused. */
    resp[0].category = 3;
    assert_int_equal(literacy_calibrate(resp, (size_t)NI * NP, NP, items, NI, &o, &res),
                     LITERACY_ERR_INVALID);
    free(resp);
}

/* --------------------------------------------------- profile and settings */

static void levels_and_settings(void **state)
{
    struct literacy_settings s;
    literacy_settings_default(&s);
    static const struct {
        double theta;
        int level;
    } v[] = {{-3, 1},   {-2.1, 2}, {-1.5, 2}, {-0.7, 4}, {-0.01, 4}, {0, 5},
             {0.69, 5}, {1.4, 7},  {2.09, 7}, {2.1, 8},  {5, 8}};
    for (size_t i = 0; i < N_ELEMS(v); i++)
        assert_int_equal(literacy_level(s.cuts, v[i].theta), v[i].level);
    assert_string_equal(literacy_band_name(2), "foundation");
    assert_string_equal(literacy_band_name(4), "intermediate");
    assert_string_equal(literacy_band_name(6), "advanced");
    assert_string_equal(literacy_band_name(7), "highly-specialised");
    /* Round trip of the JSON form; a partial update keeps the rest. */
    json_t *j = literacy_settings_json(&s);
    struct literacy_settings t;
    struct literacy_problem p;
    literacy_settings_default(&t);
    t.min_items = 3;
    assert_int_equal(literacy_settings_read(j, &t, &p), LITERACY_OK);
    assert_int_equal(t.min_items, 10);
    json_decref(j);
    static const char *const bad[] = {"{\"se_target\": 0.05}",
                                      "{\"min_items\": 0}",
                                      "{\"max_items\": 101}",
                                      "{\"min_items\": 30, \"max_items\": 20}",
                                      "{\"randomesque\": 21}",
                                      "{\"spread\": 1}",
                                      "{\"cuts\": [0,1,2,3,4,5]}",
                                      "{\"cuts\": [0,1,2,3,4,5,5]}",
                                      "{\"area_shares\": {\"DC.1\": -1}}",
                                      ("{\"area_shares\": {\"DC.1\": 0, \"DC.2\": 0, "
                                       "\"DC.3\": 0, \"DC.4\": 0, \"DC.5\": 0}}"),
                                      "{\"competence_sd\": 5}",
                                      "{\"other\": 1}",
                                      "[]"};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        json_t *v2 = json_loads(bad[i], 0, NULL);
        t = s;
        if (literacy_settings_read(v2, &t, &p) != LITERACY_ERR_INVALID)
            fail_msg("settings %s accepted", bad[i]);
        assert_memory_equal(&t, &s, sizeof(s));
        json_decref(v2);
    }
}

static void profile_and_path(void **state)
{
    struct literacy_settings s;
    literacy_settings_default(&s);
    struct literacy_bank b;
    fixture_bank(&b);
    /* Right on every item of areas 1-3, wrong on areas 4-5. */
    struct literacy_profile_response r[42];
    size_t n = 0;
    for (size_t i = 0; i < b.n; i++)
        r[n++] = (struct literacy_profile_response){
            b.items[i].irt, b.items[i].area <= 3 ? b.items[i].irt.m : 0, b.items[i].competence};
    struct literacy_profile p;
    literacy_profile_compute(r, n, &s, &p);
    assert_int_equal(p.overall.items, 42);
    for (int a = 0; a < 3; a++)
        assert_true(p.area[a].theta > p.overall.theta);
    for (int a = 3; a < 5; a++)
        assert_true(p.area[a].theta < p.overall.theta);
    assert_true(p.area[0].level > p.area[4].level);
    /* Only the competences of DC.4 answered: the others are not assessed. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (literacy_competences[r[i].competence].area == 4)
            r[m++] = r[i];
    literacy_profile_compute(r, m, &s, &p);
    assert_int_equal(p.area[0].level, 0);
    assert_true(isnan(p.area[0].theta));
    assert_int_equal(p.competence[0].items, 0);
    assert_true(p.competence[literacy_competence_index("DC.4.2")].items > 0);
    /* The path: DC.4 is the only area assessed, so its competences' resources. */
    struct buf data;
    char why[512];
    struct literacy_resources res;
    read_fixture("resources.json", &data);
    assert_int_equal(literacy_resources_read(data.data, data.len, &res, why, sizeof(why)),
                     LITERACY_OK);
    buf_release(&data);
    json_t *path = literacy_path(&p, &res);
    assert_true(json_array_size(path) >= 1 && json_array_size(path) <= LITERACY_PATH_MAX);
    size_t i;
    json_t *v;
    json_array_foreach (path, i, v)
        assert_string_equal(json_string_value(json_object_get(v, "area")), "DC.4");
    json_decref(path);
    json_t *pj = literacy_profile_json(&p);
    assert_int_equal(json_array_size(json_object_get(pj, "competences")), 21);
    assert_true(
        json_is_null(json_object_get(json_array_get(json_object_get(pj, "areas"), 0), "theta")));
    json_decref(pj);
    literacy_resources_release(&res);
    literacy_bank_release(&b);
}

static void resources_are_checked(void **state)
{
    static const char *const bad[] = {
        "[]",
        "{\"resources\": [{\"id\": \"r\"}]}",
        "{\"resources\": [{\"id\": \"r-1\", \"competence\": \"DC.1.1\", \"levels\": [9], "
        "\"title\": "
        "{\"en\": \"T\", \"zh-CN\": \"题\"}, \"description\": {\"en\": \"D\", \"zh-CN\": \"述\"}, "
        "\"kind\": \"video\", \"url\": \"https://example.org/x\"}]}",
        "{\"resources\": [{\"id\": \"r-1\", \"competence\": \"DC.1.1\", \"levels\": [1], "
        "\"title\": "
        "{\"en\": \"T\", \"zh-CN\": \"题\"}, \"description\": {\"en\": \"D\", \"zh-CN\": \"述\"}, "
        "\"kind\": \"video\", \"url\": \"http://example.org/x\"}]}",
        "{\"resources\": [{\"id\": \"r-1\", \"competence\": \"DC.1.1\", \"levels\": [1], "
        "\"title\": "
        "{\"en\": \"T\", \"zh-CN\": \"题\"}, \"description\": {\"en\": \"D\", \"zh-CN\": \"述\"}, "
        "\"kind\": \"video\", \"url\": \"https://example.org/x\", \"activity\": "
        "\"https://carecampus.org/xapi/activities/literacy/practice/x\"}]}",
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        struct literacy_resources r;
        char why[512];
        if (literacy_resources_read(bad[i], strlen(bad[i]), &r, why, sizeof(why)) !=
            LITERACY_ERR_INVALID)
            fail_msg("resources %zu accepted", i);
        assert_true(strlen(why) > 10);
    }
}

/* ------------------------------------------------------- bundled content */

/* The DigComp table is the bundled framework's; bundled items and resources, when there, are valid.
 */
static void digcomp_table_and_bundled_content(void **state)
{
    const struct embedded_file *f =
        embedded_find(content_files, content_files_count, "/frameworks/digcomp-2.2.json");
    assert_non_null(f);
    json_t *doc = json_loadb((const char *)f->data, f->size, 0, NULL);
    size_t i, found = 0;
    json_t *item;
    json_array_foreach (json_object_get(doc, "CFItems"), i, item) {
        const char *code = json_string_value(json_object_get(item, "humanCodingScheme"));
        const char *id = json_string_value(json_object_get(item, "identifier"));
        int k = literacy_competence_index(code), a = literacy_area_parse(code);
        if (k >= 0) {
            assert_string_equal(literacy_competences[k].cfitem, id);
            found++;
        } else if (a) {
            assert_string_equal(literacy_areas[a - 1].cfitem, id);
            found++;
        }
    }
    assert_int_equal(found, LITERACY_AREAS + LITERACY_COMPETENCES);
    json_decref(doc);
    for (int k = 0; k < LITERACY_COMPETENCES; k++)
        assert_true(has_cjk(literacy_competences[k].zh));
    const struct literacy_bank *b;
    const struct literacy_resources *res;
    char why[512] = "";
    if (literacy_bundled(&b, why, sizeof(why)))
        fail_msg("the bundled bank is invalid: %s", why);
    if (literacy_resources_bundled(&res, why, sizeof(why)))
        fail_msg("the bundled resources are invalid: %s", why);
    if (b->n == 0)
        print_message("(no bundled literacy items in this tree yet: content/literacy/ is another "
                      "helper's)\n");
    for (size_t j = 0; j < b->n; j++) {
        assert_true(has_cjk(b->items[j].stem.zh));
        assert_true(has_cjk(b->items[j].feedback.zh));
    }
}

static void messages_are_sorted_and_bilingual(void **state)
{
    const char *prev = NULL, *id;
    for (size_t i = 0; (id = literacy_message_id(i)); i++) {
        if (prev && strcmp(prev, id) >= 0)
            fail_msg("messages out of order at %s", id);
        prev = id;
        const char *en = literacy_message(id, LANG_EN), *zh = literacy_message(id, LANG_ZH);
        if (!has_cjk(zh) || strcmp(en, zh) == 0)
            fail_msg("message %s is not translated", id);
        if ((strstr(en, "%s") != NULL) != (strstr(zh, "%s") != NULL))
            fail_msg("message %s: the placeholders differ", id);
    }
    assert_non_null(prev);
}

/* ---------------------------------------------------------- stored tests */

struct fixture {
    struct store *db;
    int64_t inst_a, inst_b, class_a;
    struct auth_user admin, teacher, teacher2, s1, s2, s3, b_student;
};

static void add_user(struct fixture *f, int64_t inst, const char *login, const char *role,
                     struct auth_user *out)
{
    struct auth_new_user u = {login, login, role, NULL, NULL};
    struct auth_problem p = {0};
    if (auth_user_insert(f->db, inst, &u, "$argon2id$unused", out, &p))
        fail_msg("cannot add user %s", login);
}

static int setup(void **state)
{
    static int n;
    char url[600];
    snprintf(url, sizeof(url), "sqlite:%s/literacy%d.sqlite", tmpdir, ++n);
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || store_open(url, &f->db) || store_migrate(f->db))
        return -1;
    struct auth_problem p;
    if (auth_institution_create(f->db, "Changsha Health Vocational College", "长沙健康职业学院",
                                "CN", &f->inst_a, &p) ||
        auth_institution_create(f->db, "Lakeside Community College", "湖畔社区学院", "US",
                                &f->inst_b, &p))
        return -1;
    add_user(f, f->inst_a, "a.admin", "admin", &f->admin);
    add_user(f, f->inst_a, "a.teacher", "teacher", &f->teacher);
    add_user(f, f->inst_a, "a.teacher2", "teacher", &f->teacher2);
    add_user(f, f->inst_a, "a.s1", "student", &f->s1);
    add_user(f, f->inst_a, "a.s2", "student", &f->s2);
    add_user(f, f->inst_a, "a.s3", "student", &f->s3);
    add_user(f, f->inst_b, "b.student", "student", &f->b_student);
    struct auth_class c;
    if (auth_class_create(f->db, f->inst_a, "Care 2026", f->teacher.id, &c, &p) ||
        auth_class_enrol(f->db, f->inst_a, c.id, &f->s1.id, 1, 0, &p))
        return -1;
    f->class_a = c.id;
    struct buf data;
    read_fixture("bank.json", &data);
    struct literacy_import *imp = calloc(1, sizeof(*imp));
    int err = literacy_bank_import(f->db, f->inst_a, f->admin.id, data.data, data.len, 0, imp);
    buf_release(&data);
    if (err || imp->added != 42)
        return -1;
    free(imp);
    json_t *v = json_pack("{s:i, s:i}", "min_items", 6, "max_items", 10);
    struct literacy_settings s;
    struct literacy_problem lp;
    err = literacy_settings_put(f->db, f->inst_a, f->admin.id, v, &s, &lp);
    json_decref(v);
    if (err)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(&f->db);
    free(f);
    return 0;
}

static int64_t query_int(struct store *db, const char *sql)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t v = store_col_int(st, 0);
    store_finish(st);
    return v;
}

/* The first leaf element of a screen (an element without children) not named in KEY. */
static const char *other_leaf(const json_t *elements, const json_t *key)
{
    size_t i;
    json_t *e;
    json_array_foreach (elements, i, e) {
        const json_t *children = json_object_get(e, "children");
        if (children) {
            const char *found = other_leaf(children, key);
            if (found)
                return found;
            continue;
        }
        int in_key = 0;
        size_t j;
        json_t *k;
        json_array_foreach (key, j, k)
            in_key |= json_equal(k, json_object_get(e, "id"));
        if (!in_key)
            return json_string_value(json_object_get(e, "id"));
    }
    return NULL;
}

/* The current item of T (its id and a right or wrong answer) from the stored snapshot. */
static json_t *answer_for(const struct literacy_test *t, int right, const char **id)
{
    const json_t *item = json_object_get(t->current, "item");
    *id = json_string_value(json_object_get(item, "id"));
    if (right)
        return json_deep_copy(json_object_get(item, "key"));
    const char *type = json_string_value(json_object_get(item, "type"));
    if (strcmp(type, "screen") == 0)
        return json_pack("[s]",
                         other_leaf(json_object_get(json_object_get(item, "screen"), "elements"),
                                    json_object_get(item, "key")));
    if (strcmp(type, "ordering") == 0) {
        json_t *k = json_deep_copy(json_object_get(item, "key")), *rev = json_array();
        for (size_t i = json_array_size(k); i > 0; i--)
            json_array_append(rev, json_array_get(k, i - 1));
        json_decref(k);
        return rev;
    }
    const json_t *key = json_object_get(item, "key");
    size_t i;
    json_t *o;
    json_array_foreach (json_object_get(item, "options"), i, o) {
        int in_key = 0;
        size_t j;
        json_t *kv;
        json_array_foreach (key, j, kv)
            in_key |= json_equal(kv, json_object_get(o, "id"));
        if (!in_key)
            return json_pack("[O]", json_object_get(o, "id"));
    }
    return json_array();
}

static int answer_current(struct fixture *f, const struct auth_user *who, struct literacy_test *t,
                          int right, json_t **feedback, struct literacy_problem *p)
{
    const char *id;
    json_t *a = answer_for(t, right, &id);
    char item[LITERACY_ID_MAX + 1], uuid[37];
    snprintf(item, sizeof(item), "%s", id);
    snprintf(uuid, sizeof(uuid), "%s", t->uuid);
    int64_t seq = t->answered + 1;
    literacy_test_release(t);
    int err = literacy_test_answer(f->db, who, uuid, seq, item, a, t, feedback, p);
    json_decref(a);
    return err;
}

static void test_runs_and_finishes(void **state)
{
    struct fixture *f = *state;
    struct literacy_test t, again;
    struct literacy_problem p = {0};
    int resumed;
    assert_int_equal(literacy_test_start(f->db, &f->teacher, LITERACY_PRACTICE, &t, &resumed, &p),
                     LITERACY_ERR_FORBIDDEN);
    assert_int_equal(literacy_test_start(f->db, &f->s1, LITERACY_PRACTICE, &t, &resumed, &p),
                     LITERACY_OK);
    assert_false(resumed);
    assert_int_equal(t.answered, 0);
    assert_non_null(t.current);
    /* Resume: the same item. */
    assert_int_equal(literacy_test_start(f->db, &f->s1, LITERACY_PRACTICE, &again, &resumed, &p),
                     LITERACY_OK);
    assert_true(resumed);
    assert_true(json_equal(t.current, again.current));
    literacy_test_release(&again);
    assert_int_equal(literacy_test_start(f->db, &f->s1, LITERACY_CERTIFIED, &again, &resumed, &p),
                     LITERACY_ERR_CONFLICT);
    assert_string_equal(p.msg, "literacy_test_open_practice");
    int n = 0;
    while (!t.finished) {
        json_t *fb = NULL;
        assert_int_equal(answer_current(f, &f->s1, &t, n % 2 == 0, &fb, &p), LITERACY_OK);
        assert_non_null(fb);
        assert_int_equal(json_is_true(json_object_get(fb, "correct")), n % 2 == 0);
        json_decref(fb);
        n++;
        assert_true(n <= 10);
    }
    assert_true(n >= 6);
    assert_int_equal(t.answered, n);
    assert_non_null(t.result);
    assert_null(t.current);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM literacy_responses"), n);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"), n + 1);
    /* Finishing twice, answering after the end. */
    struct literacy_test x;
    char uuid[37];
    snprintf(uuid, sizeof(uuid), "%s", t.uuid);
    assert_int_equal(literacy_test_finish(f->db, &f->s1, uuid, &x, &p), LITERACY_ERR_CONFLICT);
    assert_string_equal(p.msg, "literacy_already_finished");
    json_t *a = json_pack("[s]", "a");
    json_t *fb;
    assert_int_equal(literacy_test_answer(f->db, &f->s1, uuid, n + 1, "dl-1.1-901", a, &x, &fb, &p),
                     LITERACY_ERR_CONFLICT);
    assert_string_equal(p.msg, "literacy_finished");
    json_decref(a);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"), n + 1);
    /* Who can read it. */
    assert_int_equal(literacy_test_get(f->db, &f->teacher, uuid, &x, &p), LITERACY_OK);
    literacy_test_release(&x);
    assert_int_equal(literacy_test_get(f->db, &f->teacher2, uuid, &x, &p), LITERACY_ERR_NOT_FOUND);
    assert_int_equal(literacy_test_get(f->db, &f->s2, uuid, &x, &p), LITERACY_ERR_NOT_FOUND);
    assert_int_equal(literacy_test_get(f->db, &f->b_student, uuid, &x, &p), LITERACY_ERR_NOT_FOUND);
    literacy_test_release(&t);
}

static void test_refusals_change_nothing(void **state)
{
    struct fixture *f = *state;
    struct literacy_test t, x;
    struct literacy_problem p = {0};
    int resumed;
    json_t *fb = NULL;
    assert_int_equal(literacy_test_start(f->db, &f->s2, LITERACY_CERTIFIED, &t, &resumed, &p),
                     LITERACY_OK);
    const char *id;
    json_t *right = answer_for(&t, 1, &id);
    char item[LITERACY_ID_MAX + 1];
    snprintf(item, sizeof(item), "%s", id);
    const char *other = strcmp(item, "dl-1.1-901") ? "dl-1.1-901" : "dl-1.1-902";
    static const struct {
        int64_t seq;
        int other_item;
        const char *answer;
        int err;
        const char *msg;
    } cases[] = {
        {2, 0, NULL, LITERACY_ERR_CONFLICT, "literacy_seq_mismatch"},
        {0, 0, NULL, LITERACY_ERR_CONFLICT, "literacy_seq_mismatch"},
        {1, 1, NULL, LITERACY_ERR_CONFLICT, "literacy_not_presented"},
        {1, 0, "\"a\"", LITERACY_ERR_INVALID, "literacy_answer_shape"},
        {1, 0, "[\"nope\"]", LITERACY_ERR_INVALID, "literacy_answer_unknown"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        json_t *a = cases[i].answer ? json_loads(cases[i].answer, JSON_DECODE_ANY, NULL)
                                    : json_incref(right);
        int err = literacy_test_answer(f->db, &f->s2, t.uuid, cases[i].seq,
                                       cases[i].other_item ? other : item, a, &x, &fb, &p);
        json_decref(a);
        if (err != cases[i].err || strcmp(p.msg, cases[i].msg) != 0)
            fail_msg("case %zu: %d %s, expected %d %s", i, err, p.msg, cases[i].err, cases[i].msg);
    }
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM literacy_responses"), 0);
    /* Someone else's test; a test that does not exist. */
    assert_int_equal(literacy_test_answer(f->db, &f->s1, t.uuid, 1, item, right, &x, &fb, &p),
                     LITERACY_ERR_NOT_FOUND);
    assert_int_equal(literacy_test_answer(f->db, &f->s2, "6f1c2a44-3b7e-4c1d-9a55-0e2f7d8c9b01", 1,
                                          item, right, &x, &fb, &p),
                     LITERACY_ERR_NOT_FOUND);
    assert_int_equal(literacy_test_finish(f->db, &f->s2, t.uuid, &x, &p), LITERACY_ERR_INVALID);
    assert_string_equal(p.msg, "literacy_finish_empty");
    /* The answer, then its replay. */
    char uuid[37];
    snprintf(uuid, sizeof(uuid), "%s", t.uuid);
    assert_int_equal(literacy_test_answer(f->db, &f->s2, uuid, 1, item, right, &x, &fb, &p),
                     LITERACY_OK);
    assert_null(fb); /* certified: no feedback */
    assert_int_equal(x.answered, 1);
    literacy_test_release(&x);
    assert_int_equal(literacy_test_answer(f->db, &f->s2, uuid, 1, item, right, &x, &fb, &p),
                     LITERACY_ERR_CONFLICT);
    assert_string_equal(p.msg, "literacy_already_answered");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM literacy_responses"), 1);
    /* Finishing early: the result of one answer, statements for it. */
    assert_int_equal(literacy_test_finish(f->db, &f->s2, uuid, &x, &p), LITERACY_OK);
    assert_true(x.finished);
    assert_string_equal(x.stop_reason, "student");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM xapi_statements"), 2);
    literacy_test_release(&x);
    json_decref(right);
    literacy_test_release(&t);
}

/* Retired items are never presented; a change of the bank does not change a test under way. */
static void retired_items_and_bank_changes(void **state)
{
    struct fixture *f = *state;
    struct literacy_problem p = {0};
    struct literacy_bank b;
    assert_int_equal(literacy_bank_load(f->db, f->inst_a, &b), LITERACY_OK);
    /* Retire every item of area 3 but one. */
    int kept = 0;
    char keep[LITERACY_ID_MAX + 1] = "";
    for (size_t i = 0; i < b.n; i++)
        if (b.items[i].area == 3) {
            if (!kept++) {
                snprintf(keep, sizeof(keep), "%s", b.items[i].id);
                continue;
            }
            assert_int_equal(literacy_item_retire(f->db, f->inst_a, b.items[i].id, 1, &p),
                             LITERACY_OK);
        }
    literacy_bank_release(&b);
    assert_int_equal(literacy_item_retire(f->db, f->inst_a, "dl-9.9-999", 1, &p),
                     LITERACY_ERR_NOT_FOUND);
    struct literacy_test t;
    int resumed;
    assert_int_equal(literacy_test_start(f->db, &f->s3, LITERACY_PRACTICE, &t, &resumed, &p),
                     LITERACY_OK);
    while (!t.finished) {
        const char *id =
            json_string_value(json_object_get(json_object_get(t.current, "item"), "id"));
        if (id[3] == '3')
            assert_string_equal(id, keep);
        json_t *fb = NULL;
        assert_int_equal(answer_current(f, &f->s3, &t, 1, &fb, &p), LITERACY_OK);
        json_decref(fb);
    }
    literacy_test_release(&t);
    /* Another test: retire its current item while it runs; the answer still counts. */
    assert_int_equal(literacy_test_start(f->db, &f->s3, LITERACY_PRACTICE, &t, &resumed, &p),
                     LITERACY_OK);
    const char *id = json_string_value(json_object_get(json_object_get(t.current, "item"), "id"));
    assert_int_equal(literacy_item_retire(f->db, f->inst_a, id, 1, &p), LITERACY_OK);
    json_t *fb = NULL;
    assert_int_equal(answer_current(f, &f->s3, &t, 1, &fb, &p), LITERACY_OK);
    assert_true(json_is_true(json_object_get(fb, "correct")));
    json_decref(fb);
    literacy_test_release(&t);
}

/* Exposure control in a college: tuned and stored; a test keeps what it passed over. */
static void stored_exposure_control(void **state)
{
    struct fixture *f = *state;
    struct literacy_problem p = {0};
    struct literacy_exposure_report r;
    assert_int_equal(literacy_exposure_store(f->db, f->inst_a, f->admin.id, 0.01, 100, 2, &r, &p),
                     LITERACY_ERR_INVALID);
    assert_int_equal(literacy_exposure_store(f->db, f->inst_a, f->admin.id, 0.05, 300, 3, &r, &p),
                     LITERACY_OK);
    assert_true(r.limited > 0);
    struct literacy_settings s;
    assert_int_equal(literacy_settings_get(f->db, f->inst_a, &s), LITERACY_OK);
    NEAR(s.max_exposure, 0.05, 0);
    struct literacy_bank b;
    assert_int_equal(literacy_bank_load(f->db, f->inst_a, &b), LITERACY_OK);
    size_t limited = 0;
    for (size_t i = 0; i < b.n; i++)
        limited += b.items[i].exposure_k > 0 && b.items[i].exposure_k < 1;
    assert_int_equal(limited, r.limited);
    literacy_bank_release(&b);
    struct literacy_test t;
    int resumed;
    assert_int_equal(literacy_test_start(f->db, &f->s2, LITERACY_PRACTICE, &t, &resumed, &p),
                     LITERACY_OK);
    while (!t.finished) {
        json_t *fb = NULL;
        assert_int_equal(answer_current(f, &f->s2, &t, 1, &fb, &p), LITERACY_OK);
        json_decref(fb);
    }
    /* Nothing passed over was presented afterwards. */
    assert_true(json_array_size(t.passed) > 0);
    size_t i;
    json_t *id;
    json_array_foreach (t.passed, i, id) {
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM literacy_responses WHERE item_id = '%s' AND test_id = %lld",
                 json_string_value(id), (long long)t.id);
        assert_int_equal(query_int(f->db, sql), 0);
    }
    literacy_test_release(&t);
    /* Off again. */
    assert_int_equal(literacy_exposure_store(f->db, f->inst_a, f->admin.id, 0, 0, 0, &r, &p),
                     LITERACY_OK);
    assert_int_equal(literacy_settings_get(f->db, f->inst_a, &s), LITERACY_OK);
    NEAR(s.max_exposure, 0, 0);
}

static void class_profile_and_usage(void **state)
{
    struct fixture *f = *state;
    struct literacy_test t;
    struct literacy_problem p = {0};
    int resumed;
    assert_int_equal(literacy_test_start(f->db, &f->s1, LITERACY_CERTIFIED, &t, &resumed, &p),
                     LITERACY_OK);
    while (!t.finished) {
        json_t *fb = NULL;
        assert_int_equal(answer_current(f, &f->s1, &t, t.answered % 3 != 0, &fb, &p), LITERACY_OK);
    }
    int answered = t.answered;
    literacy_test_release(&t);
    json_t *out;
    assert_int_equal(literacy_class_profile(f->db, &f->teacher, f->class_a, &out, &p), LITERACY_OK);
    const json_t *students = json_object_get(out, "students");
    assert_int_equal(json_array_size(students), 1);
    const json_t *test = json_object_get(json_array_get(students, 0), "test");
    assert_string_equal(json_string_value(json_object_get(test, "mode")), "certified");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(out, "summary"), "overall"), "assessed")),
                     1);
    json_decref(out);
    assert_int_equal(literacy_class_profile(f->db, &f->teacher2, f->class_a, &out, &p),
                     LITERACY_ERR_FORBIDDEN);
    assert_int_equal(literacy_class_profile(f->db, &f->s1, f->class_a, &out, &p),
                     LITERACY_ERR_FORBIDDEN);
    struct literacy_bank b;
    assert_int_equal(literacy_bank_load(f->db, f->inst_a, &b), LITERACY_OK);
    struct literacy_usage *u = calloc(b.n, sizeof(*u));
    int64_t tests;
    assert_int_equal(literacy_usage(f->db, f->inst_a, f->class_a, &b, u, &tests), LITERACY_OK);
    int64_t sum = 0;
    for (size_t i = 0; i < b.n; i++)
        sum += u[i].administered;
    assert_int_equal(sum, answered);
    assert_int_equal(tests, 1);
    assert_int_equal(literacy_usage(f->db, f->inst_b, 0, &b, u, &tests), LITERACY_OK);
    assert_int_equal(tests, 0);
    free(u);
    literacy_bank_release(&b);
}

/* Import: newer versions replace, the same is unchanged, an older or equal changed one is refused.
 */
static void import_rules(void **state)
{
    struct fixture *f = *state;
    struct literacy_import *imp = calloc(1, sizeof(*imp));
    json_t *item = good_item("dl-1.1-901");
    json_object_set_new(json_object_get(item, "stem"), "en", json_string("Changed stem."));
    json_t *doc = json_pack("{s:[O]}", "items", item);
    char *text = json_dumps(doc, 0);
    assert_int_equal(
        literacy_bank_import(f->db, f->inst_a, f->admin.id, text, strlen(text), 0, imp),
        LITERACY_ERR_INVALID);
    assert_string_equal(imp->report.list[0].msg, "lit_version_not_newer");
    free(text);
    json_object_set_new(item, "version", json_integer(2));
    text = json_dumps(doc, 0);
    memset(imp, 0, sizeof(*imp));
    assert_int_equal(
        literacy_bank_import(f->db, f->inst_a, f->admin.id, text, strlen(text), 0, imp),
        LITERACY_OK);
    assert_int_equal(imp->updated, 1);
    free(text);
    /* An item written with 1 for 1.0 (another tool): unchanged, numbers are equal by value. */
    json_t *whole = good_item("dl-2.5-901");
    json_object_set_new(whole, "version", json_integer(2));
    json_object_set_new(json_object_get(whole, "irt"), "b", json_integer(1));
    json_t *doc2 = json_pack("{s:[O]}", "items", whole);
    char *text2 = json_dumps(doc2, 0);
    memset(imp, 0, sizeof(*imp));
    assert_int_equal(
        literacy_bank_import(f->db, f->inst_a, f->admin.id, text2, strlen(text2), 0, imp),
        LITERACY_OK);
    assert_int_equal(imp->updated, 1);
    free(text2);
    json_object_set_new(json_object_get(whole, "irt"), "b", json_real(1.0));
    text2 = json_dumps(doc2, 0);
    assert_non_null(strstr(text2, "1.0"));
    memset(imp, 0, sizeof(*imp));
    assert_int_equal(
        literacy_bank_import(f->db, f->inst_a, f->admin.id, text2, strlen(text2), 0, imp),
        LITERACY_OK);
    assert_int_equal(imp->unchanged, 1);
    free(text2);
    json_decref(doc2);
    json_decref(whole);
    /* State: retire and calibrate through the file; a state for an unknown item is refused. */
    json_object_set_new(doc, "state",
                        json_pack("{s:{s:b, s:{s:s, s:f, s:f}}}", "dl-1.1-901", "retired", 1, "irt",
                                  "model", "2pl", "a", 1.25, "b", 0.5));
    text = json_dumps(doc, 0);
    memset(imp, 0, sizeof(*imp));
    assert_int_equal(
        literacy_bank_import(f->db, f->inst_a, f->admin.id, text, strlen(text), 0, imp),
        LITERACY_OK);
    assert_int_equal(imp->unchanged, 1);
    assert_int_equal(imp->state, 1);
    free(text);
    struct literacy_bank b;
    assert_int_equal(literacy_bank_load(f->db, f->inst_a, &b), LITERACY_OK);
    const struct literacy_item *it = literacy_bank_find(&b, "dl-1.1-901");
    assert_true(it->flags & LITERACY_ITEM_RETIRED);
    assert_true(it->flags & LITERACY_ITEM_CALIBRATED);
    NEAR(it->irt.a, 1.25, 0);
    assert_int_equal(it->version, 2);
    literacy_bank_release(&b);
    json_object_set_new(doc, "state", json_pack("{s:{s:b}}", "dl-7.7-777", "retired", 1));
    text = json_dumps(doc, 0);
    memset(imp, 0, sizeof(*imp));
    assert_int_equal(
        literacy_bank_import(f->db, f->inst_a, f->admin.id, text, strlen(text), 0, imp),
        LITERACY_ERR_INVALID);
    assert_string_equal(imp->report.list[0].msg, "lit_state_unknown");
    free(text);
    /* The other college has none of it: only the bundled items, if this binary has any. */
    const struct literacy_bank *bundled;
    assert_int_equal(literacy_bundled(&bundled, NULL, 0), LITERACY_OK);
    assert_int_equal(literacy_bank_load(f->db, f->inst_b, &b), LITERACY_OK);
    assert_int_equal(b.n, bundled->n);
    literacy_bank_release(&b);
    json_decref(doc);
    json_decref(item);
    free(imp);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_vectors),
        cmocka_unit_test(model_tails),
        cmocka_unit_test(model_derivatives),
        cmocka_unit_test(quadrature_and_logsumexp),
        cmocka_unit_test(estimation_vectors),
        cmocka_unit_test(mle_extremes),
        cmocka_unit_test(gamma_vectors),
        cmocka_unit_test(fixture_bank_reads),
        cmocka_unit_test(bad_items_are_refused),
        cmocka_unit_test(bank_files_are_checked),
        cmocka_unit_test(bank_survives_allocation_failures),
        cmocka_unit_test(scoring_rules),
        cmocka_unit_test(answers_are_checked),
        cmocka_unit_test(presentation),
        cmocka_unit_test(content_balancing),
        cmocka_unit_test(exposure_and_determinism),
        cmocka_unit_test(stopping_rules),
        cmocka_unit_test(sympson_hetter),
        cmocka_unit_test(simulation_study),
        cmocka_unit_test(calibration_recovers_parameters),
        cmocka_unit_test(calibration_links_to_the_bank),
        cmocka_unit_test(levels_and_settings),
        cmocka_unit_test(profile_and_path),
        cmocka_unit_test(resources_are_checked),
        cmocka_unit_test(digcomp_table_and_bundled_content),
        cmocka_unit_test(messages_are_sorted_and_bilingual),
        T(test_runs_and_finishes),
        T(test_refusals_change_nothing),
        T(retired_items_and_bank_changes),
        T(stored_exposure_control),
        T(class_profile_and_usage),
        T(import_rules),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
