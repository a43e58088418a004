#include "sim/population.h"

#include <string.h>

#include "care/news2.h"
#include "util/alloc.h"
#include "util/banned.h"

#define U SIM_U

/* Chances per second, in parts of 2^24 (about 16.8 million). */
#define PER_S(one_in_seconds) ((uint32_t)(16777216.0 / (one_in_seconds)))

struct life {
    int64_t until_ms; /* the current outing (a walk) ends then */
};

struct sim_population {
    struct sim_world w;
    struct sim_rng rng; /* life events, drawn in resident order once a second */
    struct life *life;
    uint64_t acked, closed;
};

static int64_t between(struct sim_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)sim_rng_below(r, (uint32_t)(hi - lo + 1));
}

/* Draws a resident's profile, devices and state from G and sets resident I up. */
static void generate(struct sim_world *w, int i, struct sim_rng *g)
{
    static const struct {
        int cond;
        uint32_t per_mille;
    } prevalence[] = {
        {SIM_COND_COPD, 120},         {SIM_COND_DEMENTIA, 350},
        {SIM_COND_DIABETES, 250},     {SIM_COND_HEART_FAILURE, 150},
        {SIM_COND_PARKINSONS, 60},    {SIM_COND_ATRIAL_FIBRILLATION, 150},
        {SIM_COND_HYPERTENSION, 550}, {SIM_COND_CHRONIC_KIDNEY_DISEASE, 150},
        {SIM_COND_OSTEOPOROSIS, 300},
    };
    uint32_t cond = 0;
    for (size_t k = 0; k < sizeof(prevalence) / sizeof(prevalence[0]); k++)
        if (sim_rng_below(g, 1000) < prevalence[k].per_mille)
            cond |= 1u << prevalence[k].cond;
    int copd = (cond >> SIM_COND_COPD) & 1;
    int scale = copd && sim_rng_below(g, 10) < 4 ? 2 : 1;
    int64_t b[SIM_NVITALS];
    b[SIM_V_HR] = between(g, 60, 90) * U;
    b[SIM_V_RR] = between(g, 12, copd ? 22 : 19) * U;
    b[SIM_V_SPO2] = (scale == 2 ? between(g, 88, 92)
                     : copd     ? between(g, 92, 95)
                                : between(g, 95, 99)) *
                    U;
    b[SIM_V_SBP] = between(g, 110, 165) * U;
    b[SIM_V_DBP] = between(g, 60, 90) * U;
    if (b[SIM_V_DBP] > b[SIM_V_SBP] - 20 * U)
        b[SIM_V_DBP] = b[SIM_V_SBP] - 20 * U;
    b[SIM_V_TEMP] = between(g, 362, 371) * (U / 10);
    b[SIM_V_GLUCOSE] =
        ((cond >> SIM_COND_DIABETES) & 1 ? between(g, 60, 100) : between(g, 45, 65)) * (U / 10);
    b[SIM_V_WEIGHT] = between(g, 420, 880) * (U / 10);
    int night = sim_world_is_night(w);
    int activity = night                 ? SIM_ACTIVITY_ASLEEP
                   : sim_rng_below(g, 2) ? SIM_ACTIVITY_SITTING
                                         : SIM_ACTIVITY_RESTING;
    sim_resident_setup(w, i, b, cond, scale, activity, 1, (int)between(g, 20, 100), 1, 1, 1);
    struct sim_resident *r = &w->res[i];

    struct morse_items m = {(int)sim_rng_below(g, 3) == 0,
                            cond != 0,
                            (enum morse_aid)sim_rng_below(g, 3),
                            0,
                            (enum morse_gait)sim_rng_below(g, 3),
                            (cond >> SIM_COND_DEMENTIA) & 1 ? MORSE_MENTAL_FORGETS
                                                            : MORSE_MENTAL_ORIENTED};
    struct morse_result mr;
    r->high_fall_risk = morse_score(&m, &w->cutoffs, &mr) == 0 && mr.risk == MORSE_RISK_HIGH;
    r->wander_risk = ((cond >> SIM_COND_DEMENTIA) & 1) && sim_rng_below(g, 2);

    /* A few are unwell today. */
    uint32_t roll = sim_rng_below(g, 1000);
    struct sim_traj_spec t;
    memset(&t, 0, sizeof(t));
    if (roll < 15) {
        t.kind = SIM_TRAJ_SEPSIS;
        t.severity = (int32_t)between(g, 1000, 4000);
        t.per_hour = (int32_t)between(g, 500, 3000);
    } else if (roll < 35 && copd) {
        t.kind = SIM_TRAJ_COPD_EXACERBATION;
        t.severity = (int32_t)between(g, 1000, 5000);
        t.per_hour = (int32_t)between(g, 0, 2000);
    } else if (roll < 45) {
        t.kind = SIM_TRAJ_DEHYDRATION;
        t.ml = (int32_t)between(g, 500, 1500);
        t.ml_per_hour = (int32_t)between(g, 20, 80);
    } else if (roll < 55 && ((cond >> SIM_COND_HEART_FAILURE) & 1)) {
        t.kind = SIM_TRAJ_FLUID_OVERLOAD;
        t.ml = (int32_t)between(g, 500, 2000);
        t.ml_per_hour = (int32_t)between(g, 10, 60);
    } else {
        t.kind = -1;
    }
    if ((int)t.kind >= 0)
        sim_physio_start(&r->ph, &t, 0);
    sim_physio_settle(&r->ph, 0, sim_world_clock(w));
    r->bed_presence = sim_world_in_bed(w, i);
    r->bed.presence = r->bed_presence;

    /* The evening round: a full set of observations four hours ago. */
    static const int params[SIM_NOBS] = {SIM_V_RR, SIM_V_SPO2, SIM_V_SBP, SIM_V_HR, -1, SIM_V_TEMP};
    for (int k = 0; k < SIM_NOBS; k++) {
        r->obs[k].valid = 1;
        r->obs[k].at_ms = -4 * 3600 * 1000;
        r->obs[k].value = k == SIM_OBS_ACVPU  ? NEWS2_ALERT
                          : k == SIM_OBS_TEMP ? sim_round_tenths(b[SIM_V_TEMP])
                                              : sim_round_units(b[params[k]]);
    }
}

