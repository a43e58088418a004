/*
 * Internal to the live training (live*.c): the rows of a session and its
 * log (schema 0012), who may see or play a session, and the xAPI statements
 * of its actions and of its completion.
 */
#ifndef CC_SIM_LIVE_STORE_H
#define CC_SIM_LIVE_STORE_H

#include <stdint.h>

#include <jansson.h>

#include "auth/account.h"
#include "sim/jcheck.h"
#include "sim/live.h"
#include "sim/scenario.h"
#include "store/store.h"

/* A row of training_sessions with its trainee. */
struct live_row {
    int64_t id, institution, user, assignment;
    char uuid[37];
    char scenario[SIM_ID_MAX + 1];
    int version;
    int mode, status, speed;
    int64_t seed;
    int64_t sim_ms, active_ms;
    int interruptions, pauses, hints, actions, alerts_open;
    int score;  /* -1: none yet */
    int passed; /* -1: not ended */
    int critical, statements;
    char started_at[25], updated_at[25], ended_at[25]; /* "" when not set */
    char login[AUTH_LOGIN_MAX + 1];
    char name[AUTH_NAME_BYTES];
};

/* The columns live_row_read reads, of training_sessions t joined with users u. */
#define LIVE_ROW_COLUMNS                                                                           \
    "t.id, t.institution_id, t.user_id, t.assignment_id, t.uuid, t.scenario, t.scenario_version,"  \
    " t.mode, t.status, t.speed, t.seed, t.sim_ms, t.active_ms, t.interruptions, t.pauses,"        \
    " t.hints, t.actions, t.alerts_open, t.score_percent, t.passed, t.critical_errors,"            \
    " t.statements, t.started_at, t.updated_at, t.ended_at, u.login, u.name"

/* Fills R from a row of LIVE_ROW_COLUMNS. */
void live_row_read(struct store_stmt *st, struct live_row *r);

/* Sets P and returns ERR. */
int live_problem(struct sim_live_problem *p, int err, const char *field, const char *msg,
                 const char *arg);

/* The session UUID of INSTITUTION into *OUT; SIM_LIVE_ERR_NOT_FOUND when there is none. */
int live_row_get(struct store *db, int64_t institution, const char *uuid, struct live_row *out)
    __attribute__((warn_unused_result));

/*
 * May CALLER see session ROW? 0 with *TRAINEE set when it is the caller's
 * own, 0 for a teacher of a class the trainee is in or an administrator,
 * SIM_LIVE_ERR_FORBIDDEN otherwise.
 */
int live_row_may_see(struct store *db, const struct auth_user *caller, const struct live_row *row,
                     int *trainee) __attribute__((warn_unused_result));

/* Inserts ROW (its id is set); the times are set to now. */
int live_row_insert(struct store *db, struct live_row *row) __attribute__((warn_unused_result));

/* Saves what changes while a session runs (status, speed, clock, counts, score so far). */
int live_row_save(struct store *db, const struct live_row *row) __attribute__((warn_unused_result));

/*
 * Ends ROW: status ended, ended_at now, the final score and the RESULT text.
 * Only a row not ended yet changes (*CHANGED says whether it did).
 */
int live_row_end(struct store *db, struct live_row *row, const char *result, int *changed)
    __attribute__((warn_unused_result));

/* The session JSON of docs/api.md for ROW (live fields as they are in ROW). */
json_t *live_row_json(const struct live_row *row);

/* Appends entry N of the session's log, done at AT (ISO 8601 UTC with milliseconds). */
int live_log_add(struct store *db, int64_t session, int n, const char *kind, int64_t sim_ms,
                 const char *at, const char *body) __attribute__((warn_unused_result));

/* Marks the statement of log entry N stored. */
int live_log_mark(struct store *db, int64_t session, int n) __attribute__((warn_unused_result));

/* One entry of a session's log, in order. */
struct live_log_entry {
    int n;
    const char *kind;
    int64_t sim_ms;
    const char *at;
    const char *body;
    int xapi;
};

typedef int (*live_log_fn)(void *ctx, const struct live_log_entry *e);

/* Calls FN for each entry of SESSION's log in order; stops when it returns non-zero. */
int live_log_read(struct store *db, int64_t session, live_log_fn fn, void *ctx)
    __attribute__((warn_unused_result));

/*
 * The statement of action LOGGED (a logged action as the engine writes it)
 * of session ROW, entry N of its log at AT: the trainee interacted with the
 * action activity of the scenario; CFITEMS (may be NULL; the reference is
 * taken over) are the framework items of the rubric items whose expected
 * actions it did.
 */
json_t *live_action_statement(const struct sim_scenario *sc, const struct live_row *row, int n,
                              const char *at, const json_t *logged, json_t *cfitems);

/* The statement of the completed scenario: passed or failed, score, competencies. */
json_t *live_completed_statement(const struct sim_scenario *sc, const struct live_row *row,
                                 const json_t *result);

/* Stores STATEMENT for ROW's institution through xapi_record (an identical one again is fine). */
int live_record(struct store *db, const struct live_row *row, const json_t *statement)
    __attribute__((warn_unused_result));

/* An assignment as the sessions need it. */
struct live_assignment {
    int64_t id, class_id;
    char scenario[SIM_ID_MAX + 1];
    int mode;
    int64_t opens_ms, due_ms; /* due_ms 0: no due date */
    int attempts;
};

/* Assignment ID of INSTITUTION; SIM_LIVE_ERR_NOT_FOUND when there is none (live_assign.c). */
int live_assignment_row(struct store *db, int64_t institution, int64_t id,
                        struct live_assignment *out) __attribute__((warn_unused_result));

/* Is USER enrolled in class CLASS_ID of INSTITUTION? */
int live_enrolled(struct store *db, int64_t institution, int64_t class_id, int64_t user, int *yes)
    __attribute__((warn_unused_result));

/* Aligns the scenario's activity to its rubric's framework items for INSTITUTION. */
int live_align(struct store *db, const struct sim_scenario *sc, int64_t institution)
    __attribute__((warn_unused_result));

#endif
