/*
 * Writes the inputs of the LRS benchmarks (bench/lrs.sh):
 *
 *   bench_lrs_gen batches SEED FIRST COUNT BATCH BATCHES_FILE INDEX_FILE
 *       Statements FIRST .. FIRST+COUNT-1 of SEED (bench/lrs_data.h), BATCH
 *       to a line, each line a JSON array ready to POST. INDEX_FILE has one
 *       line per statement for bench/sqlite_ceiling.c, tab-separated: its
 *       batch (line) number, the byte offset and length of its text in
 *       BATCHES_FILE, id, verb, registration, the number of agent rows and
 *       each as DIRECT KEY, the number of activity rows and each as DIRECT ID
 *       (the columns and rows schema/0002 stores; the authority's row aside,
 *       it is the client's). No voiding statements: the ceiling stores rows
 *       and voids nothing.
 *
 *   bench_lrs_gen plan SEED N COUNT
 *       The queries of the query benchmark on statements 0 .. N-1 of SEED
 *       (with the voiding statements bench/lrs_fill.c stores), COUNT of each
 *       kind, tab-separated on stdout: kind, agent JSON, agent key, verb,
 *       activity, registration, related_activities ("-" for none). The
 *       parameters are taken from random stored statements, so every query
 *       has results. Kinds: agent, verb+activity, registration, related
 *       (a course with related_activities), pages (one query, a verb, to be
 *       paged through).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrs_data.h"
#include "util/banned.h"

static uint64_t number(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno) {
        fprintf(stderr, "bench_lrs_gen: not a number: %s\n", s);
        exit(2);
    }
    return v;
}

static int batches(uint64_t seed, uint64_t first, uint64_t count, uint64_t batch, const char *path,
                   const char *index_path)
{
    FILE *out = fopen(path, "w"), *ix = fopen(index_path, "w");
    if (!out || !ix) {
        perror("bench_lrs_gen");
        return 1;
    }
    static char text[LRS_DATA_MAX];
    struct lrs_data_index x;
    uint64_t off = 0;
    for (uint64_t i = 0; i < count; i++) {
        int first_in_batch = i % batch == 0, last = i % batch == batch - 1 || i == count - 1;
        size_t len = lrs_data_statement(seed, first + i, 0, text, &x);
        fputc(first_in_batch ? '[' : ',', out);
        off++;
        fwrite(text, 1, len, out);
        fprintf(ix, "%llu\t%llu\t%zu\t%s\t%s\t%s\t%d", (unsigned long long)(i / batch),
                (unsigned long long)off, len, x.id, x.verb, x.registration, x.nagents);
        for (int k = 0; k < x.nagents; k++)
            fprintf(ix, "\t%d\t%s", x.agent_direct[k], x.agent[k]);
        fprintf(ix, "\t%d", x.nactivities);
        for (int k = 0; k < x.nactivities; k++)
            fprintf(ix, "\t%d\t%s", x.activity_direct[k], x.activity[k]);
        fputc('\n', ix);
        off += len;
        if (last) {
            fputs("]\n", out);
            off += 2;
        }
    }
    if (fclose(out) | fclose(ix)) {
        perror("bench_lrs_gen");
        return 1;
    }
    return 0;
}

static void plan_line(const char *kind, const char *agent_json, const char *agent_key,
                      const char *verb, const char *activity, const char *registration, int related)
{
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%d\n", kind, agent_json ? agent_json : "-",
           agent_key ? agent_key : "-", verb ? verb : "-", activity ? activity : "-",
           registration ? registration : "-", related);
}

/* A random statement of the data set that is not a voiding one (it has no context). */
static void pick(uint64_t seed, uint64_t n, uint64_t *r, char *text, struct lrs_data_index *x)
{
    uint64_t i = lrs_data_mix((*r)++) % n;
    if (lrs_data_is_void(i))
        i--;
    lrs_data_statement(seed, i, 1, text, x);
}

static int plan(uint64_t seed, uint64_t n, uint64_t count)
{
    static char text[LRS_DATA_MAX];
    struct lrs_data_index x;
    char json[256], key[256], course[128];
    uint64_t r = lrs_data_mix(seed ^ 0xB5AD4ECEDA1CE2A9ull);
    for (uint64_t k = 0; k < count; k++) {
        pick(seed, n, &r, text, &x);
        int learner = (int)strtol(x.agent[0] + strlen(x.agent[0]) - 4, NULL, 10);
        lrs_data_learner(learner, json, sizeof(json), key, sizeof(key));
        plan_line("agent", json, key, NULL, NULL, NULL, 0);
    }
    for (uint64_t k = 0; k < count; k++) {
        pick(seed, n, &r, text, &x);
        plan_line("verb+activity", NULL, NULL, x.verb, x.activity[0], NULL, 0);
    }
    for (uint64_t k = 0; k < count; k++) {
        pick(seed, n, &r, text, &x);
        plan_line("registration", NULL, NULL, NULL, NULL, x.registration, 0);
    }
    for (uint64_t k = 0; k < count; k++) {
        lrs_data_course((int)(lrs_data_mix(r++) % LRS_DATA_COURSES), course, sizeof(course));
        plan_line("related", NULL, NULL, NULL, course, NULL, 1);
    }
    pick(seed, n, &r, text, &x);
    plan_line("pages", NULL, NULL, x.verb, NULL, NULL, 0);
    return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 8 && strcmp(argv[1], "batches") == 0)
        return batches(number(argv[2]), number(argv[3]), number(argv[4]), number(argv[5]), argv[6],
                       argv[7]);
    if (argc == 5 && strcmp(argv[1], "plan") == 0)
        return plan(number(argv[2]), number(argv[3]), number(argv[4]));
    fprintf(stderr, "usage: bench_lrs_gen batches SEED FIRST COUNT BATCH BATCHES_FILE INDEX_FILE\n"
                    "       bench_lrs_gen plan SEED N COUNT\n");
    return 2;
}
