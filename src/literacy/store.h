/*
 * A college's item bank and settings, kept in the database (schema
 * 0010_literacy.sql): the bank it tests with (the bundled items, its own
 * imported ones in their place or beside them, minus the retired ones, with
 * the parameters of its applied calibrations), import and export, retiring,
 * the settings, item usage statistics and calibration runs.
 *
 * Every function takes the caller's institution and touches only its rows.
 * Writes are all or nothing, in one transaction.
 */
#ifndef CC_LITERACY_STORE_H
#define CC_LITERACY_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "literacy/calibrate.h"
#include "literacy/cat.h"
#include "literacy/item.h"
#include "store/store.h"

/*
 * The bank of INSTITUTION into OUT (initialised here; release it): every
 * item with its flags (retired, imported, calibrated) and the parameters in
 * use. LITERACY_ERR_STORE when the bundled bank is invalid too.
 */
int literacy_bank_load(struct store *db, int64_t institution, struct literacy_bank *out)
    __attribute__((warn_unused_result));

/* The settings of INSTITUTION (the defaults when it has none stored). */
int literacy_settings_get(struct store *db, int64_t institution, struct literacy_settings *out)
    __attribute__((warn_unused_result));

/*
 * Changes the settings of INSTITUTION by V (any subset of the members) and
 * stores them; OUT receives the result. A test keeps the settings it started
 * with.
 */
int literacy_settings_put(struct store *db, int64_t institution, int64_t by, const json_t *v,
                          struct literacy_settings *out, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/* What an import did. */
struct literacy_import {
    size_t added, updated, unchanged,
        state; /* state: items whose retired flag or parameters it set */
    struct literacy_report report;
};

/*
 * Imports a bank file (DATA, LEN bytes): {"items": [...]} with an optional
 * "area" and an optional "state" {"<id>": {"retired": bool, "irt": {...}}}
 * as literacy_bank_export writes it. An item new to the college is added; an
 * item with the id of one it has replaces it when its version is higher, is
 * unchanged when it is the same, and is a problem otherwise. Every item is
 * checked first; with any problem nothing is stored and
 * LITERACY_ERR_INVALID returned (OUT->report says what). With CHECK_ONLY
 * nothing is stored either way.
 */
int literacy_bank_import(struct store *db, int64_t institution, int64_t by, const char *data,
                         size_t len, int check_only, struct literacy_import *out)
    __attribute__((warn_unused_result));

/*
 * The bank B as a file for literacy_bank_import (a new reference):
 * {"items": [each item as written], "state": {retired and calibrated items}}.
 */
json_t *literacy_bank_export(const struct literacy_bank *b);

/* Retires (RETIRED 1) or restores (0) item ID of the college's bank. */
int literacy_item_retire(struct store *db, int64_t institution, const char *id, int retired,
                         struct literacy_problem *p) __attribute__((warn_unused_result));

/*
 * Tunes the Sympson-Hetter exposure parameters of the college's bank for the
 * target MAX_EXPOSURE (0.05 to 1; 0 turns the lottery off) by simulating N
 * tests a round for ROUNDS rounds under the college's settings
 * (literacy_exposure_tune), and stores them with the target in the
 * settings. Tests under way keep what they started with.
 */
int literacy_exposure_store(struct store *db, int64_t institution, int64_t by, double max_exposure,
                            size_t n, int rounds, struct literacy_exposure_report *out,
                            struct literacy_problem *p) __attribute__((warn_unused_result));

/* How an item was used in the college's tests. */
struct literacy_usage {
    int64_t administered; /* answers */
    int64_t score, max;   /* categories earned and possible */
};

/*
 * The usage of every item of B into USAGE (B->n entries, zeroed here) and
 * the number of tests started in the college into *TESTS (the exposure rate
 * of an item is administered / tests). With CLASS_ID, only the answers of
 * that class's students.
 */
int literacy_usage(struct store *db, int64_t institution, int64_t class_id,
                   const struct literacy_bank *b, struct literacy_usage *usage, int64_t *tests)
    __attribute__((warn_unused_result));

/*
 * Calibrates the college's bank from the answers of its tests (every answer
 * to the item version in the bank) with options O, stores the run and hands
 * back its id and report (a new reference). LITERACY_ERR_INVALID
 * ("literacy_calibration_no_data") when no item has min_responses answers.
 */
int literacy_calibration_run(struct store *db, int64_t institution, int64_t by,
                             const struct literacy_calib_options *o, int64_t *id, json_t **report,
                             struct literacy_problem *p) __attribute__((warn_unused_result));

/* A stored run: its report and when it was applied ("" when not). */
struct literacy_calibration {
    int64_t id;
    char created_at[25], applied_at[25];
    int64_t persons, responses, estimated;
    json_t *report;
};

void literacy_calibration_release(struct literacy_calibration *c);

int literacy_calibration_get(struct store *db, int64_t institution, int64_t id,
                             struct literacy_calibration *out) __attribute__((warn_unused_result));

typedef int (*literacy_calibration_fn)(void *ctx, const struct literacy_calibration *c);

/* Calls FN for the college's runs, the latest first (at most 100), without their reports. */
int literacy_calibrations_list(struct store *db, int64_t institution, literacy_calibration_fn fn,
                               void *ctx) __attribute__((warn_unused_result));

/*
 * Applies run ID: the new parameters of its re-estimated items become the
 * ones in use. LITERACY_ERR_CONFLICT when it was applied already, or when an
 * item changed since the run (its version, or its parameters in use).
 * *UPDATED receives how many items changed.
 */
int literacy_calibration_apply(struct store *db, int64_t institution, int64_t by, int64_t id,
                               size_t *updated, struct literacy_problem *p)
    __attribute__((warn_unused_result));

/* Builds the JSON report of a calibration (for the CLI's --responses runs too). */
json_t *literacy_calibration_report(const struct literacy_calib_options *o,
                                    const struct literacy_calib_result *r,
                                    const struct literacy_calib_item *items, const char *const *ids,
                                    const int64_t *versions, size_t nitems);

#endif
