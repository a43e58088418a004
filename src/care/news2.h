/*
 * The National Early Warning Score 2 (Royal College of Physicians, 2017): the
 * seven parameters of one set of observations are each scored 0–3 from the RCP
 * chart, summed (0–20), and the total and the single-parameter rule give the
 * clinical risk and the response it calls for.
 *
 * A pure engine: no I/O, no allocation, no language. Parameters, risks and
 * responses are enums with stable machine ids (news2_*_id); the words people
 * read, in English or Chinese, belong to the CLI and the UI. docs/care.md has
 * the chart, the validity ranges and the rounding rule.
 */
#ifndef CC_CARE_NEWS2_H
#define CC_CARE_NEWS2_H

/* Errors of news2_validate and news2_score: which observation is impossible. */
enum news2_err {
    NEWS2_OK = 0,
    NEWS2_ERR_RR = -1,     /* respiration rate outside NEWS2_RR_MIN..MAX */
    NEWS2_ERR_SPO2 = -2,   /* SpO2 outside NEWS2_SPO2_MIN..MAX */
    NEWS2_ERR_SCALE = -3,  /* the SpO2 scale is neither 1 nor 2 */
    NEWS2_ERR_OXYGEN = -4, /* on_oxygen is neither 0 nor 1 */
    NEWS2_ERR_SBP = -5,    /* systolic blood pressure outside NEWS2_SBP_MIN..MAX */
    NEWS2_ERR_PULSE = -6,  /* pulse outside NEWS2_PULSE_MIN..MAX */
    NEWS2_ERR_ACVPU = -7,  /* not one of enum news2_acvpu */
    NEWS2_ERR_TEMP = -8,   /* temperature outside NEWS2_TEMP_MIN..MAX (tenths of a degree) */
};

/*
 * Validity ranges: values outside them cannot be a living person's reading
 * (or are a typing slip: 370 for 37.0, Fahrenheit for Celsius) and are refused;
 * extreme values inside them are scored. Temperatures are in tenths of a °C.
 */
#define NEWS2_RR_MIN    0   /* apnoea */
#define NEWS2_RR_MAX    80  /* breaths per minute */
#define NEWS2_SPO2_MIN  1   /* % */
#define NEWS2_SPO2_MAX  100 /* % */
#define NEWS2_SBP_MIN   20  /* mmHg */
#define NEWS2_SBP_MAX   300 /* mmHg, the top of a cuff's scale */
#define NEWS2_PULSE_MIN 10  /* per minute */
#define NEWS2_PULSE_MAX 300 /* per minute */
#define NEWS2_TEMP_MIN  130 /* 13.0 °C: below the lowest temperature survived */
#define NEWS2_TEMP_MAX  470 /* 47.0 °C: above the highest temperature survived */

/* The level of consciousness on the ACVPU scale. */
enum news2_acvpu {
    NEWS2_ALERT = 0,
    NEWS2_CONFUSION = 1, /* new confusion (or new disorientation, agitation) */
    NEWS2_VOICE = 2,     /* responds to voice */
    NEWS2_PAIN = 3,      /* responds to pain */
    NEWS2_UNRESPONSIVE = 4,
};

/* The seven parameters, in the order of the RCP chart. */
enum news2_param {
    NEWS2_PARAM_RR = 0,
    NEWS2_PARAM_SPO2,
    NEWS2_PARAM_AIR_OXYGEN,
    NEWS2_PARAM_SBP,
    NEWS2_PARAM_PULSE,
    NEWS2_PARAM_ACVPU,
    NEWS2_PARAM_TEMP,
    NEWS2_NPARAMS
};

/* The clinical risk of the RCP chart. */
enum news2_risk {
    NEWS2_RISK_LOW = 0,        /* total 0–4 */
    NEWS2_RISK_LOW_MEDIUM = 1, /* total 1–4 with a 3 in a single parameter */
    NEWS2_RISK_MEDIUM = 2,     /* total 5–6 */
    NEWS2_RISK_HIGH = 3,       /* total 7 or more */
};

