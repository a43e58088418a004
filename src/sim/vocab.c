#include "sim/vocab.h"

#include <stddef.h>
#include <string.h>

#include "util/banned.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const vitals[] = {"hr", "rr", "spo2", "sbp", "dbp", "temp", "glucose", "weight"};
static const char *const measures[] = {"hr",   "rr",      "spo2",  "bp",
                                       "temp", "glucose", "acvpu", "weight"};
static const char *const trajs[] = {"sepsis",      "hypoglycaemia",  "copd_exacerbation",
                                    "dehydration", "fluid_overload", "head_injury",
                                    "choking",     "end_of_life"};
static const char *const conditions[] = {"copd",
                                         "dementia",
                                         "diabetes",
                                         "heart_failure",
                                         "parkinsons",
                                         "post_stroke_dysphagia",
                                         "atrial_fibrillation",
                                         "hypertension",
                                         "chronic_kidney_disease",
                                         "osteoporosis",
                                         "depression",
                                         "cancer",
                                         "stroke"};
static const char *const drug_classes[] = {
    "anticoagulant",    "antiplatelet", "insulin",        "oral_hypoglycaemic",
    "antihypertensive", "diuretic",     "bronchodilator", "inhaled_steroid",
    "opioid",           "sedative",     "antiparkinson",  "antibiotic",
    "analgesic",        "other"};
static const char *const activities[] = {"asleep",   "resting", "sitting",
                                         "standing", "walking", "on_floor"};
static const char *const places[] = {"room", "corridor", "exit", "hospital"};
static const char *const positions[] = {"left_side", "right_side", "back", "semi_upright",
                                        "upright"};
static const char *const devices[] = {"wearable", "bed_sensor", "door_sensor", "call_button"};
static const char *const faults[] = {"loose", "off_body", "dropped", "low_battery", "disconnect"};
static const char *const injuries[] = {"none", "bruise", "skin_tear", "wrist_fracture",
                                       "hip_fracture"};
static const char *const events[] = {"get_up",         "walk",        "sit",        "return_to_bed",
                                     "sleep",          "turn_over",   "leave_room", "exit_door",
                                     "fall",           "call_button", "condition",  "device_fault",
                                     "device_restore", "say",         "end"};
static const char *const alerts[] = {"news2",       "fall",           "bed_exit",
                                     "wandering",   "device_offline", "low_battery",
                                     "call_button", "task_due",       "missed_task"};
static const char *const prios[] = {"low", "normal", "high", "urgent"};
static const char *const alert_states[] = {"open", "acknowledged", "dismissed", "cleared"};
static const char *const actions[] = {
    "acknowledge",       "dismiss",      "go_to_room",      "review_data",   "observe",
    "measure",           "score_news2",  "apply_oxygen",    "adjust_oxygen", "stop_oxygen",
    "give_fluids",       "give_glucose", "give_medication", "reposition",    "sit_up",
    "assist_to_bed",     "stay_with",    "guide_back",      "stop_feeding",  "back_blows",
    "abdominal_thrusts", "comfort",      "check_device",    "refit_device",  "replace_battery",
    "restart_device",    "call",         "document",        "hand_hygiene"};
static const char *const params[] = {
    "alert",    "alert_id",  "reason", "focus", "vital",  "value", "oxygen_device",
    "flow_lpm", "target",    "ml",     "grams", "route",  "drug",  "position",
    "helpers",  "equipment", "count",  "care",  "device", "to",    "about"};
static const char *const reasons[] = {
    "device_artefact", "device_off_body", "device_fault", "resident_ok",
    "duplicate",       "resolved",        "test",         "other"};
static const char *const focuses[] = {"general", "breathing", "skin",       "consciousness",
                                      "injury",  "pain",      "environment"};
static const char *const o2_devices[] = {"nasal_cannula", "venturi_24",  "venturi_28",
                                         "venturi_35",    "simple_mask", "non_rebreather"};
static const char *const targets[] = {"88-92", "94-98"};
static const char *const routes[] = {"oral", "gel"};
static const char *const equipment[] = {"none", "hoist", "slide_sheet", "transfer_belt"};
static const char *const cares[] = {"mouth_care", "reassure", "pain_relief_position",
                                    "warmth",     "music",    "skin_care"};
static const char *const responders[] = {"nurse", "doctor", "family", "emergency"};
static const char *const abouts[] = {"observations", "fall",     "incident", "care",
                                     "device",       "handover", "alert"};
