#include "sim/session.h"

#include <stdio.h>
#include <string.h>

#include "care/news2.h"
#include "util/alloc.h"
#include "util/banned.h"

#define U SIM_U

#define MAX_ALERTS    4096
#define MAX_CALLS     64
#define MAX_LOGGED    (2 * SIM_MAX_ACTIONS)
#define MANUAL_RECENT (15 * 60 * 1000) /* a manual observation this fresh beats a device's */

enum vcol {
    VC_HR = 0,
    VC_RR,
    VC_SPO2,
    VC_SBP,
    VC_DBP,
    VC_TEMP,
    VC_GLUCOSE,
    VC_WEIGHT,
    VC_ACVPU,
    VC_NEWS2,
    VC_W_HR,
    VC_W_SPO2,
    VC_BED_HR,
    VC_BED_RR,
    VC_PLATFORM_NEWS2,
    NVCOLS
};

static const char *const vcol_ids[NVCOLS] = {
    "hr",    "rr",    "spo2",        "sbp",           "dbp",    "temp",   "glucose",       "weight",
    "acvpu", "news2", "wearable_hr", "wearable_spo2", "bed_hr", "bed_rr", "platform_news2"};

struct vitals_row {
    int32_t t_s;
    int32_t res;
    int32_t v[NVCOLS]; /* -1: none (devices) */
};

struct call {
    int who, res;
    int64_t at_ms;
    int done;
};

enum ended_by {
    END_NOT = 0,
    END_TIME,
    END_EVENT,
    END_TRANSFER,
};

struct sim_session {
    const struct sim_scenario *sc;
    struct sim_world w;
    struct sim_rng rng; /* measurement noise: apart from the residents' streams */
    int64_t carry_ms;
    int next_event;
    int64_t event_ms[SIM_MAX_TIMELINE];
    int ended_by;
    int64_t ended_ms;
    /* The trainee. */
    int where, at_res;
    int64_t arrive_ms;
    /* Responders. */
    struct call calls[MAX_CALLS];
    int ncalls;
    int64_t arrived_ms[SIM_NRESPONDERS];
    int helper_with[SIM_MAX_RESIDENTS]; /* people who came to help at the resident's side */
    /* Care-plan tasks. */
    unsigned char task_due[SIM_MAX_RESIDENTS][SIM_MAX_TASKS];
    unsigned char task_missed[SIM_MAX_RESIDENTS][SIM_MAX_TASKS];
    unsigned char task_done[SIM_MAX_RESIDENTS][SIM_MAX_TASKS];
    /* Logs. */
    struct sim_logged_action *acts;
    size_t nacts, capacts;
    struct vitals_row *rows;
    size_t nrows, caprows;
    int every_s;
    uint64_t seed;
};

/* ---------------------------------------------------------------- set-up */

static int record_vitals(struct sim_session *s);

int sim_session_new(const struct sim_scenario *sc, uint64_t seed,
                    const struct sim_session_opts *opts, struct sim_session **out)
{
    *out = NULL;
    struct sim_session *s = cc_calloc(1, sizeof(*s));
    if (!s)
        return SIM_SESSION_NOMEM;
    s->sc = sc;
    s->seed = seed;
    s->every_s = opts && opts->vitals_every_s > 0 ? opts->vitals_every_s : 5;
    if (sim_world_init(&s->w, sc->nres, seed, sc->start_clock_s, MAX_ALERTS, 1,
                       SIM_MAX_LOG_EVENTS)) {
        cc_free(s);
        return SIM_SESSION_NOMEM;
    }
    struct sim_world *w = &s->w;
    w->night_from_s = sc->night_from_s;
    w->night_to_s = sc->night_to_s;
    w->cutoffs = sc->cutoffs;
    memcpy(w->alerts.ack_ms, sc->ack_ms, sizeof(w->alerts.ack_ms));
    sim_rng_seed(&s->rng, seed, 0);
    for (int i = 0; i < sc->nres; i++) {
        const struct sim_resident_spec *rs = &sc->res[i];
        sim_resident_setup(w, i, rs->baseline, rs->conditions, rs->spo2_scale, rs->activity,
                           rs->wearable, rs->battery, rs->bed_sensor, rs->door_sensor,
                           rs->call_button);
        struct sim_resident *r = &w->res[i];
        r->place = rs->place;
        r->high_fall_risk = rs->high_fall_risk;
        r->wander_risk = rs->wander_risk;
        r->ph.position = rs->position;
        for (int k = 0; k < rs->ntraj; k++)
            sim_physio_start(&r->ph, &rs->traj[k], 0);
        sim_physio_settle(&r->ph, 0, sc->start_clock_s);
        r->bed_presence = sim_world_in_bed(w, i);
        r->bed.presence = r->bed_presence;
        if (rs->has_last_obs)
            for (int k = 0; k < SIM_NOBS; k++) {
                r->obs[k].value = rs->last_obs[k];
                r->obs[k].at_ms = -rs->last_obs_ago_ms;
                r->obs[k].valid = 1;
            }
    }
    for (int k = 0; k < SIM_MAX_TIMELINE; k++)
        s->event_ms[k] = -1;
    for (int k = 0; k < SIM_NRESPONDERS; k++)
        s->arrived_ms[k] = -1;
    s->where = sc->start_with >= 0 ? SIM_WHERE_RESIDENT : SIM_WHERE_STATION;
    s->at_res = sc->start_with;
    s->ended_ms = -1;
    if (record_vitals(s)) {
        sim_session_free(&s);
        return SIM_SESSION_NOMEM;
    }
    *out = s;
    return SIM_SESSION_OK;
}

void sim_session_free(struct sim_session **sp)
{
    struct sim_session *s = *sp;
    if (!s)
        return;
    for (size_t i = 0; i < s->nacts; i++) {
        struct sim_action *a = &s->acts[i].a;
        for (int k = 0; k < SIM_NSBAR; k++)
            cc_free((char *)a->sbar.part[k]);
        cc_free((char *)a->text);
        json_decref(s->acts[i].result);
    }
    cc_free(s->acts);
    cc_free(s->rows);
    sim_world_release(&s->w);
    cc_free(s);
    *sp = NULL;
}

int64_t sim_session_now(const struct sim_session *s)
{
    return s->w.now_ms;
}

int sim_session_ended(const struct sim_session *s)
{
    return s->ended_by != END_NOT;
}

int64_t sim_session_duration(const struct sim_session *s)
{
    return s->sc->duration_ms;
}

const struct sim_world *sim_session_world(const struct sim_session *s)
{
    return &s->w;
}

/* ---------------------------------------------------------------- recording */

/* The NEWS2 of resident I's true state (what a perfect observer would score). */
static int true_news2(const struct sim_resident *r)
{
    struct news2_obs o;
    o.rr = sim_round_units(r->ph.value[SIM_V_RR]);
    o.spo2 = sim_round_units(r->ph.value[SIM_V_SPO2]);
    o.scale = r->ph.spo2_scale;
    o.on_oxygen = r->ph.o2_on;
    o.sbp = sim_round_units(r->ph.value[SIM_V_SBP]);
    o.pulse = sim_round_units(r->ph.value[SIM_V_HR]);
    o.acvpu = (enum news2_acvpu)r->ph.acvpu;
    o.temp = sim_round_tenths(r->ph.value[SIM_V_TEMP]);
    struct news2_result res;
    return news2_score(&o, &res) ? -1 : res.total;
}

