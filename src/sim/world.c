#include "sim/world.h"

#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

#define U SIM_U

#define FRESH_MS       60000  /* device values older than this are not used */
#define NEWS2_HOLD_MS  30000  /* a band must hold this long before it raises an alert */
#define NEWS2_CLEAR_MS 300000 /* below alerting this long clears the alert */
#define NEWS2_QUIET_MS 900000 /* a dismissed NEWS2 alert stays quiet this long */
#define OVER_O2_MS     300000

int sim_world_init(struct sim_world *w, int nres, uint64_t seed, int clock0_s, size_t max_alerts,
                   int keep_closed, size_t max_log)
{
    memset(w, 0, sizeof(*w));
    w->res = cc_calloc((size_t)(nres > 0 ? nres : 1), sizeof(*w->res));
    if (!w->res)
        return SIM_WORLD_NOMEM;
    w->nres = nres;
    w->seed = seed;
    w->clock0_s = clock0_s;
    w->night_from_s = 21 * 3600;
    w->night_to_s = 7 * 3600;
    struct morse_cutoffs c = MORSE_CUTOFFS_DEFAULT;
    w->cutoffs = c;
    sim_alerts_init(&w->alerts, max_alerts, keep_closed);
    w->logging = max_log > 0;
    w->maxlog = max_log;
    return SIM_WORLD_OK;
}

void sim_world_release(struct sim_world *w)
{
    cc_free(w->res);
    w->res = NULL;
    cc_free(w->log);
    w->log = NULL;
    w->nlog = w->caplog = 0;
    sim_alerts_release(&w->alerts);
}

int sim_world_clock(const struct sim_world *w)
{
    return (int)((w->clock0_s + w->now_ms / 1000) % 86400);
}

int sim_world_is_night(const struct sim_world *w)
{
    int c = sim_world_clock(w);
    if (w->night_from_s <= w->night_to_s)
        return c >= w->night_from_s && c < w->night_to_s;
    return c >= w->night_from_s || c < w->night_to_s;
}

int sim_world_in_bed(const struct sim_world *w, int i)
{
    const struct sim_resident *r = &w->res[i];
    return r->place == SIM_PLACE_ROOM &&
           (r->ph.activity == SIM_ACTIVITY_ASLEEP || r->ph.activity == SIM_ACTIVITY_RESTING);
}

void sim_resident_setup(struct sim_world *w, int i, const int64_t baseline[SIM_NVITALS],
                        uint32_t conditions, int spo2_scale, int activity, int wearable,
                        int battery, int bed_sensor, int door_sensor, int call_button)
{
    struct sim_resident *r = &w->res[i];
    memset(r, 0, sizeof(*r));
    sim_rng_seed(&r->rng, w->seed, (uint64_t)i + 1);
    sim_physio_init(&r->ph, baseline, conditions, spo2_scale, activity, w->now_ms / 1000,
                    sim_world_clock(w));
    sim_wearable_init(&r->wear, wearable, battery);
    r->bed.present = bed_sensor;
    r->bed.connected = 1;
    r->bed.hr = r->bed.rr = -1;
    r->bed.last_data_ms = -1;
    r->door_sensor = door_sensor;
    r->door_connected = 1;
    r->call_button = call_button;
    r->place = SIM_PLACE_ROOM;
    r->bed_presence = sim_world_in_bed(w, i);
    r->bed.presence = r->bed_presence;
    r->dev_hr_ms = r->dev_spo2_ms = r->dev_rr_ms = r->dev_bed_hr_ms = -1;
    for (int k = 0; k < SIM_NOBS; k++)
        r->obs[k].at_ms = -1;
    r->news2_pending = -1;
    r->news2_low_ms = -1;
    r->news2_quiet_band = -1;
    r->over_o2_since = -1;
}

