/*
 * The physiology of one resident, stepped once a simulated second: heart
 * rate, respiration, SpO2, blood pressure, temperature, blood glucose,
 * weight and consciousness (ACVPU), each a baseline plus a circadian rhythm,
 * the response to what the resident is doing, the effects of the
 * trajectories under way (sepsis, hypoglycaemia, COPD exacerbation,
 * dehydration with delirium, fluid overload, head injury, choking, the end of
 * life) and of the care given (oxygen, fluids, glucose, position), reached
 * through first-order lags with realistic time constants, plus beat-to-beat
 * noise.
 *
 * Integer arithmetic only (values in micro-units, SIM_U per unit; times in
 * whole seconds), so that the same seed gives the same numbers in every
 * build. No I/O, no allocation. docs/scenarios.md gives the model's
 * coefficients and what each intervention does, with its delay.
 */
#ifndef CC_SIM_PHYSIO_H
#define CC_SIM_PHYSIO_H

#include <stdint.h>

#include "sim/rng.h"
#include "sim/vocab.h"

/*
 * A trajectory as a scenario states it (at the start or at a timeline event).
 * Which fields count depends on the kind (docs/scenarios.md):
 *   sepsis, copd_exacerbation, head_injury, end_of_life: severity, per_hour
 *   hypoglycaemia: glucose (when > 0), per_hour (mmol/L fall per hour, ×1000), for_s
 *   dehydration: ml (deficit), ml_per_hour (further loss), delirium_ml
 *   fluid_overload: ml (excess), ml_per_hour (further gain)
 *   choking: severity (obstruction), clear_per_blow, clear_per_thrust
 */
struct sim_traj_spec {
    enum sim_traj kind;
    int32_t severity;         /* 0–10000 (hundredths of a per cent) */
    int32_t per_hour;         /* change of severity per hour, same units (may be < 0);
                                 hypoglycaemia: the fall of glucose, mmol/L × 1000 per hour */
    int32_t glucose;          /* hypoglycaemia: glucose now, mmol/L × 1000 (0: unchanged) */
    int32_t for_s;            /* hypoglycaemia: how long the fall lasts (0: until treated) */
    int32_t ml;               /* dehydration: deficit; fluid_overload: excess */
    int32_t ml_per_hour;      /* further loss (dehydration) or gain (overload) */
    int32_t delirium_ml;      /* dehydration: deficit at which delirium starts (0: 1500) */
    int32_t clear_per_blow;   /* choking: obstruction cleared by one back blow, 0–10000 */
    int32_t clear_per_thrust; /* choking: by one abdominal thrust */
    int hypothermic;          /* sepsis: the temperature falls instead of rising */
};

/* Limits that keep every value a living (or just dying) person's. */
#define SIM_SPO2_MIN_U (50 * SIM_U)

struct sim_physio {
    int64_t baseline[SIM_NVITALS]; /* at rest, awake, at the circadian mean */
    int64_t mean[SIM_NVITALS];     /* the lagged value */
    int64_t value[SIM_NVITALS];    /* the value this second: mean plus noise */
    int acvpu;                     /* enum news2_acvpu */
    int spo2_scale;                /* 1, or 2 for a prescribed target of 88–92 % */
    uint32_t conditions;           /* set of enum sim_condition */
    int co2_retainer;              /* COPD on scale 2: too much oxygen raises the CO2 */

    /* Trajectories: severity = sev0 + per_hour * (t - t0) / 3600, clamped to 0–10000. */
    uint32_t active; /* set of enum sim_traj */
    int32_t sev[SIM_NTRAJ];
    int32_t sev0[SIM_NTRAJ];
    int32_t per_hour[SIM_NTRAJ];
    int64_t t0[SIM_NTRAJ];
    int hypothermic;

    /* Hypoglycaemia: the glucose falls by gluc_fall_per_h from gluc_t0 until gluc_until. */
    int64_t gluc_offset0; /* µmol/L below baseline at gluc_t0 */
    int64_t gluc_fall_per_h;
    int64_t gluc_t0, gluc_until; /* s; gluc_until < 0: no end */
    int64_t gut_glucose_mg;      /* swallowed, not yet absorbed */
    int64_t glucose_from;        /* s: absorption starts */
    int64_t absorbed_glucose_mg;