static int record_vitals(struct sim_session *s)
{
    struct sim_world *w = &s->w;
    if (s->nrows + (size_t)w->nres > s->caprows) {
        size_t cap = s->caprows ? s->caprows * 2 : 256;
        while (cap < s->nrows + (size_t)w->nres)
            cap *= 2;
        struct vitals_row *r = cc_realloc(s->rows, cap * sizeof(*r));
        if (!r)
            return SIM_SESSION_NOMEM;
        s->rows = r;
        s->caprows = cap;
    }
    for (int i = 0; i < w->nres; i++) {
        const struct sim_resident *r = &w->res[i];
        if (r->place == SIM_PLACE_HOSPITAL)
            continue;
        struct vitals_row *row = &s->rows[s->nrows++];
        row->t_s = (int32_t)(w->now_ms / 1000);
        row->res = i;
        row->v[VC_HR] = sim_physio_display(&r->ph, SIM_V_HR);
        row->v[VC_RR] = sim_physio_display(&r->ph, SIM_V_RR);
        row->v[VC_SPO2] = sim_physio_display(&r->ph, SIM_V_SPO2);
        row->v[VC_SBP] = sim_physio_display(&r->ph, SIM_V_SBP);
        row->v[VC_DBP] = sim_physio_display(&r->ph, SIM_V_DBP);
        row->v[VC_TEMP] = sim_physio_display(&r->ph, SIM_V_TEMP);
        row->v[VC_GLUCOSE] = sim_physio_display(&r->ph, SIM_V_GLUCOSE);
        row->v[VC_WEIGHT] = sim_physio_display(&r->ph, SIM_V_WEIGHT);
        row->v[VC_ACVPU] = r->ph.acvpu;
        row->v[VC_NEWS2] = true_news2(r);
        row->v[VC_W_HR] = r->wear.hr;
        row->v[VC_W_SPO2] = r->wear.spo2;
        row->v[VC_BED_HR] = r->bed.present ? r->bed.hr : -1;
        row->v[VC_BED_RR] = r->bed.present ? r->bed.rr : -1;
        row->v[VC_PLATFORM_NEWS2] = r->news2_valid ? r->news2_total : -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the timeline */

static void end_session(struct sim_session *s, int by)
{
    if (s->ended_by != END_NOT)
        return;
    s->ended_by = by;
    s->ended_ms = s->w.now_ms;
    sim_world_log(&s->w, SIM_LOG_END, -1, by, 0, 0, 0);
}

/* Resident I leaves for hospital with the emergency service. */
static void transfer(struct sim_session *s, int i)
{
    struct sim_world *w = &s->w;
    struct sim_resident *r = &w->res[i];
    if (r->place == SIM_PLACE_HOSPITAL)
        return;
    r->place = SIM_PLACE_HOSPITAL;
    for (size_t k = 0; k < w->alerts.n; k++) {
        struct sim_alert *a = &w->alerts.a[k];
        if (a->resident == i)
            sim_world_close_alert(w, a, -1);
    }
    sim_world_log(w, SIM_LOG_TRANSFER, i, 0, 0, 0, 0);
    if (s->sc->end_on_transfer)
        end_session(s, END_TRANSFER);
}

static void arrive(struct sim_session *s, struct call *c)
{
    c->done = 1;
    if (s->arrived_ms[c->who] < 0)
        s->arrived_ms[c->who] = s->w.now_ms;
    sim_world_log(&s->w, SIM_LOG_RESPONDER, c->res, c->who, 1, 0, 0);
    if (c->who == SIM_RESP_EMERGENCY)
        transfer(s, c->res);
    else if (c->res >= 0)
        s->helper_with[c->res]++;
}

/* The fault DEVICE of R has now (enum sim_fault), or -1 when it works. */
static int device_fault(const struct sim_resident *r, int device)
{
    switch (device) {
    case SIM_DEV_WEARABLE:
        if (!r->wear.connected)
            return SIM_FAULT_DISCONNECT;
        if (r->wear.fit == SIM_FIT_LOOSE)
            return SIM_FAULT_LOOSE;
        if (r->wear.fit == SIM_FIT_OFF)
            return SIM_FAULT_OFF_BODY;
        return r->wear.battery_u < SIM_LOW_BATTERY_U ? SIM_FAULT_LOW_BATTERY : -1;
    case SIM_DEV_BED_SENSOR:
        return r->bed.connected ? -1 : SIM_FAULT_DISCONNECT;
    case SIM_DEV_DOOR_SENSOR:
        return r->door_connected ? -1 : SIM_FAULT_DISCONNECT;
    default:
        return -1;
    }
}

static void apply_event(struct sim_session *s, int k)
{
    const struct sim_event_spec *ev = &s->sc->ev[k];
    struct sim_world *w = &s->w;
    int i = ev->resident;
    s->event_ms[k] = w->now_ms;
    sim_world_log(w, SIM_LOG_TIMELINE, i, k, ev->kind, 0, 0);
    if (ev->kind == SIM_EV_END) {
        end_session(s, END_EVENT);
        return;
    }
    struct sim_resident *r = &w->res[i];
    if (r->place == SIM_PLACE_HOSPITAL)
        return;
    struct sim_physio *ph = &r->ph;
    switch (ev->kind) {
    case SIM_EV_GET_UP:
        r->place = SIM_PLACE_ROOM;
        sim_physio_activity(ph, SIM_ACTIVITY_STANDING);
        break;
    case SIM_EV_WALK:
        sim_physio_activity(ph, SIM_ACTIVITY_WALKING);
        break;
    case SIM_EV_SIT:
        sim_physio_activity(ph, SIM_ACTIVITY_SITTING);
        break;
    case SIM_EV_RETURN_TO_BED:
        r->place = SIM_PLACE_ROOM;
        sim_physio_activity(ph, SIM_ACTIVITY_RESTING);
        sim_physio_position(ph, SIM_POS_BACK);
        break;
    case SIM_EV_SLEEP:
        sim_physio_activity(ph, SIM_ACTIVITY_ASLEEP);
        break;
    case SIM_EV_TURN_OVER:
        r->wear.burst_until_ms = w->now_ms + 2500;
        sim_physio_position(ph, ph->position == SIM_POS_LEFT_SIDE ? SIM_POS_RIGHT_SIDE
                                                                  : SIM_POS_LEFT_SIDE);
        break;
    case SIM_EV_LEAVE_ROOM:
    case SIM_EV_EXIT_DOOR:
        sim_physio_activity(ph, SIM_ACTIVITY_WALKING);
        sim_world_door(w, i, ev->kind == SIM_EV_EXIT_DOOR);
        break;
    case SIM_EV_FALL:
        sim_physio_fall(ph, ev->injury, ev->head_strike);
        if (r->wear.fit != SIM_FIT_OFF)
            sim_accel_start(&r->wear, SIM_SEQ_FALL, ev->peak_mg, w->now_ms);
        break;
    case SIM_EV_CALL_BUTTON:
        sim_world_call_button(w, i);
        break;
    case SIM_EV_CONDITION:
        sim_physio_start(ph, &ev->traj, w->now_ms / 1000);
        break;
    case SIM_EV_DEVICE_FAULT:
        if (ev->if_fault >= 0 && device_fault(r, ev->device) != ev->if_fault) {
            /* The condition did not hold (the trainee put the device right first). */
            sim_world_log(w, SIM_LOG_DEVICE, i, ev->device, SIM_DEVST_SPARED, ev->fault, 0);
            break;
        }
        if (ev->fault == SIM_FAULT_LOW_BATTERY && ev->battery >= 0)
            r->wear.battery_u = (int64_t)ev->battery * U;
        sim_world_fault(w, i, ev->device, ev->fault);
        break;
    case SIM_EV_DEVICE_RESTORE:
        sim_world_restore(w, i, ev->device);
        break;
    default: /* say: the log entry is the event */
        break;
    }
}

/* The care plan's timers: due reminders and missed tasks, once a second. */
static void task_timers(struct sim_session *s)
{
    struct sim_world *w = &s->w;
    for (int i = 0; i < s->sc->nres; i++) {
        const struct sim_resident_spec *rs = &s->sc->res[i];
        if (w->res[i].place == SIM_PLACE_HOSPITAL)
            continue;
        for (int k = 0; k < rs->ntasks; k++) {
            const struct sim_task *t = &rs->tasks[k];
            if (s->task_done[i][k])
                continue;
            if (!s->task_due[i][k] && w->now_ms >= t->due_ms) {
                s->task_due[i][k] = 1;
                sim_world_log(w, SIM_LOG_TASK, i, k, 0, 0, 0);
                sim_world_alert(w, SIM_ALERT_TASK_DUE, i, SIM_PRIO_LOW, k);
            }
            if (!s->task_missed[i][k] && w->now_ms >= t->due_ms + t->grace_ms) {
                s->task_missed[i][k] = 1;
                sim_world_log(w, SIM_LOG_TASK, i, k, 1, 0, 0);
                sim_world_alert(w, SIM_ALERT_MISSED_TASK, i, t->priority, k);
            }
        }
    }
}

static int world_error(const struct sim_world *w)
{
    return w->err == SIM_WORLD_NOMEM ? SIM_SESSION_NOMEM : SIM_SESSION_FULL;
}

int sim_session_step(struct sim_session *s, int64_t ms)
{
    struct sim_world *w = &s->w;
    if (w->err)
        return world_error(w);
    if (s->ended_by != END_NOT || ms <= 0)
        return SIM_SESSION_OK;
    s->carry_ms += ms;
    int64_t every = (int64_t)s->every_s * 1000;
    while (s->carry_ms >= SIM_TICK_MS && s->ended_by == END_NOT) {
        int64_t t = w->now_ms;
        if (t >= s->sc->duration_ms) {
            if (s->nrows && s->rows[s->nrows - 1].t_s != t / 1000 && record_vitals(s))
                return SIM_SESSION_NOMEM;
            end_session(s, END_TIME);
            break;
        }
        if (s->where == SIM_WHERE_WALKING && t >= s->arrive_ms)
            s->where = SIM_WHERE_RESIDENT;
        for (int k = 0; k < s->ncalls; k++)
            if (!s->calls[k].done && s->calls[k].at_ms <= t)
                arrive(s, &s->calls[k]);
        while (s->ended_by == END_NOT && s->next_event < s->sc->nevents &&
               s->sc->ev[s->next_event].at_ms <= t)
            apply_event(s, s->next_event++);
        if (s->ended_by != END_NOT)
            break;
        sim_world_tick(w);
        if (t > 0 && t % 1000 == 0)
            task_timers(s);
        if (w->err)
            return world_error(w);
        if (t > 0 && t % every == 0 && record_vitals(s))
            return SIM_SESSION_NOMEM;
        s->carry_ms -= SIM_TICK_MS;
    }
    if (s->ended_by != END_NOT)
        s->carry_ms = 0;
    return w->err ? world_error(w) : SIM_SESSION_OK;
}

/* ---------------------------------------------------------------- actions */

static int measure_noise(struct sim_session *s, int64_t value_u, int64_t sd_u, int tenths)
{
    int64_t v = value_u + sim_rng_gauss(&s->rng, sd_u);
    return tenths ? sim_round_tenths(v) : sim_round_units(v);
}

/* Measures VITAL of resident I with the hand-held devices and records it. */
static json_t *measure(struct sim_session *s, int i, int vital)
{
    struct sim_world *w = &s->w;
    const struct sim_physio *p = &w->res[i].ph;
    json_t *o = NULL;
    switch (vital) {
    case SIM_MEASURE_HR: {
        /* A radial pulse counted for 30 s and doubled is an even number. */
        int hr = measure_noise(s, p->value[SIM_V_HR], 2 * U, 0);
        hr += hr & 1;
        sim_world_observe(w, i, SIM_OBS_PULSE, hr);
        o = json_pack("{si}", "hr", hr);
        break;
    }
    case SIM_MEASURE_RR: {
        int rr = measure_noise(s, p->value[SIM_V_RR], U, 0);
        if (rr < 0)
            rr = 0;
        sim_world_observe(w, i, SIM_OBS_RR, rr);
        o = json_pack("{si}", "rr", rr);
        break;
    }
    case SIM_MEASURE_SPO2: {
        int v = measure_noise(s, p->value[SIM_V_SPO2], 7 * U / 10, 0);
        v = v > 100 ? 100 : v < 50 ? 50 : v;
        sim_world_observe(w, i, SIM_OBS_SPO2, v);
        o = json_pack("{si}", "spo2", v);
        break;
    }
    case SIM_MEASURE_BP: {
        int sbp = measure_noise(s, p->value[SIM_V_SBP], 3 * U, 0);
        int dbp = measure_noise(s, p->value[SIM_V_DBP], 2 * U, 0);
        sim_world_observe(w, i, SIM_OBS_SBP, sbp);
        o = json_pack("{sisi}", "sbp", sbp, "dbp", dbp);
        break;
    }
    case SIM_MEASURE_TEMP: {
        int t = measure_noise(s, p->value[SIM_V_TEMP], U / 10, 1);
        sim_world_observe(w, i, SIM_OBS_TEMP, t);
        o = json_pack("{sf}", "temp", t / 10.0);
        break;
    }
    case SIM_MEASURE_GLUCOSE: {
        int g = measure_noise(s, p->value[SIM_V_GLUCOSE], U / 5, 1);
        o = json_pack("{sf}", "glucose", (g < 6 ? 6 : g) / 10.0);
        break;
    }
    case SIM_MEASURE_ACVPU:
        sim_world_observe(w, i, SIM_OBS_ACVPU, p->acvpu);
        o = json_pack("{ss}", "acvpu", news2_acvpu_letter((enum news2_acvpu)p->acvpu));
        break;
    case SIM_MEASURE_WEIGHT: {
        int kg = measure_noise(s, p->value[SIM_V_WEIGHT], U / 10, 1);
        o = json_pack("{sf}", "weight", kg / 10.0);
        break;
    }
    default:
        break;
    }
    return o;
}

static const char *breathing_of(const struct sim_physio *p)
{
    int64_t rr = p->value[SIM_V_RR];
    int64_t fluid = sim_physio_fluid_ml(p);
    if (p->sev[SIM_TRAJ_CHOKING] >= 7000)
        return "obstructed";
    if (p->sev[SIM_TRAJ_CHOKING] > 0)
        return "noisy";
    if (p->sev[SIM_TRAJ_END_OF_LIFE] > 5000)
        return "irregular";
    if (p->sev[SIM_TRAJ_COPD_EXACERBATION] > 3000 || (fluid > 1000 && p->upright < 500) ||
        rr >= 25 * U)
        return "laboured";
    if (rr >= 21 * U)
        return "fast";
    if (rr <= 10 * U)
        return "slow";
    return "normal";
}

/* Appends the signs the skin shows to ARR. */
static int skin_of(const struct sim_physio *p, json_t *arr)
{
    int64_t fluid = sim_physio_fluid_ml(p);
    const char *signs[12];
    int n = 0;
    if (p->value[SIM_V_SPO2] < 85 * U)
        signs[n++] = "cyanosed";
    if (p->sev[SIM_TRAJ_END_OF_LIFE] > 6000 || p->sev[SIM_TRAJ_SEPSIS] > 7000)
        signs[n++] = "mottled";
    if (p->value[SIM_V_GLUCOSE] < 39 * U / 10 || p->sev[SIM_TRAJ_SEPSIS] > 6000)
        signs[n++] = "clammy";
    if (p->value[SIM_V_TEMP] > 38 * U || p->paco2 > 8 * U)
        signs[n++] = "flushed";
    if (p->sev[SIM_TRAJ_SEPSIS] >= 2000 && !p->hypothermic && p->value[SIM_V_TEMP] < 385 * U / 10)
        signs[n++] = "shivering";
    if (p->value[SIM_V_SBP] < 100 * U)
        signs[n++] = "pale";
    if (p->value[SIM_V_TEMP] < 355 * U / 10)
        signs[n++] = "cool";
    if (fluid <= -1000)
        signs[n++] = "dry_mouth";
    if (fluid >= 1500)
        signs[n++] = "oedema";
    if (!n)
        signs[n++] = "normal";
    for (int k = 0; k < n; k++)
        if (json_array_append_new(arr, json_string(signs[k])))
            return -1;
    return 0;
}

static int injuries_of(const struct sim_physio *p, json_t *arr)
{
    static const char *const by_injury[SIM_NINJURIES] = {
        NULL, "bruise", "skin_tear", "wrist_deformity", "hip_shortened_rotated"};
    if (p->head_strike && json_array_append_new(arr, json_string("head_bruise")))
        return -1;
    if ((unsigned)p->injury < SIM_NINJURIES && by_injury[p->injury] &&
        json_array_append_new(arr, json_string(by_injury[p->injury])))
        return -1;
    if (json_array_size(arr) == 0 && json_array_append_new(arr, json_string("none")))
        return -1;
    return 0;
}

/* What the trainee sees of resident I, by FOCUS (enum sim_focus; general: everything). */
static json_t *observe(struct sim_session *s, int i, int focus)
{
    const struct sim_resident *r = &s->w.res[i];
    const struct sim_physio *p = &r->ph;
    json_t *o = json_object();
    if (!o)
        return NULL;
    int all = focus == SIM_FOCUS_GENERAL;
    int bad = 0;
    if (all) {
        const struct sim_text *signs = &s->sc->res[i].signs;
        if (signs->en)
            bad |= json_object_set_new(o, "signs", sim_text_json(signs));
        bad |= json_object_set_new(o, "activity",
                                   json_string(sim_vocab_id(SIM_VOCAB_ACTIVITY, p->activity)));
        bad |=
            json_object_set_new(o, "place", json_string(sim_vocab_id(SIM_VOCAB_PLACE, r->place)));
    }
    if (all || focus == SIM_FOCUS_CONSCIOUSNESS) {
        bad |= json_object_set_new(o, "acvpu",
                                   json_string(news2_acvpu_letter((enum news2_acvpu)p->acvpu)));
        bad |=
            json_object_set_new(o, "sweating", json_boolean(p->value[SIM_V_GLUCOSE] < 39 * U / 10));
    }
    if (all || focus == SIM_FOCUS_BREATHING)
        bad |= json_object_set_new(o, "breathing", json_string(breathing_of(p)));
    if (all || focus == SIM_FOCUS_SKIN) {
        json_t *a = json_array();
        bad |= !a || skin_of(p, a) ? -1 : 0;
        bad |= json_object_set_new(o, "skin", a);
    }
    if (all || focus == SIM_FOCUS_INJURY) {
        json_t *a = json_array();
        bad |= !a || injuries_of(p, a) ? -1 : 0;
        bad |= json_object_set_new(o, "injuries", a);
    }
    if (all || focus == SIM_FOCUS_PAIN) {
        bad |= json_object_set_new(o, "pain", json_integer(p->pain));
        bad |= json_object_set_new(o, "distress",
                                   json_string(p->distress >= 50   ? "distressed"
                                               : p->distress >= 20 ? "uneasy"
                                                                   : "calm"));
    }
    if (all || focus == SIM_FOCUS_ENVIRONMENT) {
        const char *fit = !r->wear.present               ? "none"
                          : r->wear.fit == SIM_FIT_OFF   ? "off_body"
                          : r->wear.fit == SIM_FIT_LOOSE ? "loose"
                                                         : "worn";
        bad |= json_object_set_new(o, "wearable", json_string(fit));
        bad |= json_object_set_new(o, "oxygen",
                                   p->o2_on
                                       ? json_pack("{sssi}", "device",
                                                   sim_vocab_id(SIM_VOCAB_O2_DEVICE, p->o2_device),
                                                   "flow_lpm", p->o2_flow)
                                       : json_null());
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The dashboard's data of resident I: device readings, the platform's NEWS2, manual obs. */
static json_t *review(struct sim_session *s, int i)
{
    const struct sim_resident *r = &s->w.res[i];
#define OR_NULL(c, v) ((c) ? json_integer(v) : json_null())
    json_t *wear = r->wear.present
                       ? json_pack("{sbsoso sisi}", "online", sim_wearable_online(&r->wear), "hr",
                                   OR_NULL(r->wear.hr >= 0, r->wear.hr), "spo2",
                                   OR_NULL(r->wear.spo2 >= 0, r->wear.spo2), "signal_quality",
                                   r->wear.quality, "battery", (int)(r->wear.battery_u / U))
                       : json_null();
    json_t *bed = r->bed.present
                      ? json_pack("{sbsbsoso}", "online", r->bed.connected, "in_bed",
                                  r->bed.presence, "hr", OR_NULL(r->bed.hr >= 0, r->bed.hr), "rr",
                                  OR_NULL(r->bed.rr >= 0, r->bed.rr))
                      : json_null();
#undef OR_NULL
    return json_pack("{sososo}", "wearable", wear, "bed_sensor", bed, "platform_news2",
                     r->news2_valid ? json_integer(r->news2_total) : json_null());
}

static json_t *check_device(struct sim_session *s, int i, int device)
{
    const struct sim_resident *r = &s->w.res[i];
    switch (device) {
    case SIM_DEV_WEARABLE:
        return json_pack("{sssssisb}", "device", "wearable", "fit",
                         r->wear.fit == SIM_FIT_OFF     ? "off_body"
                         : r->wear.fit == SIM_FIT_LOOSE ? "loose"
                                                        : "worn",
                         "battery", (int)(r->wear.battery_u / U), "connected", r->wear.connected);
    case SIM_DEV_BED_SENSOR:
        return json_pack("{sssb}", "device", "bed_sensor", "connected", r->bed.connected);
    case SIM_DEV_DOOR_SENSOR:
        return json_pack("{sssb}", "device", "door_sensor", "connected", r->door_connected);
    default:
        return json_pack("{sssb}", "device", "call_button", "connected", 1);
    }
}

static int has_device(const struct sim_resident *r, int device)
{
    switch (device) {
    case SIM_DEV_WEARABLE:
        return r->wear.present;
    case SIM_DEV_BED_SENSOR:
        return r->bed.present;
    case SIM_DEV_DOOR_SENSOR:
        return r->door_sensor;
    default:
        return r->call_button;
    }
}

/* The alert an acknowledge or dismiss names; NULL when none fits. */
static struct sim_alert *target_alert(struct sim_session *s, const struct sim_action *a,
                                      int open_only)
{
    if (a->param[SIM_P_ALERT_ID] > 0) {
        struct sim_alert *al = sim_alerts_get(&s->w.alerts, a->param[SIM_P_ALERT_ID]);
        if (!al ||
            (al->state != SIM_ALERT_OPEN && (open_only || al->state != SIM_ALERT_ACKNOWLEDGED)))
            return NULL;
        if (a->param[SIM_P_ALERT] >= 0 && al->kind != a->param[SIM_P_ALERT])
            return NULL;
        if (a->resident >= 0 && al->resident != a->resident)
            return NULL;
        return al;
    }
    return sim_alerts_find(&s->w.alerts, a->param[SIM_P_ALERT], a->resident, open_only);
}

/* The trainee's SBAR states all four parts. */
static int sbar_complete(const struct sim_sbar *b)
{
    for (int k = 0; k < SIM_NSBAR; k++)
        if (!b->part[k] || !b->part[k][0])
            return 0;
    return 1;
}

/* The NEWS2 the trainee should work out for resident I: the latest values they could know. */
static int reference_news2(struct sim_session *s, int i)
{
    struct news2_result res;
    return sim_world_news2(&s->w, i, MANUAL_RECENT, NULL, &res) ? -1 : res.total;
}

static void harm(struct sim_session *s, int i, int kind)
{
    sim_world_log(&s->w, SIM_LOG_HARM, i, kind, 0, 0, 0);
}

/* Does L's action; sets its outcome, its alert and what it found. */
static void do_action(struct sim_session *s, struct sim_logged_action *l)
{
    struct sim_world *w = &s->w;
    struct sim_action *a = &l->a;
    int i = a->resident;
    struct sim_resident *r = i >= 0 ? &w->res[i] : NULL;
    struct sim_physio *p = r ? &r->ph : NULL;
    int type = a->type;

    if (r && r->place == SIM_PLACE_HOSPITAL &&
        (sim_action_at_resident(type) || type == SIM_ACTION_GO_TO_ROOM)) {
        l->outcome = SIM_OUT_AWAY;
        return;
    }
    if (sim_action_at_resident(type) && (s->where != SIM_WHERE_RESIDENT || s->at_res != i)) {
        l->outcome = SIM_OUT_NOT_THERE;
        return;
    }
    switch (type) {
    case SIM_ACTION_ACKNOWLEDGE:
    case SIM_ACTION_DISMISS: {
        struct sim_alert *al = target_alert(s, a, 0);
        if (!al) {
            l->outcome = SIM_OUT_NO_SUCH_ALERT;
            return;
        }
        l->alert_id = al->id;
        a->param[SIM_P_ALERT] = al->kind;
        a->param[SIM_P_ALERT_ID] = al->id;
        a->resident = al->resident;
        if (type == SIM_ACTION_ACKNOWLEDGE) {
            if (al->state != SIM_ALERT_OPEN) {
                l->outcome = SIM_OUT_NOT_APPLICABLE;
                return;
            }
            sim_alerts_ack(al, w->now_ms);
            sim_world_log(w, SIM_LOG_ALERT_ACKNOWLEDGED, al->resident, al->id, al->kind, 0, 0);
        } else {
            struct sim_resident *ar = &w->res[al->resident];
            if (al->kind == SIM_ALERT_NEWS2) {
                /* The same band stays quiet for a while; a higher one alerts again. */
                ar->news2_quiet_band = ar->news2_alert_band;
                ar->news2_quiet_ms = w->now_ms + 15 * 60 * 1000;
            }
            sim_world_close_alert(w, al, a->param[SIM_P_REASON]);
        }
        return;
    }
    case SIM_ACTION_GO_TO_ROOM:
        if (s->at_res == i && s->where != SIM_WHERE_STATION) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        s->at_res = i;
        s->arrive_ms = w->now_ms + s->sc->walk_ms;
        s->where = s->sc->walk_ms ? SIM_WHERE_WALKING : SIM_WHERE_RESIDENT;
        l->result = json_pack("{sI}", "arrive_ms", (json_int_t)s->arrive_ms);
        return;
    case SIM_ACTION_REVIEW_DATA:
        l->result = review(s, i);
        return;
    case SIM_ACTION_OBSERVE:
        if (a->param[SIM_P_FOCUS] < 0)
            a->param[SIM_P_FOCUS] = SIM_FOCUS_GENERAL;
        l->result = observe(s, i, a->param[SIM_P_FOCUS]);
        return;
    case SIM_ACTION_MEASURE:
        l->result = measure(s, i, a->param[SIM_P_VITAL]);
        return;
    case SIM_ACTION_SCORE_NEWS2: {
        int ref = reference_news2(s, i);
        a->news2_correct = ref >= 0 && ref == a->param[SIM_P_VALUE];
        l->result = json_pack("{sosb}", "reference", ref >= 0 ? json_integer(ref) : json_null(),
                              "correct", a->news2_correct);
        return;
    }
    case SIM_ACTION_APPLY_OXYGEN:
        sim_physio_oxygen(p, a->param[SIM_P_OXYGEN_DEVICE], a->param[SIM_P_FLOW_LPM]);
        l->result = json_pack("{si}", "fio2", p->fio2);
        return;
    case SIM_ACTION_ADJUST_OXYGEN:
        if (!p->o2_on) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        sim_physio_oxygen(
            p, a->param[SIM_P_OXYGEN_DEVICE] >= 0 ? a->param[SIM_P_OXYGEN_DEVICE] : p->o2_device,
            a->param[SIM_P_FLOW_LPM]);
        l->result = json_pack("{si}", "fio2", p->fio2);
        return;
    case SIM_ACTION_STOP_OXYGEN:
        if (!p->o2_on) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        sim_physio_oxygen(p, -1, 0);
        return;
    case SIM_ACTION_GIVE_FLUIDS:
        if (p->acvpu >= NEWS2_VOICE || p->sev[SIM_TRAJ_CHOKING] > 0) {
            l->outcome = SIM_OUT_UNSAFE;
            harm(s, i, SIM_HARM_ORAL_WHEN_DROWSY);
            return;
        }
        sim_physio_give_fluids(p, a->param[SIM_P_ML], w->now_ms / 1000);
        if (p->active & (1u << SIM_TRAJ_FLUID_OVERLOAD)) {
            l->outcome = SIM_OUT_UNSAFE;
            harm(s, i, SIM_HARM_FLUIDS_IN_OVERLOAD);
        }
        return;
    case SIM_ACTION_GIVE_GLUCOSE:
        if (sim_physio_give_glucose(p, a->param[SIM_P_GRAMS], w->now_ms / 1000)) {
            l->outcome = SIM_OUT_UNSAFE;
            harm(s, i, SIM_HARM_ORAL_WHEN_DROWSY);
        }
        return;
    case SIM_ACTION_GIVE_MEDICATION: {
        const struct sim_resident_spec *rs = &s->sc->res[i];
        int has = 0;
        for (int k = 0; k < rs->nmeds; k++)
            has |= rs->meds[k].drug == a->param[SIM_P_DRUG];
        if (!has) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
        } else if (p->acvpu >= NEWS2_VOICE || p->sev[SIM_TRAJ_CHOKING] > 0) {
            l->outcome = SIM_OUT_UNSAFE;
            harm(s, i, SIM_HARM_ORAL_WHEN_DROWSY);
        }
        return;
    }
    case SIM_ACTION_REPOSITION:
        sim_physio_position(p, a->param[SIM_P_POSITION]);
        if (p->activity == SIM_ACTIVITY_ASLEEP)
            sim_physio_activity(p, SIM_ACTIVITY_RESTING);
        return;
    case SIM_ACTION_SIT_UP:
        if (p->activity == SIM_ACTIVITY_ON_FLOOR) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        if (p->activity == SIM_ACTIVITY_ASLEEP)
            sim_physio_activity(p, SIM_ACTIVITY_RESTING);
        sim_physio_position(p, SIM_POS_UPRIGHT);
        return;
    case SIM_ACTION_ASSIST_TO_BED: {
        /* What was not said is what happens: one person, no equipment. */
        if (a->param[SIM_P_HELPERS] < 1)
            a->param[SIM_P_HELPERS] = 1;
        if (a->param[SIM_P_EQUIPMENT] < 0)
            a->param[SIM_P_EQUIPMENT] = SIM_EQUIP_NONE;
        int helpers = a->param[SIM_P_HELPERS];
        if (helpers > 1 + s->helper_with[i]) {
            l->outcome = SIM_OUT_NO_HELP;
            return;
        }
        if (p->activity == SIM_ACTIVITY_ON_FLOOR && p->injury == SIM_INJURY_HIP_FRACTURE &&
            a->param[SIM_P_EQUIPMENT] != SIM_EQUIP_HOIST) {
            l->outcome = SIM_OUT_UNSAFE;
            p->pain = 10;
            p->moved_unsafely = 1;
            harm(s, i, SIM_HARM_MOVED_WITH_FRACTURE);
        }
        r->place = SIM_PLACE_ROOM;
        sim_physio_activity(p, SIM_ACTIVITY_RESTING);
        sim_physio_position(p, SIM_POS_BACK);
        return;
    }
    case SIM_ACTION_GUIDE_BACK:
        if (r->place == SIM_PLACE_ROOM) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        r->place = SIM_PLACE_ROOM;
        sim_physio_activity(p, SIM_ACTIVITY_RESTING);
        sim_physio_position(p, SIM_POS_BACK);
        return;
    case SIM_ACTION_BACK_BLOWS:
    case SIM_ACTION_ABDOMINAL_THRUSTS:
        if (!(p->active & (1u << SIM_TRAJ_CHOKING))) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        if (a->param[SIM_P_COUNT] < 1)
            a->param[SIM_P_COUNT] = 5;
        sim_physio_clear_airway(p, type == SIM_ACTION_ABDOMINAL_THRUSTS, a->param[SIM_P_COUNT]);
        l->result = json_pack("{sb}", "airway_clear", !(p->active & (1u << SIM_TRAJ_CHOKING)));
        return;
    case SIM_ACTION_COMFORT:
        p->comfort_until = w->now_ms / 1000 + 30 * 60;
        return;
    case SIM_ACTION_CHECK_DEVICE:
        if (!has_device(r, a->param[SIM_P_DEVICE])) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        l->result = check_device(s, i, a->param[SIM_P_DEVICE]);
        return;
    case SIM_ACTION_REFIT_DEVICE:
        if (a->param[SIM_P_DEVICE] != SIM_DEV_WEARABLE || !r->wear.present ||
            r->wear.fit == SIM_FIT_WORN) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        r->wear.fit = SIM_FIT_WORN;
        r->wear.seq = SIM_SEQ_NONE;
        sim_world_log(w, SIM_LOG_DEVICE, i, SIM_DEV_WEARABLE, SIM_DEVST_RESTORED, 0, 0);
        return;
    case SIM_ACTION_REPLACE_BATTERY:
        if (a->param[SIM_P_DEVICE] != SIM_DEV_WEARABLE || !r->wear.present ||
            r->wear.battery_u >= 90 * U) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        r->wear.battery_u = 100 * U;
        r->wear.drain_u_per_h = 12 * U / 10;
        return;
    case SIM_ACTION_RESTART_DEVICE: {
        int dev = a->param[SIM_P_DEVICE];
        int down = dev == SIM_DEV_WEARABLE      ? r->wear.present && !r->wear.connected
                   : dev == SIM_DEV_BED_SENSOR  ? r->bed.present && !r->bed.connected
                   : dev == SIM_DEV_DOOR_SENSOR ? r->door_sensor && !r->door_connected
                                                : 0;
        if (!down) {
            l->outcome = SIM_OUT_NOT_APPLICABLE;
            return;
        }
        if (dev == SIM_DEV_WEARABLE)
            r->wear.connected = 1;
        else if (dev == SIM_DEV_BED_SENSOR)
            r->bed.connected = 1;
        else
            r->door_connected = 1;
        sim_world_log(w, SIM_LOG_DEVICE, i, dev, SIM_DEVST_RESTORED, 0, 0);
        return;
    }
    case SIM_ACTION_CALL: {
        int who = a->param[SIM_P_TO];
        a->sbar_complete = a->has_sbar && sbar_complete(&a->sbar);
        int ref = reference_news2(s, i);
        a->news2_correct = a->has_sbar && a->sbar.news2 >= 0 && ref >= 0 && ref == a->sbar.news2;
        sim_world_log(w, SIM_LOG_RESPONDER, i, who, 0, 0, 0);
        int64_t arrive = -1;
        if (s->sc->arrive_ms[who] >= 0) {
            int pending = 0;
            for (int k = 0; k < s->ncalls; k++)
                if (s->calls[k].who == who && s->calls[k].res == i && !s->calls[k].done) {
                    pending = 1;
                    arrive = s->calls[k].at_ms;
                }
            if (!pending && s->ncalls < MAX_CALLS) {
                arrive = w->now_ms + s->sc->arrive_ms[who];
                s->calls[s->ncalls++] = (struct call){who, i, arrive, 0};
            }
        }
        l->result =
            json_pack("{sosbsb}", "arrive_ms", arrive >= 0 ? json_integer(arrive) : json_null(),
                      "sbar_complete", a->sbar_complete, "news2_correct", a->news2_correct);
        return;
    }
    default: /* stay_with, stop_feeding, document, hand hygiene: done as said */
        return;
    }
}

/* Marks the care-plan tasks action L does as done, clearing their alerts. */
static void tasks_done(struct sim_session *s, const struct sim_logged_action *l)
{
    int i = l->a.resident;
    if (i < 0 || l->outcome != SIM_OUT_OK)
        return;
    struct sim_world *w = &s->w;
    const struct sim_resident_spec *rs = &s->sc->res[i];
    for (int k = 0; k < rs->ntasks; k++) {
        if (s->task_done[i][k] || !sim_match_action(&rs->tasks[k].match, &l->a))
            continue;
        s->task_done[i][k] = 1;
        sim_world_log(w, SIM_LOG_TASK, i, k, 2, 0, 0);
        for (size_t j = 0; j < w->alerts.n; j++) {
            struct sim_alert *a = &w->alerts.a[j];
            if (a->resident == i && a->detail == k &&
                (a->kind == SIM_ALERT_TASK_DUE || a->kind == SIM_ALERT_MISSED_TASK))
                sim_world_close_alert(w, a, -1);
        }
    }
}

/*
 * 1 when A is an action this session can do: a known type, a resident when
 * it needs one, every parameter one its type takes and in its range or
 * table. Actions from an action file always are; the live API's may not be.
 * Invalid parameters are forgotten, so the log never indexes past a table.
 */
static int action_valid(const struct sim_session *s, struct sim_action *a)
{
    int ok = (unsigned)a->type < SIM_NACTIONS;
    if (ok && sim_action_needs_resident(a->type) && (a->resident < 0 || a->resident >= s->w.nres))
        ok = 0;
    if (a->resident >= s->w.nres || a->resident < -1) {
        a->resident = -1;
        ok = 0;
    }
    for (int p = 0; p < SIM_NPARAMS; p++) {
        int v = a->param[p];
        if (v < 0)
            continue;
        int table = sim_param_vocab(p), lo, hi;
        sim_param_range(p, &lo, &hi);
        int fits = p == SIM_P_DRUG ? v < s->sc->names.ndrugs
                   : table >= 0    ? v < sim_vocab_count(table)
                                   : v >= lo && v <= hi;
        if (!fits || !ok || !sim_param_allowed(a->type, p)) {
            a->param[p] = -1;
            ok = 0;
        }
    }
    if (a->sbar.news2 > 20)
        a->sbar.news2 = -1;
    return ok;
}

static char *dup_or_null(const char *s)
{
    return s ? cc_strdup(s) : NULL;
}

int sim_session_act(struct sim_session *s, const struct sim_action *a,
                    const struct sim_logged_action **out)
{
    if (out)
        *out = NULL;
    if (s->w.err)
        return world_error(&s->w);
    if (s->nacts >= MAX_LOGGED)
        return SIM_SESSION_FULL;
    if (s->nacts == s->capacts) {
        size_t cap = s->capacts ? s->capacts * 2 : 32;
        struct sim_logged_action *n = cc_realloc(s->acts, cap * sizeof(*n));
        if (!n)
            return SIM_SESSION_NOMEM;
        s->acts = n;
        s->capacts = cap;
    }
    struct sim_logged_action *l = &s->acts[s->nacts];
    memset(l, 0, sizeof(*l));
    l->a = *a;
    l->a.at_ms = -1;
    l->a.sbar_complete = 0;
    l->a.news2_correct = 0;
    int nomem = 0;
    for (int k = 0; k < SIM_NSBAR; k++) {
        l->a.sbar.part[k] = dup_or_null(a->sbar.part[k]);
        nomem |= a->sbar.part[k] && !l->a.sbar.part[k];
    }
    l->a.text = dup_or_null(a->text);
    nomem |= a->text && !l->a.text;
    if (nomem) {
        for (int k = 0; k < SIM_NSBAR; k++)
            cc_free((char *)l->a.sbar.part[k]);
        cc_free((char *)l->a.text);
        return SIM_SESSION_NOMEM;
    }
    l->t_ms = s->w.now_ms;
    l->outcome = SIM_OUT_OK;
    s->nacts++;
    int ret = SIM_SESSION_OK;
    if (s->ended_by != END_NOT) {
        (void)action_valid(s, &l->a);
        l->outcome = SIM_OUT_ENDED;
        ret = SIM_SESSION_ENDED;
    } else if (!action_valid(s, &l->a)) {
        l->outcome = SIM_OUT_INVALID;
    } else {
        do_action(s, l);
        tasks_done(s, l);
    }
    sim_world_log(&s->w, SIM_LOG_ACTION, l->a.resident, (int)(s->nacts - 1), a->type, l->outcome,
                  0);
    if (s->w.err)
        return world_error(&s->w);
    if (out)
        *out = l;
    return ret;
}

int sim_session_play(struct sim_session *s, const struct sim_actions *acts)
{
    for (size_t k = 0; k < acts->n; k++) {
        const struct sim_action *a = &acts->a[k];
        int64_t wait = a->at_ms - s->w.now_ms - s->carry_ms;
        int err = wait > 0 ? sim_session_step(s, wait) : 0;
        if (err)
            return err;
        err = sim_session_act(s, a, NULL);
        if (err && err != SIM_SESSION_ENDED)
            return err;
    }
    while (!sim_session_ended(s)) {
        int err = sim_session_step(s, 60000);
        if (err)
            return err;
    }
    return SIM_SESSION_OK;
}

/* ---------------------------------------------------------------- readers */

void sim_session_snapshot(const struct sim_session *s, struct sim_snapshot *out)
{
    const struct sim_world *w = &s->w;
    memset(out, 0, sizeof(*out));
    out->t_ms = w->now_ms;
    out->clock_s = sim_world_clock(w);
    out->ended = s->ended_by != END_NOT;
    out->where = s->where;
    out->resident = s->at_res;
    out->next_seq = w->next_seq;
    out->nres = w->nres;
    for (int i = 0; i < w->nres; i++) {
        const struct sim_resident *r = &w->res[i];
        struct sim_snapshot_resident *o = &out->res[i];
        o->place = r->place;
        o->activity = r->ph.activity;
        o->position = r->ph.position;
        o->wearable_online = sim_wearable_online(&r->wear);
        o->wearable_hr = r->wear.hr;
        o->wearable_spo2 = r->wear.spo2;
        o->wearable_quality = r->wear.quality;
        o->battery = r->wear.present ? (int)(r->wear.battery_u / U) : -1;
        o->bed_presence = r->bed.present ? r->bed.presence : -1;
        o->bed_hr = r->bed.present ? r->bed.hr : -1;
        o->bed_rr = r->bed.present ? r->bed.rr : -1;
        o->news2 = r->news2_valid ? r->news2_total : -1;
        o->news2_response = r->news2_valid ? r->news2_response : -1;
        o->on_oxygen = r->ph.o2_on;
        o->o2_device = r->ph.o2_device;
        o->o2_flow = r->ph.o2_flow;
    }
    for (size_t k = 0; k < w->alerts.n && out->nalerts < SIM_SNAPSHOT_ALERTS; k++) {
        const struct sim_alert *a = &w->alerts.a[k];
        if (a->state == SIM_ALERT_OPEN || a->state == SIM_ALERT_ACKNOWLEDGED)
            out->alerts[out->nalerts++] = *a;
    }
}

size_t sim_session_events(const struct sim_session *s, uint64_t from_seq,
                          const struct sim_event **out)
{
    const struct sim_world *w = &s->w;
    /* The log keeps every event, so the sequence number is the index. */
    if (from_seq >= w->nlog) {
        *out = NULL;
        return 0;
    }
    *out = &w->log[from_seq];
    return w->nlog - (size_t)from_seq;
}

size_t sim_session_actions(const struct sim_session *s, const struct sim_logged_action **out)
{
    *out = s->acts;
    return s->nacts;
}

static void score_input(const struct sim_session *s, struct sim_score_input *in)
{
    memset(in, 0, sizeof(*in));
    in->sc = s->sc;
    in->actions = s->acts;
    in->nactions = s->nacts;
    in->event_ms = s->event_ms;
    for (int k = 0; k < SIM_NALERTS; k++)
        for (int i = 0; i <= SIM_MAX_RESIDENTS; i++)
            in->alert_ms[k][i] = -1;
    for (size_t j = 0; j < s->w.alerts.n; j++) {
        const struct sim_alert *a = &s->w.alerts.a[j];
        int64_t *any = &in->alert_ms[a->kind][0], *one = &in->alert_ms[a->kind][a->resident + 1];
        if (*any < 0 || a->raised_ms < *any)
            *any = a->raised_ms;
        if (*one < 0 || a->raised_ms < *one)
            *one = a->raised_ms;
    }
    memcpy(in->arrived_ms, s->arrived_ms, sizeof(in->arrived_ms));
}

void sim_session_score(const struct sim_session *s, struct sim_score *out)
{
    struct sim_score_input in;
    score_input(s, &in);
    sim_score_compute(&in, out);
}

/* ---------------------------------------------------------------- the result */

static const char *res_id(const struct sim_session *s, int i)
{
    return i >= 0 && i < s->sc->nres ? s->sc->res[i].id : NULL;
}

static json_t *str_or_null(const char *v)
{
    return v ? json_string(v) : json_null();
}

json_t *sim_event_json(const struct sim_session *s, const struct sim_event *e)
{
    char t[32];
    sim_format_time(e->t_ms, t, sizeof(t));
    json_t *o = json_pack("{sIsIsssssoso}", "seq", (json_int_t)e->seq, "t_ms", (json_int_t)e->t_ms,
                          "time", t, "kind", sim_vocab_id(SIM_VOCAB_LOG, e->kind), "resident",
                          str_or_null(res_id(s, e->resident)), "detail", json_null());
    if (!o)
        return NULL;
    json_t *d = NULL;
    switch (e->kind) {
    case SIM_LOG_TIMELINE: {
        const struct sim_event_spec *ev = &s->sc->ev[e->a];
        d = json_pack("{ssso}", "event", sim_vocab_id(SIM_VOCAB_EVENT, ev->kind), "id",
                      str_or_null(ev->id));
        if (d && ev->kind == SIM_EV_FALL)
            json_object_update_new(
                d, json_pack("{sssbsi}", "injury", sim_vocab_id(SIM_VOCAB_INJURY, ev->injury),
                             "head_strike", ev->head_strike, "peak_mg", ev->peak_mg));
        else if (d && ev->kind == SIM_EV_CONDITION)
            json_object_update_new(
                d, json_pack("{ss}", "condition", sim_vocab_id(SIM_VOCAB_TRAJ, ev->traj.kind)));
        else if (d && (ev->kind == SIM_EV_DEVICE_FAULT || ev->kind == SIM_EV_DEVICE_RESTORE))
            json_object_update_new(
                d,
                json_pack("{ssso}", "device", sim_vocab_id(SIM_VOCAB_DEVICE, ev->device), "fault",
                          ev->fault >= 0 ? json_string(sim_vocab_id(SIM_VOCAB_FAULT, ev->fault))
                                         : json_null()));
        else if (d && ev->kind == SIM_EV_SAY)
            json_object_set_new(d, "text", sim_text_json(&ev->text));
        break;
    }
    case SIM_LOG_ALERT_RAISED:
    case SIM_LOG_ALERT_UPGRADED:
        d = json_pack("{sisssssi}", "alert_id", e->a, "alert", sim_vocab_id(SIM_VOCAB_ALERT, e->b),
                      "priority", sim_vocab_id(SIM_VOCAB_PRIORITY, e->c), "detail", e->d);
        break;
    case SIM_LOG_ALERT_ACKNOWLEDGED:
    case SIM_LOG_ALERT_CLEARED:
        d = json_pack("{siss}", "alert_id", e->a, "alert", sim_vocab_id(SIM_VOCAB_ALERT, e->b));
        break;
    case SIM_LOG_ALERT_ESCALATED:
        d = json_pack("{sisssi}", "alert_id", e->a, "alert", sim_vocab_id(SIM_VOCAB_ALERT, e->b),
                      "escalations", e->c);
        break;
    case SIM_LOG_ALERT_DISMISSED:
        d = json_pack("{sissss}", "alert_id", e->a, "alert", sim_vocab_id(SIM_VOCAB_ALERT, e->b),
                      "reason", sim_vocab_id(SIM_VOCAB_REASON, e->c));
        break;
    case SIM_LOG_DETECTOR:
        d = json_pack("{sssiss}", "detector", fall_event_id((enum fall_event_kind)e->a), "peak_mg",
                      e->b, "reason", fall_dismiss_id((enum fall_dismiss)e->c));
        break;
    case SIM_LOG_DOOR:
        d = json_pack("{ss}", "door", e->a ? "exit" : "room");
        break;
    case SIM_LOG_DEVICE:
        d = json_pack("{ssssso}", "device", sim_vocab_id(SIM_VOCAB_DEVICE, e->a), "status",
                      sim_vocab_id(SIM_VOCAB_DEVICE_STATUS, e->b), "fault",
                      e->b == SIM_DEVST_FAULT || e->b == SIM_DEVST_SPARED
                          ? json_string(sim_vocab_id(SIM_VOCAB_FAULT, e->c))
                          : json_null());
        break;
    case SIM_LOG_ACTION:
        d = json_pack("{sissss}", "action", e->a, "type", sim_vocab_id(SIM_VOCAB_ACTION, e->b),
                      "outcome", sim_vocab_id(SIM_VOCAB_OUTCOME, e->c));
        break;
    case SIM_LOG_RESPONDER:
        d = json_pack("{ssss}", "responder", sim_vocab_id(SIM_VOCAB_RESPONDER, e->a), "status",
                      e->b ? "arrived" : "called");
        break;
    case SIM_LOG_TASK:
        d = json_pack("{ssss}", "task", s->sc->res[e->resident].tasks[e->a].id, "status",
                      e->b == 0   ? "due"
                      : e->b == 1 ? "missed"
                                  : "done");
        break;
    case SIM_LOG_HARM:
        d = json_pack("{ss}", "harm", sim_vocab_id(SIM_VOCAB_HARM, e->a));
        break;
    case SIM_LOG_END:
        d = json_pack("{ss}", "by",
                      e->a == END_TIME    ? "time"
                      : e->a == END_EVENT ? "event"
                                          : "transfer");
        break;
    default:
        break;
    }
    if (d && json_object_set_new(o, "detail", d)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *action_json(const struct sim_session *s, size_t k)
{
    const struct sim_logged_action *l = &s->acts[k];
    const struct sim_action *a = &l->a;
    char t[32];
    sim_format_time(l->t_ms, t, sizeof(t));
    json_t *params = json_object();
    if (!params)
        return NULL;
    for (int p = 0; p < SIM_NPARAMS; p++) {
        int v = a->param[p];
        if (v < 0)
            continue;
        int table = sim_param_vocab(p);
        json_t *j = p == SIM_P_DRUG ? json_string(s->sc->names.drug[v])
                    : table >= 0    ? json_string(sim_vocab_id(table, v))
                                    : json_integer(v);
        if (json_object_set_new(params, sim_vocab_id(SIM_VOCAB_PARAM, p), j)) {
            json_decref(params);
            return NULL;
        }
    }
    json_t *o = json_pack("{sisIsssssososssoso}", "index", (int)k, "t_ms", (json_int_t)l->t_ms,
                          "time", t, "type", sim_vocab_id(SIM_VOCAB_ACTION, a->type), "resident",
                          str_or_null(res_id(s, a->resident)), "params", params, "outcome",
                          sim_vocab_id(SIM_VOCAB_OUTCOME, l->outcome), "alert_id",
                          l->alert_id ? json_integer(l->alert_id) : json_null(), "result",
                          l->result ? json_incref(l->result) : json_null());
    if (!o)
        return NULL;
    int bad = 0;
    if (a->type == SIM_ACTION_CALL && a->has_sbar) {
        json_t *facts = json_array();
        for (int f = 0; facts && f < SIM_NFACTS; f++)
            if ((a->sbar.facts >> f & 1) &&
                json_array_append_new(facts, json_string(sim_vocab_id(SIM_VOCAB_FACT, f))))
                bad = 1;
        json_t *sb = json_pack(
            "{sososososo so}", "situation", str_or_null(a->sbar.part[0]), "background",
            str_or_null(a->sbar.part[1]), "assessment", str_or_null(a->sbar.part[2]),
            "recommendation", str_or_null(a->sbar.part[3]), "facts", facts ? facts : json_null(),
            "news2", a->sbar.news2 >= 0 ? json_integer(a->sbar.news2) : json_null());
        bad |= !sb || json_object_set_new(o, "sbar", sb);
    }
    if (a->type == SIM_ACTION_DOCUMENT) {
        json_t *facts = json_array();
        for (int f = 0; facts && f < SIM_NFACTS; f++)
            if ((a->facts >> f & 1) &&
                json_array_append_new(facts, json_string(sim_vocab_id(SIM_VOCAB_FACT, f))))
                bad = 1;
        bad |= !facts || json_object_set_new(o, "facts", facts);
        bad |= json_object_set_new(o, "text", str_or_null(a->text));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *sim_session_action_json(const struct sim_session *s, size_t k)
{
    return k < s->nacts ? action_json(s, k) : NULL;
}

static json_t *alert_json(const struct sim_session *s, const struct sim_alert *a)
{
    return json_pack(
        "{sisssssssssosososisiso}", "id", a->id, "kind", sim_vocab_id(SIM_VOCAB_ALERT, a->kind),
        "resident", res_id(s, a->resident), "priority",
        sim_vocab_id(SIM_VOCAB_PRIORITY, a->priority), "state",
        sim_vocab_id(SIM_VOCAB_ALERT_STATE, a->state), "raised_ms", json_integer(a->raised_ms),
        "acknowledged_ms", a->ack_ms >= 0 ? json_integer(a->ack_ms) : json_null(), "closed_ms",
        a->closed_ms >= 0 ? json_integer(a->closed_ms) : json_null(), "escalations", a->escalations,
        "detail", a->detail, "reason",
        a->reason >= 0 ? json_string(sim_vocab_id(SIM_VOCAB_REASON, a->reason)) : json_null());
}

static json_t *vitals_json(const struct sim_session *s)
{
    json_t *cols = json_array(), *res = json_array();
    json_t *root = json_pack("{sisoso}", "every_s", s->every_s, "columns", cols, "residents", res);
    if (!root)
        return NULL;
    if (json_array_append_new(cols, json_string("t_s")))
        goto fail;
    for (int c = 0; c < NVCOLS; c++)
        if (json_array_append_new(cols, json_string(vcol_ids[c])))
            goto fail;
    for (int i = 0; i < s->w.nres; i++) {
        json_t *rows = json_array();
        json_t *o = json_pack("{ssso}", "id", s->sc->res[i].id, "rows", rows);
        if (!o || json_array_append_new(res, o))
            goto fail;
        for (size_t k = 0; k < s->nrows; k++) {
            const struct vitals_row *r = &s->rows[k];
            if (r->res != i)
                continue;
            json_t *row = json_array();
            if (!row || json_array_append_new(rows, row) ||
                json_array_append_new(row, json_integer(r->t_s)))
                goto fail;
            for (int c = 0; c < NVCOLS; c++) {
                int v = r->v[c];
                json_t *j;
                if (c == VC_TEMP || c == VC_GLUCOSE || c == VC_WEIGHT)
                    j = json_real(v / 10.0);
                else if (c == VC_ACVPU)
                    j = json_string(news2_acvpu_letter((enum news2_acvpu)v));
                else
                    j = v < 0 ? json_null() : json_integer(v);
                if (json_array_append_new(row, j))
                    goto fail;
            }
        }
    }
    return root;
fail:
    json_decref(root);
    return NULL;
}

json_t *sim_session_result(const struct sim_session *s)
{
    const struct sim_scenario *sc = s->sc;
    char start[16];
    snprintf(start, sizeof(start), "%02d:%02d", (sc->start_clock_s / 3600) % 24,
             sc->start_clock_s / 60 % 60);
    json_t *root = json_pack("{sss{sssiso}sIsssIsososs}", "format", SIM_RESULT_FORMAT, "scenario",
                             "id", sc->id, "version", sc->version, "title",
                             sim_text_json(&sc->title), "seed", (json_int_t)s->seed, "start_clock",
                             start, "duration_ms", (json_int_t)sc->duration_ms, "ended_ms",
                             s->ended_ms >= 0 ? json_integer(s->ended_ms) : json_null(), "ended",
                             json_boolean(s->ended_by != END_NOT), "ended_by",
                             s->ended_by == END_TIME       ? "time"
                             : s->ended_by == END_EVENT    ? "event"
                             : s->ended_by == END_TRANSFER ? "transfer"
                                                           : "");
    if (!root)
        return NULL;
    json_t *res = json_array(), *events = json_array(), *alerts = json_array(),
           *actions = json_array(), *harms = json_array();
    if (json_object_set_new(root, "residents", res) ||
        json_object_set_new(root, "events", events) ||
        json_object_set_new(root, "alerts", alerts) ||
        json_object_set_new(root, "actions", actions) || json_object_set_new(root, "harms", harms))
        goto fail;
    for (int i = 0; i < sc->nres; i++) {
        const struct sim_resident_spec *rs = &sc->res[i];
        json_t *o = json_pack("{sssssososbsi}", "id", rs->id, "room", rs->room, "name",
                              sim_text_json(&rs->name), "morse_total",
                              rs->has_morse ? json_integer(rs->morse_total) : json_null(),
                              "high_fall_risk", rs->high_fall_risk, "spo2_scale", rs->spo2_scale);
        if (!o || json_array_append_new(res, o))
            goto fail;
    }
    for (size_t k = 0; k < s->w.nlog; k++) {
        const struct sim_event *e = &s->w.log[k];
        json_t *o = sim_event_json(s, e);
        if (!o || json_array_append_new(events, o))
            goto fail;
        if (e->kind == SIM_LOG_HARM) {
            char t[32];
            sim_format_time(e->t_ms, t, sizeof(t));
            json_t *h = json_pack("{sIsssoss}", "t_ms", (json_int_t)e->t_ms, "time", t, "resident",
                                  str_or_null(res_id(s, e->resident)), "harm",
                                  sim_vocab_id(SIM_VOCAB_HARM, e->a));
            if (!h || json_array_append_new(harms, h))
                goto fail;
        }
    }
    for (size_t k = 0; k < s->w.alerts.n; k++) {
        json_t *o = alert_json(s, &s->w.alerts.a[k]);
        if (!o || json_array_append_new(alerts, o))
            goto fail;
    }
    for (size_t k = 0; k < s->nacts; k++) {
        json_t *o = action_json(s, k);
        if (!o || json_array_append_new(actions, o))
            goto fail;
    }
    json_t *vit = vitals_json(s);
    if (!vit || json_object_set_new(root, "vitals", vit))
        goto fail;
    struct sim_score_input in;
    struct sim_score *score = cc_malloc(sizeof(*score));
    if (!score)
        goto fail;
    score_input(s, &in);
    sim_score_compute(&in, score);
    json_t *sj = sim_score_json(sc, &in, score);
    cc_free(score);
    if (!sj || json_object_set_new(root, "score", sj))
        goto fail;
    return root;
fail:
    json_decref(root);
    return NULL;
}
