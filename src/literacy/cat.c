/* The adaptive test: settings, the pool, selection, stopping, and the simulation study. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "literacy/cat.h"
#include "util/alloc.h"
#include "util/timeutil.h"
#include "util/banned.h"

/* ---- Settings ---- */

void literacy_settings_default(struct literacy_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->se_target = 0.30;
    s->min_items = 10;
    s->max_items = 40;
    s->randomesque = 4;
    s->spread = 1;
    for (int a = 0; a < LITERACY_AREAS; a++)
        s->area_share[a] = 1.0 / LITERACY_AREAS;
    for (int l = 0; l < LITERACY_CUTS; l++)
        s->cuts[l] = (l - 3) * 7 / 10.0; /* exactly -2.1, -1.4, … as written */
    s->competence_sd = 1.0;
    s->max_exposure = 0;
}

static int bad_setting(struct literacy_problem *p, const char *member, const char *msg)
{
    return literacy_problem_set(p, LITERACY_ERR_INVALID, member, msg, NULL);
}

/* An integer member in LO..HI into OUT; absent leaves OUT. */
static int int_member(const json_t *v, const char *key, int lo, int hi, int *out)
{
    const json_t *x = json_object_get(v, key);
    if (!x)
        return 0;
    if (!json_is_integer(x) || json_integer_value(x) < lo || json_integer_value(x) > hi)
        return -1;
    *out = (int)json_integer_value(x);
    return 0;
}

/* A number member in LO..HI into OUT; absent leaves OUT. */
static int num_member(const json_t *v, const char *key, double lo, double hi, double *out)
{
    const json_t *x = json_object_get(v, key);
    if (!x)
        return 0;
    if (!json_is_number(x) || !(json_number_value(x) >= lo && json_number_value(x) <= hi))
        return -1;
    *out = json_number_value(x);
    return 0;
}

int literacy_settings_read(const json_t *v, struct literacy_settings *out,
                           struct literacy_problem *p)
{
    static const char *const keys[] = {"se_target",    "min_items",   "max_items", "randomesque",
                                       "spread",       "area_shares", "cuts",      "competence_sd",
                                       "max_exposure", NULL};
    struct literacy_settings s = *out;
    if (!json_is_object(v))
        return bad_setting(p, "", "literacy_settings_object");
    const char *key;
    json_t *x;
    json_object_foreach ((json_t *)v, key, x) {
        int known = 0;
        for (const char *const *k = keys; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known)
            return literacy_problem_set(p, LITERACY_ERR_INVALID, "", "lit_unknown_member", key);
    }
    if (num_member(v, "se_target", 0.1, 1.0, &s.se_target))
        return bad_setting(p, "se_target", "literacy_settings_se");
    if (int_member(v, "min_items", 1, LITERACY_MAX_TEST, &s.min_items))
        return bad_setting(p, "min_items", "literacy_settings_items");
    if (int_member(v, "max_items", 1, LITERACY_MAX_TEST, &s.max_items))
        return bad_setting(p, "max_items", "literacy_settings_items");
    if (s.min_items > s.max_items)
        return bad_setting(p, "min_items", "literacy_settings_items");
    if (int_member(v, "randomesque", 1, LITERACY_RANDOMESQUE_MAX, &s.randomesque))
        return bad_setting(p, "randomesque", "literacy_settings_randomesque");
    const json_t *spread = json_object_get(v, "spread");
    if (spread && !json_is_boolean(spread))
        return bad_setting(p, "spread", "literacy_settings_spread");
    if (spread)
        s.spread = json_is_true(spread);
    if (num_member(v, "competence_sd", 0.25, 3.0, &s.competence_sd))
        return bad_setting(p, "competence_sd", "literacy_settings_competence_sd");
    if (num_member(v, "max_exposure", 0.0, 1.0, &s.max_exposure) ||
        (s.max_exposure > 0 && s.max_exposure < 0.05))
        return bad_setting(p, "max_exposure", "literacy_settings_max_exposure");
    const json_t *shares = json_object_get(v, "area_shares");
    if (shares) {
        if (!json_is_object(shares))
            return bad_setting(p, "area_shares", "literacy_settings_shares");
        json_object_foreach ((json_t *)shares, key, x) {
            int a = literacy_area_parse(key);
            if (!a || !json_is_number(x) || !(json_number_value(x) >= 0) ||
                json_number_value(x) > 1)
                return bad_setting(p, "area_shares", "literacy_settings_shares");
            s.area_share[a - 1] = json_number_value(x);
        }
    }
    double sum = 0;
    for (int a = 0; a < LITERACY_AREAS; a++)
        sum += s.area_share[a];
    if (!(sum > 0))
        return bad_setting(p, "area_shares", "literacy_settings_shares");
    for (int a = 0; a < LITERACY_AREAS; a++)
        s.area_share[a] /= sum;
    const json_t *cuts = json_object_get(v, "cuts");
    if (cuts) {
        if (!json_is_array(cuts) || json_array_size(cuts) != LITERACY_CUTS)
            return bad_setting(p, "cuts", "literacy_settings_cuts");
        for (int l = 0; l < LITERACY_CUTS; l++) {
            const json_t *c = json_array_get(cuts, (size_t)l);
            double t = json_number_value(c);
            if (!json_is_number(c) || !(t >= -6 && t <= 6) || (l > 0 && !(t > s.cuts[l - 1])))
                return bad_setting(p, "cuts", "literacy_settings_cuts");
            s.cuts[l] = t;
        }
    }
    *out = s;
    return LITERACY_OK;
}