void sim_world_log(struct sim_world *w, int kind, int resident, int a, int b, int c, int d)
{
    if (!w->logging || w->err)
        return;
    if (w->nlog == w->caplog) {
        if (w->nlog >= w->maxlog) {
            w->err = SIM_WORLD_FULL;
            return;
        }
        size_t cap = w->caplog ? w->caplog * 2 : 256;
        if (cap > w->maxlog)
            cap = w->maxlog;
        struct sim_event *l = cc_realloc(w->log, cap * sizeof(*l));
        if (!l) {
            w->err = SIM_WORLD_NOMEM;
            return;
        }
        w->log = l;
        w->caplog = cap;
    }
    struct sim_event *e = &w->log[w->nlog++];
    e->seq = w->next_seq++;
    e->t_ms = w->now_ms;
    e->kind = kind;
    e->resident = resident;
    e->a = a;
    e->b = b;
    e->c = c;
    e->d = d;
}

struct sim_alert *sim_world_alert(struct sim_world *w, int kind, int resident, int priority,
                                  int detail)
{
    struct sim_alert *a = NULL;
    if (w->err)
        return NULL;
    int err = sim_alerts_raise(&w->alerts, kind, resident, priority, detail, w->now_ms, &a);
    if (err) {
        w->err = err == SIM_ALERTS_NOMEM ? SIM_WORLD_NOMEM : SIM_WORLD_FULL;
        return NULL;
    }
    w->alerts_raised++;
    sim_world_log(w, SIM_LOG_ALERT_RAISED, resident, a->id, kind, priority, detail);
    return a;
}

void sim_world_close_alert(struct sim_world *w, struct sim_alert *a, int reason)
{
    if (a->state == SIM_ALERT_DISMISSED || a->state == SIM_ALERT_CLEARED)
        return;
    sim_alerts_close(&w->alerts, a, reason, w->now_ms);
    if (reason >= 0)
        sim_world_log(w, SIM_LOG_ALERT_DISMISSED, a->resident, a->id, a->kind, reason, 0);
    else
        sim_world_log(w, SIM_LOG_ALERT_CLEARED, a->resident, a->id, a->kind, 0, 0);
}

/* The open or acknowledged alert of KIND for resident I about DEVICE (device kinds only). */
static struct sim_alert *find_device_alert(struct sim_world *w, int kind, int i, int device)
{
    for (size_t k = 0; k < w->alerts.n; k++) {
        struct sim_alert *a = &w->alerts.a[k];
        if (a->kind == kind && a->resident == i && a->detail == device &&
            (a->state == SIM_ALERT_OPEN || a->state == SIM_ALERT_ACKNOWLEDGED))
            return a;
    }
    return NULL;
}

static void upgrade(struct sim_world *w, struct sim_alert *a, int priority, int detail)
{
    sim_alerts_upgrade(a, priority, &w->alerts, w->now_ms);
    a->detail = detail;
    sim_world_log(w, SIM_LOG_ALERT_UPGRADED, a->resident, a->id, a->kind, a->priority, detail);
}

void sim_world_door(struct sim_world *w, int i, int exit)
{
    struct sim_resident *r = &w->res[i];
    r->place = exit ? SIM_PLACE_EXIT : SIM_PLACE_CORRIDOR;
    if (!r->door_sensor || !r->door_connected)
        return;
    sim_world_log(w, SIM_LOG_DOOR, i, exit, 0, 0, 0);
    if (!r->wander_risk)
        return;
    struct sim_alert *a = sim_alerts_find(&w->alerts, SIM_ALERT_WANDERING, i, 0);
    if (exit) {
        if (a)
            upgrade(w, a, SIM_PRIO_URGENT, 1);
        else
            sim_world_alert(w, SIM_ALERT_WANDERING, i, SIM_PRIO_URGENT, 1);
    } else if (!a && sim_world_is_night(w)) {
        sim_world_alert(w, SIM_ALERT_WANDERING, i, SIM_PRIO_HIGH, 0);
    }
}

