/*
 * The computerised adaptive test: its settings (stopping rule, exposure
 * control, content balance, cut scores), the engine that picks the next
 * item and updates theta, and the simulation study that checks both.
 * Pure: no storage; the same code runs a real test (test.c replays a
 * stored test into it) and ten thousand simulated ones.
 *
 * Selection (docs/literacy.md, "Selection"), for the item after n answers:
 *  1. The areas in play are those with a target share above 0 and an unused
 *     item left. An area not touched yet comes first (one of them at random
 *     when several are); after that, the area furthest below its target
 *     share (target - count/n; ties to the lower area number).
 *  2. Inside the area, with `spread` on, only the competences with the
 *     fewest items so far (among those with an unused item left).
 *  3. Maximum Fisher information at the current EAP estimate, with
 *     randomesque exposure control: one of the k most informative items at
 *     random.
 * The random choices come from a generator seeded by the test's seed and n,
 * so a test resumed or replayed picks the same items.
 *
 * Stopping: after max_items answers; when no item is left; or after at
 * least min_items answers, once every area in play has been touched and the
 * posterior SD is at most se_target.
 */
#ifndef CC_LITERACY_CAT_H
#define CC_LITERACY_CAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "literacy/irt.h"
#include "literacy/item.h"

#define LITERACY_LEVELS          8
#define LITERACY_CUTS            (LITERACY_LEVELS - 1)
#define LITERACY_MAX_TEST        100 /* the longest test the settings allow */
#define LITERACY_RANDOMESQUE_MAX 20
#define LITERACY_SH_CANDIDATES                                                                     \
    36 /* the most informative items the Sympson-Hetter lottery may try */

struct literacy_settings {
    double se_target; /* stop when the posterior SD is at most this */
    int min_items, max_items;
    int randomesque;                   /* k: pick at random among the k most informative */
    int spread;                        /* balance the competences inside an area too */
    double area_share[LITERACY_AREAS]; /* target shares (normalised to sum 1) */
    double cuts[LITERACY_CUTS];        /* theta from which levels 2..8 start, ascending */
    double competence_sd; /* prior SD of an area's or competence's theta around the overall */
    double max_exposure;  /* Sympson-Hetter target exposure rate; 0: no lottery */
};

/*
 * The defaults: se_target 0.30, 10 to 40 items, randomesque 4, spread on,
 * equal shares, cuts (L - 5) * 0.7 for levels L = 2..8 (-2.1 … 2.1: the
 * midpoints between the difficulties (L - 4.5) * 0.7 of the contract's
 * typical level-L items), competence_sd 1.0, max_exposure 0 (off).
 */
void literacy_settings_default(struct literacy_settings *s);

/*
 * Reads settings V (any subset of the members literacy_settings_json
 * writes) over OUT, which holds the values the missing members keep.
 * Checks every limit; on LITERACY_ERR_INVALID, P names the member.
 */
int literacy_settings_read(const json_t *v, struct literacy_settings *out,
                           struct literacy_problem *p) __attribute__((warn_unused_result));

/* The settings as JSON (a new reference). */
json_t *literacy_settings_json(const struct literacy_settings *s);

/* The DigComp level (1..8) of THETA under CUTS. */
int literacy_level(const double cuts[LITERACY_CUTS], double theta);

/* "foundation" (levels 1-2), "intermediate" (3-4), "advanced" (5-6), "highly-specialised" (7-8). */
const char *literacy_band_name(int level);

/* The items of a bank as the engine reads them: compact, in the bank's order. */
struct literacy_pool_item {
    struct literacy_irt irt;
    unsigned char area;       /* 1..5 */
    unsigned char competence; /* index in literacy_competences */
    unsigned char usable;     /* not retired */
    double k;                 /* Sympson-Hetter: the chance the item is given when drawn */
};

struct literacy_pool {
    struct literacy_pool_item *items;
    size_t n;
};

/* Builds the pool of bank B (items[i] is B->items[i]). */
int literacy_pool_build(const struct literacy_bank *b, struct literacy_pool *out)
    __attribute__((warn_unused_result));

void literacy_pool_release(struct literacy_pool *p);

/*
 * A made-up pool of N items from SEED, for simulations and benchmarks: the
 * areas in turn, their competences in turn; level L uniform in 1..8,
 * b = (L - 4.5) 0.7 + N(0, 0.3^2), a uniform in [0.6, 2.2]; every fifth item
 * graded with two thresholds b -/+ U(0.3, 0.8).
 */
int literacy_pool_synthetic(struct literacy_pool *out, size_t n, uint64_t seed)
    __attribute__((warn_unused_result));

enum literacy_stop {
    LITERACY_CONTINUE = 0,
    LITERACY_STOP_PRECISION = 1, /* the posterior SD reached the target */
    LITERACY_STOP_MAX_ITEMS = 2,
    LITERACY_STOP_EXHAUSTED = 3, /* no usable item left */
    LITERACY_STOP_STUDENT = 4,   /* the student finished early */
};

/* "precision", "max_items", "bank_exhausted", "student" ("" for LITERACY_CONTINUE). */
const char *literacy_stop_name(enum literacy_stop s);

