/*
 * Item response theory for the digital-literacy test: the two-parameter
 * logistic model (2PL) and Samejima's graded response model (GRM), their
 * Fisher information, and ability estimation by EAP, MAP and MLE. Pure
 * functions: no storage, no allocation. docs/literacy.md states the same
 * formulas; tests/literacy/check.py recomputes them with numpy/scipy.
 *
 * Conventions: D = 1 (no 1.7 scaling). A 2PL item is a GRM item with one
 * threshold, so both share one code path: categories 0..m, where
 *   P*_0 = 1, P*_j = 1 / (1 + exp(-a (theta - b_j))) for j = 1..m, P*_{m+1} = 0,
 *   P_k = P*_k - P*_{k+1}.
 *
 * Quadrature (EAP, and the E-step of calibration): LITERACY_QUAD_N = 61
 * equally spaced nodes X_q = -4 + 8q/60 on [-4, 4]; the prior N(mu, sigma^2)
 * gives each node the weight W_q = phi((X_q - mu)/sigma) / sum_r phi((X_r - mu)/sigma).
 * Sums run in log space with log-sum-exp, so long tests do not underflow.
 */
#ifndef CC_LITERACY_IRT_H
#define CC_LITERACY_IRT_H

#include <stddef.h>

#define LITERACY_MAX_THRESHOLDS 5 /* a GRM item has at most 6 categories */
#define LITERACY_QUAD_N         61
#define LITERACY_QUAD_MIN       (-4.0)
#define LITERACY_QUAD_MAX       4.0

enum literacy_model {
    LITERACY_MODEL_2PL = 0,
    LITERACY_MODEL_GRM = 1,
};

/* The parameters of one item. For 2PL m = 1 and b[0] is the difficulty. */
struct literacy_irt {
    enum literacy_model model;
    int m; /* thresholds: the categories are 0..m */
    double a;
    double b[LITERACY_MAX_THRESHOLDS]; /* ascending */
};

/* The logistic function 1 / (1 + exp(-x)), without overflow for any x. */
double literacy_logistic(double x);

/* log(1 / (1 + exp(-x))), accurate for large |x|. */
double literacy_log_logistic(double x);

/* The category probabilities P_0..P_m at THETA into P (m + 1 values). */
void literacy_irt_probs(const struct literacy_irt *it, double theta, double *p);

/* log P_k(THETA), computed without cancellation (see irt.c). K in 0..m. */
double literacy_irt_logp(const struct literacy_irt *it, double theta, int k);

/*
 * The first and second derivatives of log P_k with respect to theta at
 * THETA (the observed score and curvature of one response).
 */
void literacy_irt_dlogp(const struct literacy_irt *it, double theta, int k, double *d1, double *d2);

/*
 * Fisher information at THETA: a^2 P (1 - P) for 2PL; for GRM
 * sum_k (P_k')^2 / P_k with P_k' = a (W_k - W_{k+1}), W_j = P*_j (1 - P*_j).
 */
double literacy_irt_info(const struct literacy_irt *it, double theta);

/* The expected score sum_k k P_k at THETA. */
double literacy_irt_expected(const struct literacy_irt *it, double theta);

/* The fixed quadrature: nodes and the log-weights of the prior N(MEAN, SD^2). */
struct literacy_quadrature {
    double x[LITERACY_QUAD_N];
    double logw[LITERACY_QUAD_N]; /* log W_q, sum_q W_q = 1 */
};

/* Fills Q with the nodes and the normalised log-weights of N(MEAN, SD^2) (SD > 0). */
void literacy_quadrature_init(struct literacy_quadrature *q, double mean, double sd);

/* log(sum_i exp(V[i])) of N values, without overflow; -inf for N = 0. */
double literacy_logsumexp(const double *v, size_t n);

/*
 * A posterior over the quadrature nodes: log prior + log likelihood at each
 * node. Answers are added one at a time (the adaptive test adds each as it
 * comes, in O(nodes)).
 */
struct literacy_posterior {
    double x[LITERACY_QUAD_N];
    double ll[LITERACY_QUAD_N];
    size_t n; /* responses added */
};

/* Starts a posterior from the prior N(MEAN, SD^2). */
void literacy_posterior_init(struct literacy_posterior *p, double mean, double sd);

/* Adds the response K to item IT. */
void literacy_posterior_add(struct literacy_posterior *p, const struct literacy_irt *it, int k);

/* The posterior mean (EAP) and standard deviation. */
void literacy_posterior_eap(const struct literacy_posterior *p, double *theta, double *sd);

/* One scored response: an item and the category observed (0..m). */
struct literacy_response {
    const struct literacy_irt *irt;
    int category;
};

enum literacy_method {
    LITERACY_EAP = 0,
    LITERACY_MAP = 1,
    LITERACY_MLE = 2,
};

enum literacy_estimate_status {
    LITERACY_EST_OK = 0,
    LITERACY_EST_ALL_TOP = 1,    /* MLE: every response in its top category: theta -> +inf */
    LITERACY_EST_ALL_BOTTOM = 2, /* MLE: every response in category 0: theta -> -inf */
    LITERACY_EST_NO_DATA = 3,    /* MLE: no responses */
    LITERACY_EST_DIVERGED = 4,   /* MLE/MAP: Newton-Raphson did not converge */
};

struct literacy_estimate {
    double theta;
    double se; /* EAP: posterior SD; MAP: 1/sqrt(I + 1/sd^2); MLE: 1/sqrt(I) */
    enum literacy_estimate_status status;
    int iterations; /* Newton-Raphson steps (0 for EAP) */
};

/*
 * Estimates theta from the N responses R by METHOD with the prior
 * N(PRIOR_MEAN, PRIOR_SD^2) (EAP, MAP; MLE ignores it). MAP and MLE use
 * Newton-Raphson on the log posterior / log likelihood with the observed
 * curvature, starting from the EAP estimate, each step at most 1 in size and
 * halved while it lowers the objective, until a step is below 1e-12 (at most
 * 100 steps). MLE reports all-right and all-wrong patterns instead of an
 * estimate (OUT->theta is then +/-inf).
 */
void literacy_estimate(const struct literacy_response *r, size_t n, enum literacy_method method,
                       double prior_mean, double prior_sd, struct literacy_estimate *out);

/* The test information sum_i I_i(THETA) of the N responses' items. */
double literacy_test_info(const struct literacy_response *r, size_t n, double theta);

/*
 * The regularized upper incomplete gamma function Q(S, X) (S > 0, X >= 0):
 * the chi-square survival function is Q(df/2, x/2). Series below S + 1,
 * continued fraction above, to double precision.
 */
double literacy_gamma_q(double s, double x);

#endif