void sim_world_call_button(struct sim_world *w, int i)
{
    if (!w->res[i].call_button)
        return;
    if (!sim_alerts_find(&w->alerts, SIM_ALERT_CALL_BUTTON, i, 0))
        sim_world_alert(w, SIM_ALERT_CALL_BUTTON, i, SIM_PRIO_NORMAL, 0);
}

void sim_world_fault(struct sim_world *w, int i, int device, int fault)
{
    struct sim_resident *r = &w->res[i];
    switch (device) {
    case SIM_DEV_WEARABLE:
        if (!r->wear.present)
            return;
        if (fault == SIM_FAULT_LOOSE)
            r->wear.fit = SIM_FIT_LOOSE;
        else if (fault == SIM_FAULT_OFF_BODY)
            r->wear.fit = SIM_FIT_OFF;
        else if (fault == SIM_FAULT_DROPPED) {
            r->wear.fit = SIM_FIT_OFF;
            sim_accel_start(&r->wear, SIM_SEQ_DROP, 3600, w->now_ms);
        } else if (fault == SIM_FAULT_LOW_BATTERY)
            r->wear.drain_u_per_h = 8 * U;
        else if (fault == SIM_FAULT_DISCONNECT)
            r->wear.connected = 0;
        break;
    case SIM_DEV_BED_SENSOR:
        if (!r->bed.present)
            return;
        if (fault == SIM_FAULT_DISCONNECT)
            r->bed.connected = 0;
        break;
    case SIM_DEV_DOOR_SENSOR:
        if (fault == SIM_FAULT_DISCONNECT)
            r->door_connected = 0;
        break;
    default:
        break;
    }
    sim_world_log(w, SIM_LOG_DEVICE, i, device, SIM_DEVST_FAULT, fault, 0);
}

void sim_world_restore(struct sim_world *w, int i, int device)
{
    struct sim_resident *r = &w->res[i];
    switch (device) {
    case SIM_DEV_WEARABLE:
        r->wear.fit = SIM_FIT_WORN;
        r->wear.connected = 1;
        r->wear.seq = SIM_SEQ_NONE;
        r->wear.drain_u_per_h = 12 * U / 10;
        break;
    case SIM_DEV_BED_SENSOR:
        r->bed.connected = 1;
        break;
    case SIM_DEV_DOOR_SENSOR:
        r->door_connected = 1;
        break;
    default:
        break;
    }
    sim_world_log(w, SIM_LOG_DEVICE, i, device, SIM_DEVST_RESTORED, 0, 0);
}

void sim_world_observe(struct sim_world *w, int i, int param, int value)
{
    struct sim_obs *o = &w->res[i].obs[param];
    o->value = value;
    o->at_ms = w->now_ms;
    o->valid = 1;
}

/* A manual value taken within WITHIN_MS of NOW (WITHIN_MS 0: never preferred). */
static int manual_recent(const struct sim_obs *o, int64_t now, int64_t within_ms)
{
    return within_ms > 0 && o->valid && o->at_ms >= 0 && now - o->at_ms <= within_ms;
}

static int fresh(int64_t at_ms, int64_t now)
{
    return at_ms >= 0 && now - at_ms <= FRESH_MS;
}