int sim_population_new(int n, uint64_t seed, int clock0_s, struct sim_population **out)
{
    *out = NULL;
    if (n < 1 || n > 1000000)
        return SIM_WORLD_NOMEM;
    struct sim_population *p = cc_calloc(1, sizeof(*p));
    if (!p)
        return SIM_WORLD_NOMEM;
    p->life = cc_calloc((size_t)n, sizeof(*p->life));
    if (!p->life || sim_world_init(&p->w, n, seed, clock0_s, (size_t)n * 8 + 1024, 0, 0)) {
        cc_free(p->life);
        cc_free(p);
        return SIM_WORLD_NOMEM;
    }
    struct sim_rng g;
    sim_rng_seed(&g, seed, 0x70b01a7e);
    for (int i = 0; i < n; i++)
        generate(&p->w, i, &g);
    sim_rng_seed(&p->rng, seed, 0x11fe);
    *out = p;
    return 0;
}

void sim_population_free(struct sim_population **pp)
{
    struct sim_population *p = *pp;
    if (!p)
        return;
    sim_world_release(&p->w);
    cc_free(p->life);
    cc_free(p);
    *pp = NULL;
}

const struct sim_world *sim_population_world(const struct sim_population *p)
{
    return &p->w;
}

void sim_population_counts(const struct sim_population *p, uint64_t *acknowledged, uint64_t *closed)
{
    *acknowledged = p->acked;
    *closed = p->closed;
}

/* Back to bed (or a chair by day), in the room. */
static void settle(struct sim_world *w, int i)
{
    struct sim_resident *r = &w->res[i];
    r->place = SIM_PLACE_ROOM;
    sim_physio_activity(&r->ph,
                        sim_world_is_night(w) ? SIM_ACTIVITY_RESTING : SIM_ACTIVITY_SITTING);
    sim_physio_position(&r->ph, sim_world_is_night(w) ? SIM_POS_BACK : SIM_POS_UPRIGHT);
}

