/*
 * Assignments of the live training (sim/live.h): a teacher (or an
 * administrator) assigns a bundled scenario to a class, in practice or
 * assessment mode, open from a time, due by a time (or not), with a number
 * of attempts (0: as many as wanted). Students see the assignments of their
 * classes with their own attempts; teachers see who has done what: attempts,
 * best score, passed or not, and who is playing now.
 *
 * Every function is scoped to the caller's institution; a teacher reaches
 * the classes they teach only. Rows: training_assignments (schema 0012).
 */
#ifndef CC_SIM_LIVE_ASSIGN_H
#define CC_SIM_LIVE_ASSIGN_H

#include <stdint.h>

#include <jansson.h>

#include "auth/account.h"
#include "sim/live.h"
#include "store/store.h"

#define SIM_LIVE_MAX_ATTEMPTS 20

/* A new assignment as submitted; strings as received. */
struct sim_live_assignment_new {
    int64_t class_id;
    const char *scenario; /* a bundled scenario id */
    const char *mode;     /* "practice" or "assessment" */
    const char *opens_at; /* ISO 8601; NULL: now */
    const char *due_at;   /* ISO 8601 after opens_at; NULL: no due date */
    int attempts;         /* 0–20; -1: the default (practice 0, assessment 1) */
};

/*
 * Creates an assignment; *OUT is it as JSON (see sim_live_assignment_get).
 * SIM_LIVE_ERR_INVALID with the field for bad input, SIM_LIVE_ERR_FORBIDDEN
 * for a class the caller does not teach, SIM_LIVE_ERR_NOT_FOUND for no such
 * class.
 */
int sim_live_assignment_create(struct store *db, const struct auth_user *caller,
                               const struct sim_live_assignment_new *in, json_t **out,
                               struct sim_live_problem *p) __attribute__((warn_unused_result));

/*
 * The assignments CALLER may see, soonest due first: a student's classes'
 * (with "mine": their attempts, best score, passed, the session running
 * now), a teacher's classes' or, for an administrator, all — CLASS_ID's only
 * when not 0 — with counts ("students", "started", "completed", "passed").
 */
int sim_live_assignments(struct store *db, const struct auth_user *caller, int64_t class_id,
                         json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/*
 * Assignment ID as JSON ({"id", "class", "scenario", "mode", "opens_at",
 * "due_at", "attempts", "state": "upcoming"/"open"/"closed", …}); for
 * teachers and administrators with "students": each student of the class
 * with their attempts, best score, passed, last attempt and running session.
 */
int sim_live_assignment_get(struct store *db, const struct auth_user *caller, int64_t id,
                            json_t **out, struct sim_live_problem *p)
    __attribute__((warn_unused_result));

/* Deletes assignment ID; SIM_LIVE_ERR_CONFLICT once a student has started it. */
int sim_live_assignment_delete(struct store *db, const struct auth_user *caller, int64_t id,
                               struct sim_live_problem *p) __attribute__((warn_unused_result));

#endif