json_t *literacy_settings_json(const struct literacy_settings *s)
{
    json_t *shares = json_object(), *cuts = json_array();
    for (int a = 0; shares && a < LITERACY_AREAS; a++)
        json_object_set_new(shares, literacy_areas[a].code, json_real(s->area_share[a]));
    for (int l = 0; cuts && l < LITERACY_CUTS; l++)
        json_array_append_new(cuts, json_real(s->cuts[l]));
    return json_pack("{s:f, s:i, s:i, s:i, s:b, s:o, s:o, s:f, s:f}", "se_target", s->se_target,
                     "min_items", s->min_items, "max_items", s->max_items, "randomesque",
                     s->randomesque, "spread", s->spread, "area_shares", shares, "cuts", cuts,
                     "competence_sd", s->competence_sd, "max_exposure", s->max_exposure);
}

int literacy_level(const double cuts[LITERACY_CUTS], double theta)
{
    int level = 1;
    for (int l = 0; l < LITERACY_CUTS; l++)
        level += theta >= cuts[l];
    return level;
}

const char *literacy_band_name(int level)
{
    if (level <= 2)
        return "foundation";
    if (level <= 4)
        return "intermediate";
    if (level <= 6)
        return "advanced";
    return "highly-specialised";
}

const char *literacy_stop_name(enum literacy_stop s)
{
    switch (s) {
    case LITERACY_STOP_PRECISION:
        return "precision";
    case LITERACY_STOP_MAX_ITEMS:
        return "max_items";
    case LITERACY_STOP_EXHAUSTED:
        return "bank_exhausted";
    case LITERACY_STOP_STUDENT:
        return "student";
    default:
        return "";
    }
}

/* ---- The pool ---- */

int literacy_pool_build(const struct literacy_bank *b, struct literacy_pool *out)
{
    out->n = b->n;
    out->items = b->n ? cc_calloc(b->n, sizeof(*out->items)) : NULL;
    if (b->n && !out->items)
        return LITERACY_ERR_NOMEM;
    for (size_t i = 0; i < b->n; i++) {
        const struct literacy_item *it = &b->items[i];
        out->items[i].irt = it->irt;
        out->items[i].area = (unsigned char)it->area;
        out->items[i].competence = (unsigned char)it->competence;
        out->items[i].usable = !(it->flags & LITERACY_ITEM_RETIRED);
        out->items[i].k = it->exposure_k > 0 && it->exposure_k <= 1 ? it->exposure_k : 1.0;
    }
    return LITERACY_OK;
}

void literacy_pool_release(struct literacy_pool *p)
{
    cc_free(p->items);
    p->items = NULL;
    p->n = 0;
}

/* ---- The engine ---- */