/* One second of resident I's life: one draw decides what, if anything, happens. */
static void live(struct sim_population *p, int i)
{
    struct sim_world *w = &p->w;
    struct sim_resident *r = &w->res[i];
    uint32_t u = (uint32_t)(sim_rng_next(&p->rng) >> 40);
    int night = sim_world_is_night(w);
    int act = r->ph.activity;
    if (act == SIM_ACTIVITY_ON_FLOOR)
        return; /* waiting for the staff */
    if (act == SIM_ACTIVITY_WALKING) {
        if (u < PER_S(20000)) {
            static const int injuries[8] = {0, 0, 0, 1, 1, 2, 3, 4};
            sim_physio_fall(&r->ph, injuries[u & 7], (u >> 3) & 1);
            if (r->wear.fit != SIM_FIT_OFF)
                sim_accel_start(&r->wear, SIM_SEQ_FALL, 2800 + (int)(u % 1500), w->now_ms);
        } else if (r->wander_risk && night && r->place == SIM_PLACE_ROOM && u < PER_S(600)) {
            sim_world_door(w, i, 0);
        } else if (r->place == SIM_PLACE_CORRIDOR && u < PER_S(300)) {
            sim_world_door(w, i, 1);
        } else if (w->now_ms >= p->life[i].until_ms && r->place == SIM_PLACE_ROOM) {
            settle(w, i);
        }
        return;
    }
    if (act == SIM_ACTIVITY_ASLEEP || act == SIM_ACTIVITY_RESTING || act == SIM_ACTIVITY_SITTING) {
        /* Consecutive bands of the one draw, each as wide as its chance. */
        uint32_t band = night ? PER_S(6 * 3600) : PER_S(3600);
        if (u < band) {
            sim_physio_activity(&r->ph, SIM_ACTIVITY_WALKING);
            p->life[i].until_ms = w->now_ms + 60000 + (int64_t)(u % 240) * 1000;
            return;
        }
        u -= band;
        if (u < PER_S(1800)) {
            if (act != SIM_ACTIVITY_SITTING)
                r->wear.burst_until_ms = w->now_ms + 2500;
            return;
        }
        u -= PER_S(1800);
        if (u < PER_S(8 * 3600)) {
            sim_world_call_button(w, i);
            return;
        }
        u -= PER_S(8 * 3600);
        if (u < PER_S(48 * 3600)) {
            if (r->wear.fit == SIM_FIT_WORN)
                sim_world_fault(w, i, SIM_DEV_WEARABLE, SIM_FAULT_LOOSE);
            return;
        }
        u -= PER_S(48 * 3600);
        if (u < PER_S(72 * 3600))
            sim_world_fault(w, i, SIM_DEV_WEARABLE, SIM_FAULT_DISCONNECT);
        return;
    }
    /* Standing: starts walking. */
    sim_physio_activity(&r->ph, SIM_ACTIVITY_WALKING);
}

/* The night staff: acknowledge each alert after 30–90 s, put it right 2–5 min later. */
static void staff(struct sim_population *p)
{
    struct sim_world *w = &p->w;
    int64_t now = w->now_ms;
    for (size_t k = 0; k < w->alerts.n; k++) {
        struct sim_alert *a = &w->alerts.a[k];
        uint32_t h = (uint32_t)a->id * 2654435761u;
        int64_t ack_at = a->raised_ms + (30 + (int64_t)(h % 61)) * 1000;
        if (a->state == SIM_ALERT_OPEN && now >= ack_at) {
            sim_alerts_ack(a, now);
            p->acked++;
        }
        if (a->state != SIM_ALERT_ACKNOWLEDGED ||
            now < a->ack_ms + (120 + (int64_t)(h >> 24)) * 1000)
            continue;
        struct sim_resident *r = &w->res[a->resident];
        switch (a->kind) {
        case SIM_ALERT_FALL:
        case SIM_ALERT_BED_EXIT:
        case SIM_ALERT_WANDERING:
            settle(w, a->resident);
            r->ph.pain = 0;
            sim_world_close_alert(w, a, SIM_REASON_RESOLVED);
            p->closed++;
            break;
        case SIM_ALERT_CALL_BUTTON:
            sim_world_close_alert(w, a, SIM_REASON_RESOLVED);
            p->closed++;
            break;
        case SIM_ALERT_DEVICE_OFFLINE:
        case SIM_ALERT_LOW_BATTERY:
            sim_world_restore(w, a->resident, a->detail);
            if (a->kind == SIM_ALERT_LOW_BATTERY)
                r->wear.battery_u = 100 * U;
            break; /* the alert clears when the data comes back */
        default:   /* news2: the nurse is reviewing; it clears when the band falls */
            break;
        }
    }
}

int sim_population_step(struct sim_population *p, int64_t ms)
{
    struct sim_world *w = &p->w;
    for (int64_t t = 0; t + SIM_TICK_MS <= ms; t += SIM_TICK_MS) {
        int64_t now = w->now_ms;
        sim_world_tick(w);
        if (w->err)
            return w->err;
        if (now > 0 && now % 1000 == 0) {
            for (int i = 0; i < w->nres; i++) {
                live(p, i);
                /* Rounds: a loose or dropped wearable is put right within the hour. */
                if (w->res[i].wear.fit != SIM_FIT_WORN && (now / 1000 + i) % 3600 == 0)
                    sim_world_restore(w, i, SIM_DEV_WEARABLE);
            }
            staff(p);
        }
    }
    return 0;
}
