/*
 * A training session: one scenario played by one trainee, deterministic for
 * a seed. The owner steps it (sim_session_step: simulated time, as fast as
 * the caller likes) and feeds it the trainee's actions (sim_session_act: at
 * the session's current time); both run the world of world.h, the
 * scenario's timeline, its responders and its care-plan tasks.
 *
 * Threads: a session is used by one thread at a time (its owner). Readers
 * on other threads — the browser's event streams — get copies: the owner
 * takes a sim_session_snapshot() under its own lock and readers follow the
 * event log by sequence number (sim_session_events), so a reconnecting
 * reader resumes after the last event it saw. Many sessions run in parallel
 * on as many threads: they share nothing but the (read-only) scenario.
 *
 * Once the scenario's time is up, or an "end" event or a transfer ends it,
 * the session stops; sim_session_result() gives the whole record — events,
 * alerts, actions with their outcomes and findings, vital-sign curves,
 * score — as JSON, identical for identical inputs.
 */
#ifndef CC_SIM_SESSION_H
#define CC_SIM_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/action.h"
#include "sim/scenario.h"
#include "sim/score.h"
#include "sim/world.h"

#define SIM_MAX_LOG_EVENTS 200000
#define SIM_RESULT_FORMAT  "carecampus-sim-result/1"

enum sim_session_err {
    SIM_SESSION_OK = 0,
    SIM_SESSION_NOMEM = -1,
    SIM_SESSION_FULL = -2,  /* too many actions, events or alerts */
    SIM_SESSION_ENDED = -3, /* the scenario has ended */
};

struct sim_session_opts {
    int vitals_every_s; /* the resolution of the recorded vital signs (default 5 s) */
};

struct sim_session;

/*
 * A new session of scenario SC (which must outlive it) with SEED and OPTS
 * (NULL: the defaults), at time 0.
 */
int sim_session_new(const struct sim_scenario *sc, uint64_t seed,
                    const struct sim_session_opts *opts, struct sim_session **out)
    __attribute__((warn_unused_result));

void sim_session_free(struct sim_session **s);

/*
 * Advances the session by MS simulated milliseconds (a remainder below one
 * tick is carried to the next call), stopping at the end. Returns 0, or
 * SIM_SESSION_NOMEM / SIM_SESSION_FULL (the session then stays where it is).
 */
int sim_session_step(struct sim_session *s, int64_t ms) __attribute__((warn_unused_result));

/*
 * Does action A (its "at" is ignored) now. The action is logged, whatever it
 * comes to; *OUT (when not NULL) points at the log entry (valid until the
 * next call). Returns 0, SIM_SESSION_ENDED (logged with the outcome "ended"),
 * or an allocation error.
 */
int sim_session_act(struct sim_session *s, const struct sim_action *a,
                    const struct sim_logged_action **out) __attribute__((warn_unused_result));

/* Simulated milliseconds from the start. */
int64_t sim_session_now(const struct sim_session *s);

/* 1 once the scenario has ended. */
int sim_session_ended(const struct sim_session *s);

/* The scenario's total time in ms. */
int64_t sim_session_duration(const struct sim_session *s);

/*
 * Plays an action file: steps to each action's time, does it, and runs on to
 * the end. Actions after the end are logged as "ended".
 */
int sim_session_play(struct sim_session *s, const struct sim_actions *acts)
    __attribute__((warn_unused_result));

/* What a reader shows of a resident. */
struct sim_snapshot_resident {
    int place, activity, position;
    int wearable_online, wearable_hr, wearable_spo2, wearable_quality, battery;
    int bed_presence, bed_hr, bed_rr;
    int news2; /* the platform's; -1 unknown */
    int news2_response;
    int on_oxygen, o2_device, o2_flow;
};

#define SIM_SNAPSHOT_ALERTS 64

/* A copy of what the dashboard shows now. */
struct sim_snapshot {
    int64_t t_ms;
    int clock_s; /* seconds after midnight */
    int ended;
    int where;         /* enum sim_where */
    int resident;      /* the trainee is with / walking to; -1 */
    uint64_t next_seq; /* events before this are in the log */
    int nres;
    struct sim_snapshot_resident res[SIM_MAX_RESIDENTS];
    int nalerts; /* alerts open or acknowledged, oldest first, at most SIM_SNAPSHOT_ALERTS */
    struct sim_alert alerts[SIM_SNAPSHOT_ALERTS];
};

void sim_session_snapshot(const struct sim_session *s, struct sim_snapshot *out);

/*
 * The events with sequence numbers from FROM_SEQ on: *OUT points at the
 * first of them in the log (valid until the session next steps or acts);
 * returns how many there are.
 */
size_t sim_session_events(const struct sim_session *s, uint64_t from_seq,
                          const struct sim_event **out);

/* The actions logged so far. */
size_t sim_session_actions(const struct sim_session *s, const struct sim_logged_action **out);

/* Scores the session as it stands into *OUT. */
void sim_session_score(const struct sim_session *s, struct sim_score *out);

/* The world (read-only), for tests and tools. */
const struct sim_world *sim_session_world(const struct sim_session *s);

/*
 * The whole record of the session as JSON (format "carecampus-sim-result/1";
 * docs/scenarios.md). NULL when out of memory.
 */
json_t *sim_session_result(const struct sim_session *s);

/* One event of the log as JSON, as in the result's "events". */
json_t *sim_event_json(const struct sim_session *s, const struct sim_event *e);

/*
 * Logged action K as JSON, as in the result's "actions" (NULL when there is
 * no such action or out of memory). Added for the live training, which
 * sends each action to the trainee's page as it is done.
 */
json_t *sim_session_action_json(const struct sim_session *s, size_t k);

#endif
