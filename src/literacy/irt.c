/*
 * The 2PL and graded response models and ability estimation.
 *
 * One identity carries the numerics. For x > y,
 *   sigma(x) - sigma(y) = sigma(x) sigma(-y) (1 - exp(-(x - y))),
 * and for a GRM category x - y = a (b_{k+1} - b_k) does not depend on theta.
 * So P_k = c_k sigma(x_k) sigma(-x_{k+1}) with a constant c_k, which gives
 * log P_k without the cancellation of P*_k - P*_{k+1} near 0 or 1, and
 *   d/dtheta log P_k  = a (sigma(-x_k) - sigma(x_{k+1})),
 *   d2/dtheta2 log P_k = -a^2 (W_k + W_{k+1}),   W_j = sigma(x_j) sigma(-x_j),
 * with the terms of the absent neighbours (k = 0, k = m) left out. The
 * curvature is always negative: the log likelihood is concave, and
 * Newton-Raphson with step halving finds its maximum.
 */
#include "literacy/irt.h"

#include <float.h>
#include <math.h>

#include "util/banned.h"

double literacy_logistic(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

double literacy_log_logistic(double x)
{
    if (x >= 0)
        return -log1p(exp(-x));
    return x - log1p(exp(x));
}

/* x_j = a (theta - b_j) for threshold j = 1..m (b is 0-based). */
static double xj(const struct literacy_irt *it, double theta, int j)
{
    return it->a * (theta - it->b[j - 1]);
}

void literacy_irt_probs(const struct literacy_irt *it, double theta, double *p)
{
    int m = it->m;
    p[0] = literacy_logistic(-xj(it, theta, 1));
    p[m] = literacy_logistic(xj(it, theta, m));
    for (int k = 1; k < m; k++) {
        double c = -expm1(-it->a * (it->b[k] - it->b[k - 1]));
        p[k] = c * literacy_logistic(xj(it, theta, k)) * literacy_logistic(-xj(it, theta, k + 1));
    }
}

double literacy_irt_logp(const struct literacy_irt *it, double theta, int k)
{
    int m = it->m;
    double v = 0;
    if (k > 0)
        v += literacy_log_logistic(xj(it, theta, k));
    if (k < m)
        v += literacy_log_logistic(-xj(it, theta, k + 1));
    if (k > 0 && k < m)
        v += log(-expm1(-it->a * (it->b[k] - it->b[k - 1])));
    return v;
}

/* W_j = P*_j (1 - P*_j) for threshold j. */
static double wj(const struct literacy_irt *it, double theta, int j)
{
    double x = xj(it, theta, j);
    return literacy_logistic(x) * literacy_logistic(-x);
}

void literacy_irt_dlogp(const struct literacy_irt *it, double theta, int k, double *d1, double *d2)
{
    double a = it->a, g = 0, h = 0;
    if (k > 0) {
        double x = xj(it, theta, k);
        g += literacy_logistic(-x);
        h += literacy_logistic(x) * literacy_logistic(-x);
    }
    if (k < it->m) {
        double x = xj(it, theta, k + 1);
        g -= literacy_logistic(x);
        h += literacy_logistic(x) * literacy_logistic(-x);
    }
    *d1 = a * g;
    *d2 = -a * a * h;
}

double literacy_irt_info(const struct literacy_irt *it, double theta)
{
    if (it->m == 1)
        return it->a * it->a * wj(it, theta, 1);
    /* I = -E[d2 log P] = a^2 sum_k P_k (W_k + W_{k+1}); every term is positive. */
    double p[LITERACY_MAX_THRESHOLDS + 1], w[LITERACY_MAX_THRESHOLDS + 2] = {0};
    literacy_irt_probs(it, theta, p);
    for (int j = 1; j <= it->m; j++)
        w[j] = wj(it, theta, j);
    double s = 0;
    for (int k = 0; k <= it->m; k++)
        s += p[k] * (w[k] + w[k + 1]);
    return it->a * it->a * s;
}

double literacy_irt_expected(const struct literacy_irt *it, double theta)
{
    double p[LITERACY_MAX_THRESHOLDS + 1], e = 0;
    literacy_irt_probs(it, theta, p);
    for (int k = 1; k <= it->m; k++)
        e += k * p[k];
    return e;
}

double literacy_logsumexp(const double *v, size_t n)
{
    double m = -INFINITY, s = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    if (!isfinite(m))
        return m;
    for (size_t i = 0; i < n; i++)
        s += exp(v[i] - m);
    return m + log(s);
}

void literacy_quadrature_init(struct literacy_quadrature *q, double mean, double sd)
{
    for (int i = 0; i < LITERACY_QUAD_N; i++) {
        q->x[i] = LITERACY_QUAD_MIN +
                  (LITERACY_QUAD_MAX - LITERACY_QUAD_MIN) * i / (double)(LITERACY_QUAD_N - 1);
        double z = (q->x[i] - mean) / sd;
        q->logw[i] = -0.5 * z * z;
    }
    double norm = literacy_logsumexp(q->logw, LITERACY_QUAD_N);
    for (int i = 0; i < LITERACY_QUAD_N; i++)
        q->logw[i] -= norm;
}

void literacy_posterior_init(struct literacy_posterior *p, double mean, double sd)
{
    struct literacy_quadrature q;
    literacy_quadrature_init(&q, mean, sd);
    for (int i = 0; i < LITERACY_QUAD_N; i++) {
        p->x[i] = q.x[i];
        p->ll[i] = q.logw[i];
    }
    p->n = 0;
}

void literacy_posterior_add(struct literacy_posterior *p, const struct literacy_irt *it, int k)
{
    for (int i = 0; i < LITERACY_QUAD_N; i++)
        p->ll[i] += literacy_irt_logp(it, p->x[i], k);
    p->n++;
}

void literacy_posterior_eap(const struct literacy_posterior *p, double *theta, double *sd)
{
    double m = -INFINITY, w[LITERACY_QUAD_N], s = 0, t = 0, v = 0;
    for (int i = 0; i < LITERACY_QUAD_N; i++)
        if (p->ll[i] > m)
            m = p->ll[i];
    for (int i = 0; i < LITERACY_QUAD_N; i++) {
        w[i] = exp(p->ll[i] - m);
        s += w[i];
        t += w[i] * p->x[i];
    }
    t /= s;
    for (int i = 0; i < LITERACY_QUAD_N; i++)
        v += w[i] * (p->x[i] - t) * (p->x[i] - t);
    *theta = t;
    *sd = sqrt(v / s);
}

double literacy_test_info(const struct literacy_response *r, size_t n, double theta)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += literacy_irt_info(r[i].irt, theta);
    return s;
}

