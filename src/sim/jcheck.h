/*
 * Checking a JSON document field by field with errors that say where: the
 * JSON path of the field ($.residents[0].baseline.spo2) and the line of the
 * source text it is on. jansson gives line numbers only for syntax errors,
 * so sim_json_line() finds a path's line with a small scan of the text (the
 * document is valid JSON by then): the line of the value at the path, or,
 * when a member is missing, of the object that lacks it.
 *
 * The helpers check one member each, record an error (up to SIM_MAX_ERRORS)
 * and return -1 when it is wrong, so a validator reports every problem in
 * one pass. Used by the scenario and action-file loaders.
 */
#ifndef CC_SIM_JCHECK_H
#define CC_SIM_JCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/vocab.h"

#define SIM_JPATH_MAX  24
#define SIM_MAX_ERRORS 50
#define SIM_ID_MAX     40 /* ids: [a-z0-9][a-z0-9_-]*, at most this long */

/* A JSON path: keys (key[d] != NULL) and array indexes. Keys are borrowed. */
struct sim_jpath {
    int depth;
    const char *key[SIM_JPATH_MAX];
    int index[SIM_JPATH_MAX];
};

struct sim_error {
    int line;       /* 1-based; 0 when unknown */
    char path[256]; /* "$.residents[0].baseline.spo2" */
    char msg[512];  /* "must be a whole number from 50 to 100" */
};

struct sim_errors {
    struct sim_error e[SIM_MAX_ERRORS];
    int n;
    int more; /* errors beyond SIM_MAX_ERRORS were dropped */
};

/* A text in both languages, borrowed from a JSON tree. */
struct sim_text {
    const char *en;
    const char *zh;
};

struct sim_jcheck {
    const char *text; /* the source, for line numbers */
    size_t len;
    struct sim_jpath path;
    struct sim_errors *errs;
};

/* Starts checking TEXT, recording into ERRS (emptied). */
void sim_jcheck_init(struct sim_jcheck *c, const char *text, size_t len, struct sim_errors *errs);

void sim_jcheck_push_key(struct sim_jcheck *c, const char *key);
void sim_jcheck_push_index(struct sim_jcheck *c, int index);
void sim_jcheck_pop(struct sim_jcheck *c);

/* Records an error at the current path (at KEY under it when KEY is not NULL). */
void sim_jcheck_error(struct sim_jcheck *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an error at line LINE, path "$" (a syntax error jansson found). */
void sim_errors_add(struct sim_errors *errs, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sorts the errors by line (stable), so they read in the order of the file. */
void sim_errors_sort(struct sim_errors *errs);

/* Writes "$", "$.a[2].b", with keys that are not plain names as ["…"]. */
void sim_jpath_format(const struct sim_jpath *p, char *out, size_t size);

/* The line of the value at P in TEXT (see above); 1 for the root. */
int sim_json_line(const char *text, size_t len, const struct sim_jpath *p);

/*
 * Parses TEXT (at most MAX_BYTES, nesting at most 32 deep, no duplicate
 * keys, UTF-8) into *OUT, a new reference to an object. On failure records
 * the error (with jansson's line for a syntax error) and returns -1.
 */
int sim_jcheck_parse(const char *text, size_t len, size_t max_bytes, struct sim_errors *errs,
                     json_t **out) __attribute__((warn_unused_result));

/* Checks V is an object (-1 and an error at the current path otherwise). */
int sim_jcheck_object(struct sim_jcheck *c, const json_t *v);

/* Reports every member of OBJ whose name is not in ALLOWED (NULL-terminated). */
int sim_jcheck_keys(struct sim_jcheck *c, const json_t *obj, const char *const allowed[]);

/*
 * The member KEY of OBJ. Each returns 0 and sets *OUT when the member is
 * absent and not REQUIRED (leaving *OUT as it was), or present and valid;
 * -1 after recording an error otherwise.
 */
int sim_jcheck_int(struct sim_jcheck *c, const json_t *obj, const char *key, int required, int min,
                   int max, int *out);
/* A number with at most DECIMALS decimals, as an integer scaled by 10^DECIMALS. */
int sim_jcheck_fixed(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                     int decimals, int64_t min, int64_t max, int64_t *out);
int sim_jcheck_bool(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    int *out);
int sim_jcheck_str(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                   size_t max_len, const char **out);
int sim_jcheck_id(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                  const char **out);
/* One id of a vocabulary table. */
int sim_jcheck_enum(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    enum sim_vocab table, int *out);
/* V (at the current path) as one id of a vocabulary table; -1 after an error. */
int sim_jcheck_enum_value(struct sim_jcheck *c, const json_t *v, enum sim_vocab table, int *out);
/* An object {"en": "…", "zh-CN": "…"}, both non-empty and at most MAX_LEN bytes. */
int sim_jcheck_text(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    size_t max_len, struct sim_text *out);
/*
 * A time: whole seconds (a number) or "[H:]MM:SS" (a string, "-" in front
 * for a time before the start when MIN_MS < 0), between MIN_MS and MAX_MS.
 */
int sim_jcheck_time(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                    int64_t min_ms, int64_t max_ms, int64_t *out);

/* 1 when S is a valid id. */
int sim_id_valid(const char *s);

/* Parses "[-][H:]MM:SS" into *OUT_MS; -1 when S is not one. */
int sim_parse_clock(const char *s, int64_t *out_ms);

/* Writes MS as "H:MM:SS" (or "MM:SS" under an hour) with a "-" when negative. */
void sim_format_time(int64_t ms, char *out, size_t size);

#endif