    /* Fluid balance in µL: bal0 + rate * (t - t0) / 3600 + absorbed (excess > 0, deficit < 0). */
    int64_t fluid_bal0;
    int32_t fluid_ml_per_h;
    int64_t fluid_t0;
    int64_t gut_fluid_ul;
    int64_t fluid_from;
    int64_t absorbed_fluid_ul;
    int32_t delirium_ml;
    int delirium;

    /* Choking: the obstruction is sev[SIM_TRAJ_CHOKING]. */
    int32_t clear_per_blow, clear_per_thrust;

    /* Oxygen. */
    int o2_on;
    int o2_device;             /* enum sim_o2_device */
    int o2_flow;               /* L/min */
    int fio2;                  /* inspired oxygen, % */
    int64_t paco2, paco2_base; /* µkPa */

    /* Posture and body. */
    int activity;    /* enum sim_activity */
    int position;    /* enum sim_position, in bed or chair */
    int32_t upright; /* 0 (flat) – 1000 (sitting up), lagged */
    int pain;        /* 0–10 */
    int injury;      /* enum sim_injury of the last fall */
    int head_strike;
    int moved_unsafely;    /* moved with a suspected fracture without equipment */
    int distress;          /* 0–100 */
    int64_t comfort_until; /* s: comfort care eases distress until then */
    int64_t t;             /* s: the time of the last step */
};

/*
 * Sets up P: BASELINE in micro-units (temperature in µ°C, weight in µkg),
 * CONDITIONS a set of enum sim_condition, SPO2_SCALE 1 or 2. The values start
 * at the targets of time T (s) at CLOCK_S seconds after midnight.
 */
void sim_physio_init(struct sim_physio *p, const int64_t baseline[SIM_NVITALS], uint32_t conditions,
                     int spo2_scale, int activity, int64_t t, int clock_s);

/*
 * Sets every value to its target now (time T, CLOCK_S after midnight), as if
 * the resident had been in this state for a while: for the start of a
 * scenario, after its trajectories and position are set.
 */
void sim_physio_settle(struct sim_physio *p, int64_t t, int clock_s);

/* Starts (or restates) a trajectory at time T (s). */
void sim_physio_start(struct sim_physio *p, const struct sim_traj_spec *spec, int64_t t);

/* Advances P to time T (one second after the last step), CLOCK_S seconds after midnight. */
void sim_physio_step(struct sim_physio *p, int64_t t, int clock_s, struct sim_rng *r);

/* The inspired oxygen (%) a device gives at a flow; 21 for none. */
int sim_physio_fio2(int device, int flow);

/* Oxygen on (DEVICE, FLOW) or, with DEVICE < 0, off. */
void sim_physio_oxygen(struct sim_physio *p, int device, int flow);

/* ML of fluid by mouth at time T: absorbed from ten minutes later at 10 mL a minute. */
void sim_physio_give_fluids(struct sim_physio *p, int ml, int64_t t);

/*
 * GRAMS of glucose by mouth or as gel at time T: absorbed from five minutes
 * later at 1.5 g a minute, each gram about 0.17 mmol/L. Returns 1 when it was
 * unsafe (the resident cannot swallow safely: ACVPU V, P or U, or choking),
 * and then nothing is absorbed.
 */
int sim_physio_give_glucose(struct sim_physio *p, int grams, int64_t t);

/* Back blows (THRUSTS 0) or abdominal thrusts (1), COUNT of them: the obstruction eases. */
void sim_physio_clear_airway(struct sim_physio *p, int thrusts, int count);

/* Sets the activity (enum sim_activity) and, for a resident in bed or chair, the position. */
void sim_physio_activity(struct sim_physio *p, int activity);
void sim_physio_position(struct sim_physio *p, int position);

/* The resident fell at time T: on the floor, with INJURY and maybe a HEAD_STRIKE. */
void sim_physio_fall(struct sim_physio *p, int injury, int head_strike);

/* The fluid balance now, mL (excess > 0, deficit < 0). */
int64_t sim_physio_fluid_ml(const struct sim_physio *p);

/* A vital now in display units, rounded: heart rate, RR, SpO2, SBP, DBP whole; temperature in
 * tenths of a °C; glucose in tenths of a mmol/L; weight in tenths of a kg. */
int sim_physio_display(const struct sim_physio *p, enum sim_vital v);

/* Rounds micro-units to whole units (halves away from zero) or to tenths. */
int sim_round_units(int64_t u);
int sim_round_tenths(int64_t u);

#endif
