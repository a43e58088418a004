/*
 * The Morse Fall Scale (Morse, Morse and Tylko 1989): six items scored from
 * the person's history and a look at how they walk, summed to 0–125, and a
 * risk category from cut-offs each institution sets for itself (by default
 * below 25 low, 25–44 moderate, 45 or more high).
 *
 * A pure engine: no I/O, no allocation, no language. The items' answers have
 * stable machine ids (morse_*_id, morse_*_parse) shared by the CLI, the API and
 * the UI; the words people read are theirs. docs/care.md has the scale.
 */
#ifndef CC_CARE_MORSE_H
#define CC_CARE_MORSE_H

/* Errors of morse_validate, morse_cutoffs_validate and morse_score. */
enum morse_err {
    MORSE_OK = 0,
    MORSE_ERR_HISTORY = -1,   /* history is neither 0 nor 1 */
    MORSE_ERR_SECONDARY = -2, /* secondary is neither 0 nor 1 */
    MORSE_ERR_AID = -3,       /* not one of enum morse_aid */
    MORSE_ERR_IV = -4,        /* iv is neither 0 nor 1 */
    MORSE_ERR_GAIT = -5,      /* not one of enum morse_gait */
    MORSE_ERR_MENTAL = -6,    /* not one of enum morse_mental */
    MORSE_ERR_CUTOFFS = -7,   /* not 1 <= moderate <= high <= MORSE_MAX */
};

#define MORSE_MAX 125 /* the highest total */

/* Ambulatory aid. */
enum morse_aid {
    MORSE_AID_NONE = 0,      /* none, bed rest, or a nurse assists: 0 */
    MORSE_AID_CRUTCHES = 1,  /* crutches, cane or walker: 15 */
    MORSE_AID_FURNITURE = 2, /* clutches the furniture to walk: 30 */
};

/* Gait. */
enum morse_gait {
    MORSE_GAIT_NORMAL = 0,   /* normal, on bed rest, or in a wheelchair: 0 */
    MORSE_GAIT_WEAK = 1,     /* weak: 10 */
    MORSE_GAIT_IMPAIRED = 2, /* impaired: 20 */
};

/* Mental status: how the person judges their own ability to walk. */
enum morse_mental {
    MORSE_MENTAL_ORIENTED = 0, /* oriented to own ability: 0 */
    MORSE_MENTAL_FORGETS = 1,  /* overestimates or forgets limitations: 15 */
};

/* The six items, in the order of the scale. */
enum morse_item {
    MORSE_ITEM_HISTORY = 0,
    MORSE_ITEM_SECONDARY,
    MORSE_ITEM_AID,
    MORSE_ITEM_IV,
    MORSE_ITEM_GAIT,
    MORSE_ITEM_MENTAL,
    MORSE_NITEMS
};

/* One assessment. */
struct morse_items {
    int history;   /* 1: fell during this stay or has a recent history of falls (25) */
    int secondary; /* 1: more than one medical diagnosis (15) */
    enum morse_aid aid;
    int iv; /* 1: intravenous therapy or a heparin lock (20) */
    enum morse_gait gait;
    enum morse_mental mental;
};

/*
 * The cut-offs: a total of at least HIGH is high risk, at least MODERATE
 * moderate, anything lower low. MODERATE == HIGH leaves no moderate band, for
 * institutions that use two categories.
 */
struct morse_cutoffs {
    int moderate;
    int high;
};

#define MORSE_CUTOFFS_DEFAULT                                                                      \
    {                                                                                              \
        25, 45                                                                                     \
    }

enum morse_risk {
    MORSE_RISK_LOW = 0,
    MORSE_RISK_MODERATE = 1,
    MORSE_RISK_HIGH = 2,
};

struct morse_result {
    int score[MORSE_NITEMS]; /* by enum morse_item */
    int total;               /* 0–125, a multiple of 5 */
    enum morse_risk risk;
};

/* MORSE_OK when every item holds one of its answers, else the first that does not. */
int morse_validate(const struct morse_items *items) __attribute__((warn_unused_result));

/* MORSE_OK when 1 <= moderate <= high <= MORSE_MAX, else MORSE_ERR_CUTOFFS. */
int morse_cutoffs_validate(const struct morse_cutoffs *cutoffs) __attribute__((warn_unused_result));

/*
 * Scores ITEMS into *OUT with CUTOFFS (NULL: the defaults). Returns MORSE_OK
 * or the error of the validation with *OUT untouched.
 */
int morse_score(const struct morse_items *items, const struct morse_cutoffs *cutoffs,
                struct morse_result *out) __attribute__((warn_unused_result));

/* The risk category of TOTAL under CUTOFFS (assumed valid). */
enum morse_risk morse_risk_of(int total, const struct morse_cutoffs *cutoffs);

/*
 * Parses an answer's machine id into *OUT; -1 for an unknown one. Aids: none,
 * bed-rest, nurse-assist (0); crutches, cane, walker (15); furniture (30).
 * Gaits: normal, bed-rest, wheelchair (0); weak (10); impaired (20). Mental
 * status: oriented (0); forgets (15).
 */
int morse_aid_parse(const char *s, enum morse_aid *out) __attribute__((warn_unused_result));
int morse_gait_parse(const char *s, enum morse_gait *out) __attribute__((warn_unused_result));
int morse_mental_parse(const char *s, enum morse_mental *out) __attribute__((warn_unused_result));

/*
 * Stable machine ids: items "history", "secondary_diagnosis", "ambulatory_aid",
 * "iv", "gait", "mental_status"; aids "none", "crutches", "furniture"; gaits
 * "normal", "weak", "impaired"; mental "oriented", "forgets"; risks "low",
 * "moderate", "high".
 */
const char *morse_item_id(enum morse_item item);
const char *morse_aid_id(enum morse_aid aid);
const char *morse_gait_id(enum morse_gait gait);
const char *morse_mental_id(enum morse_mental mental);
const char *morse_risk_id(enum morse_risk risk);

#endif
