#include "care/fall.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "util/banned.h"

/* Below this magnitude the mean acceleration of a window is no steady gravity to read. */
#define MIN_GRAVITY_G 0.5

#define RAD_TO_DEG (180.0 / 3.14159265358979323846)

void fall_params_default(struct fall_params *p)
{
    memset(p, 0, sizeof(*p));
    p->impact_g = 3.0;
    p->freefall_g = 0.6;
    p->require_freefall = 0;
    p->freefall_window_ms = 1000;
    p->settle_ms = 1000;
    p->still_ms = 2000;
    p->window_ms = 10000;
    p->still_sd_g = 0.10;
    p->lying_deg = 60;
    p->up[0] = 0;
    p->up[1] = 1;
    p->up[2] = 0;
    p->max_gap_ms = 1000;
}

/* 1 when LO <= V <= HI (NaN is in no range). */
static int within(double v, double lo, double hi)
{
    return v >= lo && v <= hi;
}

int fall_params_validate(const struct fall_params *p, const char **field)
{
    const char *bad = NULL;
    double up = p->up[0] * p->up[0] + p->up[1] * p->up[1] + p->up[2] * p->up[2];
    if (!within(p->impact_g, 1.0, FALL_MAX_G) || p->impact_g == 1.0)
        bad = "impact_g";
    else if (!within(p->freefall_g, 0.0, 1.0) || p->freefall_g == 1.0)
        bad = "freefall_g";
    else if (p->require_freefall != 0 && p->require_freefall != 1)
        bad = "require_freefall";
    else if (!within(p->freefall_window_ms, 0, 10000))
        bad = "freefall_window_ms";
    else if (!within(p->settle_ms, 0, 10000))
        bad = "settle_ms";
    else if (!within(p->still_ms, 300, FALL_MAX_BINS * FALL_BIN_MS))
        bad = "still_ms";
    else if (!within(p->window_ms, p->settle_ms + p->still_ms, 600000))
        bad = "window_ms";
    else if (!within(p->still_sd_g, 0, 2) || p->still_sd_g == 0)
        bad = "still_sd_g";
    else if (!within(p->lying_deg, 0, 90) || p->lying_deg == 0 || p->lying_deg == 90)
        bad = "lying_deg";
    else if (!isfinite(up) || up < 1e-12)
        bad = "up";
    else if (!within(p->max_gap_ms, 0, 60000) || p->max_gap_ms == 0)
        bad = "max_gap_ms";
    if (field)
        *field = bad ? bad : "";
    return bad ? FALL_ERR_PARAMS : FALL_OK;
}

void fall_detector_reset(struct fall_detector *d)
{
    d->have_sample = 0;
    d->last_t = 0;
    d->bin = 0;
    d->cur = 0;
    d->run_t = 0;
    d->have_freefall = 0;
    d->freefall_t = 0;
    d->pending = 0;
    d->impact_t = 0;
    d->peak_g = 0;
    d->impact_freefall = 0;
    d->judged = 0;
    d->saw_upright = 0;
    d->angle_deg = -1;
    d->sd_g = -1;
    memset(d->ring, 0, sizeof(d->ring));
}

int fall_detector_init(struct fall_detector *d, const struct fall_params *p)
{
    struct fall_params defaults;
    if (!p) {
        fall_params_default(&defaults);
        p = &defaults;
    }
    if (fall_params_validate(p, NULL))
        return FALL_ERR_PARAMS;
    d->p = *p;
    d->up_norm = sqrt(p->up[0] * p->up[0] + p->up[1] * p->up[1] + p->up[2] * p->up[2]);
    d->nbins = (int)ceil(p->still_ms / FALL_BIN_MS - 1e-9);
    if (d->nbins < 1)
        d->nbins = 1;
    fall_detector_reset(d);
    return FALL_OK;
}

/* Adds one sample to a bin (Welford's running mean and M2). */
static void bin_add(struct fall_bin *b, double svm, const double a[3])
{
    b->n++;
    double n = (double)b->n;
    double delta = svm - b->mean;
    b->mean += delta / n;
    b->m2 += delta * (svm - b->mean);
    for (int i = 0; i < 3; i++)
        b->axis[i] += (a[i] - b->axis[i]) / n;
}

