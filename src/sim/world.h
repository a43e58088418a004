/*
 * The world of the simulated care home: its residents (physiology, devices,
 * what the platform knows of them), the clock, the alert engine's rules and
 * an event log. Both a scenario session (session.h) and the population of
 * the benchmark (population.h) run on it.
 *
 * Time is whole milliseconds from the start, advanced in ticks of
 * SIM_TICK_MS (50 Hz). A tick at time T feeds every resident's accelerometer
 * sample of time T to the fall detector; on whole seconds it also steps the
 * physiology, reads the devices, scores NEWS2 and applies the alert rules,
 * then runs the escalation timers. Residents are always visited in index
 * order and each draws from its own random stream, so a seed gives the same
 * world in every run.
 *
 * Alert rules (docs/scenarios.md):
 *   news2           the platform's NEWS2 (latest device values, else manual ones) reaching a
 *                   red single score (high), 5–6 (high) or 7+ (urgent), held for 30 s;
 *                   upgraded when the band rises, cleared after 5 min below it
 *   fall            the wearable's fall detector confirms a fall (urgent)
 *   bed_exit        the bed sensor sees a high-fall-risk resident leave the bed at night (high)
 *   wandering       a resident at risk of wandering leaves the room at night (high) or goes
 *                   through the exit door (urgent)
 *   device_offline  no data from a wearable or bed sensor for 60 s (normal); cleared when
 *                   data comes again
 *   low_battery     a wearable's battery below 15 % (low); cleared by a new battery
 *   call_button     the resident presses the call button (normal)
 *   task_due, missed_task  raised by the session from the care plan
 */
#ifndef CC_SIM_WORLD_H
#define CC_SIM_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "care/morse.h"
#include "care/news2.h"
#include "sim/alert.h"
#include "sim/device.h"
#include "sim/physio.h"
#include "sim/rng.h"
#include "sim/vocab.h"

/* Manual observations the platform keeps (for NEWS2), by parameter. */
enum sim_obs_param {
    SIM_OBS_RR = 0,
    SIM_OBS_SPO2,
    SIM_OBS_SBP,
    SIM_OBS_PULSE,
    SIM_OBS_ACVPU,
    SIM_OBS_TEMP, /* tenths of a °C */
    SIM_NOBS
};

struct sim_obs {
    int value;
    int64_t at_ms; /* < 0: never taken (a scenario's earlier observations have at_ms < 0 too,
                      but valid is set) */
    int valid;
};

/* One entry of the event log; see enum sim_log_kind for what a–d hold. */
struct sim_event {
    uint64_t seq; /* 0, 1, … : a reader resumes after the last it saw */
    int64_t t_ms;
    int kind;     /* enum sim_log_kind */
    int resident; /* -1: none */
    int a, b, c, d;
};

struct sim_resident {
    struct sim_physio ph;
    struct sim_rng rng;
    struct sim_wearable wear;
    struct sim_bed_sensor bed;
    int door_sensor, call_button; /* present */
    int place;                    /* enum sim_place */
    int high_fall_risk;           /* bed exits at night raise an alert */
    int wander_risk;
    int bed_presence; /* what the bed sensor saw last second */

    /* The platform's view: device values smoothed (µ-units), manual observations. */
    int64_t ema_hr, ema_spo2, ema_rr, ema_bed_hr;
    int64_t dev_hr_ms, dev_spo2_ms, dev_rr_ms, dev_bed_hr_ms; /* the last reading; -1 none */
    struct sim_obs obs[SIM_NOBS];
    int news2_valid, news2_total, news2_response; /* the platform's score this second */
    int news2_pending; /* a band that must hold before it raises (-1 none) */
    int64_t news2_pending_ms;
    int64_t news2_low_ms;   /* since when the band is below alerting (-1: it is not) */
    int news2_alert_band;   /* the band of the NEWS2 alert raised or upgraded last */
    int news2_quiet_band;   /* a NEWS2 alert dismissed at this band … */
    int64_t news2_quiet_ms; /* … is not raised again at or below it until then */
    int door_connected;
    int wear_offline, bed_offline, battery_low_alerted;
    int64_t over_o2_since; /* -1: not over-oxygenated */
    int over_o2_harmed;
};

