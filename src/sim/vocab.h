/*
 * The vocabulary of the simulated care home: every enum the engine, the
 * scenario files, the action files and the results share, each with stable
 * machine ids (the strings in JSON). The words people read, in English or
 * Chinese, belong to the UI; docs/scenarios.md lists every id.
 *
 * Lookups are by table: sim_vocab_find(SIM_VOCAB_ACTION, "measure") is
 * SIM_ACTION_MEASURE, sim_vocab_id(SIM_VOCAB_ACTION, SIM_ACTION_MEASURE) is
 * "measure". Tables are append-only: an id, once in a released scenario, is
 * never renamed.
 */
#ifndef CC_SIM_VOCAB_H
#define CC_SIM_VOCAB_H

#include <stdint.h>

/* Physiological values, in micro-units (SIM_U per unit) inside the engine. */
enum sim_vital {
    SIM_V_HR = 0,  /* heart rate, beats/min */
    SIM_V_RR,      /* respiration rate, breaths/min */
    SIM_V_SPO2,    /* oxygen saturation, % */
    SIM_V_SBP,     /* systolic blood pressure, mmHg */
    SIM_V_DBP,     /* diastolic blood pressure, mmHg */
    SIM_V_TEMP,    /* core temperature, °C */
    SIM_V_GLUCOSE, /* blood glucose, mmol/L */
    SIM_V_WEIGHT,  /* body weight, kg */
    SIM_NVITALS
};

#define SIM_U 1000000LL /* micro-units: 72 bpm is 72 * SIM_U */

/* What a measure action measures ("bp" gives systolic and diastolic). */
enum sim_measure {
    SIM_MEASURE_HR = 0,
    SIM_MEASURE_RR,
    SIM_MEASURE_SPO2,
    SIM_MEASURE_BP,
    SIM_MEASURE_TEMP,
    SIM_MEASURE_GLUCOSE,
    SIM_MEASURE_ACVPU,
    SIM_MEASURE_WEIGHT,
    SIM_NMEASURES
};

/* Trajectories: conditions that evolve over minutes to hours. */
enum sim_traj {
    SIM_TRAJ_SEPSIS = 0,
    SIM_TRAJ_HYPOGLYCAEMIA,
    SIM_TRAJ_COPD_EXACERBATION,
    SIM_TRAJ_DEHYDRATION, /* with delirium past a deficit */
    SIM_TRAJ_FLUID_OVERLOAD,
    SIM_TRAJ_HEAD_INJURY,
    SIM_TRAJ_CHOKING,
    SIM_TRAJ_END_OF_LIFE,
    SIM_NTRAJ
};

/* Long-term conditions of a resident's profile. */
enum sim_condition {
    SIM_COND_COPD = 0,
    SIM_COND_DEMENTIA,
    SIM_COND_DIABETES,
    SIM_COND_HEART_FAILURE,
    SIM_COND_PARKINSONS,
    SIM_COND_POST_STROKE_DYSPHAGIA,
    SIM_COND_ATRIAL_FIBRILLATION,
    SIM_COND_HYPERTENSION,
    SIM_COND_CHRONIC_KIDNEY_DISEASE,
    SIM_COND_OSTEOPOROSIS,
    SIM_COND_DEPRESSION,
    SIM_COND_CANCER,
    SIM_COND_STROKE,
    SIM_NCONDITIONS
};

/* Classes of medicines (what a medicine means for the care, not a formulary). */
enum sim_drug_class {
    SIM_DRUG_ANTICOAGULANT = 0,
    SIM_DRUG_ANTIPLATELET,
    SIM_DRUG_INSULIN,
    SIM_DRUG_ORAL_HYPOGLYCAEMIC,
    SIM_DRUG_ANTIHYPERTENSIVE,
    SIM_DRUG_DIURETIC,
    SIM_DRUG_BRONCHODILATOR,
    SIM_DRUG_INHALED_STEROID,
    SIM_DRUG_OPIOID,
    SIM_DRUG_SEDATIVE,
    SIM_DRUG_ANTIPARKINSON,
    SIM_DRUG_ANTIBIOTIC,
    SIM_DRUG_ANALGESIC,
    SIM_DRUG_OTHER,
    SIM_NDRUG_CLASSES
};

