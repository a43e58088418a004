/*
 * Scoring a run against its scenario: each expected action is on time,
 * late (part credit), too late, missed or not applicable (its anchor never
 * happened); forbidden actions and broken order constraints cost their
 * penalty in their rubric item or are critical errors; a missed critical
 * expected action is a critical error too. Each rubric item scores the points
 * of its expected actions less its penalties; each framework item (CFItem)
 * the sum over the rubric items aligned to it; the run passes with at least
 * the scenario's pass percentage and no critical error.
 *
 * A pure function of the scenario, the action log and the times things
 * happened: actions in any order, at any time, of any kind are scored, never
 * refused. Only actions whose outcome is "ok" do what is expected; forbidden
 * ones count when "ok" or "unsafe".
 */
#ifndef CC_SIM_SCORE_H
#define CC_SIM_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/action.h"
#include "sim/scenario.h"

/* One action as the session logged it. */
struct sim_logged_action {
    struct sim_action a; /* with its texts owned by the log */
    int64_t t_ms;
    int outcome;    /* enum sim_outcome */
    int alert_id;   /* the alert it acted on; 0 none */
    json_t *result; /* what it found or measured (may be NULL) */
};

/* What happened when, for the anchors of the time windows. */
struct sim_score_input {
    const struct sim_scenario *sc;
    const struct sim_logged_action *actions;
    size_t nactions;
    const int64_t *event_ms; /* per timeline event: when it happened; -1 never */
    /* The first alert of a kind: [kind][0] for any resident, [kind][1 + i] for resident i. */
    int64_t alert_ms[SIM_NALERTS][SIM_MAX_RESIDENTS + 1];
    int64_t arrived_ms[SIM_NRESPONDERS]; /* -1: never */
};

enum sim_status {
    SIM_ST_ON_TIME = 0,
    SIM_ST_LATE,     /* after the window, within its late part: part credit */
    SIM_ST_TOO_LATE, /* after the late part: no credit */
    SIM_ST_MISSED,
    SIM_ST_NOT_APPLICABLE, /* the anchor never happened */
    SIM_NSTATUS
};

struct sim_expect_result {
    int status;
    int64_t anchor_ms; /* -1 when not applicable */
    int64_t done_ms;   /* -1 when not done */
    int action;        /* index in the log; -1 */
    int earned;
};

enum sim_critical_kind {
    SIM_CRIT_MISSED = 0, /* a critical expected action not done in time (ref: expected) */
    SIM_CRIT_FORBIDDEN,  /* ref: forbidden */
    SIM_CRIT_ORDER,      /* ref: order */
};

struct sim_critical {
    int kind;
    int ref;
    int action; /* the action at fault; -1 */
};

#define SIM_MAX_CRITICAL (SIM_MAX_EXPECTED + SIM_MAX_FORBIDDEN + SIM_MAX_ORDER)

struct sim_score {
    struct sim_expect_result exp[SIM_MAX_EXPECTED];
    int forbid_action[SIM_MAX_FORBIDDEN]; /* the first action that broke it; -1 none */
    int order_violated[SIM_MAX_ORDER];
    int rubric_earned[SIM_MAX_RUBRIC], rubric_possible[SIM_MAX_RUBRIC];
    int rubric_penalty[SIM_MAX_RUBRIC];
    int earned, possible, percent; /* percent: earned * 100 / possible, rounded down */
    int passed;
    int ncritical;
    struct sim_critical critical[SIM_MAX_CRITICAL];
};

/* Scores IN into *OUT. */
void sim_score_compute(const struct sim_score_input *in, struct sim_score *out);

/*
 * The score as JSON: totals, pass, critical errors, each expected action with
 * its timing, forbidden actions and order constraints broken, each rubric
 * item and each framework item. NULL when out of memory.
 */
json_t *sim_score_json(const struct sim_scenario *sc, const struct sim_score_input *in,
                       const struct sim_score *s);

/* Stable ids: "on_time", "late", "too_late", "missed", "not_applicable". */
const char *sim_status_id(int status);

/* Writes a bilingual text as {"en": …, "zh-CN": …} (NULL for an absent one). */
json_t *sim_text_json(const struct sim_text *t);

#endif
