/*
 * The trainee's actions and the patterns a scenario matches them with.
 *
 * An action is a JSON object: {"type": "measure", "resident": "wang",
 * "vital": "bp"}, with "at" (a time from the start) in a scripted action
 * file. Its parameters (enum sim_param) depend on the type
 * (sim_param_allowed); a call carries an SBAR object, a document facts and a
 * text. A pattern (struct sim_match) is the same object where each parameter
 * may be a value, a list of values or a {"min","max"} range, and a call's
 * "sbar" or a document's "facts" state what must be in them.
 *
 * An action file: {"format": "carecampus-actions/1", "scenario": ID,
 * "actions": [ … ]}, times never going back. docs/scenarios.md lists every
 * action and parameter.
 */
#ifndef CC_SIM_ACTION_H
#define CC_SIM_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/jcheck.h"
#include "sim/vocab.h"

#define SIM_MAX_RESIDENTS     16
#define SIM_MAX_DRUGS         64
#define SIM_MAX_ACTIONS       2000
#define SIM_MAX_MATCH_PARAM   8
#define SIM_TEXT_MAX          2000
#define SIM_ACTIONS_MAX_BYTES (1024 * 1024)
#define SIM_ACTIONS_FORMAT    "carecampus-actions/1"

/* The names an action may use: the scenario's residents and medicines. */
struct sim_names {
    const char *scenario;
    int nres;
    const char *resident[SIM_MAX_RESIDENTS];
    int ndrugs;
    const char *drug[SIM_MAX_DRUGS];
    int64_t duration_ms;
};

enum sim_sbar_part {
    SIM_SBAR_SITUATION = 0,
    SIM_SBAR_BACKGROUND,
    SIM_SBAR_ASSESSMENT,
    SIM_SBAR_RECOMMENDATION,
    SIM_NSBAR
};

struct sim_sbar {
    const char *part[SIM_NSBAR]; /* NULL or "" when left out; borrowed */
    uint64_t facts;              /* set of enum sim_fact */
    int news2;                   /* the NEWS2 total reported; -1 none */
};

struct sim_action {
    int type;               /* enum sim_action_type */
    int64_t at_ms;          /* scripted: when; -1 otherwise */
    int resident;           /* index; -1 none */
    int param[SIM_NPARAMS]; /* -1: not given */
    int has_sbar;
    struct sim_sbar sbar;
    uint64_t facts;   /* document */
    const char *text; /* document; borrowed */
    /* Set by the session when the action is done, for matching. */
    int sbar_complete; /* all four parts given */
    int news2_correct; /* the NEWS2 reported is the one the trainee's observations give */
};

enum sim_match_mode {
    SIM_MATCH_SET = 0, /* the value is one of a set */
    SIM_MATCH_RANGE,   /* min <= value <= max */
};

struct sim_match_param {
    int param; /* enum sim_param */
    int mode;  /* enum sim_match_mode */
    uint64_t set;
    int min, max;
};

struct sim_match {
    int type;     /* enum sim_action_type */
    int resident; /* -1: any */
    int np;
    struct sim_match_param p[SIM_MAX_MATCH_PARAM];
    int sbar_complete;      /* a call's SBAR must have all four parts */
    int sbar_news2_correct; /* … and report the right NEWS2 (score_news2: its value is right) */
    uint64_t sbar_facts;    /* … and mention these facts */
    uint64_t facts;         /* a document must record these facts */
};

/* An action file, parsed. Its texts are borrowed from ROOT. */
struct sim_actions {
    json_t *root;
    size_t n;
    struct sim_action a[];
};

/* Sets every parameter of A to "not given", no resident, no time. */
void sim_action_clear(struct sim_action *a);

/*
 * Checks the action object OBJ against NAMES into *OUT; SCRIPTED requires
 * "at" (between 0 and the scenario's duration) and refuses it otherwise.
 * Returns 0, or -1 after recording its errors.
 */
int sim_action_check(struct sim_jcheck *c, const json_t *obj, const struct sim_names *names,
                     int scripted, struct sim_action *out) __attribute__((warn_unused_result));

/* Checks a pattern object OBJ against NAMES into *OUT. */
int sim_match_check(struct sim_jcheck *c, const json_t *obj, const struct sim_names *names,
                    struct sim_match *out) __attribute__((warn_unused_result));

/* 1 when action A fits pattern M. */
int sim_match_action(const struct sim_match *m, const struct sim_action *a);

/*
 * Parses an action file TEXT for the scenario NAMES describes into *OUT
 * (free with sim_actions_free). Returns 0, or -1 with ERRS holding every
 * problem with its line and JSON path.
 */
int sim_actions_parse(const char *text, size_t len, const struct sim_names *names,
                      struct sim_actions **out, struct sim_errors *errs)
    __attribute__((warn_unused_result));

void sim_actions_free(struct sim_actions **a);

#endif