int sim_world_news2(const struct sim_world *w, int i, int64_t prefer_manual_ms,
                    struct news2_obs *obs, struct news2_result *res)
{
    const struct sim_resident *r = &w->res[i];
    const struct sim_obs *o = r->obs;
    int64_t now = w->now_ms;
    struct news2_obs x;
    memset(&x, 0, sizeof(x));
    if (fresh(r->dev_rr_ms, now) && !manual_recent(&o[SIM_OBS_RR], now, prefer_manual_ms))
        x.rr = sim_round_units(r->ema_rr);
    else if (o[SIM_OBS_RR].valid)
        x.rr = o[SIM_OBS_RR].value;
    else
        return -1;
    if (fresh(r->dev_spo2_ms, now) && !manual_recent(&o[SIM_OBS_SPO2], now, prefer_manual_ms))
        x.spo2 = sim_round_units(r->ema_spo2);
    else if (o[SIM_OBS_SPO2].valid)
        x.spo2 = o[SIM_OBS_SPO2].value;
    else
        return -1;
    int manual_pulse = manual_recent(&o[SIM_OBS_PULSE], now, prefer_manual_ms);
    if (fresh(r->dev_hr_ms, now) && !manual_pulse)
        x.pulse = sim_round_units(r->ema_hr);
    else if (fresh(r->dev_bed_hr_ms, now) && !manual_pulse)
        x.pulse = sim_round_units(r->ema_bed_hr);
    else if (o[SIM_OBS_PULSE].valid)
        x.pulse = o[SIM_OBS_PULSE].value;
    else
        return -1;
    if (!o[SIM_OBS_SBP].valid || !o[SIM_OBS_TEMP].valid || !o[SIM_OBS_ACVPU].valid)
        return -1;
    x.sbp = o[SIM_OBS_SBP].value;
    x.temp = o[SIM_OBS_TEMP].value;
    x.acvpu = (enum news2_acvpu)o[SIM_OBS_ACVPU].value;
    x.scale = r->ph.spo2_scale;
    x.on_oxygen = r->ph.o2_on;
    struct news2_result nr;
    if (news2_score(&x, &nr))
        return -1;
    if (obs)
        *obs = x;
    if (res)
        *res = nr;
    return 0;
}

/* Smooths a device reading into *EMA (a new series starts at the reading). */
static void smooth(int64_t *ema, int64_t *at_ms, int reading, int64_t now)
{
    int64_t v = (int64_t)reading * U;
    if (!fresh(*at_ms, now))
        *ema = v;
    else
        *ema += (v - *ema) / 8;
    *at_ms = now;
}

static int news2_priority(int response)
{
    return response >= NEWS2_RESPONSE_EMERGENCY ? SIM_PRIO_URGENT : SIM_PRIO_HIGH;
}

/* The NEWS2 rule for resident I: raise, upgrade or clear, with hold and quiet times. */
static void news2_rule(struct sim_world *w, int i)
{
    struct sim_resident *r = &w->res[i];
    int64_t now = w->now_ms;
    struct news2_result nr;
    r->news2_valid = sim_world_news2(w, i, 0, NULL, &nr) == 0;
    r->news2_total = r->news2_valid ? nr.total : -1;
    r->news2_response = r->news2_valid ? (int)nr.response : -1;
    int resp = r->news2_response;
    struct sim_alert *a = sim_alerts_find(&w->alerts, SIM_ALERT_NEWS2, i, 0);
    if (resp < NEWS2_RESPONSE_URGENT_WARD) {
        r->news2_pending = -1;
        if (a) {
            if (r->news2_low_ms < 0)
                r->news2_low_ms = now;
            else if (now - r->news2_low_ms >= NEWS2_CLEAR_MS)
                sim_world_close_alert(w, a, -1);
        }
        return;
    }
    r->news2_low_ms = -1;
    int floor = a ? r->news2_alert_band : -1;
    if (!a && now < r->news2_quiet_ms && r->news2_quiet_band >= 0)
        floor = r->news2_quiet_band;
    if (resp <= floor) {
        r->news2_pending = -1;
        return;
    }
    if (r->news2_pending < 0) {
        r->news2_pending = resp;
        r->news2_pending_ms = now;
    } else if (resp < r->news2_pending) {
        r->news2_pending = resp;
    }
    if (now - r->news2_pending_ms < NEWS2_HOLD_MS)
        return;
    int band = r->news2_pending;
    r->news2_pending = -1;
    if (a)
        upgrade(w, a, news2_priority(band), r->news2_total);
    else
        sim_world_alert(w, SIM_ALERT_NEWS2, i, news2_priority(band), r->news2_total);
    r->news2_alert_band = band;
}

