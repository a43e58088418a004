/*
 * The helpers of the mastery benchmark (bench/mastery.sh):
 *
 *   bench_mastery setup DB_PATH INSTITUTION
 *       Adds a framework shaped like the benchmark's skills lab
 *       (bench/lrs_data.h: 5 programmes, 25 courses, 500 stations) and aligns
 *       the institution's activities to it: 5 top-level items (programmes),
 *       25 (courses) below them, 100 skills below those (4 a course), each
 *       station aligned to one skill (5 stations a skill), one skill in five
 *       critical; and a second framework of 50 items, each an exactMatchOf
 *       one of the first 50 skills (a crosswalk). Prints nothing.
 *
 *   bench_mastery count DB_PATH INSTITUTION
 *       Prints "LEVELS EVIDENCE CHANGES": the institution's (learner, item)
 *       level rows, evidence rows, and level changes (published as
 *       statements, or queued).
 *
 *   bench_mastery scan DB_PATH INSTITUTION [parse]
 *       The reference for a rebuild: reads every statement of the
 *       institution in store order (SELECT seq, statement … ORDER BY seq), and
 *       with "parse" parses each with jansson as well. Prints
 *       "STATEMENTS SECONDS".
 *
 * Both open the database through the store, as the server does.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lrs_data.h"
#include "store/store.h"
#include "util/log.h"
#include "util/banned.h"

#define SKILLS    100
#define CROSSWALK 50
#define DOC       "b0000000-0000-4000-8000-000000000001"
#define DOC2      "b0000000-0000-4000-8000-000000000002"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_mastery: %s\n", what);
    return 1;
}

static int run(struct store *db, const char *sql)
{
    if (store_exec(db, sql)) {
        fprintf(stderr, "bench_mastery: SQL failed: %.200s\n", sql);
        return 1;
    }
    return 0;
}

/* Item K of kind C (1 top, 2 course, 3 skill, 4 crosswalked) as a UUID. */
static void item_id(int c, int k, char out[37])
{
    snprintf(out, 37, "b%07d-0000-4000-8000-%012d", c, k);
}

static int item(struct store *db, const char *doc, const char *id, int pos, const char *coding,
                const char *en, const char *zh, const char *parent, int critical)
{
    char json[2048], sql[4096];
    snprintf(json, sizeof(json),
             "{\"identifier\":\"%s\",\"fullStatement\":\"%s\",\"abbreviatedStatement\":\"%s\","
             "\"humanCodingScheme\":\"%s\",\"extensions\":{\"https://carecampus.org/ns/"
             "case#translations\":{\"en\":{\"fullStatement\":\"%s\",\"abbreviatedStatement\":"
             "\"%s\"},\"zh-CN\":{\"fullStatement\":\"%s\",\"abbreviatedStatement\":\"%s\"}}%s}}",
             id, en, en, coding, en, en, zh, zh,
             critical ? ",\"https://carecampus.org/ns/case#critical\":true" : "");
    snprintf(
        sql, sizeof(sql),
        "INSERT INTO case_items (identifier, document_id, position, human_coding, item_type,"
        " full_statement, search_text, json) VALUES ('%s', '%s', %d, '%s', 'Skill', '%s', '%s',"
        " '%s');"
        "INSERT INTO case_associations (identifier, document_id, type, origin, destination,"
        " sequence, json) VALUES ('%s', '%s', 'isChildOf', '%s', '%s', %d, '{}')",
        id, doc, pos, coding, en, en, json, id, doc, id, parent, pos);
    return run(db, sql);
}