/* splitmix64 */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void cat_reset(struct literacy_cat *c, uint64_t seed)
{
    const struct literacy_pool *pool = c->pool;
    c->seed = seed;
    c->n = 0;
    memset(c->used, 0, pool->n ? pool->n : 1);
    memset(c->area_count, 0, sizeof(c->area_count));
    memset(c->area_left, 0, sizeof(c->area_left));
    memset(c->comp_count, 0, sizeof(c->comp_count));
    memset(c->comp_left, 0, sizeof(c->comp_left));
    for (size_t i = 0; i < pool->n; i++)
        if (pool->items[i].usable) {
            c->area_left[pool->items[i].area]++;
            c->comp_left[pool->items[i].competence]++;
        }
    literacy_posterior_init(&c->post, 0.0, 1.0);
    literacy_posterior_eap(&c->post, &c->theta, &c->sd);
}

int literacy_cat_init(struct literacy_cat *c, const struct literacy_pool *pool,
                      const struct literacy_settings *settings, uint64_t seed)
{
    memset(c, 0, sizeof(*c));
    c->pool = pool;
    c->settings = settings;
    if (!(c->used = cc_calloc(pool->n ? pool->n : 1, 1)))
        return LITERACY_ERR_NOMEM;
    cat_reset(c, seed);
    return LITERACY_OK;
}

void literacy_cat_release(struct literacy_cat *c)
{
    cc_free(c->used);
    c->used = NULL;
}

void literacy_cat_mark(struct literacy_cat *c, size_t index)
{
    if (index >= c->pool->n || c->used[index])
        return;
    const struct literacy_pool_item *it = &c->pool->items[index];
    c->used[index] = 1;
    if (it->usable) {
        c->area_left[it->area]--;
        c->comp_left[it->competence]--;
    }
}

void literacy_cat_answer(struct literacy_cat *c, size_t index, const struct literacy_irt *irt,
                         int category)
{
    if (index >= c->pool->n)
        return;
    const struct literacy_pool_item *it = &c->pool->items[index];
    literacy_cat_mark(c, index);
    literacy_posterior_add(&c->post, irt ? irt : &it->irt, category);
    literacy_posterior_eap(&c->post, &c->theta, &c->sd);
    c->n++;
    c->area_count[it->area]++;
    c->comp_count[it->competence]++;
}

void literacy_cat_answer_other(struct literacy_cat *c, int area, int competence,
                               const struct literacy_irt *irt, int category)
{
    literacy_posterior_add(&c->post, irt, category);
    literacy_posterior_eap(&c->post, &c->theta, &c->sd);
    c->n++;
    if (area >= 1 && area <= LITERACY_AREAS)
        c->area_count[area]++;
    if (competence >= 0 && competence < LITERACY_COMPETENCES)
        c->comp_count[competence]++;
}

/* Is area A (1..5) in play: a target share above 0 and an unused item left? */
static int in_play(const struct literacy_cat *c, int a)
{
    return c->settings->area_share[a - 1] > 0 && c->area_left[a] > 0;
}

enum literacy_stop literacy_cat_stop(const struct literacy_cat *c)
{
    const struct literacy_settings *s = c->settings;
    if (c->n >= s->max_items)
        return LITERACY_STOP_MAX_ITEMS;
    int left = 0, touched = 1;
    for (int a = 1; a <= LITERACY_AREAS; a++) {
        left |= in_play(c, a);
        if (s->area_share[a - 1] > 0 && c->area_left[a] > 0 && c->area_count[a] == 0)
            touched = 0;
    }
    if (!left)
        return LITERACY_STOP_EXHAUSTED;
    if (c->n >= s->min_items && touched && c->sd <= s->se_target)
        return LITERACY_STOP_PRECISION;
    return LITERACY_CONTINUE;
}

/* Fisher information, with the 2PL case inline (it is most of the bank). */
static double info_at(const struct literacy_irt *it, double theta)
{
    if (it->m == 1) {
        double x = it->a * (theta - it->b[0]);
        double e = exp(-fabs(x));
        return it->a * it->a * e / ((1 + e) * (1 + e));
    }
    return literacy_irt_info(it, theta);
}

