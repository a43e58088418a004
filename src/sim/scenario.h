/*
 * Scenarios of the simulated care home, as bilingual JSON
 * (content/scenarios/<id>.json, format "carecampus-scenario/1"): the
 * residents and their starting state, a timeline of events, the actions
 * expected of the trainee with their time windows, order constraints,
 * forbidden (critical) actions, a rubric whose items are aligned to CASE
 * framework items (CFItem identifiers), and debrief notes. docs/scenarios.md
 * is the reference of the format.
 *
 * sim_scenario_parse() checks a scenario completely — types, ranges,
 * vocabularies, cross-references, time windows — and reports every problem
 * with the line and JSON path of the field. The scenario keeps the parsed
 * JSON tree; its texts point into it.
 */
#ifndef CC_SIM_SCENARIO_H
#define CC_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "care/morse.h"
#include "sim/action.h"
#include "sim/jcheck.h"
#include "sim/physio.h"
#include "sim/vocab.h"
#include "sim/world.h"

#define SIM_SCENARIO_FORMAT    "carecampus-scenario/1"
#define SIM_SCENARIO_MAX_BYTES (512 * 1024)
#define SIM_MAX_DURATION_MS    (4LL * 3600 * 1000)
#define SIM_MAX_TIMELINE       256
#define SIM_MAX_EXPECTED       128
#define SIM_MAX_FORBIDDEN      64
#define SIM_MAX_ORDER          64
#define SIM_MAX_RUBRIC         32
#define SIM_MAX_CFITEMS        8
#define SIM_MAX_RUBRIC_ITEMS   32 /* expected actions in one rubric item */
#define SIM_MAX_TASKS          8
#define SIM_MAX_MEDS           12
#define SIM_MAX_DEBRIEF        32
#define SIM_MAX_ALTS           4
#define SIM_MAX_UNLESS         8
#define SIM_TITLE_MAX          200

/* What a time window counts from. */
enum sim_anchor {
    SIM_ANCHOR_START = 0, /* the start of the scenario */
    SIM_ANCHOR_EVENT,     /* a timeline event (ref: its index) */
    SIM_ANCHOR_ALERT,     /* the first alert of a kind (ref), for a resident or any (-1) */
    SIM_ANCHOR_DONE,      /* another expected action done (ref: its index) */
    SIM_ANCHOR_ARRIVED,   /* a responder arrived after a call (ref: enum sim_responder) */
};

struct sim_window {
    int anchor; /* enum sim_anchor */
    int ref;
    int resident;
    int64_t from_ms;   /* the window opens this long after the anchor */
    int64_t within_ms; /* full credit until this long after it */
    int64_t late_ms;   /* part credit until this long after it (== within_ms: none) */
};

struct sim_med {
    const char *id;
    int cls;  /* enum sim_drug_class */
    int drug; /* index in the scenario's names.drug */
    struct sim_text name;
};

struct sim_task {
    const char *id;
    struct sim_text title;
    struct sim_match match; /* the action that does it */
    int64_t due_ms, grace_ms;
    int priority; /* of the missed_task alert */
};

struct sim_resident_spec {
    const char *id;
    const char *room;
    struct sim_text name, background, allergies, care_notes;
    struct sim_text signs; /* what an observation shows besides the model's findings */
    int age;
    int sex; /* 0 female, 1 male */
    uint32_t conditions;
    int nmeds;
    struct sim_med meds[SIM_MAX_MEDS];
    int has_morse;
    struct morse_items morse;
    int morse_total;
    int high_fall_risk; /* bed exits at night raise an alert */
    int wander_risk;
    int spo2_scale;
    int spo2_target; /* enum sim_target */
    int64_t baseline[SIM_NVITALS];
    int activity, position, place;
    int ntraj;
    struct sim_traj_spec traj[SIM_NTRAJ];
    int wearable, battery, bed_sensor, door_sensor, call_button;
    int has_last_obs;
    int64_t last_obs_ago_ms;
    int last_obs[SIM_NOBS];
    int ntasks;
    struct sim_task tasks[SIM_MAX_TASKS];
};