/* The clinical response (and the least frequency of monitoring) the RCP ties to a score. */
enum news2_response {
    NEWS2_RESPONSE_ROUTINE = 0,     /* total 0: at least 12-hourly; routine monitoring */
    NEWS2_RESPONSE_WARD = 1,        /* total 1–4: 4–6-hourly; a registered nurse assesses */
    NEWS2_RESPONSE_URGENT_WARD = 2, /* a 3 in one parameter: hourly; the nurse informs the medical
                                       team, who decide on escalation */
    NEWS2_RESPONSE_URGENT = 3,      /* total 5–6: hourly; urgent assessment by a clinician
                                       competent in acute illness */
    NEWS2_RESPONSE_EMERGENCY = 4,   /* total 7+: continuous monitoring; emergency assessment by a
                                       critical-care team */
};

/* One set of observations. */
struct news2_obs {
    int rr;        /* respiration rate, breaths per minute */
    int spo2;      /* oxygen saturation, % */
    int scale;     /* SpO2 scale: 1, or 2 for a prescribed target of 88–92 % */
    int on_oxygen; /* 1 on supplemental oxygen, 0 on air */
    int sbp;       /* systolic blood pressure, mmHg */
    int pulse;     /* per minute */
    enum news2_acvpu acvpu;
    int temp; /* temperature in tenths of a °C (381 is 38.1 °C); see news2_temp_tenths */
};

/* The scores of one set of observations. */
struct news2_result {
    int score[NEWS2_NPARAMS]; /* each 0–3, by enum news2_param */
    int total;                /* 0–20 */
    int single_3;             /* 1 when some parameter scored 3 */
    enum news2_risk risk;
    enum news2_response response;
};

/* NEWS2_OK when every observation is in its validity range, else the first one that is not. */
int news2_validate(const struct news2_obs *obs) __attribute__((warn_unused_result));

/*
 * Scores OBS into *OUT. Returns NEWS2_OK, or the error of news2_validate with
 * *OUT untouched.
 */
int news2_score(const struct news2_obs *obs, struct news2_result *out)
    __attribute__((warn_unused_result));

/* The score of one valid parameter of OBS (0–3); the chart row by row. */
int news2_param_score(enum news2_param param, const struct news2_obs *obs);

/*
 * The risk and response of a TOTAL with SINGLE_3 (some parameter scored 3):
 * the higher band wins, so 5 with a single 3 is medium.
 */
enum news2_risk news2_risk_of(int total, int single_3);
enum news2_response news2_response_of(int total, int single_3);

/*
 * A temperature in °C rounded to tenths as the chart reads it: to the nearest
 * tenth, halves upwards, so 38.05 is 38.1 (scores 1) and 38.04 is 38.0
 * (scores 0). The comparison allows for binary floating point, in which 38.05
 * is a little below 38.05. Values far outside the validity range are clamped
 * to just outside it (so they are still refused) and NaN gives INT_MIN.
 */
int news2_temp_tenths(double celsius);

/* Parses A, C, V, P or U (either case) into *OUT; -1 for anything else. */
int news2_acvpu_parse(const char *s, enum news2_acvpu *out) __attribute__((warn_unused_result));

/* The letter of an ACVPU level: "A", "C", "V", "P" or "U". */
const char *news2_acvpu_letter(enum news2_acvpu acvpu);

/*
 * Stable machine ids (for JSON and for looking up texts): "respiration_rate",
 * "spo2", "air_or_oxygen", "systolic_bp", "pulse", "consciousness",
 * "temperature"; risks "low", "low_medium", "medium", "high"; responses
 * "routine", "ward", "urgent_ward", "urgent", "emergency".
 */
const char *news2_param_id(enum news2_param param);
const char *news2_risk_id(enum news2_risk risk);
const char *news2_response_id(enum news2_response response);

/* The field an error of news2_validate is about: "rr", "spo2", "scale", … ("" for NEWS2_OK). */
const char *news2_err_field(int err);

#endif