static const char *const facts[] = {
    "fall",           "head_strike", "anticoagulant", "dementia",     "hip_injury",
    "pain",           "bleeding",    "news2",         "spo2",         "target_spo2",
    "oxygen",         "copd",        "breathing",     "resp_rate",    "pulse",
    "blood_pressure", "temperature", "consciousness", "confusion",    "glucose",
    "diabetes",       "insulin",     "infection",     "urine",        "fluid_intake",
    "weight",         "oedema",      "heart_failure", "device_fault", "false_alarm",
    "wandering",      "choking",     "dysphagia",     "end_of_life",  "family",
    "wishes",         "medication",  "missed_dose",   "allergy",      "skin",
    "mobility",       "time_found",  "baseline",      "trend",        "bed_exit",
    "sensor_data"};
static const char *const wheres[] = {"station", "walking", "resident"};
static const char *const outcomes[] = {"ok",      "not_there", "no_such_alert", "not_applicable",
                                       "no_help", "unsafe",    "away",          "ended",
                                       "invalid"};

static const char *const logs[] = {"timeline",
                                   "alert_raised",
                                   "alert_acknowledged",
                                   "alert_escalated",
                                   "alert_upgraded",
                                   "alert_dismissed",
                                   "alert_cleared",
                                   "detector",
                                   "bed_exit",
                                   "bed_return",
                                   "door",
                                   "device",
                                   "action",
                                   "responder",
                                   "task",
                                   "harm",
                                   "transfer",
                                   "end"};
static const char *const dev_statuses[] = {"fault",  "restored",    "offline",
                                           "online", "battery_low", "spared"};
static const char *const harms[] = {"moved_with_fracture", "oral_when_drowsy", "over_oxygenation",
                                    "fluids_in_overload"};

struct table {
    const char *const *ids;
    int n;
};

static const struct table tables[SIM_NVOCABS] = {
    [SIM_VOCAB_VITAL] = {vitals, N(vitals)},
    [SIM_VOCAB_MEASURE] = {measures, N(measures)},
    [SIM_VOCAB_TRAJ] = {trajs, N(trajs)},
    [SIM_VOCAB_CONDITION] = {conditions, N(conditions)},
    [SIM_VOCAB_DRUG_CLASS] = {drug_classes, N(drug_classes)},
    [SIM_VOCAB_ACTIVITY] = {activities, N(activities)},
    [SIM_VOCAB_PLACE] = {places, N(places)},
    [SIM_VOCAB_POSITION] = {positions, N(positions)},
    [SIM_VOCAB_DEVICE] = {devices, N(devices)},
    [SIM_VOCAB_FAULT] = {faults, N(faults)},
    [SIM_VOCAB_INJURY] = {injuries, N(injuries)},
    [SIM_VOCAB_EVENT] = {events, N(events)},
    [SIM_VOCAB_ALERT] = {alerts, N(alerts)},
    [SIM_VOCAB_PRIORITY] = {prios, N(prios)},
    [SIM_VOCAB_ALERT_STATE] = {alert_states, N(alert_states)},
    [SIM_VOCAB_ACTION] = {actions, N(actions)},
    [SIM_VOCAB_PARAM] = {params, N(params)},
    [SIM_VOCAB_REASON] = {reasons, N(reasons)},
    [SIM_VOCAB_FOCUS] = {focuses, N(focuses)},
    [SIM_VOCAB_O2_DEVICE] = {o2_devices, N(o2_devices)},
    [SIM_VOCAB_TARGET] = {targets, N(targets)},
    [SIM_VOCAB_ROUTE] = {routes, N(routes)},
    [SIM_VOCAB_EQUIPMENT] = {equipment, N(equipment)},
    [SIM_VOCAB_CARE] = {cares, N(cares)},
    [SIM_VOCAB_RESPONDER] = {responders, N(responders)},
    [SIM_VOCAB_ABOUT] = {abouts, N(abouts)},
    [SIM_VOCAB_FACT] = {facts, N(facts)},
    [SIM_VOCAB_WHERE] = {wheres, N(wheres)},
    [SIM_VOCAB_OUTCOME] = {outcomes, N(outcomes)},
    [SIM_VOCAB_LOG] = {logs, N(logs)},
    [SIM_VOCAB_DEVICE_STATUS] = {dev_statuses, N(dev_statuses)},
    [SIM_VOCAB_HARM] = {harms, N(harms)},
};