struct sim_event_spec {
    const char *id; /* NULL when the event has none */
    int64_t at_ms;
    int kind;     /* enum sim_event_kind */
    int resident; /* -1: none (end) */
    struct sim_traj_spec traj;
    int head_strike, injury, peak_mg;
    int device, fault, battery;
    int if_fault; /* device faults: only when the device has this fault now (-1: always) */
    struct sim_text text;
};

struct sim_expect {
    const char *id;
    struct sim_text title, feedback;
    int nalt;
    struct sim_match alt[SIM_MAX_ALTS]; /* any of them */
    struct sim_window win;
    int points, late_points;
    int critical; /* not done in time is a critical error */
    int rubric;   /* the rubric item it belongs to */
};

struct sim_forbid {
    const char *id;
    struct sim_text title, feedback;
    int nalt;
    struct sim_match alt[SIM_MAX_ALTS];
    int nunless;
    int unless[SIM_MAX_UNLESS]; /* expected actions that make it right when done before */
    int has_window;
    struct sim_window win;
    int critical;
    int penalty;
    int rubric; /* -1: none */
};

struct sim_order {
    int first, then; /* expected actions */
    struct sim_text feedback;
    int critical;
    int penalty;
    int rubric; /* -1: none */
};

struct sim_rubric {
    const char *id;
    struct sim_text title;
    int ncf;
    const char *cfitem[SIM_MAX_CFITEMS];
    int nexp;
    int expected[SIM_MAX_RUBRIC_ITEMS];
};

struct sim_debrief {
    struct sim_text title, text;
};

struct sim_scenario {
    json_t *root;
    const char *id;
    int version;
    struct sim_text title, summary, briefing;
    uint32_t levels; /* set of 养老护理员 levels 1–5 (bit n: level n) */
    int start_clock_s;
    int64_t duration_ms;
    int night_from_s, night_to_s;
    int walk_ms;
    int start_with; /* the resident the trainee starts beside; -1: at the station */
    int64_t ack_ms[SIM_NPRIOS];
    int64_t arrive_ms[SIM_NRESPONDERS]; /* -1: does not come (advice by phone) */
    struct morse_cutoffs cutoffs;
    int end_on_transfer;
    int pass_percent;
    struct sim_names names;
    int nres;
    struct sim_resident_spec res[SIM_MAX_RESIDENTS];
    int nevents;
    struct sim_event_spec ev[SIM_MAX_TIMELINE];
    int nexp;
    struct sim_expect exp[SIM_MAX_EXPECTED];
    int nforbid;
    struct sim_forbid forbid[SIM_MAX_FORBIDDEN];
    int norder;
    struct sim_order order[SIM_MAX_ORDER];
    int nrubric;
    struct sim_rubric rubric[SIM_MAX_RUBRIC];
    int ndebrief;
    struct sim_debrief debrief[SIM_MAX_DEBRIEF];
};

/* Says whether UUID is the identifier of a known framework item. */
typedef int (*sim_item_known_fn)(const char *uuid, void *ctx);

/*
 * Parses and checks scenario TEXT into *OUT (free with sim_scenario_free).
 * CFItem identifiers must be lowercase UUIDs and, when KNOWN is not NULL,
 * known to it. Returns 0, or -1 with ERRS holding every problem (line,
 * path, message), sorted by line.
 */
int sim_scenario_parse(const char *text, size_t len, sim_item_known_fn known, void *ctx,
                       struct sim_scenario **out, struct sim_errors *errs)
    __attribute__((warn_unused_result));

void sim_scenario_free(struct sim_scenario **s);

/* The index of the expected action ID; -1 when there is none. */
int sim_scenario_expected(const struct sim_scenario *s, const char *id);

#endif