/* Merges bin B into the running total T (Chan et al.'s pairwise update). */
static void bin_merge(struct fall_bin *t, const struct fall_bin *b)
{
    if (!b->n)
        return;
    if (!t->n) {
        *t = *b;
        return;
    }
    double na = (double)t->n, nb = (double)b->n, n = na + nb;
    double delta = b->mean - t->mean;
    t->mean += delta * nb / n;
    t->m2 += b->m2 + delta * delta * na * nb / n;
    for (int i = 0; i < 3; i++)
        t->axis[i] = (t->axis[i] * na + b->axis[i] * nb) / n;
    t->n += b->n;
}

/* Starts a run of data without gaps at time T in bin K: the stillness window is emptied. */
static void restart_run(struct fall_detector *d, double t, int64_t k)
{
    memset(d->ring, 0, sizeof(d->ring[0]) * (size_t)d->nbins);
    d->cur = 0;
    d->bin = k;
    d->run_t = t;
}

/* Moves the bin being filled on to K (> d->bin), emptying the slots it reuses. */
static void advance(struct fall_detector *d, int64_t k)
{
    int64_t steps = k - d->bin;
    if (steps >= d->nbins) {
        memset(d->ring, 0, sizeof(d->ring[0]) * (size_t)d->nbins);
        d->cur = 0;
    } else {
        for (int64_t i = 0; i < steps; i++) {
            d->cur = (d->cur + 1) % d->nbins;
            memset(&d->ring[d->cur], 0, sizeof(d->ring[0]));
        }
    }
    d->bin = k;
}

static void event_of(const struct fall_detector *d, enum fall_event_kind kind, double t,
                     struct fall_event *e)
{
    e->kind = kind;
    e->t_ms = t;
    e->impact_ms = d->impact_t;
    e->peak_g = d->peak_g;
    e->freefall = d->impact_freefall;
    e->angle_deg = d->angle_deg;
    e->sd_g = d->sd_g;
    e->reason = FALL_DISMISS_NONE;
}

/*
 * Judges the window of the nbins bins ending with the one being filled, which
 * a sample in a later bin has just completed: when it lies wholly after settling, ends
 * by the candidate's deadline, holds data without gaps and at least three
 * samples, it is still when the SVM barely varies around a steady gravity,
 * and lying when that gravity is far from the upright axis. Returns 1 and
 * fills *E with a fall when it is both.
 */
static int judge(struct fall_detector *d, double t, struct fall_event *e)
{
    const struct fall_params *p = &d->p;
    double start = (double)(d->bin - d->nbins + 1) * FALL_BIN_MS;
    if (start < d->run_t || start < d->impact_t + p->settle_ms)
        return 0;
    if ((double)(d->bin + 1) * FALL_BIN_MS > d->impact_t + p->window_ms)
        return 0;
    struct fall_bin w = {0, 0, 0, {0, 0, 0}};
    for (int i = 0; i < d->nbins; i++)
        bin_merge(&w, &d->ring[i]);
    if (w.n < 3)
        return 0;
    double sd = sqrt(w.m2 > 0 ? w.m2 / (double)w.n : 0);
    double g = sqrt(w.axis[0] * w.axis[0] + w.axis[1] * w.axis[1] + w.axis[2] * w.axis[2]);
    double angle = 0;
    if (g > 1e-9) {
        double dot = fabs(w.axis[0] * p->up[0] + w.axis[1] * p->up[1] + w.axis[2] * p->up[2]);
        double c = dot / (g * d->up_norm);
        angle = acos(c > 1 ? 1 : c) * RAD_TO_DEG;
    }
    d->judged = 1;
    d->angle_deg = angle;
    d->sd_g = sd;
    int still = sd <= p->still_sd_g && g >= MIN_GRAVITY_G;
    if (still && angle >= p->lying_deg) {
        event_of(d, FALL_EVENT_FALL, t, e);
        d->pending = 0;
        return 1;
    }
    if (still)
        d->saw_upright = 1;
    return 0;
}