/* What a resident is doing (and so their posture for the wearable). */
enum sim_activity {
    SIM_ACTIVITY_ASLEEP = 0, /* in bed */
    SIM_ACTIVITY_RESTING,    /* awake in bed */
    SIM_ACTIVITY_SITTING,    /* in a chair or on the edge of the bed */
    SIM_ACTIVITY_STANDING,
    SIM_ACTIVITY_WALKING,
    SIM_ACTIVITY_ON_FLOOR, /* after a fall */
    SIM_NACTIVITIES
};

/* Where a resident is. */
enum sim_place {
    SIM_PLACE_ROOM = 0,
    SIM_PLACE_CORRIDOR,
    SIM_PLACE_EXIT,     /* at or through the building's exit door */
    SIM_PLACE_HOSPITAL, /* transferred by the emergency service */
    SIM_NPLACES
};

/* Posture in bed or chair, for breathing (fluid overload) and comfort. */
enum sim_position {
    SIM_POS_LEFT_SIDE = 0,
    SIM_POS_RIGHT_SIDE,
    SIM_POS_BACK, /* lying flat */
    SIM_POS_SEMI_UPRIGHT,
    SIM_POS_UPRIGHT,
    SIM_NPOSITIONS
};

enum sim_device {
    SIM_DEV_WEARABLE = 0,
    SIM_DEV_BED_SENSOR,
    SIM_DEV_DOOR_SENSOR,
    SIM_DEV_CALL_BUTTON,
    SIM_NDEVICES
};

enum sim_fault {
    SIM_FAULT_LOOSE = 0,   /* wearable strap loose: optical readings unreliable */
    SIM_FAULT_OFF_BODY,    /* wearable taken off, lying still on a surface */
    SIM_FAULT_DROPPED,     /* wearable slips off and falls to the floor (an impact, then still) */
    SIM_FAULT_LOW_BATTERY, /* the battery is set low and drains fast */
    SIM_FAULT_DISCONNECT,  /* no data reaches the platform */
    SIM_NFAULTS
};

enum sim_injury {
    SIM_INJURY_NONE = 0,
    SIM_INJURY_BRUISE,
    SIM_INJURY_SKIN_TEAR,
    SIM_INJURY_WRIST_FRACTURE,
    SIM_INJURY_HIP_FRACTURE,
    SIM_NINJURIES
};

/* Events of a scenario's timeline. */
enum sim_event_kind {
    SIM_EV_GET_UP = 0, /* leaves the bed (the bed sensor sees it) and stands */
    SIM_EV_WALK,       /* walks about the room */
    SIM_EV_SIT,        /* sits in a chair */
    SIM_EV_RETURN_TO_BED,
    SIM_EV_SLEEP,
    SIM_EV_TURN_OVER,  /* moves in bed */
    SIM_EV_LEAVE_ROOM, /* through the room door (door sensor) */
    SIM_EV_EXIT_DOOR,  /* through the building's exit door */
    SIM_EV_FALL,
    SIM_EV_CALL_BUTTON,
    SIM_EV_CONDITION, /* a trajectory starts or changes */
    SIM_EV_DEVICE_FAULT,
    SIM_EV_DEVICE_RESTORE,
    SIM_EV_SAY, /* the resident says something (text for the trainee) */
    SIM_EV_END, /* the scenario ends */
    SIM_NEVENTS
};

