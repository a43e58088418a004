/*
 * Live training: the simulated care home played by a trainee in real time.
 *
 * The session manager owns the running sessions (sim/session.h) and steps
 * them on its own thread(s), SIM_LIVE_STEP_MS at a time, by the wall time
 * passed × the session's speed (1–10); it publishes each session's state, its
 * new log events and its vital-sign samples at most every SIM_LIVE_PUBLISH_MS
 * to the readers of the session (the trainee's page, teachers watching) and
 * saves where the clock stands every few seconds.
 *
 * Rules the server enforces (not the page):
 *   - pause and hints in practice mode only; speed 1–10 in both modes;
 *   - the clock runs only while the trainee's own page is connected: when it
 *     goes (a closed laptop, a lost network), the session holds where it was,
 *     the interruption is counted for the teacher, and the page that comes
 *     back resumes it there;
 *   - actions are checked against the engine's vocabulary and the scenario's
 *     names before anything happens (bilingual messages), and stored before
 *     they act: the engine is deterministic, so a session is rebuilt after a
 *     restart, or after being unloaded, by replaying its stored actions at
 *     their simulated times (live_store.h keeps the rows).
 *
 * Every action, and the completed scenario, becomes an xAPI statement through
 * xapi_record() (registration = the session's UUID; competencies in the
 * context extension SIM_LIVE_EXT_CFITEMS).
 *
 * Layers: this module (live*.c) is the training domain module. It uses the
 * engine of sim/ (which does no I/O) and below it store, auth and xapi; it
 * knows nothing of HTTP: readers are fed through sim_live_stream_next() with
 * an emit callback, and told to come back through a wake callback.
 */
#ifndef CC_SIM_LIVE_H
#define CC_SIM_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/account.h"
#include "sim/scenario.h"
#include "store/store.h"

#define SIM_LIVE_STEP_MS     50    /* the stepping threads' period */
#define SIM_LIVE_PUBLISH_MS  250   /* at most 4 updates a second per session */
#define SIM_LIVE_SAVE_MS     5000  /* where the clock stands is saved this often */
#define SIM_LIVE_UNLOAD_MS   60000 /* a session held this long is taken out of memory */
#define SIM_LIVE_MAX_SPEED   10
#define SIM_LIVE_MAX_LOADED  1000  /* sessions in memory at once */
#define SIM_LIVE_SAMPLES     900   /* vital-sign samples kept per resident (15 simulated min) */
#define SIM_LIVE_LIST_MAX    500   /* rows of one list */
#define SIM_LIVE_BODY_MAX    16384 /* bytes of one action as stored */
#define SIM_LIVE_MAX_ACTIONS 2000  /* actions of one session (the engine's SIM_MAX_ACTIONS) */

#define SIM_LIVE_ACTIVITY_PREFIX "https://carecampus.org/xapi/activities/scenarios/"
#define SIM_LIVE_EXT_CFITEMS     "https://carecampus.org/xapi/extensions/cfitems"

enum sim_live_error {
    SIM_LIVE_OK = 0,
    SIM_LIVE_ERR_STORE = -1,     /* storage failed; nothing changed */
    SIM_LIVE_ERR_INVALID = -2,   /* an input is invalid: see the problem */
    SIM_LIVE_ERR_NOT_FOUND = -3, /* no such session, assignment, class or scenario */
    SIM_LIVE_ERR_FORBIDDEN = -4, /* the caller may not (another's session, a student's class) */
    SIM_LIVE_ERR_CONFLICT = -5,  /* not now: ended, paused, assessment mode, no attempts left */
    SIM_LIVE_ERR_NOMEM = -6,
    SIM_LIVE_ERR_BUSY = -7, /* too many sessions in memory; try again later */
};

/* What is wrong: the input field, a message id of util/i18n.h and its %s argument (or ""). */
struct sim_live_problem {
    const char *field; /* points at field_buf once set by the module */
    const char *msg;
    char arg[768];
    char field_buf[64];
};

enum sim_live_mode { SIM_LIVE_PRACTICE = 0, SIM_LIVE_ASSESSMENT = 1 };

enum sim_live_status { SIM_LIVE_RUNNING = 0, SIM_LIVE_PAUSED = 1, SIM_LIVE_ENDED = 2 };

/* "practice", "assessment"; "running", "paused", "ended". */
const char *sim_live_mode_id(int mode);
const char *sim_live_status_id(int status);
int sim_live_mode_parse(const char *s);

struct sim_live;

struct sim_live_options {
    struct store_pool *pool; /* the stepping threads take their own connections from it */
    unsigned threads;        /* stepping threads (0: 1) */
};

/* Starts the manager and its threads. */
int sim_live_start(const struct sim_live_options *o, struct sim_live **out)
    __attribute__((warn_unused_result));

/*
 * Saves where every session in memory stands, stops the threads and frees
 * the manager (after the HTTP server has stopped: no reader is left). Sets
 * *L to NULL.
 */
void sim_live_stop(struct sim_live **l);

/*
 * The bundled scenario ID, parsed once and kept for the life of the process
 * (thread-safe); NULL when there is none or it does not validate.
 */
const struct sim_scenario *sim_live_scenario(const char *id);

/* ---------------------------------------------------------------- sessions */

