/* carecampus mastery rebuild | status */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "auth/account.h"
#include "cli/cli.h"
#include "competency/mastery.h"
#include "util/timeutil.h"
#include "util/banned.h"

struct mastery_opts {
    const char *data, *db_url;
    int64_t institution; /* 0: every institution */
    int batch;
    int json;
    int no_publish;
};

static int parse(int argc, char **argv, struct mastery_opts *o)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"batch", required_argument, NULL, 'n'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"no-publish", no_argument, NULL, 'p'},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->data = "./data";
    o->batch = 20000;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->data = optarg;
            break;
        case 'b':
            o->db_url = optarg;
            break;
        case 'i':
            if (!(o->institution = cli_parse_id(optarg)))
                return cli_usage_error("mastery", "--institution takes a positive number");
            break;
        case 'n': {
            int64_t n = cli_parse_id(optarg);
            if (!n || n > MASTERY_BATCH_MAX)
                return cli_usage_error("mastery", "--batch takes a number from 1 to %d",
                                       MASTERY_BATCH_MAX);
            o->batch = (int)n;
            break;
        }
        case 'j':
            o->json = 1;
            break;
        case 'p':
            o->no_publish = 1;
            break;
        default:
            return cli_usage_error("mastery", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("mastery", "unexpected argument '%s'", argv[optind]);
    return CLI_OK;
}

/* The institutions to work on: the one asked for (checked), or all. */
static int targets(struct store *db, const struct mastery_opts *o, int64_t *ids, size_t cap,
                   size_t *n)
{
    *n = 0;
    if (o->institution) {
        struct auth_institution inst;
        int err = auth_institution_get(db, o->institution, &inst);
        if (err) {
            fprintf(stderr, "carecampus mastery: %s\n",
                    err == AUTH_ERR_NOT_FOUND ? "no such institution" : "cannot read the database");
            return CLI_FAIL;
        }
        ids[(*n)++] = o->institution;
        return CLI_OK;
    }
    struct store_stmt *st;
    if (store_prepare(db, "SELECT id FROM institutions ORDER BY id", &st)) {
        fprintf(stderr, "carecampus mastery: cannot read the database\n");
        return CLI_FAIL;
    }
    while (*n < cap && store_step(st) == STORE_ROW)
        ids[(*n)++] = store_col_int(st, 0);
    store_finish(st);
    return CLI_OK;
}

static int rebuild(int argc, char **argv)
{
    struct mastery_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    struct store *db;
    if (cli_open(o.data, o.db_url, &db))
        return CLI_FAIL;
    int64_t ids[1024];
    size_t n;
    if (targets(db, &o, ids, sizeof(ids) / sizeof(ids[0]), &n)) {
        store_close(&db);
        return CLI_FAIL;
    }
    int rc = CLI_OK;
    if (o.json)
        printf("[");
    for (size_t i = 0; i < n; i++) {
        struct mastery_progress p;
        uint64_t t0 = time_mono_ns();
        int err = mastery_rebuild(db, ids[i], o.batch, &p);
        double rebuild_s = (double)(time_mono_ns() - t0) / 1e9;
        int64_t published = 0, handled = !o.no_publish;
        t0 = time_mono_ns();
        while (!err && handled) {
            int64_t done = 0;
            err = mastery_publish(db, ids[i], 1000, &handled, &done);
            published += done;
        }
        double publish_s = (double)(time_mono_ns() - t0) / 1e9;
        if (err) {
            fprintf(stderr, "carecampus mastery: institution %lld: the rebuild failed (%s)\n",
                    (long long)ids[i],
                    err == MASTERY_ERR_STORE ? "the database failed or stayed busy"
                                             : "out of memory");
            rc = CLI_FAIL;
            break;
        }
        if (o.json)
            printf("%s{\"institution_id\":%lld,\"statements\":%lld,\"changes\":%lld,"
                   "\"published\":%lld,\"rebuild_seconds\":%.3f,\"publish_seconds\":%.3f}",
                   i ? "," : "", (long long)ids[i], (long long)p.processed, (long long)p.changes,
                   (long long)published, rebuild_s, publish_s);
        else
            printf("institution %lld: %lld statements read in %.1f s, %lld attainments and "
                   "corrections;"
                   " %lld statements published in %.1f s\n",
                   (long long)ids[i], (long long)p.processed, rebuild_s, (long long)p.changes,
                   (long long)published, publish_s);
    }
    if (o.json)
        printf("]\n");
    store_close(&db);
    return rc;
}

static int status(int argc, char **argv)
{
    struct mastery_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    struct store *db;
    if (cli_open(o.data, o.db_url, &db))
        return CLI_FAIL;
    int64_t ids[1024];
    size_t n;
    if (targets(db, &o, ids, sizeof(ids) / sizeof(ids[0]), &n)) {
        store_close(&db);
        return CLI_FAIL;
    }
    int rc = CLI_OK;
    if (o.json)
        printf("[");
    for (size_t i = 0; i < n; i++) {
        struct mastery_progress p;
        if (mastery_status(db, ids[i], &p)) {
            fprintf(stderr, "carecampus mastery: cannot read the database\n");
            rc = CLI_FAIL;
            break;
        }
        if (o.json)
            printf("%s{\"institution_id\":%lld,\"seq\":%lld,\"latest\":%lld,\"pending\":%d,"
                   "\"stale\":%s}",
                   i ? "," : "", (long long)ids[i], (long long)p.seq, (long long)p.latest,
                   p.pending, p.stale ? "true" : "false");
        else
            printf("institution %lld: statements read up to %lld of %lld; %d attainments to"
                   " publish%s\n",
                   (long long)ids[i], (long long)p.seq, (long long)p.latest, p.pending,
                   p.stale ? "; frameworks or alignments changed: a recomputation is due" : "");
    }
    if (o.json)
        printf("]\n");
    store_close(&db);
    return rc;
}

int cli_mastery(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("mastery", "which one: rebuild or status?");
    if (strcmp(argv[1], "rebuild") == 0)
        return rebuild(argc - 1, argv + 1);
    if (strcmp(argv[1], "status") == 0)
        return status(argc - 1, argv + 1);
    return cli_usage_error("mastery", "'%s' is not a mastery command", argv[1]);
}