enum sim_alert_kind {
    SIM_ALERT_NEWS2 = 0,
    SIM_ALERT_FALL,
    SIM_ALERT_BED_EXIT,
    SIM_ALERT_WANDERING,
    SIM_ALERT_DEVICE_OFFLINE,
    SIM_ALERT_LOW_BATTERY,
    SIM_ALERT_CALL_BUTTON,
    SIM_ALERT_TASK_DUE,
    SIM_ALERT_MISSED_TASK,
    SIM_NALERTS
};

enum sim_priority { SIM_PRIO_LOW = 0, SIM_PRIO_NORMAL, SIM_PRIO_HIGH, SIM_PRIO_URGENT, SIM_NPRIOS };

enum sim_alert_state {
    SIM_ALERT_OPEN = 0,
    SIM_ALERT_ACKNOWLEDGED,
    SIM_ALERT_DISMISSED, /* by the trainee, with a reason */
    SIM_ALERT_CLEARED,   /* by the engine: its cause has gone */
    SIM_NALERT_STATES
};

/* The trainee's actions. */
enum sim_action_type {
    SIM_ACTION_ACKNOWLEDGE = 0,
    SIM_ACTION_DISMISS,
    SIM_ACTION_GO_TO_ROOM,
    SIM_ACTION_REVIEW_DATA,
    SIM_ACTION_OBSERVE,
    SIM_ACTION_MEASURE,
    SIM_ACTION_SCORE_NEWS2,
    SIM_ACTION_APPLY_OXYGEN,
    SIM_ACTION_ADJUST_OXYGEN,
    SIM_ACTION_STOP_OXYGEN,
    SIM_ACTION_GIVE_FLUIDS,
    SIM_ACTION_GIVE_GLUCOSE,
    SIM_ACTION_GIVE_MEDICATION,
    SIM_ACTION_REPOSITION,
    SIM_ACTION_SIT_UP,
    SIM_ACTION_ASSIST_TO_BED,
    SIM_ACTION_STAY_WITH,
    SIM_ACTION_GUIDE_BACK,
    SIM_ACTION_STOP_FEEDING,
    SIM_ACTION_BACK_BLOWS,
    SIM_ACTION_ABDOMINAL_THRUSTS,
    SIM_ACTION_COMFORT,
    SIM_ACTION_CHECK_DEVICE,
    SIM_ACTION_REFIT_DEVICE,
    SIM_ACTION_REPLACE_BATTERY,
    SIM_ACTION_RESTART_DEVICE,
    SIM_ACTION_CALL,
    SIM_ACTION_DOCUMENT,
    SIM_ACTION_HAND_HYGIENE,
    SIM_NACTIONS
};

/* The parameters actions take (beside resident, sbar, facts and text). */
enum sim_param {
    SIM_P_ALERT = 0,     /* alert kind */
    SIM_P_ALERT_ID,      /* number of an alert */
    SIM_P_REASON,        /* why an alert is dismissed */
    SIM_P_FOCUS,         /* what an observation looks at */
    SIM_P_VITAL,         /* enum sim_measure */
    SIM_P_VALUE,         /* a NEWS2 total the trainee worked out */
    SIM_P_OXYGEN_DEVICE, /* enum sim_o2_device */
    SIM_P_FLOW_LPM,      /* oxygen flow, L/min */
    SIM_P_TARGET,        /* target SpO2 range */
    SIM_P_ML,            /* fluid, mL */
    SIM_P_GRAMS,         /* glucose, g */
    SIM_P_ROUTE,
    SIM_P_DRUG,      /* a medicine id of the resident (index in the scenario's medicine table) */
    SIM_P_POSITION,  /* enum sim_position */
    SIM_P_HELPERS,   /* people moving the resident, the trainee included */
    SIM_P_EQUIPMENT, /* for moving */
    SIM_P_COUNT,     /* back blows or abdominal thrusts */
    SIM_P_CARE,      /* comfort care */
    SIM_P_DEVICE,    /* enum sim_device */
    SIM_P_TO,        /* enum sim_responder */
    SIM_P_ABOUT,     /* what a document records */
    SIM_NPARAMS
};