static int setup(struct store *db, long institution)
{
    char sql[2048], id[37], parent[37], other[37];
    if (run(db, "BEGIN") ||
        run(db, "INSERT INTO case_documents (identifier, uri, title, language, last_change, json,"
                " imported_at) VALUES ('" DOC "', 'https://example.org/bench', 'Bench skills lab',"
                " 'en', '2026-01-01T00:00:00Z', '{}', '2026-01-01T00:00:00Z'),"
                " ('" DOC2 "', 'https://example.org/bench2', 'Bench partner framework', 'en',"
                " '2026-01-01T00:00:00Z', '{}', '2026-01-01T00:00:00Z')"))
        return 1;
    int pos = 0;
    for (int p = 0; p < 5; p++) {
        char coding[32], en[64], zh[64];
        item_id(1, p, id);
        snprintf(coding, sizeof(coding), "B.%d", p + 1);
        snprintf(en, sizeof(en), "Programme %d", p + 1);
        snprintf(zh, sizeof(zh), "项目 %d", p + 1);
        if (item(db, DOC, id, ++pos, coding, en, zh, DOC, 0))
            return 1;
    }
    for (int c = 0; c < LRS_DATA_COURSES; c++) {
        char coding[32], en[64], zh[64];
        item_id(2, c, id);
        item_id(1, c / 5, parent);
        snprintf(coding, sizeof(coding), "B.%d.%d", c / 5 + 1, c % 5 + 1);
        snprintf(en, sizeof(en), "Course %d", c + 1);
        snprintf(zh, sizeof(zh), "课程 %d", c + 1);
        if (item(db, DOC, id, ++pos, coding, en, zh, parent, 0))
            return 1;
    }
    for (int s = 0; s < SKILLS; s++) {
        char coding[32], en[64], zh[64];
        int course = s / (SKILLS / LRS_DATA_COURSES);
        item_id(3, s, id);
        item_id(2, course, parent);
        snprintf(coding, sizeof(coding), "B.%d.%d.%d", course / 5 + 1, course % 5 + 1, s % 4 + 1);
        snprintf(en, sizeof(en), "Skill %d", s + 1);
        snprintf(zh, sizeof(zh), "技能 %d", s + 1);
        if (item(db, DOC, id, ++pos, coding, en, zh, parent, s % 5 == 0))
            return 1;
    }
    for (int x = 0; x < CROSSWALK; x++) {
        char coding[32], en[64], zh[64];
        item_id(4, x, other);
        item_id(3, x, id);
        snprintf(coding, sizeof(coding), "P.%d", x + 1);
        snprintf(en, sizeof(en), "Partner skill %d", x + 1);
        snprintf(zh, sizeof(zh), "合作方技能 %d", x + 1);
        if (item(db, DOC2, other, x + 1, coding, en, zh, DOC2, 0))
            return 1;
        snprintf(sql, sizeof(sql),
                 "INSERT INTO case_associations (identifier, document_id, type, origin,"
                 " destination, json) VALUES ('b5000000-0000-4000-8000-%012d', '%s',"
                 " 'exactMatchOf', '%s', '%s', '{}')",
                 x, DOC2, other, id);
        if (run(db, sql))
            return 1;
    }
    for (int a = 0; a < LRS_DATA_ACTIVITIES; a++) {
        item_id(3, a / (LRS_DATA_ACTIVITIES / SKILLS), id);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO competency_alignments (institution_id, activity, item, source,"
                 " created_at) VALUES (%ld, '" LRS_DATA_HOME "/xapi/activities/skill-%03d', '%s',"
                 " 'admin', '2026-01-01T00:00:00Z')",
                 institution, a, id);
        if (run(db, sql))
            return 1;
    }
    return run(db, "COMMIT");
}

static int scan(struct store *db, long institution, int parse, long *n)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT seq, statement FROM xapi_statements WHERE institution_id = ?"
                      " ORDER BY seq",
                      &st))
        return 1;
    store_bind_int(st, 1, institution);
    unsigned long sum = 0;
    *n = 0;
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        const char *text = store_col_text(st, 1);
        sum += (unsigned long)store_col_int(st, 0) + (unsigned char)text[strlen(text) / 2];
        if (parse) {
            json_t *j = json_loads(text, 0, NULL);
            sum += j != NULL;
            json_decref(j);
        }
        (*n)++;
    }
    store_finish(st);
    if (sum == 42)
        fprintf(stderr, "(checksum)\n"); /* keeps the reads from being optimised away */
    return rc < 0;
}

static long count_of(struct store *db, const char *sql, long institution)
{
    struct store_stmt *st;
    long v = -1;
    if (store_prepare(db, sql, &st))
        return -1;
    store_bind_int(st, 1, institution);
    if (store_step(st) == STORE_ROW)
        v = (long)store_col_int(st, 0);
    store_finish(st);
    return v;
}

static int count(struct store *db, long institution)
{
    long levels =
        count_of(db, "SELECT count(*) FROM mastery_levels WHERE institution_id = ?", institution);
    long evidence =
        count_of(db, "SELECT count(*) FROM mastery_evidence WHERE institution_id = ?", institution);
    long queued =
        count_of(db, "SELECT count(*) FROM mastery_outbox WHERE institution_id = ?", institution);
    long published = count_of(db,
                              "SELECT count(*) FROM xapi_statements WHERE institution_id = ?"
                              " AND client_id IS NULL AND verb IN"
                              " ('https://carecampus.org/xapi/verbs/attained',"
                              " 'http://adlnet.gov/expapi/verbs/mastered')",
                              institution);
    if (levels < 0 || evidence < 0 || queued < 0 || published < 0)
        return 1;
    printf("%ld %ld %ld\n", levels, evidence, queued + published);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return fail("usage: bench_mastery setup|count|scan DB_PATH INSTITUTION [parse]");
    log_set_level(LOG_LEVEL_WARN);
    char url[4200];
    snprintf(url, sizeof(url), "sqlite:%s", argv[2]);
    struct store *db;
    if (store_open(url, &db) || store_migrate(db))
        return fail("cannot open the database");
    long institution = strtol(argv[3], NULL, 10);
    int rc;
    if (strcmp(argv[1], "setup") == 0) {
        rc = setup(db, institution);
    } else if (strcmp(argv[1], "count") == 0) {
        rc = count(db, institution);
    } else if (strcmp(argv[1], "scan") == 0) {
        long n;
        double t0 = now();
        rc = scan(db, institution, argc > 4 && strcmp(argv[4], "parse") == 0, &n);
        if (!rc)
            printf("%ld %.3f\n", n, now() - t0);
    } else {
        rc = fail("the first argument is setup, count or scan");
    }
    store_close(&db);
    return rc ? 1 : 0;
}