struct sim_world {
    int64_t now_ms;
    int clock0_s; /* seconds after midnight at the start */
    int night_from_s, night_to_s;
    uint64_t seed;
    struct sim_resident *res;
    int nres;
    struct sim_alerts alerts;
    struct morse_cutoffs cutoffs;
    /* The event log (when logging). */
    int logging;
    struct sim_event *log;
    size_t nlog, caplog, maxlog;
    uint64_t next_seq;
    int err; /* the first error of a tick (enum sim_world_err); the world stops stepping */
    /* Counts, for the benchmark. */
    uint64_t samples, falls_detected, alerts_raised;
};

enum sim_world_err {
    SIM_WORLD_OK = 0,
    SIM_WORLD_NOMEM = -1,
    SIM_WORLD_FULL = -2, /* too many alerts or events */
};

/*
 * Sets up a world of NRES residents (all zero: the caller sets them up with
 * sim_resident_setup), its clock at CLOCK0_S seconds after midnight. At most
 * MAX_ALERTS alerts are kept (closed ones too with KEEP_CLOSED); with
 * MAX_LOG > 0 events are logged, at most that many.
 */
int sim_world_init(struct sim_world *w, int nres, uint64_t seed, int clock0_s, size_t max_alerts,
                   int keep_closed, size_t max_log) __attribute__((warn_unused_result));

/* Frees what the world holds. */
void sim_world_release(struct sim_world *w);

/*
 * Sets up resident I: physiology from BASELINE (µ-units), devices present,
 * battery per cent, in bed or not by ACTIVITY.
 */
void sim_resident_setup(struct sim_world *w, int i, const int64_t baseline[SIM_NVITALS],
                        uint32_t conditions, int spo2_scale, int activity, int wearable,
                        int battery, int bed_sensor, int door_sensor, int call_button);

/* Advances the world by one tick. Does nothing once w->err is set. */
void sim_world_tick(struct sim_world *w);

/* Seconds after midnight now. */
int sim_world_clock(const struct sim_world *w);

/* 1 when it is night now. */
int sim_world_is_night(const struct sim_world *w);

/* 1 when resident I lies in bed (asleep or resting, in the room). */
int sim_world_in_bed(const struct sim_world *w, int i);

/* Appends to the event log (when logging); sets w->err when it cannot. */
void sim_world_log(struct sim_world *w, int kind, int resident, int a, int b, int c, int d);

/* Raises an alert and logs it; sets w->err when it cannot. NULL then. */
struct sim_alert *sim_world_alert(struct sim_world *w, int kind, int resident, int priority,
                                  int detail);

/* Closes A (dismissed with REASON, or cleared when REASON < 0) and logs it. */
void sim_world_close_alert(struct sim_world *w, struct sim_alert *a, int reason);

/* Resident I goes through a door (EXIT 0: the room's, 1: the building's); wandering rules. */
void sim_world_door(struct sim_world *w, int i, int exit);

/* Resident I presses the call button. */
void sim_world_call_button(struct sim_world *w, int i);

/* A device fault (enum sim_fault) on resident I's DEVICE, logged. */
void sim_world_fault(struct sim_world *w, int i, int device, int fault);

/* The fault of resident I's DEVICE is put right. */
void sim_world_restore(struct sim_world *w, int i, int device);

/* Records a manual observation of resident I (enum sim_obs_param) now. */
void sim_world_observe(struct sim_world *w, int i, int param, int value);

/*
 * The NEWS2 of resident I from what is known now: device values fresher
 * than 60 s (unless a manual value was taken within PREFER_MANUAL_MS), else
 * the latest manual ones. -1 when some parameter is unknown.
 */
int sim_world_news2(const struct sim_world *w, int i, int64_t prefer_manual_ms,
                    struct news2_obs *obs, struct news2_result *res)
    __attribute__((warn_unused_result));

#endif