/* The tables must match their enums; a mismatch is a compile error. */
_Static_assert(N(vitals) == SIM_NVITALS, "vitals");
_Static_assert(N(measures) == SIM_NMEASURES, "measures");
_Static_assert(N(trajs) == SIM_NTRAJ, "trajectories");
_Static_assert(N(conditions) == SIM_NCONDITIONS, "conditions");
_Static_assert(N(drug_classes) == SIM_NDRUG_CLASSES, "drug classes");
_Static_assert(N(activities) == SIM_NACTIVITIES, "activities");
_Static_assert(N(places) == SIM_NPLACES, "places");
_Static_assert(N(positions) == SIM_NPOSITIONS, "positions");
_Static_assert(N(devices) == SIM_NDEVICES, "devices");
_Static_assert(N(faults) == SIM_NFAULTS, "faults");
_Static_assert(N(injuries) == SIM_NINJURIES, "injuries");
_Static_assert(N(events) == SIM_NEVENTS, "events");
_Static_assert(N(alerts) == SIM_NALERTS, "alerts");
_Static_assert(N(prios) == SIM_NPRIOS, "priorities");
_Static_assert(N(alert_states) == SIM_NALERT_STATES, "alert states");
_Static_assert(N(actions) == SIM_NACTIONS, "actions");
_Static_assert(N(params) == SIM_NPARAMS, "params");
_Static_assert(N(reasons) == SIM_NREASONS, "reasons");
_Static_assert(N(focuses) == SIM_NFOCUS, "focus");
_Static_assert(N(o2_devices) == SIM_NO2_DEVICES, "oxygen devices");
_Static_assert(N(targets) == SIM_NTARGETS, "targets");
_Static_assert(N(routes) == SIM_NROUTES, "routes");
_Static_assert(N(equipment) == SIM_NEQUIPMENT, "equipment");
_Static_assert(N(cares) == SIM_NCARE, "care");
_Static_assert(N(responders) == SIM_NRESPONDERS, "responders");
_Static_assert(N(abouts) == SIM_NABOUT, "about");
_Static_assert(N(facts) == SIM_NFACTS && SIM_NFACTS <= 64, "facts");
_Static_assert(N(wheres) == SIM_NWHERE, "where");
_Static_assert(N(outcomes) == SIM_NOUTCOMES, "outcomes");
_Static_assert(N(logs) == SIM_NLOG_KINDS, "log kinds");
_Static_assert(N(dev_statuses) == SIM_NDEVSTATUS, "device statuses");
_Static_assert(N(harms) == SIM_NHARMS, "harms");

const char *sim_vocab_id(enum sim_vocab table, int value)
{
    if ((unsigned)table >= SIM_NVOCABS || value < 0 || value >= tables[table].n)
        return "";
    return tables[table].ids[value];
}

int sim_vocab_find(enum sim_vocab table, const char *s)
{
    if ((unsigned)table >= SIM_NVOCABS || !s)
        return -1;
    for (int i = 0; i < tables[table].n; i++)
        if (strcmp(tables[table].ids[i], s) == 0)
            return i;
    return -1;
}

int sim_vocab_count(enum sim_vocab table)
{
    return (unsigned)table < SIM_NVOCABS ? tables[table].n : 0;
}

int sim_param_vocab(enum sim_param param)
{
    switch (param) {
    case SIM_P_ALERT:
        return SIM_VOCAB_ALERT;
    case SIM_P_REASON:
        return SIM_VOCAB_REASON;
    case SIM_P_FOCUS:
        return SIM_VOCAB_FOCUS;
    case SIM_P_VITAL:
        return SIM_VOCAB_MEASURE;
    case SIM_P_OXYGEN_DEVICE:
        return SIM_VOCAB_O2_DEVICE;
    case SIM_P_TARGET:
        return SIM_VOCAB_TARGET;
    case SIM_P_ROUTE:
        return SIM_VOCAB_ROUTE;
    case SIM_P_POSITION:
        return SIM_VOCAB_POSITION;
    case SIM_P_EQUIPMENT:
        return SIM_VOCAB_EQUIPMENT;
    case SIM_P_CARE:
        return SIM_VOCAB_CARE;
    case SIM_P_DEVICE:
        return SIM_VOCAB_DEVICE;
    case SIM_P_TO:
        return SIM_VOCAB_RESPONDER;
    case SIM_P_ABOUT:
        return SIM_VOCAB_ABOUT;
    default:
        return -1;
    }
}

