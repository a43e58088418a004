/*
 * Item calibration from collected responses: marginal maximum likelihood by
 * the EM algorithm of Bock and Aitkin (1981), for 2PL and graded response
 * items alike, then item-fit statistics. Pure: the caller gathers the
 * responses (test.c from the college's tests, the CLI from a file).
 *
 * The model: theta ~ N(0, 1) over the fixed quadrature of irt.h. Each cycle
 *  E: for every person, the posterior over the nodes given the current
 *     parameters; the expected count r_ikq of answers in category k of item
 *     i at node q is the sum of those posteriors;
 *  M: for every item with at least min_responses answers, Fisher scoring on
 *     sum_q sum_k r_ikq log P_ik(X_q) (+ the log priors), with step halving
 *     and the thresholds kept in order. Items with fewer answers keep their
 *     parameters (and still inform the persons' posteriors).
 * until no parameter moves more than `tolerance` (or max_cycles).
 *
 * Priors (on by default, as in BILOG's default): log a ~ N(0, 0.5^2) and
 * b ~ N(0, 2^2); they keep items that everyone (or no one) answers right
 * finite. Linking (on by default): the new parameters are put on the scale
 * of the old ones by the mean/sigma method over the thresholds of the
 * re-estimated items (theta_old = A theta_new + B: b <- A b + B, a <- a / A),
 * so the cut scores keep their meaning; A and B are then the college's
 * ability SD and mean on the bank's scale.
 *
 * Item fit, from each answer's leave-one-out prediction: the person's
 * posterior from their other answers gives the expected score E and its
 * variance V of the answer (under the model the answer is a draw from that
 * prediction) and the posterior mean theta_-i. The answers to an item, by
 * theta_-i, in G = min(10, n / 20) groups of equal size (no statistic below
 * 40 answers): Q1 = sum_g (O_g - E_g)^2 / V_g with O, E, V summed over the
 * group; df = G - (m + 1); p = Q(df / 2, Q1 / 2). Infit (sum of squared
 * residuals / sum of V) and outfit (mean of squared residuals / V) mean
 * squares beside it: about 1 for an item that fits.
 */
#ifndef CC_LITERACY_CALIBRATE_H
#define CC_LITERACY_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "literacy/irt.h"

/* One answer: which person, which item (indices), in which category. */
struct literacy_calib_response {
    uint32_t person;
    uint32_t item;
    int category;
};

struct literacy_calib_item {
    struct literacy_irt start; /* in: the parameters before */
    struct literacy_irt est;   /* out: after (= start when not estimated) */
    double se_a, se_b[LITERACY_MAX_THRESHOLDS];
    size_t n;       /* answers */
    int estimated;  /* re-estimated (enough answers) */
    double mean;    /* observed mean score / m */
    int groups, df; /* fit: 0 groups when too few answers */
    double q1, p, infit, outfit;
};

struct literacy_calib_options {
    int max_cycles;       /* 500 */
    double tolerance;     /* 1e-4 */
    size_t min_responses; /* 50 */
    int priors;           /* 1 */
    int link;             /* 1 */
};

struct literacy_calib_result {
    int cycles;
    int converged;
    double loglik; /* the marginal log likelihood at the end */
    size_t persons, responses, estimated;
    int linked;
    double link_a, link_b;
};

void literacy_calib_options_default(struct literacy_calib_options *o);

/*
 * Calibrates the NITEMS ITEMS from the NR responses R of NPERSONS persons.
 * Every response's person and item must be in range and its category within
 * 0..m of the item (else LITERACY_ERR_INVALID).
 */
int literacy_calibrate(const struct literacy_calib_response *r, size_t nr, size_t npersons,
                       struct literacy_calib_item *items, size_t nitems,
                       const struct literacy_calib_options *o, struct literacy_calib_result *out)
    __attribute__((warn_unused_result));

#endif
