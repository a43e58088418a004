/* Marginal maximum likelihood calibration by EM (Bock-Aitkin), linking and item fit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "literacy/calibrate.h"
#include "literacy/item.h"
#include "util/alloc.h"
#include "util/banned.h"

#define Q         LITERACY_QUAD_N
#define K         (LITERACY_MAX_THRESHOLDS + 1)
#define PRIOR_LNA 0.5 /* SD of log a */
#define PRIOR_B   2.0 /* SD of b */
/* The limits of an item's parameters (literacy_irt_read), so a calibration can always apply. */
#define A_MIN   0.1
#define A_MAX   4.0
#define B_LIMIT 6.0
#define NP      (LITERACY_MAX_THRESHOLDS + 1)

void literacy_calib_options_default(struct literacy_calib_options *o)
{
    o->max_cycles = 500;
    o->tolerance = 1e-4;
    o->min_responses = 50;
    o->priors = 1;
    o->link = 1;
}

/* The M-step objective of one item: expected log likelihood (+ log priors). */
static double item_objective(const struct literacy_irt *it, const double *r,
                             const struct literacy_quadrature *quad, int priors)
{
    double f = 0;
    for (int q = 0; q < Q; q++)
        for (int k = 0; k <= it->m; k++)
            if (r[k * Q + q] > 0)
                f += r[k * Q + q] * literacy_irt_logp(it, quad->x[q], k);
    if (priors) {
        double la = log(it->a);
        f += -la - la * la / (2 * PRIOR_LNA * PRIOR_LNA);
        for (int j = 0; j < it->m; j++)
            f -= it->b[j] * it->b[j] / (2 * PRIOR_B * PRIOR_B);
    }
    return f;
}

/*
 * The gradient G and expected information J (np x np, np = m + 1: a, then
 * b_1..b_m) of the objective at IT.
 */
static void item_derivatives(const struct literacy_irt *it, const double *r,
                             const struct literacy_quadrature *quad, int priors, double *g,
                             double *J)
{
    int m = it->m, np = m + 1;
    memset(g, 0, sizeof(double) * NP);
    memset(J, 0, sizeof(double) * NP * NP);
    for (int q = 0; q < Q; q++) {
        double nq = 0;
        for (int k = 0; k <= m; k++)
            nq += r[k * Q + q];
        if (nq <= 0)
            continue;
        double x = quad->x[q], W[K + 1] = {0}, p[K];
        for (int j = 1; j <= m; j++) {
            double z = it->a * (x - it->b[j - 1]);
            W[j] = literacy_logistic(z) * literacy_logistic(-z);
        }
        literacy_irt_probs(it, x, p);
        for (int k = 0; k <= m; k++) {
            /* dP_k/da and dP_k/db_j: P_k = P*_k - P*_{k+1}. */
            double d[NP] = {0};
            if (k >= 1) {
                d[0] += W[k] * (x - it->b[k - 1]);
                d[k] += -it->a * W[k];
            }
            if (k + 1 <= m) {
                d[0] -= W[k + 1] * (x - it->b[k]);
                d[k + 1] += it->a * W[k + 1];
            }
            if (!(p[k] > 1e-300))
                continue;
            double rk = r[k * Q + q];
            for (int u = 0; u < np; u++) {
                g[u] += rk * d[u] / p[k];
                for (int v = 0; v < np; v++)
                    J[u * np + v] += nq * d[u] * d[v] / p[k];
            }
        }
    }
    if (priors) {
        double a = it->a, la = log(a);
        g[0] += -(1 + la / (PRIOR_LNA * PRIOR_LNA)) / a;
        J[0] += 1 / (PRIOR_LNA * PRIOR_LNA * a * a);
        for (int j = 1; j <= m; j++) {
            g[j] -= it->b[j - 1] / (PRIOR_B * PRIOR_B);
            J[j * np + j] += 1 / (PRIOR_B * PRIOR_B);
        }
    }
}