enum sim_dismiss_reason {
    SIM_REASON_DEVICE_ARTEFACT = 0,
    SIM_REASON_DEVICE_OFF_BODY,
    SIM_REASON_DEVICE_FAULT,
    SIM_REASON_RESIDENT_OK,
    SIM_REASON_DUPLICATE,
    SIM_REASON_RESOLVED,
    SIM_REASON_TEST,
    SIM_REASON_OTHER,
    SIM_NREASONS
};

enum sim_focus {
    SIM_FOCUS_GENERAL = 0,
    SIM_FOCUS_BREATHING,
    SIM_FOCUS_SKIN,
    SIM_FOCUS_CONSCIOUSNESS,
    SIM_FOCUS_INJURY,
    SIM_FOCUS_PAIN,
    SIM_FOCUS_ENVIRONMENT,
    SIM_NFOCUS
};

enum sim_o2_device {
    SIM_O2_NASAL_CANNULA = 0,
    SIM_O2_VENTURI_24,
    SIM_O2_VENTURI_28,
    SIM_O2_VENTURI_35,
    SIM_O2_SIMPLE_MASK,
    SIM_O2_NON_REBREATHER,
    SIM_NO2_DEVICES
};

enum sim_target { SIM_TARGET_88_92 = 0, SIM_TARGET_94_98, SIM_NTARGETS };

enum sim_route {
    SIM_ROUTE_ORAL = 0,
    SIM_ROUTE_GEL, /* glucose gel inside the cheek */
    SIM_NROUTES
};

enum sim_equipment {
    SIM_EQUIP_NONE = 0,
    SIM_EQUIP_HOIST,
    SIM_EQUIP_SLIDE_SHEET,
    SIM_EQUIP_TRANSFER_BELT,
    SIM_NEQUIPMENT
};

enum sim_care {
    SIM_CARE_MOUTH_CARE = 0,
    SIM_CARE_REASSURE,
    SIM_CARE_PAIN_RELIEF_POSITION,
    SIM_CARE_WARMTH,
    SIM_CARE_MUSIC,
    SIM_CARE_SKIN_CARE,
    SIM_NCARE
};

enum sim_responder {
    SIM_RESP_NURSE = 0,
    SIM_RESP_DOCTOR,
    SIM_RESP_FAMILY,
    SIM_RESP_EMERGENCY,
    SIM_NRESPONDERS
};

enum sim_about {
    SIM_ABOUT_OBSERVATIONS = 0,
    SIM_ABOUT_FALL,
    SIM_ABOUT_INCIDENT,
    SIM_ABOUT_CARE,
    SIM_ABOUT_DEVICE,
    SIM_ABOUT_HANDOVER,
    SIM_ABOUT_ALERT,
    SIM_NABOUT
};

/*
 * Facts a call's SBAR or a document mentions, chosen from a checklist (the
 * free text beside them is for people; the facts are what is scored).
 * At most 64, so a set of them is a uint64_t.
 */