/* What starts a session: an assignment of the caller's class, or a scenario to practise. */
struct sim_live_new {
    int64_t assignment; /* 0: free practice of SCENARIO */
    const char *scenario;
    int speed; /* 1–10; 0: 1 */
};

/*
 * Starts a session for CALLER: checks the assignment (the caller's class,
 * open, not past due, attempts left) or that the scenario exists, and that
 * the caller has no other session running (SIM_LIVE_ERR_CONFLICT with the
 * running session's UUID in P->arg). Writes the new session's UUID to UUID.
 * The clock starts when the trainee's page connects.
 */
int sim_live_create(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const struct sim_live_new *in, char uuid[37], struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * The session UUID as JSON ({"id", "scenario", "mode", "status", "speed",
 * "sim_ms", …}; docs/api.md) if CALLER may see it: its trainee, a teacher of
 * a class the trainee is in, an administrator of the college.
 */
int sim_live_get(struct sim_live *l, struct store *db, const struct auth_user *caller,
                 const char *uuid, json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * Does the trainee's action ACTION (a JSON object of docs/scenarios.md,
 * without "at") now. Only the session's trainee; not while paused; not once
 * ended. *OUT is the logged action ({"index", "t_ms", "type", "outcome",
 * "result", …}).
 */
int sim_live_act(struct sim_live *l, struct store *db, const struct auth_user *caller,
                 const char *uuid, const json_t *action, json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * Pauses (PAUSED 1) or resumes (0) the clock, or leaves it (-1); sets the
 * speed to SPEED (1–10, or 0 to leave it). Pausing in assessment mode is
 * SIM_LIVE_ERR_CONFLICT.
 */
int sim_live_control(struct sim_live *l, struct store *db, const struct auth_user *caller,
                     const char *uuid, int paused, int speed, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * A hint (practice mode only): the expected action due soonest whose window
 * is open and that is not done yet — {"expected", "title", "due_ms"} — or
 * {"expected": null} when nothing is due now. Counted and logged.
 */
int sim_live_hint(struct sim_live *l, struct store *db, const struct auth_user *caller,
                  const char *uuid, json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * Ends the session now: the rest of the scenario plays out at once without
 * more actions (as if the trainee did nothing more), and it is scored.
 */
int sim_live_finish(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const char *uuid, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * The whole result of an ended session for the debrief: the engine's result
 * (docs/scenarios.md, "The result") with "session" (as sim_live_get), "log"
 * (pauses, speeds, hints) and "debrief" (the scenario's notes) added.
 */
int sim_live_result(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const char *uuid, json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/* ---------------------------------------------------------------- readers */

struct sim_live_stream;

/*
 * A reader of session UUID for CALLER: the trainee's own page (which keeps
 * the clock running while it is connected) or a teacher's or an
 * administrator's, read-only. It gets the events after LAST_SEQ (-1: all of
 * them, for a page that starts afresh) and the current state. WAKE(ARG) is
 * called (on any thread, under the manager's locks: it must only signal)
 * when there is something new.
 */
int sim_live_attach(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const char *uuid, int64_t last_seq, void (*wake)(void *), void *arg,
                    struct sim_live_stream **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/* Emits one message: EVENT (its name), ID (NULL: none), DATA (one line of JSON). */
typedef int (*sim_live_emit_fn)(void *ctx, const char *event, const char *id, const char *data);

/*
 * Emits what the reader has not had yet: "session" (when it changed), "log"
 * events with their sequence numbers as ids, "state", "samples", "progress"
 * (to teachers: the score so far) and, once the session has ended and been
 * scored, "end". At most SIM_LIVE_STREAM_CHUNK bytes a call; *MORE is set
 * when more is waiting. Returns 0, 1 when the stream is finished (after
 * "end"), or -1 when EMIT failed.
 */
#define SIM_LIVE_STREAM_CHUNK (256 * 1024)
int sim_live_stream_next(struct sim_live_stream *st, sim_live_emit_fn emit, void *ctx, int *more)
    __attribute__((warn_unused_result));

/* The reader has gone; frees it (the trainee's page gone: the clock holds). */
void sim_live_detach(struct sim_live_stream *st);

/* ---------------------------------------------------------------- lists */

/*
 * Sessions CALLER may see, newest first, at most SIM_LIVE_LIST_MAX: a
 * student their own; a teacher those of the students of CLASS_ID (one they
 * teach) or of all their classes; an administrator all (or CLASS_ID's).
 * ACTIVE: only those not ended. Sessions in memory report their live state.
 */
int sim_live_list(struct sim_live *l, struct store *db, const struct auth_user *caller,
                  int64_t class_id, int active, json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/* Counts for the administrator: sessions in memory, running, readers, stepping times. */
json_t *sim_live_stats(struct sim_live *l);

/* ---------------------------------------------------------------- actions */

/*
 * Checks ACTION (a JSON object, no "at") for scenario SC into *OUT, with a
 * problem in the caller's words on failure: the field and a message id of
 * util/i18n.h (training_action_*) with its argument. The texts of OUT point
 * into ACTION.
 */
int sim_live_action_check(const struct sim_scenario *sc, const json_t *action,
                          struct sim_action *out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * Takes out of a logged action's result what the trainee learns only in the
 * debrief: whether a NEWS2 they scored (alone, or in an SBAR) was right, and
 * the right one. Live, a trainee could otherwise try totals until one is.
 */
void sim_live_redact(json_t *logged);

#endif