/* The device rules for resident I: offline, back online, low battery. */
static void device_rules(struct sim_world *w, int i)
{
    struct sim_resident *r = &w->res[i];
    int64_t now = w->now_ms;
    if (r->wear.present) {
        int64_t last = r->wear.last_data_ms;
        int stale = last < 0 ? now >= SIM_OFFLINE_MS : now - last >= SIM_OFFLINE_MS;
        if (stale && !r->wear_offline) {
            r->wear_offline = 1;
            sim_world_log(w, SIM_LOG_DEVICE, i, SIM_DEV_WEARABLE, SIM_DEVST_OFFLINE, 0, 0);
            sim_world_alert(w, SIM_ALERT_DEVICE_OFFLINE, i, SIM_PRIO_NORMAL, SIM_DEV_WEARABLE);
        } else if (!stale && r->wear_offline) {
            r->wear_offline = 0;
            sim_world_log(w, SIM_LOG_DEVICE, i, SIM_DEV_WEARABLE, SIM_DEVST_ONLINE, 0, 0);
            struct sim_alert *a =
                find_device_alert(w, SIM_ALERT_DEVICE_OFFLINE, i, SIM_DEV_WEARABLE);
            if (a)
                sim_world_close_alert(w, a, -1);
        }
        if (r->wear.battery_u < SIM_LOW_BATTERY_U && !r->battery_low_alerted) {
            r->battery_low_alerted = 1;
            sim_world_log(w, SIM_LOG_DEVICE, i, SIM_DEV_WEARABLE, SIM_DEVST_BATTERY_LOW, 0, 0);
            sim_world_alert(w, SIM_ALERT_LOW_BATTERY, i, SIM_PRIO_LOW, SIM_DEV_WEARABLE);
        } else if (r->wear.battery_u >= SIM_LOW_BATTERY_U && r->battery_low_alerted) {
            r->battery_low_alerted = 0;
            struct sim_alert *a = find_device_alert(w, SIM_ALERT_LOW_BATTERY, i, SIM_DEV_WEARABLE);
            if (a)
                sim_world_close_alert(w, a, -1);
        }
    }
    if (r->bed.present) {
        int64_t last = r->bed.last_data_ms;
        int stale = last < 0 ? now >= SIM_OFFLINE_MS : now - last >= SIM_OFFLINE_MS;
        if (stale && !r->bed_offline) {
            r->bed_offline = 1;
            sim_world_log(w, SIM_LOG_DEVICE, i, SIM_DEV_BED_SENSOR, SIM_DEVST_OFFLINE, 0, 0);
            sim_world_alert(w, SIM_ALERT_DEVICE_OFFLINE, i, SIM_PRIO_NORMAL, SIM_DEV_BED_SENSOR);
        } else if (!stale && r->bed_offline) {
            r->bed_offline = 0;
            sim_world_log(w, SIM_LOG_DEVICE, i, SIM_DEV_BED_SENSOR, SIM_DEVST_ONLINE, 0, 0);
            struct sim_alert *a =
                find_device_alert(w, SIM_ALERT_DEVICE_OFFLINE, i, SIM_DEV_BED_SENSOR);
            if (a)
                sim_world_close_alert(w, a, -1);
        }
    }
}