enum sim_fact {
    SIM_FACT_FALL = 0,
    SIM_FACT_HEAD_STRIKE,
    SIM_FACT_ANTICOAGULANT,
    SIM_FACT_DEMENTIA,
    SIM_FACT_HIP_INJURY,
    SIM_FACT_PAIN,
    SIM_FACT_BLEEDING,
    SIM_FACT_NEWS2,
    SIM_FACT_SPO2,
    SIM_FACT_TARGET_SPO2,
    SIM_FACT_OXYGEN,
    SIM_FACT_COPD,
    SIM_FACT_BREATHING,
    SIM_FACT_RESP_RATE,
    SIM_FACT_PULSE,
    SIM_FACT_BLOOD_PRESSURE,
    SIM_FACT_TEMPERATURE,
    SIM_FACT_CONSCIOUSNESS,
    SIM_FACT_CONFUSION,
    SIM_FACT_GLUCOSE,
    SIM_FACT_DIABETES,
    SIM_FACT_INSULIN,
    SIM_FACT_INFECTION,
    SIM_FACT_URINE,
    SIM_FACT_FLUID_INTAKE,
    SIM_FACT_WEIGHT,
    SIM_FACT_OEDEMA,
    SIM_FACT_HEART_FAILURE,
    SIM_FACT_DEVICE_FAULT,
    SIM_FACT_FALSE_ALARM,
    SIM_FACT_WANDERING,
    SIM_FACT_CHOKING,
    SIM_FACT_DYSPHAGIA,
    SIM_FACT_END_OF_LIFE,
    SIM_FACT_FAMILY,
    SIM_FACT_WISHES,
    SIM_FACT_MEDICATION,
    SIM_FACT_MISSED_DOSE,
    SIM_FACT_ALLERGY,
    SIM_FACT_SKIN,
    SIM_FACT_MOBILITY,
    SIM_FACT_TIME_FOUND,
    SIM_FACT_BASELINE,
    SIM_FACT_TREND,
    SIM_FACT_BED_EXIT,
    SIM_FACT_SENSOR_DATA,
    SIM_NFACTS
};

/* Where the trainee is. */
enum sim_where {
    SIM_WHERE_STATION = 0, /* at the nurses' station, in front of the dashboard */
    SIM_WHERE_WALKING,     /* on the way to a resident */
    SIM_WHERE_RESIDENT,    /* with a resident */
    SIM_NWHERE
};

/* What an action came to. */
enum sim_outcome {
    SIM_OUT_OK = 0,
    SIM_OUT_NOT_THERE,      /* the action needs the trainee with the resident */
    SIM_OUT_NO_SUCH_ALERT,  /* no alert of that kind or number is open */
    SIM_OUT_NOT_APPLICABLE, /* nothing to do (no oxygen to stop, no fault to fix, …) */
    SIM_OUT_NO_HELP,        /* more helpers asked than are present */
    SIM_OUT_UNSAFE,         /* done, and harmful (e.g. glucose by mouth to a drowsy resident) */
    SIM_OUT_AWAY,           /* the resident has been transferred */
    SIM_OUT_ENDED,          /* the scenario has ended */
    SIM_OUT_INVALID,        /* not a valid action (a parameter out of its range or table) */
    SIM_NOUTCOMES
};

/* What the event log records (struct sim_event). */
enum sim_log_kind {
    SIM_LOG_TIMELINE = 0,       /* a: the timeline event's index */
    SIM_LOG_ALERT_RAISED,       /* a: alert number, b: kind, c: priority, d: detail */
    SIM_LOG_ALERT_ACKNOWLEDGED, /* a: alert number, b: kind */
    SIM_LOG_ALERT_ESCALATED,    /* a: alert number, b: kind, c: escalation count */
    SIM_LOG_ALERT_UPGRADED,     /* a: alert number, b: kind, c: priority, d: detail */
    SIM_LOG_ALERT_DISMISSED,    /* a: alert number, b: kind, c: reason */
    SIM_LOG_ALERT_CLEARED,      /* a: alert number, b: kind */
    SIM_LOG_DETECTOR,           /* a: enum fall_event_kind, b: peak milli-g, c: dismiss reason */
    SIM_LOG_BED_EXIT,
    SIM_LOG_BED_RETURN,
    SIM_LOG_DOOR,      /* a: 0 the room door, 1 the exit door */
    SIM_LOG_DEVICE,    /* a: device, b: enum sim_device_status, c: fault */
    SIM_LOG_ACTION,    /* a: the action's index in the action log, b: type, c: outcome */
    SIM_LOG_RESPONDER, /* a: enum sim_responder, b: 0 called, 1 arrived */
    SIM_LOG_TASK,      /* a: the task's index, b: 0 due, 1 missed, 2 done */
    SIM_LOG_HARM,      /* a: enum sim_harm */
    SIM_LOG_TRANSFER,  /* the resident left for hospital */
    SIM_LOG_END,
    SIM_NLOG_KINDS
};