void sim_param_range(enum sim_param param, int *min, int *max)
{
    int lo = 0, hi = 0;
    switch (param) {
    case SIM_P_ALERT_ID:
        lo = 1, hi = 1000000;
        break;
    case SIM_P_VALUE:
        lo = 0, hi = 20;
        break;
    case SIM_P_FLOW_LPM:
        lo = 1, hi = 15;
        break;
    case SIM_P_ML:
        lo = 50, hi = 1000;
        break;
    case SIM_P_GRAMS:
        lo = 5, hi = 40;
        break;
    case SIM_P_HELPERS:
        lo = 1, hi = 4;
        break;
    case SIM_P_COUNT:
        lo = 1, hi = 5;
        break;
    default:
        break;
    }
    *min = lo;
    *max = hi;
}

/* Which parameters each action takes: 1 may, 2 must. */
static const unsigned char allowed[SIM_NACTIONS][SIM_NPARAMS] = {
    [SIM_ACTION_ACKNOWLEDGE] = {[SIM_P_ALERT] = 1, [SIM_P_ALERT_ID] = 1},
    [SIM_ACTION_DISMISS] = {[SIM_P_ALERT] = 1, [SIM_P_ALERT_ID] = 1, [SIM_P_REASON] = 2},
    [SIM_ACTION_OBSERVE] = {[SIM_P_FOCUS] = 1},
    [SIM_ACTION_MEASURE] = {[SIM_P_VITAL] = 2},
    [SIM_ACTION_SCORE_NEWS2] = {[SIM_P_VALUE] = 2},
    [SIM_ACTION_APPLY_OXYGEN] =
        {[SIM_P_OXYGEN_DEVICE] = 2, [SIM_P_FLOW_LPM] = 2, [SIM_P_TARGET] = 2},
    [SIM_ACTION_ADJUST_OXYGEN] =
        {[SIM_P_OXYGEN_DEVICE] = 1, [SIM_P_FLOW_LPM] = 2, [SIM_P_TARGET] = 1},
    [SIM_ACTION_GIVE_FLUIDS] = {[SIM_P_ML] = 2},
    [SIM_ACTION_GIVE_GLUCOSE] = {[SIM_P_GRAMS] = 2, [SIM_P_ROUTE] = 2},
    [SIM_ACTION_GIVE_MEDICATION] = {[SIM_P_DRUG] = 2},
    [SIM_ACTION_REPOSITION] = {[SIM_P_POSITION] = 2},
    [SIM_ACTION_ASSIST_TO_BED] = {[SIM_P_HELPERS] = 1, [SIM_P_EQUIPMENT] = 1},
    [SIM_ACTION_BACK_BLOWS] = {[SIM_P_COUNT] = 1},
    [SIM_ACTION_ABDOMINAL_THRUSTS] = {[SIM_P_COUNT] = 1},
    [SIM_ACTION_COMFORT] = {[SIM_P_CARE] = 2},
    [SIM_ACTION_CHECK_DEVICE] = {[SIM_P_DEVICE] = 2},
    [SIM_ACTION_REFIT_DEVICE] = {[SIM_P_DEVICE] = 2},
    [SIM_ACTION_REPLACE_BATTERY] = {[SIM_P_DEVICE] = 2},
    [SIM_ACTION_RESTART_DEVICE] = {[SIM_P_DEVICE] = 2},
    [SIM_ACTION_CALL] = {[SIM_P_TO] = 2},
    [SIM_ACTION_DOCUMENT] = {[SIM_P_ABOUT] = 2},
};

int sim_param_allowed(enum sim_action_type type, enum sim_param param)
{
    if ((unsigned)type >= SIM_NACTIONS || (unsigned)param >= SIM_NPARAMS)
        return 0;
    return allowed[type][param];
}

int sim_action_at_resident(enum sim_action_type type)
{
    switch (type) {
    case SIM_ACTION_ACKNOWLEDGE:
    case SIM_ACTION_DISMISS:
    case SIM_ACTION_GO_TO_ROOM:
    case SIM_ACTION_REVIEW_DATA:
    case SIM_ACTION_SCORE_NEWS2:
    case SIM_ACTION_CALL:
    case SIM_ACTION_DOCUMENT:
    case SIM_ACTION_HAND_HYGIENE:
        return 0;
    default:
        return 1;
    }
}

int sim_action_needs_resident(enum sim_action_type type)
{
    return type != SIM_ACTION_ACKNOWLEDGE && type != SIM_ACTION_DISMISS &&
           type != SIM_ACTION_HAND_HYGIENE;
}