/* Solves A x = B (N x N, A is overwritten) by Gaussian elimination; -1 when singular. */
static int solve(double *A, double *b, int n)
{
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(A[r * n + c]) > fabs(A[piv * n + c]))
                piv = r;
        if (!(fabs(A[piv * n + c]) > 1e-300))
            return -1;
        if (piv != c) {
            for (int k = 0; k < n; k++) {
                double t = A[c * n + k];
                A[c * n + k] = A[piv * n + k];
                A[piv * n + k] = t;
            }
            double t = b[c];
            b[c] = b[piv];
            b[piv] = t;
        }
        for (int r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            for (int k = c; k < n; k++)
                A[r * n + k] -= f * A[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (int c = n - 1; c >= 0; c--) {
        for (int k = c + 1; k < n; k++)
            b[c] -= A[c * n + k] * b[k];
        b[c] /= A[c * n + c];
    }
    return 0;
}

/* Are IT's parameters inside the limits, thresholds in order? */
static int params_ok(const struct literacy_irt *it)
{
    if (!(it->a >= A_MIN && it->a <= A_MAX))
        return 0;
    for (int j = 0; j < it->m; j++)
        if (!(fabs(it->b[j]) <= B_LIMIT) || (j > 0 && !(it->b[j] > it->b[j - 1] + 1e-6)))
            return 0;
    return 1;
}

/* Fisher scoring on one item's parameters; returns the largest change. */
static double m_step(struct literacy_irt *it, const double *r,
                     const struct literacy_quadrature *quad, int priors)
{
    struct literacy_irt start = *it;
    double f = item_objective(it, r, quad, priors);
    for (int iter = 0; iter < 25; iter++) {
        double g[NP], J[NP * NP];
        int np = it->m + 1;
        item_derivatives(it, r, quad, priors, g, J);
        if (solve(J, g, np))
            break;
        double step = 1.0, moved = 0;
        struct literacy_irt t;
        int accepted = 0;
        for (int half = 0; half < 30 && !accepted; half++, step /= 2) {
            t = *it;
            t.a += step * g[0];
            for (int j = 0; j < it->m; j++)
                t.b[j] += step * g[j + 1];
            if (!params_ok(&t))
                continue;
            double ft = item_objective(&t, r, quad, priors);
            if (ft >= f - 1e-10 * (1 + fabs(f))) {
                accepted = 1;
                f = ft;
            }
        }
        if (!accepted)
            break;
        moved = fabs(t.a - it->a);
        for (int j = 0; j < it->m; j++)
            if (fabs(t.b[j] - it->b[j]) > moved)
                moved = fabs(t.b[j] - it->b[j]);
        *it = t;
        if (moved < 1e-9)
            break;
    }
    double change = fabs(it->a - start.a);
    for (int j = 0; j < it->m; j++)
        if (fabs(it->b[j] - start.b[j]) > change)
            change = fabs(it->b[j] - start.b[j]);
    return change;
}

/* Standard errors from the inverse of the expected information at the estimate. */
static void standard_errors(struct literacy_calib_item *ci, const double *r,
                            const struct literacy_quadrature *quad, int priors)
{
    int np = ci->est.m + 1;
    double g[NP], J[NP * NP], col[NP], Jc[NP * NP];
    item_derivatives(&ci->est, r, quad, priors, g, J);
    for (int u = 0; u < np; u++) {
        memcpy(Jc, J, sizeof(J));
        for (int v = 0; v < np; v++)
            col[v] = v == u ? 1 : 0;
        double var = solve(Jc, col, np) ? NAN : col[u];
        double se = var > 0 ? sqrt(var) : NAN;
        if (u == 0)
            ci->se_a = se;
        else
            ci->se_b[u - 1] = se;
    }
}

struct person_range {
    size_t first, count;
};

static int cmp_person(const void *a, const void *b)
{
    const struct literacy_calib_response *x = a, *y = b;
    return x->person < y->person ? -1 : (x->person > y->person ? 1 : 0);
}

/* log P_ik(X_q) for every item, category and node under the current parameters. */
static void fill_logp(const struct literacy_calib_item *items, size_t nitems,
                      const struct literacy_quadrature *quad, double *logp)
{
    for (size_t i = 0; i < nitems; i++)
        for (int k = 0; k <= items[i].est.m; k++)
            for (int q = 0; q < Q; q++)
                logp[(i * K + (size_t)k) * Q + q] = literacy_irt_logp(&items[i].est, quad->x[q], k);
}

/* The posterior weights over the nodes of the responses S[0..N). Returns the log marginal. */
static double posterior(const struct literacy_calib_response *s, size_t n, const double *logp,
                        const struct literacy_quadrature *quad, double *post)
{
    double ll[Q];
    for (int q = 0; q < Q; q++)
        ll[q] = quad->logw[q];
    for (size_t j = 0; j < n; j++) {
        const double *lp = &logp[((size_t)s[j].item * K + (size_t)s[j].category) * Q];
        for (int q = 0; q < Q; q++)
            ll[q] += lp[q];
    }
    double norm = literacy_logsumexp(ll, Q);
    for (int q = 0; q < Q; q++)
        post[q] = exp(ll[q] - norm);
    return norm;
}

/*
 * One answer seen from the person's other answers: the posterior mean of
 * theta without it, and the mean and variance of the answer's score that
 * the model predicts from them. Under the model the answer is a draw from
 * that prediction, so the residuals of a group are fairly judged.
 */
struct fit_point {
    double theta, e, v;
    int category;
};

static int cmp_fit(const void *a, const void *b)
{
    double x = ((const struct fit_point *)a)->theta, y = ((const struct fit_point *)b)->theta;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* Q1, infit and outfit of item CI from its answers' points. */
static void item_fit(struct literacy_calib_item *ci, struct fit_point *pts, size_t n)
{
    double res2 = 0, var = 0, z2 = 0, sum = 0;
    for (size_t j = 0; j < n; j++) {
        double d = pts[j].category - pts[j].e;
        res2 += d * d;
        var += pts[j].v;
        z2 += pts[j].v > 0 ? d * d / pts[j].v : 0;
        sum += pts[j].category;
    }
    ci->mean = n ? sum / n / ci->est.m : NAN;
    ci->infit = var > 0 ? res2 / var : NAN;
    ci->outfit = n ? z2 / n : NAN;
    ci->groups = 0;
    ci->df = 0;
    ci->q1 = ci->p = NAN;
    if (n < 40)
        return;
    int G = (int)(n / 20);
    if (G > 10)
        G = 10;
    qsort(pts, n, sizeof(*pts), cmp_fit);
    double chi = 0;
    for (int g = 0; g < G; g++) {
        size_t lo = n * (size_t)g / (size_t)G, hi = n * (size_t)(g + 1) / (size_t)G;
        double O = 0, E = 0, V = 0;
        for (size_t j = lo; j < hi; j++) {
            O += pts[j].category;
            E += pts[j].e;
            V += pts[j].v;
        }
        if (V > 0)
            chi += (O - E) * (O - E) / V;
    }
    ci->groups = G;
    ci->df = G - (ci->est.m + 1);
    ci->q1 = chi;
    ci->p = ci->df >= 1 ? literacy_gamma_q(ci->df / 2.0, chi / 2.0) : NAN;
}

/* The fit point of answer S of a person whose full log posterior is LL (unnormalised). */
static struct fit_point leave_one_out(const struct literacy_calib_response *s,
                                      const struct literacy_calib_item *items, const double *ll,
                                      const double *logp, const struct literacy_quadrature *quad)
{
    const struct literacy_irt *it = &items[s->item].est;
    const double *lp = &logp[((size_t)s->item * K + (size_t)s->category) * Q];
    double w[Q], m = -INFINITY, sw = 0, t = 0, e = 0, e2 = 0;
    for (int q = 0; q < Q; q++) {
        w[q] = ll[q] - lp[q];
        if (w[q] > m)
            m = w[q];
    }
    for (int q = 0; q < Q; q++) {
        w[q] = exp(w[q] - m);
        sw += w[q];
    }
    for (int q = 0; q < Q; q++) {
        double p = w[q] / sw, eq = 0, e2q = 0;
        for (int k = 1; k <= it->m; k++) {
            double pk = exp(logp[((size_t)s->item * K + (size_t)k) * Q + q]);
            eq += k * pk;
            e2q += (double)k * k * pk;
        }
        t += p * quad->x[q];
        e += p * eq;
        e2 += p * e2q;
    }
    return (struct fit_point){t, e, e2 - e * e, s->category};
}

/* Mean/sigma linking of the estimated items onto the scale of their start values. */
static void link_scale(struct literacy_calib_item *items, size_t nitems,
                       struct literacy_calib_result *out)
{
    double so = 0, so2 = 0, sn = 0, sn2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < nitems; i++) {
        if (!items[i].estimated)
            continue;
        for (int j = 0; j < items[i].est.m; j++) {
            so += items[i].start.b[j];
            so2 += items[i].start.b[j] * items[i].start.b[j];
            sn += items[i].est.b[j];
            sn2 += items[i].est.b[j] * items[i].est.b[j];
            n++;
        }
    }
    if (n < 3)
        return;
    double mo = so / n, mn = sn / n, vo = so2 / n - mo * mo, vn = sn2 / n - mn * mn;
    if (!(vo > 1e-12 && vn > 1e-12))
        return;
    double A = sqrt(vo / vn), B = mo - A * mn;
    for (size_t i = 0; i < nitems; i++) {
        if (!items[i].estimated)
            continue;
        struct literacy_irt *e = &items[i].est;
        e->a = fmin(fmax(e->a / A, A_MIN), A_MAX);
        items[i].se_a /= A;
        /* A > 0 keeps the thresholds in order; those clamped onto a limit stay apart. */
        for (int j = 0; j < e->m; j++) {
            double lo = -B_LIMIT + 1e-3 * j, hi = B_LIMIT - 1e-3 * (e->m - 1 - j);
            e->b[j] = fmin(fmax(A * e->b[j] + B, lo), hi);
            items[i].se_b[j] *= A;
        }
    }
    out->linked = 1;
    out->link_a = A;
    out->link_b = B;
}

int literacy_calibrate(const struct literacy_calib_response *r, size_t nr, size_t npersons,
                       struct literacy_calib_item *items, size_t nitems,
                       const struct literacy_calib_options *o, struct literacy_calib_result *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t j = 0; j < nr; j++)
        if (r[j].person >= npersons || r[j].item >= nitems || r[j].category < 0 ||
            r[j].category > items[r[j].item].start.m)
            return LITERACY_ERR_INVALID;
    struct literacy_calib_response *s = nr ? cc_malloc(nr * sizeof(*s)) : NULL;
    struct person_range *persons = cc_calloc(npersons ? npersons : 1, sizeof(*persons));
    double *logp = cc_malloc((nitems ? nitems : 1) * K * Q * sizeof(double));
    double *counts = cc_malloc((nitems ? nitems : 1) * K * Q * sizeof(double));
    struct fit_point *pts = cc_malloc((nr ? nr : 1) * sizeof(*pts));
    int err = LITERACY_ERR_NOMEM;
    if ((nr && !s) || !persons || !logp || !counts || !pts)
        goto done;
    if (nr) {
        memcpy(s, r, nr * sizeof(*s));
        qsort(s, nr, sizeof(*s), cmp_person);
    }
    for (size_t j = 0; j < nr; j++) {
        if (persons[s[j].person].count == 0)
            persons[s[j].person].first = j;
        persons[s[j].person].count++;
    }
    for (size_t i = 0; i < nitems; i++) {
        items[i].est = items[i].start;
        items[i].n = 0;
        items[i].se_a = NAN;
        for (int j = 0; j < LITERACY_MAX_THRESHOLDS; j++)
            items[i].se_b[j] = NAN;
    }
    for (size_t j = 0; j < nr; j++)
        items[s[j].item].n++;
    for (size_t i = 0; i < nitems; i++) {
        items[i].estimated = items[i].n >= o->min_responses && items[i].n > 0;
        out->estimated += (size_t)items[i].estimated;
    }
    for (size_t p = 0; p < npersons; p++)
        out->persons += persons[p].count > 0;
    out->responses = nr;

    struct literacy_quadrature quad;
    literacy_quadrature_init(&quad, 0.0, 1.0);
    double post[Q];
    for (int cycle = 1; cycle <= o->max_cycles && out->estimated; cycle++) {
        fill_logp(items, nitems, &quad, logp);
        memset(counts, 0, nitems * K * Q * sizeof(double));
        out->loglik = 0;
        for (size_t p = 0; p < npersons; p++) {
            const struct person_range *pr = &persons[p];
            if (!pr->count)
                continue;
            out->loglik += posterior(&s[pr->first], pr->count, logp, &quad, post);
            for (size_t j = pr->first; j < pr->first + pr->count; j++) {
                double *c = &counts[((size_t)s[j].item * K + (size_t)s[j].category) * Q];
                for (int q = 0; q < Q; q++)
                    c[q] += post[q];
            }
        }
        double change = 0;
        for (size_t i = 0; i < nitems; i++)
            if (items[i].estimated) {
                double d = m_step(&items[i].est, &counts[i * K * Q], &quad, o->priors);
                if (d > change)
                    change = d;
            }
        out->cycles = cycle;
        if (change < o->tolerance) {
            out->converged = 1;
            break;
        }
    }
    /*
     * The final E-step: the log likelihood, the counts for the standard
     * errors, and each answer's fit point (on the calibration's own scale:
     * the statistics do not depend on it).
     */
    size_t *offset = cc_calloc(nitems + 1, sizeof(*offset)),
           *fill = cc_calloc(nitems + 1, sizeof(*fill));
    if (!offset || !fill) {
        cc_free(offset);
        cc_free(fill);
        goto done;
    }
    for (size_t i = 0; i < nitems; i++)
        offset[i + 1] = offset[i] + items[i].n;
    fill_logp(items, nitems, &quad, logp);
    memset(counts, 0, nitems * K * Q * sizeof(double));
    out->loglik = 0;
    for (size_t p = 0; p < npersons; p++) {
        const struct person_range *pr = &persons[p];
        if (!pr->count)
            continue;
        double ll[Q];
        for (int q = 0; q < Q; q++)
            ll[q] = quad.logw[q];
        for (size_t j = pr->first; j < pr->first + pr->count; j++) {
            const double *lp = &logp[((size_t)s[j].item * K + (size_t)s[j].category) * Q];
            for (int q = 0; q < Q; q++)
                ll[q] += lp[q];
        }
        double norm = literacy_logsumexp(ll, Q);
        out->loglik += norm;
        for (int q = 0; q < Q; q++)
            post[q] = exp(ll[q] - norm);
        for (size_t j = pr->first; j < pr->first + pr->count; j++) {
            size_t i = s[j].item;
            double *c = &counts[(i * K + (size_t)s[j].category) * Q];
            for (int q = 0; q < Q; q++)
                c[q] += post[q];
            pts[offset[i] + fill[i]++] = leave_one_out(&s[j], items, ll, logp, &quad);
        }
    }
    for (size_t i = 0; i < nitems; i++) {
        if (items[i].estimated)
            standard_errors(&items[i], &counts[i * K * Q], &quad, o->priors);
        item_fit(&items[i], &pts[offset[i]], items[i].n);
    }
    cc_free(fill);
    cc_free(offset);
    if (o->link)
        link_scale(items, nitems, out);
    err = LITERACY_OK;
done:
    cc_free(s);
    cc_free(persons);
    cc_free(logp);
    cc_free(counts);
    cc_free(pts);
    return err;
}