/* One test in progress. */
struct literacy_cat {
    const struct literacy_pool *pool;
    const struct literacy_settings *settings;
    uint64_t seed;
    struct literacy_posterior post;
    double theta, sd; /* the EAP estimate and posterior SD so far */
    int n;            /* answers */
    unsigned char *used;
    int area_count[LITERACY_AREAS + 1]; /* answers per area (1..5) */
    int area_left[LITERACY_AREAS + 1];  /* usable unused items per area */
    int comp_count[LITERACY_COMPETENCES];
    int comp_left[LITERACY_COMPETENCES];
    /* The items the last literacy_cat_next passed over (Sympson-Hetter), now used. */
    size_t rejected[LITERACY_SH_CANDIDATES];
    int nrejected;
    unsigned char *drawn; /* when set (pool->n flags): every item drawn, given or not */
};

/* Starts a test on POOL with SETTINGS (both must outlive C) and SEED, theta at the prior N(0, 1).
 */
int literacy_cat_init(struct literacy_cat *c, const struct literacy_pool *pool,
                      const struct literacy_settings *settings, uint64_t seed)
    __attribute__((warn_unused_result));

void literacy_cat_release(struct literacy_cat *c);

/* Marks item INDEX as used (presented) without an answer. */
void literacy_cat_mark(struct literacy_cat *c, size_t index);

/* Adds the answer CATEGORY to item INDEX with parameters IRT (NULL: the pool's) and updates theta.
 */
void literacy_cat_answer(struct literacy_cat *c, size_t index, const struct literacy_irt *irt,
                         int category);

/*
 * Adds the answer CATEGORY to an item that is not in the pool (gone from the
 * bank since it was presented), of AREA (1..5) and COMPETENCE, with IRT.
 */
void literacy_cat_answer_other(struct literacy_cat *c, int area, int competence,
                               const struct literacy_irt *irt, int category);

/* Whether the test stops now, and why. */
enum literacy_stop literacy_cat_stop(const struct literacy_cat *c);

/*
 * Picks the next item into *INDEX; -1 when none is left. The items the
 * Sympson-Hetter lottery passed over are in C->rejected (marked used): a
 * stored test must remember them to replay the same choices.
 */
int literacy_cat_next(struct literacy_cat *c, size_t *index);

/* How a tuning of the exposure parameters went. */
struct literacy_exposure_report {
    double target;
    double before, after; /* the largest exposure rate without the lottery, and with it */
    size_t limited;       /* items whose parameter is below 1 */
    int rounds;
    size_t n; /* simulated test-takers per round */
};

/*
 * Sympson-Hetter (1985) by simulation: sets every POOL item's k so that, in
 * simulated tests under settings S (with S->max_exposure > 0 the target r),
 * no item is given to more than about r of the test-takers. Starting from
 * k = 1, each of ROUNDS rounds simulates N test-takers (theta from N(0, 1),
 * seeded from SEED) and lowers k_i to r / P(S_i) for the items drawn for
 * more than r of them (P(S_i): the share of tests in which item i was
 * drawn); a parameter never rises again, so the rounds settle at or below
 * the target. A last round measures the result.
 */
int literacy_exposure_tune(struct literacy_pool *pool, const struct literacy_settings *s, size_t n,
                           int rounds, uint64_t seed, struct literacy_exposure_report *out)
    __attribute__((warn_unused_result));

/* ---- Simulation ---- */

struct literacy_sim_options {
    size_t n;      /* simulated test-takers */
    uint64_t seed; /* everything random follows from it */
    struct literacy_settings settings;
};

/* Results within one band of true theta. */
struct literacy_sim_band {
    double lo, hi;
    size_t n;
    double bias, rmse, length, se;
};

#define LITERACY_SIM_BANDS 6

struct literacy_sim_result {
    size_t n;
    double bias, rmse, mean_se; /* of the EAP estimate against the true theta */
    double mean_length, sd_length;
    int min_length, max_length;
    double max_exposure;                /* the largest share of test-takers who saw one item */
    size_t max_exposure_item;           /* its index in the pool */
    size_t unused;                      /* usable items nobody saw */
    double level_exact, level_adjacent; /* share placed at their true level, within one */
    size_t stops[LITERACY_STOP_STUDENT + 1];
    struct literacy_sim_band band[LITERACY_SIM_BANDS];
    double ns_per_item; /* mean time of one answer + selection */
};

/*
 * Simulates O->n test-takers with theta drawn from N(0, 1), each answering
 * (category drawn from the model's probabilities) the adaptive test on POOL
 * until it stops. EXPOSURE (POOL->n counts, or NULL) receives how many saw
 * each item.
 */
int literacy_simulate(const struct literacy_pool *pool, const struct literacy_sim_options *o,
                      struct literacy_sim_result *out, size_t *exposure)
    __attribute__((warn_unused_result));

/* A deterministic generator (xoshiro256**), for simulations and tests. */
struct literacy_rng {
    uint64_t s[4];
    int has_spare;
    double spare;
};

void literacy_rng_seed(struct literacy_rng *r, uint64_t seed);
uint64_t literacy_rng_next(struct literacy_rng *r);
double literacy_rng_uniform(struct literacy_rng *r); /* [0, 1) */
double literacy_rng_normal(struct literacy_rng *r);  /* N(0, 1) */

/* A category drawn from the model's probabilities for IT at THETA. */
int literacy_rng_response(struct literacy_rng *r, const struct literacy_irt *it, double theta);

#endif