enum sim_device_status {
    SIM_DEVST_FAULT = 0, /* c: enum sim_fault */
    SIM_DEVST_RESTORED,  /* the fault is gone */
    SIM_DEVST_OFFLINE,   /* no data for SIM_OFFLINE_MS */
    SIM_DEVST_ONLINE,    /* data again */
    SIM_DEVST_BATTERY_LOW,
    SIM_DEVST_SPARED, /* a fault of the timeline did not happen: its if_fault did not hold */
    SIM_NDEVSTATUS
};

/* Harm done to a resident, for the debrief. */
enum sim_harm {
    SIM_HARM_MOVED_WITH_FRACTURE = 0, /* moved with a suspected fracture without equipment or
                                         help */
    SIM_HARM_ORAL_WHEN_DROWSY,        /* given something by mouth while not able to swallow
                                         safely */
    SIM_HARM_OVER_OXYGENATION,        /* a CO2 retainer kept above 96 % on oxygen for 5 min */
    SIM_HARM_FLUIDS_IN_OVERLOAD,      /* given fluids while fluid-overloaded */
    SIM_NHARMS
};

/* The tables of ids, for sim_vocab_find and sim_vocab_id. */
enum sim_vocab {
    SIM_VOCAB_VITAL = 0,
    SIM_VOCAB_MEASURE,
    SIM_VOCAB_TRAJ,
    SIM_VOCAB_CONDITION,
    SIM_VOCAB_DRUG_CLASS,
    SIM_VOCAB_ACTIVITY,
    SIM_VOCAB_PLACE,
    SIM_VOCAB_POSITION,
    SIM_VOCAB_DEVICE,
    SIM_VOCAB_FAULT,
    SIM_VOCAB_INJURY,
    SIM_VOCAB_EVENT,
    SIM_VOCAB_ALERT,
    SIM_VOCAB_PRIORITY,
    SIM_VOCAB_ALERT_STATE,
    SIM_VOCAB_ACTION,
    SIM_VOCAB_PARAM,
    SIM_VOCAB_REASON,
    SIM_VOCAB_FOCUS,
    SIM_VOCAB_O2_DEVICE,
    SIM_VOCAB_TARGET,
    SIM_VOCAB_ROUTE,
    SIM_VOCAB_EQUIPMENT,
    SIM_VOCAB_CARE,
    SIM_VOCAB_RESPONDER,
    SIM_VOCAB_ABOUT,
    SIM_VOCAB_FACT,
    SIM_VOCAB_WHERE,
    SIM_VOCAB_OUTCOME,
    SIM_VOCAB_LOG,
    SIM_VOCAB_DEVICE_STATUS,
    SIM_VOCAB_HARM,
    SIM_NVOCABS
};

/* The id of VALUE in TABLE; "" when out of range. */
const char *sim_vocab_id(enum sim_vocab table, int value);

/* The value whose id is S in TABLE; -1 when there is none. */
int sim_vocab_find(enum sim_vocab table, const char *s);

/* The number of ids in TABLE. */
int sim_vocab_count(enum sim_vocab table);

/* The table a parameter's values come from; -1 for numbers and for SIM_P_DRUG. */
int sim_param_vocab(enum sim_param param);

/* The least and greatest value of a numeric parameter. */
void sim_param_range(enum sim_param param, int *min, int *max);

/* 1 when action TYPE takes PARAM; 2 when it must have it. */
int sim_param_allowed(enum sim_action_type type, enum sim_param param);

/*
 * 1 when action TYPE is done at the resident's side (the trainee must be
 * there), 0 when it is done from anywhere (acknowledge, call, document, …).
 */
int sim_action_at_resident(enum sim_action_type type);

/* 1 when action TYPE names a resident (all but acknowledge, dismiss and hand_hygiene must). */
int sim_action_needs_resident(enum sim_action_type type);

#endif