int literacy_cat_next(struct literacy_cat *c, size_t *index)
{
    const struct literacy_settings *s = c->settings;
    const struct literacy_pool *pool = c->pool;
    uint64_t st = c->seed ^ (0xd1b54a32d192ed03ULL * (uint64_t)(c->n + 1));
    int area = 0, untouched[LITERACY_AREAS], nu = 0;
    for (int a = 1; a <= LITERACY_AREAS; a++)
        if (in_play(c, a) && c->area_count[a] == 0)
            untouched[nu++] = a;
    if (nu) {
        area = untouched[mix(&st) % (uint64_t)nu];
    } else {
        double best = -INFINITY;
        for (int a = 1; a <= LITERACY_AREAS; a++) {
            if (!in_play(c, a))
                continue;
            double d = s->area_share[a - 1] - (c->n ? (double)c->area_count[a] / c->n : 0);
            if (d > best + 1e-12) {
                best = d;
                area = a;
            }
        }
    }
    if (!area)
        return -1;
    int fewest = INT_MAX;
    if (s->spread)
        for (int k = 0; k < LITERACY_COMPETENCES; k++)
            if (literacy_competences[k].area == area && c->comp_left[k] > 0 &&
                c->comp_count[k] < fewest)
                fewest = c->comp_count[k];
    /*
     * The most informative candidates, best first: the k of randomesque, and
     * with the Sympson-Hetter lottery on, more to fall back on.
     */
    size_t top[LITERACY_SH_CANDIDATES];
    double info[LITERACY_SH_CANDIDATES];
    int k = s->randomesque < 1 ? 1 : s->randomesque, nk = 0;
    if (k > LITERACY_RANDOMESQUE_MAX)
        k = LITERACY_RANDOMESQUE_MAX;
    int lottery = s->max_exposure > 0, cap = lottery ? LITERACY_SH_CANDIDATES : k;
    for (size_t i = 0; i < pool->n; i++) {
        const struct literacy_pool_item *it = &pool->items[i];
        if (it->area != area || !it->usable || c->used[i])
            continue;
        if (s->spread && c->comp_count[it->competence] != fewest)
            continue;
        double v = info_at(&it->irt, c->theta);
        if (nk == cap && !(v > info[cap - 1]))
            continue;
        int j = nk < cap ? nk++ : cap - 1;
        while (j > 0 && info[j - 1] < v) {
            info[j] = info[j - 1];
            top[j] = top[j - 1];
            j--;
        }
        info[j] = v;
        top[j] = i;
    }
    c->nrejected = 0;
    while (nk > 0) {
        int window = nk < k ? nk : k, j = (int)(mix(&st) % (uint64_t)window);
        size_t i = top[j];
        if (c->drawn)
            c->drawn[i] = 1;
        double chance = lottery ? pool->items[i].k : 1.0;
        if (chance >= 1 || (double)(mix(&st) >> 11) * 0x1.0p-53 < chance) {
            *index = i;
            return 0;
        }
        /* Passed over: not given now, nor later in this test. */
        c->rejected[c->nrejected++] = i;
        literacy_cat_mark(c, i);
        memmove(&top[j], &top[j + 1], (size_t)(nk - j - 1) * sizeof(*top));
        nk--;
    }
    if (c->nrejected) {
        /* Every candidate lost its lottery (rare): the last one is given after all. */
        *index = c->rejected[--c->nrejected];
        return 0;
    }
    return -1;
}

/* ---- The generator ---- */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void literacy_rng_seed(struct literacy_rng *r, uint64_t seed)
{
    uint64_t s = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = mix(&s);
    r->has_spare = 0;
}

uint64_t literacy_rng_next(struct literacy_rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double literacy_rng_uniform(struct literacy_rng *r)
{
    return (double)(literacy_rng_next(r) >> 11) * 0x1.0p-53;
}

double literacy_rng_normal(struct literacy_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u;
    do
        u = literacy_rng_uniform(r);
    while (u <= 0);
    double v = literacy_rng_uniform(r), rad = sqrt(-2 * log(u));
    r->spare = rad * sin(2 * M_PI * v);
    r->has_spare = 1;
    return rad * cos(2 * M_PI * v);
}

int literacy_rng_response(struct literacy_rng *r, const struct literacy_irt *it, double theta)
{
    double p[LITERACY_MAX_THRESHOLDS + 1], u = literacy_rng_uniform(r), cum = 0;
    literacy_irt_probs(it, theta, p);
    for (int k = 0; k < it->m; k++) {
        cum += p[k];
        if (u < cum)
            return k;
    }
    return it->m;
}

int literacy_pool_synthetic(struct literacy_pool *out, size_t n, uint64_t seed)
{
    struct literacy_rng r;
    literacy_rng_seed(&r, seed);
    out->n = n;
    out->items = n ? cc_calloc(n, sizeof(*out->items)) : NULL;
    if (n && !out->items)
        return LITERACY_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        struct literacy_pool_item *it = &out->items[i];
        int area = (int)(i % LITERACY_AREAS) + 1, comps[LITERACY_COMPETENCES], nc = 0;
        for (int k = 0; k < LITERACY_COMPETENCES; k++)
            if (literacy_competences[k].area == area)
                comps[nc++] = k;
        it->area = (unsigned char)area;
        it->competence = (unsigned char)comps[(i / LITERACY_AREAS) % (size_t)nc];
        it->usable = 1;
        it->k = 1.0;
        int level = 1 + (int)(literacy_rng_next(&r) % 8);
        double b = (level - 4.5) * 0.7 + 0.3 * literacy_rng_normal(&r);
        it->irt.a = 0.6 + 1.6 * literacy_rng_uniform(&r);
        if (i % 5 == 4) {
            double half = 0.3 + 0.5 * literacy_rng_uniform(&r);
            it->irt.model = LITERACY_MODEL_GRM;
            it->irt.m = 2;
            it->irt.b[0] = b - half;
            it->irt.b[1] = b + half;
        } else {
            it->irt.model = LITERACY_MODEL_2PL;
            it->irt.m = 1;
            it->irt.b[0] = b;
        }
    }
    return LITERACY_OK;
}