/* The log likelihood (plus the log prior when WITH_PRIOR) at THETA, and its derivatives. */
static double objective(const struct literacy_response *r, size_t n, int with_prior, double mu,
                        double sd, double theta, double *g, double *h)
{
    double f = 0, d1, d2;
    *g = *h = 0;
    for (size_t i = 0; i < n; i++) {
        f += literacy_irt_logp(r[i].irt, theta, r[i].category);
        literacy_irt_dlogp(r[i].irt, theta, r[i].category, &d1, &d2);
        *g += d1;
        *h += d2;
    }
    if (with_prior) {
        double z = (theta - mu) / sd;
        f -= 0.5 * z * z;
        *g -= (theta - mu) / (sd * sd);
        *h -= 1.0 / (sd * sd);
    }
    return f;
}

#define NEWTON_MAX_STEPS 100
#define NEWTON_TOL       1e-12
#define NEWTON_MAX_STEP  1.0

static void newton(const struct literacy_response *r, size_t n, int with_prior, double mu,
                   double sd, double start, struct literacy_estimate *out)
{
    double theta = start, g, h, gt, ht;
    double f = objective(r, n, with_prior, mu, sd, theta, &g, &h);
    out->status = LITERACY_EST_DIVERGED;
    for (int it = 1; it <= NEWTON_MAX_STEPS; it++) {
        double step = h < 0 ? -g / h : (g > 0 ? NEWTON_MAX_STEP : -NEWTON_MAX_STEP);
        if (step > NEWTON_MAX_STEP)
            step = NEWTON_MAX_STEP;
        if (step < -NEWTON_MAX_STEP)
            step = -NEWTON_MAX_STEP;
        double t = theta + step, ft = objective(r, n, with_prior, mu, sd, t, &gt, &ht);
        /* Halve a step that lowers the objective (beyond rounding) until it does not. */
        for (int half = 0; half < 60 && !(ft >= f - 1e-12 * (1 + fabs(f))); half++) {
            step /= 2;
            t = theta + step;
            ft = objective(r, n, with_prior, mu, sd, t, &gt, &ht);
        }
        theta = t;
        f = ft;
        g = gt;
        h = ht;
        out->iterations = it;
        if (fabs(step) < NEWTON_TOL) {
            out->status = fabs(theta) < 50 ? LITERACY_EST_OK : LITERACY_EST_DIVERGED;
            break;
        }
    }
    out->theta = theta;
}

