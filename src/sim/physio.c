#include "sim/physio.h"

#include <string.h>

#include "care/news2.h"
#include "util/banned.h"

#define U SIM_U

/* cos(2πh/24) × 1000 for h = 0..24: the circadian rhythms, without libm. */
static const int16_t cos24[25] = {1000, 966,  866,  707,   500,  259,  0,    -259, -500,
                                  -707, -866, -966, -1000, -966, -866, -707, -500, -259,
                                  0,    259,  500,  707,   866,  966,  1000};

/* The value (−1000..1000) of a daily cosine that peaks at PEAK_H o'clock, at CLOCK_S. */
static int64_t circadian(int clock_s, int peak_h)
{
    int64_t phase = ((int64_t)clock_s - (int64_t)peak_h * 3600) % 86400;
    if (phase < 0)
        phase += 86400;
    int64_t h = phase / 3600, frac = phase % 3600;
    return (cos24[h] * (3600 - frac) + cos24[h + 1] * frac) / 3600;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* F × COEF where F is a severity 0–10000: the effect at full severity is COEF. */
static int64_t sev_of(int64_t coef, int32_t sev)
{
    return coef * sev / 10000;
}

/* The part of severity SEV above FROM (both 0–10000), rescaled to 0–10000. */
static int32_t above(int32_t sev, int32_t from)
{
    return sev <= from ? 0 : (int32_t)((int64_t)(sev - from) * 10000 / (10000 - from));
}

int sim_round_units(int64_t u)
{
    return (int)(u >= 0 ? (u + U / 2) / U : -((-u + U / 2) / U));
}

int sim_round_tenths(int64_t u)
{
    return (int)(u >= 0 ? (u + U / 20) / (U / 10) : -((-u + U / 20) / (U / 10)));
}

int sim_physio_fio2(int device, int flow)
{
    switch (device) {
    case SIM_O2_NASAL_CANNULA:
        return 21 + 4 * (flow > 6 ? 6 : flow);
    case SIM_O2_VENTURI_24:
        return flow >= 2 ? 24 : 22;
    case SIM_O2_VENTURI_28:
        return flow >= 4 ? 28 : 24;
    case SIM_O2_VENTURI_35:
        return flow >= 8 ? 35 : 28;
    case SIM_O2_SIMPLE_MASK:
        /* Below 5 L/min a mask is rebreathed air more than oxygen. */
        return flow < 5 ? 30 : 35 + 4 * ((flow > 10 ? 10 : flow) - 5);
    case SIM_O2_NON_REBREATHER:
        return flow < 10 ? 50 : 60 + 5 * ((flow > 15 ? 15 : flow) - 10);
    default:
        return 21;
    }
}

int64_t sim_physio_fluid_ml(const struct sim_physio *p)
{
    int64_t bal = p->fluid_bal0 + (int64_t)p->fluid_ml_per_h * 1000 * (p->t - p->fluid_t0) / 3600 +
                  p->absorbed_fluid_ul;
    return bal / 1000;
}

/* 1000 when sitting up, 0 lying flat: how upright the resident's chest is. */
static int32_t upright_target(const struct sim_physio *p)
{
    switch (p->activity) {
    case SIM_ACTIVITY_SITTING:
    case SIM_ACTIVITY_STANDING:
    case SIM_ACTIVITY_WALKING:
        return 1000;
    case SIM_ACTIVITY_ON_FLOOR:
        return 0;
    default:
        return p->position == SIM_POS_UPRIGHT        ? 1000
               : p->position == SIM_POS_SEMI_UPRIGHT ? 600
                                                     : 0;
    }
}

/* The glucose drop of a hypoglycaemia at time T, µmol/L. */
static int64_t hypo_drop(const struct sim_physio *p, int64_t t)
{
    if (!(p->active & (1u << SIM_TRAJ_HYPOGLYCAEMIA)))
        return 0;
    int64_t until = p->gluc_until >= 0 && t > p->gluc_until ? p->gluc_until : t;
    if (until < p->gluc_t0)
        until = p->gluc_t0;
    return p->gluc_offset0 + p->gluc_fall_per_h * (until - p->gluc_t0) / 3600;
}

/* The targets of every vital at time T: baseline, rhythm, activity, trajectories, care. */
static void targets(const struct sim_physio *p, int clock_s, int64_t tg[SIM_NVITALS],
                    int64_t *paco2_target)
{
    const int64_t *b = p->baseline;
    int32_t sepsis = p->sev[SIM_TRAJ_SEPSIS], copd = p->sev[SIM_TRAJ_COPD_EXACERBATION];
    int32_t head = p->sev[SIM_TRAJ_HEAD_INJURY], choke = p->sev[SIM_TRAJ_CHOKING];
    int32_t eol = p->sev[SIM_TRAJ_END_OF_LIFE];
    int64_t fluid = sim_physio_fluid_ml(p); /* mL */
    int64_t deficit = fluid < 0 ? -fluid : 0, excess = fluid > 0 ? fluid : 0;
    /* Lying flat makes a wet lung worse: ×1.5 flat, ×0.6 sitting up. */
    int64_t posture = 1500 - (int64_t)p->upright * 900 / 1000;
    int64_t glucose = p->mean[SIM_V_GLUCOSE];
    int64_t paco2 = p->paco2;
    int act = p->activity;

    static const int64_t act_hr[] = {-6, -2, 0, 5, 15, 10};
    static const int64_t act_rr[] = {-2, 0, 0, 1, 4, 3};
    static const int64_t act_sbp[] = {-8, -2, 0, 4, 8, 10};
    static const int64_t act_dbp[] = {-5, -1, 0, 2, 4, 6};

    /* Heart rate. */
    int64_t hr = b[SIM_V_HR] + 3 * U * circadian(clock_s, 15) / 1000 + act_hr[act] * U;
    hr += (int64_t)p->pain * 3 * U / 2 + (int64_t)p->distress * U / 5;
    hr +=
        sev_of(50 * U, sepsis) + sev_of(22 * U, copd) + sev_of(30 * U, choke) + sev_of(20 * U, eol);
    hr += deficit * 12 * U / 1000 + excess * 8 * U / 1000;
    if (glucose < 39 * U / 10)
        hr += (39 * U / 10 - glucose) * 12;
    if (paco2 > 6 * U)
        hr += (paco2 - 6 * U) * 4;
    hr -= sev_of(25 * U, above(head, 6000));
    tg[SIM_V_HR] = hr;

    /* Respiration. */
    int64_t rr = b[SIM_V_RR] + act_rr[act] * U + (int64_t)p->pain * 2 * U / 5;
    rr += sev_of(14 * U, sepsis) + sev_of(12 * U, copd) + sev_of(10 * U, choke);
    rr += excess * 4 * U / 1000 * posture / 1000 + deficit * 2 * U / 1000;
    if (paco2 > 8 * U)
        rr -= (paco2 - 8 * U) * 3;
    rr -= sev_of(6 * U, above(head, 6000));
    tg[SIM_V_RR] = clamp64(rr, 4 * U, 60 * U);

    /* SpO2 on air, then oxygen narrows the gap to 100 %, then an obstruction. */
    int64_t spo2 = b[SIM_V_SPO2];
    if (act == SIM_ACTIVITY_WALKING)
        spo2 -= (p->conditions & (1u << SIM_COND_COPD) ? 3 : 1) * U;
    spo2 -= sev_of(7 * U, sepsis) + sev_of(8 * U, copd) + sev_of(10 * U, eol);
    spo2 -= excess * 3 * U / 1000 * posture / 1000;
    spo2 -= sev_of(4 * U, above(head, 7000));
    int64_t gap = 100 * U - spo2;
    if (gap < 0)
        gap = 0;
    spo2 = 100 * U - gap * 21 / (p->o2_on ? p->fio2 : 21);
    spo2 -= sev_of(45 * U, choke);
    tg[SIM_V_SPO2] = clamp64(spo2, SIM_SPO2_MIN_U, 100 * U);

    /* Blood pressure. */
    int64_t sbp = b[SIM_V_SBP] + 5 * U * circadian(clock_s, 10) / 1000 + act_sbp[act] * U;
    int64_t dbp = b[SIM_V_DBP] + 3 * U * circadian(clock_s, 10) / 1000 + act_dbp[act] * U;
    sbp += (int64_t)p->pain * 2 * U;
    dbp += (int64_t)p->pain * U;
    sbp -= sev_of(50 * U, above(sepsis, 2500));
    dbp -= sev_of(30 * U, above(sepsis, 2500));
    sbp += -deficit * 12 * U / 1000 + excess * 6 * U / 1000;
    dbp += -deficit * 6 * U / 1000 + excess * 4 * U / 1000;
    sbp += sev_of(35 * U, above(head, 6000));
    dbp += sev_of(10 * U, above(head, 6000));
    sbp -= sev_of(45 * U, eol);
    dbp -= sev_of(25 * U, eol);
    if (glucose < 39 * U / 10)
        sbp += (39 * U / 10 - glucose) * 4;
    if (paco2 > 7 * U)
        sbp += (paco2 - 7 * U) * 3;
    tg[SIM_V_SBP] = clamp64(sbp, 50 * U, 250 * U);
    tg[SIM_V_DBP] = clamp64(dbp, 25 * U, tg[SIM_V_SBP] - 10 * U);

    /* Temperature: lowest near 5 o'clock. */
    int64_t temp = b[SIM_V_TEMP] + 3 * U / 10 * circadian(clock_s, 17) / 1000;
    temp += p->hypothermic ? -sev_of(22 * U / 10, sepsis) : sev_of(24 * U / 10, sepsis);
    temp += sev_of(6 * U / 10, copd) + deficit * 3 * U / 10 / 1000 - sev_of(8 * U / 10, eol);
    tg[SIM_V_TEMP] = clamp64(temp, 30 * U, 43 * U);

    /* Glucose. */
    int64_t gl = b[SIM_V_GLUCOSE] + sev_of(2 * U, sepsis) - hypo_drop(p, p->t);
    gl += p->absorbed_glucose_mg * 170;
    tg[SIM_V_GLUCOSE] = clamp64(gl, 8 * U / 10, 35 * U);

    /* Weight: a litre is a kilogram. */
    tg[SIM_V_WEIGHT] = b[SIM_V_WEIGHT] + fluid * U / 1000;

    /*
     * Carbon dioxide: a COPD exacerbation raises it; in a retainer, oxygen
     * driving the SpO2 above 92 % removes the hypoxic drive and raises it more.
     */
    int64_t pc = p->paco2_base + sev_of(15 * U / 10, copd) + sev_of(U, eol);
    if (p->co2_retainer && p->o2_on && p->mean[SIM_V_SPO2] > 92 * U)
        pc += (p->mean[SIM_V_SPO2] - 92 * U) / 2;
    *paco2_target = pc;
}

/* The level of consciousness the body is in (enum news2_acvpu). */
static int acvpu_of(const struct sim_physio *p)
{
    int a = NEWS2_ALERT;
#define AT_LEAST(level)                                                                            \
    do {                                                                                           \
        if ((level) > a)                                                                           \
            a = (level);                                                                           \
    } while (0)
    int32_t sepsis = p->sev[SIM_TRAJ_SEPSIS], head = p->sev[SIM_TRAJ_HEAD_INJURY];
    int32_t eol = p->sev[SIM_TRAJ_END_OF_LIFE];
    int64_t g = p->mean[SIM_V_GLUCOSE], pc = p->paco2, s = p->mean[SIM_V_SPO2];
    if (sepsis >= 9500)
        AT_LEAST(NEWS2_PAIN);
    else if (sepsis >= 8500)
        AT_LEAST(NEWS2_VOICE);
    else if (sepsis >= 5500)
        AT_LEAST(NEWS2_CONFUSION);
    if (g < 11 * U / 10)
        AT_LEAST(NEWS2_UNRESPONSIVE);
    else if (g < 16 * U / 10)
        AT_LEAST(NEWS2_PAIN);
    else if (g < 22 * U / 10)
        AT_LEAST(NEWS2_VOICE);
    else if (g < 30 * U / 10)
        AT_LEAST(NEWS2_CONFUSION);
    if (pc > 11 * U)
        AT_LEAST(NEWS2_PAIN);
    else if (pc > 95 * U / 10)
        AT_LEAST(NEWS2_VOICE);
    else if (pc > 8 * U)
        AT_LEAST(NEWS2_CONFUSION);
    if (head >= 9000)
        AT_LEAST(NEWS2_PAIN);
    else if (head >= 7000)
        AT_LEAST(NEWS2_VOICE);
    else if (head >= 4000)
        AT_LEAST(NEWS2_CONFUSION);
    if (eol >= 9500)
        AT_LEAST(NEWS2_UNRESPONSIVE);
    else if (eol >= 8500)
        AT_LEAST(NEWS2_PAIN);
    else if (eol >= 6000)
        AT_LEAST(NEWS2_VOICE);
    if (p->delirium)
        AT_LEAST(NEWS2_CONFUSION);
    if (s < 60 * U)
        AT_LEAST(NEWS2_UNRESPONSIVE);
    else if (s < 70 * U)
        AT_LEAST(NEWS2_VOICE);
    else if (s < 80 * U)
        AT_LEAST(NEWS2_CONFUSION);
#undef AT_LEAST
    return a;
}

/* Time constants (s) of the lags, and the beat-to-beat noise (µ-units). */
static const int64_t tau[SIM_NVITALS] = {15, 20, 30, 60, 60, 900, 90, 900};
static const int64_t noise_sd[SIM_NVITALS] = {800000,  500000, 300000, 1500000,
                                              1000000, 20000,  30000,  0};

static void update_trajectories(struct sim_physio *p, int64_t t)
{
    for (int k = 0; k < SIM_NTRAJ; k++) {
        if (!(p->active & (1u << k)) || k == SIM_TRAJ_CHOKING || k == SIM_TRAJ_HYPOGLYCAEMIA)
            continue;
        int64_t s = p->sev0[k] + (int64_t)p->per_hour[k] * (t - p->t0[k]) / 3600;
        p->sev[k] = (int32_t)clamp64(s, 0, 10000);
    }
}

void sim_physio_init(struct sim_physio *p, const int64_t baseline[SIM_NVITALS], uint32_t conditions,
                     int spo2_scale, int activity, int64_t t, int clock_s)
{
    memset(p, 0, sizeof(*p));
    memcpy(p->baseline, baseline, sizeof(p->baseline));
    p->conditions = conditions;
    p->spo2_scale = spo2_scale == 2 ? 2 : 1;
    p->co2_retainer = (conditions & (1u << SIM_COND_COPD)) && p->spo2_scale == 2;
    p->paco2_base = p->co2_retainer ? 65 * U / 10 : 53 * U / 10;
    p->paco2 = p->paco2_base;
    p->fio2 = 21;
    p->o2_device = -1;
    p->activity = activity;
    p->position = activity == SIM_ACTIVITY_ASLEEP || activity == SIM_ACTIVITY_RESTING
                      ? SIM_POS_BACK
                      : SIM_POS_UPRIGHT;
    p->upright = upright_target(p);
    p->delirium_ml = 1500;
    p->gluc_until = -1;
    p->t = t;
    p->fluid_t0 = t;
    memcpy(p->mean, baseline, sizeof(p->mean));
    int64_t tg[SIM_NVITALS], pc;
    targets(p, clock_s, tg, &pc);
    memcpy(p->mean, tg, sizeof(p->mean));
    memcpy(p->value, tg, sizeof(p->value));
    p->acvpu = acvpu_of(p);
}

void sim_physio_settle(struct sim_physio *p, int64_t t, int clock_s)
{
    p->t = t;
    update_trajectories(p, t);
    p->upright = upright_target(p);
    /* Twice: glucose and SpO2 feed the CO2 and the heart rate through the means. */
    for (int k = 0; k < 2; k++) {
        int64_t tg[SIM_NVITALS], pc;
        targets(p, clock_s, tg, &pc);
        memcpy(p->mean, tg, sizeof(p->mean));
        memcpy(p->value, tg, sizeof(p->value));
        p->paco2 = pc;
    }
    p->acvpu = acvpu_of(p);
}

void sim_physio_start(struct sim_physio *p, const struct sim_traj_spec *s, int64_t t)
{
    int k = s->kind;
    if ((unsigned)k >= SIM_NTRAJ)
        return;
    p->active |= 1u << k;
    switch (k) {
    case SIM_TRAJ_HYPOGLYCAEMIA: {
        int64_t now_drop = hypo_drop(p, t);
        if (s->glucose > 0)
            now_drop = p->baseline[SIM_V_GLUCOSE] + p->absorbed_glucose_mg * 170 -
                       (int64_t)s->glucose * 1000;
        p->gluc_offset0 = now_drop;
        p->gluc_fall_per_h = (int64_t)s->per_hour * 1000;
        p->gluc_t0 = t;
        p->gluc_until = s->for_s > 0 ? t + s->for_s : -1;
        if (s->glucose > 0) {
            /* A stated glucose is the value now, not a target to drift to. */
            p->mean[SIM_V_GLUCOSE] = (int64_t)s->glucose * 1000;
            p->value[SIM_V_GLUCOSE] = p->mean[SIM_V_GLUCOSE];
        }
        break;
    }
    case SIM_TRAJ_DEHYDRATION:
    case SIM_TRAJ_FLUID_OVERLOAD: {
        int sign = k == SIM_TRAJ_DEHYDRATION ? -1 : 1;
        p->fluid_bal0 = (int64_t)sign * s->ml * 1000;
        p->fluid_ml_per_h = sign * s->ml_per_hour;
        p->fluid_t0 = t;
        p->absorbed_fluid_ul = 0;
        if (k == SIM_TRAJ_DEHYDRATION)
            p->delirium_ml = s->delirium_ml > 0 ? s->delirium_ml : 1500;
        break;
    }
    case SIM_TRAJ_CHOKING:
        p->sev[k] = (int32_t)clamp64(s->severity, 0, 10000);
        p->clear_per_blow = s->clear_per_blow;
        p->clear_per_thrust = s->clear_per_thrust;
        break;
    default:
        p->sev0[k] = (int32_t)clamp64(s->severity, 0, 10000);
        p->sev[k] = p->sev0[k];
        p->per_hour[k] = s->per_hour;
        p->t0[k] = t;
        if (k == SIM_TRAJ_SEPSIS)
            p->hypothermic = s->hypothermic;
        break;
    }
}

void sim_physio_step(struct sim_physio *p, int64_t t, int clock_s, struct sim_rng *r)
{
    p->t = t;
    update_trajectories(p, t);

    /* What was swallowed is absorbed after a delay. */
    if (p->gut_glucose_mg > 0 && t >= p->glucose_from) {
        int64_t a = p->gut_glucose_mg < 25 ? p->gut_glucose_mg : 25; /* 1.5 g a minute */
        p->gut_glucose_mg -= a;
        p->absorbed_glucose_mg += a;
    }
    if (p->gut_fluid_ul > 0 && t >= p->fluid_from) {
        int64_t a = p->gut_fluid_ul < 167 ? p->gut_fluid_ul : 167; /* 10 mL a minute */
        p->gut_fluid_ul -= a;
        p->absorbed_fluid_ul += a;
    }
    if (p->active & (1u << SIM_TRAJ_DEHYDRATION)) {
        int64_t deficit = -sim_physio_fluid_ml(p);
        if (deficit >= p->delirium_ml)
            p->delirium = 1;
        else if (deficit < p->delirium_ml - 500)
            p->delirium = 0;
    }

    p->upright += (upright_target(p) - p->upright) / 60;

    /* Distress: pain, an obstructed airway, the end of life unless eased by comfort care. */
    int dt = p->pain * 8 + p->sev[SIM_TRAJ_CHOKING] * 90 / 10000;
    int eol = p->sev[SIM_TRAJ_END_OF_LIFE] * 60 / 10000;
    dt += t < p->comfort_until ? eol / 4 : eol;
    if (dt > 100)
        dt = 100;
    p->distress += (dt - p->distress) / 30 + (dt > p->distress ? 1 : dt < p->distress ? -1 : 0);

    int64_t tg[SIM_NVITALS], pc;
    targets(p, clock_s, tg, &pc);
    p->paco2 += (pc - p->paco2) / (pc > p->paco2 ? 480 : 900);
    int af = (p->conditions & (1u << SIM_COND_ATRIAL_FIBRILLATION)) != 0;
    for (int v = 0; v < SIM_NVITALS; v++) {
        int64_t k = tau[v];
        if (v == SIM_V_SPO2 && p->sev[SIM_TRAJ_CHOKING] > 0)
            k = 10;
        p->mean[v] += (tg[v] - p->mean[v]) / k;
        int64_t sd = v == SIM_V_HR && af ? 4 * U : noise_sd[v];
        p->value[v] = p->mean[v] + (sd ? sim_rng_gauss(r, sd) : 0);
    }
    if (p->sev[SIM_TRAJ_END_OF_LIFE] > 5000) {
        /* Cheyne–Stokes: breathing waxes and wanes over a minute, breath by breath. */
        int64_t tri = t % 60 < 30 ? t % 60 : 60 - t % 60; /* 0..30 */
        p->value[SIM_V_RR] +=
            sev_of(8 * U, above(p->sev[SIM_TRAJ_END_OF_LIFE], 5000)) * (tri - 15) / 15;
    }
    p->value[SIM_V_SPO2] = clamp64(p->value[SIM_V_SPO2], SIM_SPO2_MIN_U, 100 * U);
    p->value[SIM_V_RR] = clamp64(p->value[SIM_V_RR], 4 * U, 60 * U);
    p->value[SIM_V_HR] = clamp64(p->value[SIM_V_HR], 20 * U, 220 * U);
    p->acvpu = acvpu_of(p);
}

void sim_physio_oxygen(struct sim_physio *p, int device, int flow)
{
    if (device < 0) {
        p->o2_on = 0;
        p->o2_device = -1;
        p->o2_flow = 0;
        p->fio2 = 21;
        return;
    }
    p->o2_on = 1;
    p->o2_device = device;
    p->o2_flow = flow;
    p->fio2 = sim_physio_fio2(device, flow);
}

void sim_physio_give_fluids(struct sim_physio *p, int ml, int64_t t)
{
    if (p->gut_fluid_ul <= 0)
        p->fluid_from = t + 600;
    p->gut_fluid_ul += (int64_t)ml * 1000;
}

int sim_physio_give_glucose(struct sim_physio *p, int grams, int64_t t)
{
    if (p->acvpu >= NEWS2_VOICE || p->sev[SIM_TRAJ_CHOKING] > 0)
        return 1;
    if (p->gut_glucose_mg <= 0)
        p->glucose_from = t + 300;
    p->gut_glucose_mg += (int64_t)grams * 1000;
    return 0;
}

void sim_physio_clear_airway(struct sim_physio *p, int thrusts, int count)
{
    int32_t per = thrusts ? p->clear_per_thrust : p->clear_per_blow;
    int64_t s = p->sev[SIM_TRAJ_CHOKING] - (int64_t)per * count;
    p->sev[SIM_TRAJ_CHOKING] = (int32_t)clamp64(s, 0, 10000);
    if (!p->sev[SIM_TRAJ_CHOKING])
        p->active &= ~(1u << SIM_TRAJ_CHOKING);
}

void sim_physio_activity(struct sim_physio *p, int activity)
{
    p->activity = activity;
    if (activity == SIM_ACTIVITY_SITTING || activity == SIM_ACTIVITY_STANDING ||
        activity == SIM_ACTIVITY_WALKING)
        p->position = SIM_POS_UPRIGHT;
}

void sim_physio_position(struct sim_physio *p, int position)
{
    p->position = position;
}

void sim_physio_fall(struct sim_physio *p, int injury, int head_strike)
{
    static const int pain[] = {2, 3, 3, 6, 8};
    p->activity = SIM_ACTIVITY_ON_FLOOR;
    p->injury = injury;
    p->head_strike = head_strike;
    p->pain = pain[(unsigned)injury < SIM_NINJURIES ? injury : 0] + (head_strike ? 1 : 0);
}

int sim_physio_display(const struct sim_physio *p, enum sim_vital v)
{
    switch (v) {
    case SIM_V_TEMP:
    case SIM_V_GLUCOSE:
    case SIM_V_WEIGHT:
        return sim_round_tenths(p->value[v]);
    default:
        return sim_round_units(p->value[v]);
    }
}