/* ---- Simulation ---- */

/*
 * One simulated test-taker of ability TRUTH through the test C (reset with
 * its seed): counts every item given in SEEN. Returns why it stopped.
 */
static enum literacy_stop one_test(struct literacy_cat *c, struct literacy_rng *rng, double truth,
                                   size_t *seen)
{
    const struct literacy_pool *pool = c->pool;
    enum literacy_stop stop = literacy_cat_stop(c);
    while (stop == LITERACY_CONTINUE) {
        size_t i;
        if (literacy_cat_next(c, &i))
            return LITERACY_STOP_EXHAUSTED;
        seen[i]++;
        literacy_cat_answer(c, i, NULL, literacy_rng_response(rng, &pool->items[i].irt, truth));
        stop = literacy_cat_stop(c);
    }
    return stop;
}

int literacy_simulate(const struct literacy_pool *pool, const struct literacy_sim_options *o,
                      struct literacy_sim_result *out, size_t *exposure)
{
    static const double edges[LITERACY_SIM_BANDS + 1] = {-INFINITY, -2, -1, 0, 1, 2, INFINITY};
    struct literacy_cat c;
    struct literacy_rng rng;
    memset(out, 0, sizeof(*out));
    size_t *seen = cc_calloc(pool->n ? pool->n : 1, sizeof(*seen));
    if (!seen)
        return LITERACY_ERR_NOMEM;
    int err = literacy_cat_init(&c, pool, &o->settings, 0);
    if (err) {
        cc_free(seen);
        return err;
    }
    literacy_rng_seed(&rng, o->seed);
    for (int b = 0; b < LITERACY_SIM_BANDS; b++) {
        out->band[b].lo = edges[b];
        out->band[b].hi = edges[b + 1];
    }
    double sum_len = 0, sum_len2 = 0, sum_err = 0, sum_err2 = 0, sum_se = 0;
    size_t exact = 0, adjacent = 0, answers = 0;
    uint64_t ns = 0;
    out->min_length = INT_MAX;
    for (size_t j = 0; j < o->n; j++) {
        double truth = literacy_rng_normal(&rng);
        cat_reset(&c, literacy_rng_next(&rng));
        uint64_t t0 = time_mono_ns();
        enum literacy_stop stop = one_test(&c, &rng, truth, seen);
        ns += time_mono_ns() - t0;
        answers += (size_t)c.n;
        out->stops[stop]++;
        double e = c.theta - truth;
        sum_err += e;
        sum_err2 += e * e;
        sum_se += c.sd;
        sum_len += c.n;
        sum_len2 += (double)c.n * c.n;
        if (c.n < out->min_length)
            out->min_length = c.n;
        if (c.n > out->max_length)
            out->max_length = c.n;
        int lt = literacy_level(o->settings.cuts, truth),
            le = literacy_level(o->settings.cuts, c.theta);
        exact += lt == le;
        adjacent += lt - le <= 1 && le - lt <= 1;
        for (int b = 0; b < LITERACY_SIM_BANDS; b++)
            if (truth >= edges[b] && truth < edges[b + 1]) {
                struct literacy_sim_band *band = &out->band[b];
                band->n++;
                band->bias += e;
                band->rmse += e * e;
                band->length += c.n;
                band->se += c.sd;
            }
    }
    size_t n = o->n;
    out->n = n;
    if (n) {
        out->bias = sum_err / n;
        out->rmse = sqrt(sum_err2 / n);
        out->mean_se = sum_se / n;
        out->mean_length = sum_len / n;
        double var = sum_len2 / n - out->mean_length * out->mean_length;
        out->sd_length = var > 0 ? sqrt(var) : 0;
        out->level_exact = (double)exact / n;
        out->level_adjacent = (double)adjacent / n;
    } else {
        out->min_length = 0;
    }
    out->ns_per_item = answers ? (double)ns / answers : 0;
    for (int b = 0; b < LITERACY_SIM_BANDS; b++) {
        struct literacy_sim_band *band = &out->band[b];
        if (band->n) {
            band->bias /= band->n;
            band->rmse = sqrt(band->rmse / band->n);
            band->length /= band->n;
            band->se /= band->n;
        }
    }
    for (size_t i = 0; i < pool->n; i++) {
        double share = n ? (double)seen[i] / n : 0;
        if (share > out->max_exposure) {
            out->max_exposure = share;
            out->max_exposure_item = i;
        }
        if (pool->items[i].usable && seen[i] == 0)
            out->unused++;
        if (exposure)
            exposure[i] = seen[i];
    }
    literacy_cat_release(&c);
    cc_free(seen);
    return LITERACY_OK;
}