void literacy_estimate(const struct literacy_response *r, size_t n, enum literacy_method method,
                       double prior_mean, double prior_sd, struct literacy_estimate *out)
{
    struct literacy_posterior post;
    out->iterations = 0;
    out->status = LITERACY_EST_OK;
    literacy_posterior_init(&post, prior_mean, prior_sd);
    for (size_t i = 0; i < n; i++)
        literacy_posterior_add(&post, r[i].irt, r[i].category);
    literacy_posterior_eap(&post, &out->theta, &out->se);
    if (method == LITERACY_EAP)
        return;
    if (method == LITERACY_MLE) {
        int top = 1, bottom = 1;
        for (size_t i = 0; i < n; i++) {
            top &= r[i].category == r[i].irt->m;
            bottom &= r[i].category == 0;
        }
        if (n == 0 || top || bottom) {
            out->status = n == 0 ? LITERACY_EST_NO_DATA
                                 : (top ? LITERACY_EST_ALL_TOP : LITERACY_EST_ALL_BOTTOM);
            out->theta = n == 0 ? NAN : (top ? INFINITY : -INFINITY);
            out->se = NAN;
            return;
        }
    }
    int with_prior = method == LITERACY_MAP;
    newton(r, n, with_prior, prior_mean, prior_sd, out->theta, out);
    double info = literacy_test_info(r, n, out->theta);
    if (with_prior)
        info += 1.0 / (prior_sd * prior_sd);
    out->se = info > 0 ? 1.0 / sqrt(info) : INFINITY;
}

/* ---- The incomplete gamma function (for item-fit p-values) ---- */

#define GAMMA_EPS   1e-16
#define GAMMA_ITMAX 10000

double literacy_gamma_q(double s, double x)
{
    if (x <= 0)
        return 1.0;
    double lg = lgamma(s);
    if (x < s + 1) {
        /* P(s, x) by its series; Q = 1 - P. */
        double ap = s, sum = 1.0 / s, del = sum;
        for (int n = 0; n < GAMMA_ITMAX; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * GAMMA_EPS)
                break;
        }
        return 1.0 - sum * exp(-x + s * log(x) - lg);
    }
    /* Q(s, x) by its continued fraction (modified Lentz). */
    double b = x + 1 - s, c = 1.0 / DBL_MIN, d = 1.0 / b, h = d;
    for (int i = 1; i < GAMMA_ITMAX; i++) {
        double an = -i * (i - s);
        b += 2;
        d = an * d + b;
        if (fabs(d) < DBL_MIN)
            d = DBL_MIN;
        c = b + an / c;
        if (fabs(c) < DBL_MIN)
            c = DBL_MIN;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < GAMMA_EPS)
            break;
    }
    return exp(-x + s * log(x) - lg) * h;
}
