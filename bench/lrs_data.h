/*
 * The statements of the LRS benchmarks (bench/lrs.sh): realistic xAPI 2.0
 * statements of a nursing skills lab, made deterministically from a seed and
 * an index, so every program of the benchmark makes the same statement I
 * without reading the others' files.
 *
 * 200 learners, 10 verbs, 500 skill activities in 25 courses (the parent) in 5
 * programmes (the grouping), 12 instructors, one category; result with score,
 * success, completion and duration; context with registration, instructor,
 * platform, language and extensions. A statement is 1.9 to 2.0 KB of compact
 * JSON (UTF-8, names in English and Chinese). A learner's registration changes every
 * LRS_DATA_WINDOW statements, so a registration's statements (about 50) lie close together in store
 * order, as an attempt's do.
 */
#ifndef CC_BENCH_LRS_DATA_H
#define CC_BENCH_LRS_DATA_H

#include <stddef.h>
#include <stdint.h>

#define LRS_DATA_LEARNERS   200
#define LRS_DATA_VERBS      10
#define LRS_DATA_ACTIVITIES 500
#define LRS_DATA_COURSES    25
#define LRS_DATA_WINDOW     10000
#define LRS_DATA_HOME       "https://carecampus.example.edu"

/* A statement is at most this long (the texts are well under it). */
#define LRS_DATA_MAX 4096

/* The most index rows a statement has: actor, instructor; object, parent, grouping, category. */
#define LRS_DATA_ROWS 4

/* What the LRS indexes a statement under (schema/0002_xapi_statements.sql), authority aside. */
struct lrs_data_index {
    char id[37];
    char registration[37]; /* "" for none */
    char target[37];       /* the statement a voiding statement voids, or "" */
    const char *verb;
    char agent[LRS_DATA_ROWS][128]; /* keys as xapi_agent_key() writes them */
    int agent_direct[LRS_DATA_ROWS];
    int nagents;
    char activity[LRS_DATA_ROWS][128];
    int activity_direct[LRS_DATA_ROWS];
    int nactivities;
};

/* With VOIDS, one statement in LRS_DATA_VOID_EVERY voids one of the 900 before it. */
#define LRS_DATA_VOID_EVERY 1000

/* Is statement I a voiding statement (when VOIDS)? */
int lrs_data_is_void(uint64_t i);

/*
 * Writes statement I of SEED as compact JSON into OUT (at least LRS_DATA_MAX
 * bytes) and what it is indexed under into IX (when not NULL). With VOIDS,
 * statement I may be a voiding statement (a StatementRef to an earlier one,
 * by the records office: IX has no registration and its target). Returns the
 * length of the text.
 */
size_t lrs_data_statement(uint64_t seed, uint64_t i, int voids, char *out,
                          struct lrs_data_index *ix);

/* The agent of learner L as JSON (for the `agent` parameter) and as its index key. */
void lrs_data_learner(int l, char *json, size_t json_size, char *key, size_t key_size);

/* The id of course C (a parent context activity). */
void lrs_data_course(int c, char *out, size_t size);

/* A 64-bit hash of X (splitmix64), the one source of randomness of the benchmarks. */
uint64_t lrs_data_mix(uint64_t x);

#endif