int literacy_exposure_tune(struct literacy_pool *pool, const struct literacy_settings *s, size_t n,
                           int rounds, uint64_t seed, struct literacy_exposure_report *out)
{
    struct literacy_cat c;
    struct literacy_rng rng;
    double r = s->max_exposure;
    memset(out, 0, sizeof(*out));
    out->target = r;
    out->rounds = rounds;
    out->n = n;
    if (!(r > 0) || n == 0)
        return LITERACY_ERR_INVALID;
    size_t *seen = cc_calloc(pool->n ? pool->n : 1, sizeof(*seen));
    size_t *drawn_tests = cc_calloc(pool->n ? pool->n : 1, sizeof(*drawn_tests));
    unsigned char *drawn = cc_calloc(pool->n ? pool->n : 1, 1);
    int err = seen && drawn_tests && drawn ? literacy_cat_init(&c, pool, s, 0) : LITERACY_ERR_NOMEM;
    if (err)
        goto done;
    c.drawn = drawn;
    for (size_t i = 0; i < pool->n; i++)
        pool->items[i].k = 1.0;
    for (int round = 0; round <= rounds; round++) {
        memset(seen, 0, pool->n * sizeof(*seen));
        memset(drawn_tests, 0, pool->n * sizeof(*drawn_tests));
        literacy_rng_seed(&rng, seed + (uint64_t)round);
        for (size_t j = 0; j < n; j++) {
            double truth = literacy_rng_normal(&rng);
            cat_reset(&c, literacy_rng_next(&rng));
            memset(drawn, 0, pool->n);
            one_test(&c, &rng, truth, seen);
            for (size_t i = 0; i < pool->n; i++)
                drawn_tests[i] += drawn[i];
        }
        double most = 0;
        for (size_t i = 0; i < pool->n; i++)
            if ((double)seen[i] / n > most)
                most = (double)seen[i] / n;
        if (round == 0)
            out->before = most;
        if (round == rounds) {
            out->after = most;
            break;
        }
        /*
         * P(A) = P(S) k: a parameter of r / P(S) gives the item r at most. An
         * item's P(S) rises as the items above it are limited, so a
         * parameter only ever goes down (r / P(S) at the largest P(S) seen):
         * the rounds then settle at or below the target instead of swinging
         * around it.
         */
        for (size_t i = 0; i < pool->n; i++) {
            double ps = (double)drawn_tests[i] / n;
            if (ps > r && r / ps < pool->items[i].k)
                pool->items[i].k = r / ps;
        }
    }
    for (size_t i = 0; i < pool->n; i++)
        out->limited += pool->items[i].k < 1.0;
    literacy_cat_release(&c);
done:
    cc_free(seen);
    cc_free(drawn_tests);
    cc_free(drawn);
    return err;
}