/* One simulated second of resident I. */
static void resident_second(struct sim_world *w, int i)
{
    struct sim_resident *r = &w->res[i];
    int64_t now = w->now_ms;
    sim_physio_step(&r->ph, now / 1000, sim_world_clock(w), &r->rng);
    sim_wearable_second(&r->wear, &r->ph, now, &r->rng);
    int in_bed = sim_world_in_bed(w, i);
    sim_bed_second(&r->bed, &r->ph, in_bed, now, &r->rng);

    if (r->wear.hr >= 0)
        smooth(&r->ema_hr, &r->dev_hr_ms, r->wear.hr, now);
    if (r->wear.spo2 >= 0)
        smooth(&r->ema_spo2, &r->dev_spo2_ms, r->wear.spo2, now);
    if (r->bed.present && r->bed.connected && r->bed.rr >= 0)
        smooth(&r->ema_rr, &r->dev_rr_ms, r->bed.rr, now);
    if (r->bed.present && r->bed.connected && r->bed.hr >= 0)
        smooth(&r->ema_bed_hr, &r->dev_bed_hr_ms, r->bed.hr, now);

    /* The bed sensor sees the resident leave or come back. */
    if (r->bed.present && r->bed.connected) {
        if (r->bed_presence && !r->bed.presence) {
            sim_world_log(w, SIM_LOG_BED_EXIT, i, 0, 0, 0, 0);
            if (r->high_fall_risk && sim_world_is_night(w) &&
                !sim_alerts_find(&w->alerts, SIM_ALERT_BED_EXIT, i, 0))
                sim_world_alert(w, SIM_ALERT_BED_EXIT, i, SIM_PRIO_HIGH, 0);
        } else if (!r->bed_presence && r->bed.presence) {
            sim_world_log(w, SIM_LOG_BED_RETURN, i, 0, 0, 0, 0);
        }
        r->bed_presence = r->bed.presence;
    }

    news2_rule(w, i);
    device_rules(w, i);

    if (r->ph.co2_retainer && r->ph.o2_on && r->ph.mean[SIM_V_SPO2] > 96 * U) {
        if (r->over_o2_since < 0)
            r->over_o2_since = now;
        else if (now - r->over_o2_since >= OVER_O2_MS && !r->over_o2_harmed) {
            r->over_o2_harmed = 1;
            sim_world_log(w, SIM_LOG_HARM, i, SIM_HARM_OVER_OXYGENATION, 0, 0, 0);
        }
    } else {
        r->over_o2_since = -1;
    }
}

static void on_escalate(void *ctx, const struct sim_alert *a)
{
    sim_world_log(ctx, SIM_LOG_ALERT_ESCALATED, a->resident, a->id, a->kind, a->escalations, 0);
}

/* The wearable's sample of this tick through the fall detector; falls raise alerts. */
static void wearable_tick(struct sim_world *w, int i)
{
    struct sim_resident *r = &w->res[i];
    int32_t mg[3];
    sim_accel_sample(&r->wear, r->ph.activity, r->ph.position, r->ph.conditions, w->now_ms, &r->rng,
                     mg);
    struct fall_sample s = {(double)w->now_ms, mg[0] / 1000.0, mg[1] / 1000.0, mg[2] / 1000.0};
    struct fall_event ev[FALL_MAX_EVENTS];
    int n = fall_detector_feed(&r->wear.det, &s, ev);
    w->samples++;
    for (int k = 0; k < n; k++) {
        int peak = (int)(ev[k].peak_g * 1000 + 0.5);
        sim_world_log(w, SIM_LOG_DETECTOR, i, ev[k].kind, peak, ev[k].reason, 0);
        if (ev[k].kind == FALL_EVENT_FALL) {
            w->falls_detected++;
            if (!sim_alerts_find(&w->alerts, SIM_ALERT_FALL, i, 0))
                sim_world_alert(w, SIM_ALERT_FALL, i, SIM_PRIO_URGENT, peak);
        }
    }
}

void sim_world_tick(struct sim_world *w)
{
    if (w->err)
        return;
    for (int i = 0; i < w->nres; i++) {
        struct sim_resident *r = &w->res[i];
        if (r->place != SIM_PLACE_HOSPITAL && sim_wearable_online(&r->wear))
            wearable_tick(w, i);
    }
    if (w->now_ms > 0 && w->now_ms % 1000 == 0) {
        for (int i = 0; i < w->nres; i++)
            if (w->res[i].place != SIM_PLACE_HOSPITAL)
                resident_second(w, i);
        sim_alerts_tick(&w->alerts, w->now_ms, on_escalate, w);
    }
    w->now_ms += SIM_TICK_MS;
}