/* Ends the candidate as not a fall. */
static void dismiss(struct fall_detector *d, double t, enum fall_dismiss reason,
                    struct fall_event *e)
{
    event_of(d, FALL_EVENT_DISMISSED, t, e);
    e->reason = reason;
    d->pending = 0;
}

static enum fall_dismiss dismiss_reason(const struct fall_detector *d)
{
    if (d->saw_upright)
        return FALL_DISMISS_UPRIGHT;
    return d->judged ? FALL_DISMISS_ACTIVE : FALL_DISMISS_NO_DATA;
}

int fall_detector_feed(struct fall_detector *d, const struct fall_sample *s,
                       struct fall_event out[FALL_MAX_EVENTS])
{
    const struct fall_params *p = &d->p;
    double t = s->t_ms;
    if (!isfinite(t) || fabs(t) > FALL_MAX_T || (d->have_sample && t < d->last_t))
        return FALL_ERR_TIME;
    double a[3] = {s->ax, s->ay, s->az};
    for (int i = 0; i < 3; i++)
        if (!isfinite(a[i]) || fabs(a[i]) > FALL_MAX_G)
            return FALL_ERR_VALUE;
    double svm = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    int64_t k = (int64_t)floor(t / FALL_BIN_MS);
    int n = 0;

    if (!d->have_sample) {
        restart_run(d, t, k);
    } else {
        /* The sample opens a new bin, so the one before is complete: judge its window. */
        if (k > d->bin && d->pending)
            n += judge(d, t, &out[n]);
        if (t - d->last_t > p->max_gap_ms)
            restart_run(d, t, k);
        else if (k > d->bin)
            advance(d, k);
    }
    d->have_sample = 1;
    d->last_t = t;

    if (d->pending && t > d->impact_t + p->window_ms)
        dismiss(d, t, dismiss_reason(d), &out[n++]);
    bin_add(&d->ring[d->cur], svm, a);

    if (svm < p->freefall_g) {
        d->have_freefall = 1;
        d->freefall_t = t;
    } else if (svm >= p->impact_g) {
        if (d->pending && t - d->impact_t <= p->settle_ms) {
            /* The same impact: the body bounces before it settles. */
            if (svm > d->peak_g)
                d->peak_g = svm;
        } else {
            int freefall = d->have_freefall && t - d->freefall_t <= p->freefall_window_ms;
            if (freefall || !p->require_freefall) {
                /* A new candidate; one still open gives way to it. */
                if (d->pending)
                    dismiss(d, t, FALL_DISMISS_NEW_IMPACT, &out[n++]);
                d->pending = 1;
                d->impact_t = t;
                d->peak_g = svm;
                d->impact_freefall = freefall;
                d->judged = 0;
                d->saw_upright = 0;
                d->angle_deg = -1;
                d->sd_g = -1;
                event_of(d, FALL_EVENT_IMPACT, t, &out[n++]);
            }
        }
    }
    return n;
}

int fall_detector_finish(struct fall_detector *d, struct fall_event out[FALL_MAX_EVENTS])
{
    int n = 0;
    /*
     * The bin being filled is not judged: its window would hold less than
     * still_ms of data, and a fall is only ever reported after a whole one.
     */
    if (d->pending)
        dismiss(d, d->last_t, FALL_DISMISS_END, &out[n++]);
    fall_detector_reset(d);
    return n;
}

const char *fall_event_id(enum fall_event_kind kind)
{
    switch (kind) {
    case FALL_EVENT_IMPACT:
        return "impact";
    case FALL_EVENT_FALL:
        return "fall";
    case FALL_EVENT_DISMISSED:
        return "dismissed";
    }
    return "";
}

const char *fall_dismiss_id(enum fall_dismiss reason)
{
    static const char *const ids[] = {"", "upright", "active", "no_data", "end", "new_impact"};
    return (unsigned)reason <= FALL_DISMISS_NEW_IMPACT ? ids[reason] : "";
}
