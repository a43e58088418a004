/* carecampus checkoff list | validate | export */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "checkoff/checkoff.h"
#include "cli/cli.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/banned.h"

#define FILE_MAX   (1u << 20)
#define FILES_MAX  CHECKOFF_MAX_LISTS
#define EXPORT_CAP 500

static int bundled_or_fail(const struct checkoff_catalog **c)
{
    char why[512];
    if (checkoff_bundled(c, why, sizeof(why))) {
        fprintf(stderr, "carecampus checkoff: the bundled checklists are invalid: %s\n", why);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* carecampus checkoff list [--json]: the bundled checklists. */
static int list(int argc, char **argv)
{
    int json = argc == 2 && strcmp(argv[1], "--json") == 0;
    if (argc > 1 && !json)
        return cli_usage_error("checkoff", "list takes only --json");
    const struct checkoff_catalog *c;
    if (bundled_or_fail(&c))
        return CLI_FAIL;
    for (size_t i = 0; i < c->n; i++) {
        const struct checkoff_list *l = &c->lists[i];
        if (json) {
            json_t *o = json_pack("{s:s, s:I, s:s, s:{s:s, s:s}, s:I, s:I}", "id", l->id, "version",
                                  (json_int_t)l->version, "source", l->source, "title", "en",
                                  l->title.en, "zh-CN", l->title.zh, "steps", (json_int_t)l->nsteps,
                                  "critical", (json_int_t)l->ncritical);
            char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
            json_decref(o);
            if (!text)
                return CLI_FAIL;
            printf("%s\n", text);
            free(text);
        } else {
            printf("%-28s v%-3lld %2zu steps (%zu critical)  %s | %s\n", l->id,
                   (long long)l->version, l->nsteps, l->ncritical, l->title.en, l->title.zh);
        }
    }
    if (!json)
        fprintf(stderr,
                "%zu checklists; a check-off passes when every critical step and at least "
                "%d%% of all steps are done\n",
                c->n, CHECKOFF_PASS_PERCENT);
    return CLI_OK;
}

/* Reads PATH (at most FILE_MAX bytes) into OUT; prints why not. */
static int read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "carecampus checkoff: cannot read %s\n", path);
        return -1;
    }
    buf_init(out, FILE_MAX);
    char chunk[65536];
    size_t n;
    int err = 0;
    while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        err = buf_add(out, chunk, n);
    if (!err && ferror(f))
        err = -1;
    fclose(f);
    if (err)
        fprintf(stderr, "carecampus checkoff: cannot read %s (larger than 1 MiB?)\n", path);
    return err;
}

/*
 * carecampus checkoff validate FILE…: checks checklist files as the server
 * would bundle them, against the bundled frameworks, before a rebuild.
 */
static int validate(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("checkoff", "validate takes one or more checklist files");
    if (argc - 1 > FILES_MAX)
        return cli_usage_error("checkoff", "at most %d files at once", FILES_MAX);
    size_t n = 0, nfiles = (size_t)(argc - 1) + content_files_count;
    struct embedded_file *files = cc_calloc(nfiles, sizeof(*files));
    struct buf *bufs = cc_calloc((size_t)argc, sizeof(*bufs));
    char(*paths)[128] = cc_calloc((size_t)argc, sizeof(*paths));
    int rc = CLI_FAIL;
    if (!files || !bufs || !paths)
        goto done;
    for (size_t i = 0; i < content_files_count; i++)
        if (strncmp(content_files[i].path, "/frameworks/", 12) == 0)
            files[n++] = content_files[i];
    for (int i = 1; i < argc; i++) {
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        if (read_file(argv[i], &bufs[i]))
            goto done;
        snprintf(paths[i], sizeof(paths[i]), "/checkoffs/%s", base);
        files[n++] =
            (struct embedded_file){paths[i], (const unsigned char *)bufs[i].data, bufs[i].len};
    }
    struct checkoff_catalog *c = NULL;
    char why[512];
    if (checkoff_catalog_build(files, n, &c, why, sizeof(why))) {
        fprintf(stderr, "carecampus checkoff: %s\n", why);
        goto done;
    }
    for (size_t i = 0; i < c->n; i++)
        printf("ok  %-28s v%lld, %zu steps (%zu critical), %zu items\n", c->lists[i].id,
               (long long)c->lists[i].version, c->lists[i].nsteps, c->lists[i].ncritical,
               c->lists[i].nitems);
    checkoff_catalog_free(&c);
    rc = CLI_OK;
done:
    for (int i = 0; bufs && i < argc; i++)
        buf_release(&bufs[i]);
    cc_free(files);
    cc_free(bufs);
    cc_free(paths);
    return rc;
}

static void csv_field(const char *s, int last)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
    putchar(last ? '\n' : ',');
}

/* The step ids of A joined by spaces. */
static void csv_steps(const json_t *a, int last)
{
    struct buf b;
    buf_init(&b, 4096);
    size_t i;
    json_t *v;
    json_array_foreach ((json_t *)a, i, v)
        if (buf_addf(&b, "%s%s", i ? " " : "", json_string_value(v)))
            break;
    csv_field(b.data, last);
    buf_release(&b);
}

struct export_ctx {
    long n;
    char last[37];
};

static int export_one(void *ctx, const struct checkoff_result *r)
{
    struct export_ctx *e = ctx;
    char num[3][24];
    snprintf(num[0], sizeof(num[0]), "%lld", (long long)r->version);
    snprintf(num[1], sizeof(num[1]), "%lld", (long long)r->steps_ticked);
    snprintf(num[2], sizeof(num[2]), "%lld", (long long)r->steps_total);
    csv_field(r->uuid, 0);
    csv_field(r->started_at, 0);
    csv_field(r->ended_at, 0);
    csv_field(r->checklist, 0);
    csv_field(num[0], 0);
    csv_field(r->student_login, 0);
    csv_field(r->student_name, 0);
    csv_field(r->teacher_login, 0);
    csv_field(r->passed ? "passed" : "failed", 0);
    csv_field(num[1], 0);
    csv_field(num[2], 0);
    csv_steps(r->missed, 0);
    csv_steps(r->critical_missed, 0);
    csv_field(r->comment, 1);
    e->n++;
    snprintf(e->last, sizeof(e->last), "%s", r->uuid);
    return 0;
}

/* carecampus checkoff export [--data DIR] [--db URL] [--institution ID]: CSV on stdout. */
static int export_results(int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {NULL, 0, NULL, 0}};
    const char *data = "./data", *db_url = NULL;
    int64_t institution = 1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'b')
            db_url = optarg;
        else if (c == 'i' && (institution = cli_parse_id(optarg)))
            continue;
        else if (c == 'i')
            return cli_usage_error("checkoff", "--institution takes a positive number");
        else
            return cli_usage_error("checkoff", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind < argc)
        return cli_usage_error("checkoff", "unexpected argument '%s'", argv[optind]);
    struct store *db;
    if (cli_open_institution("checkoff", data, db_url, institution, &db))
        return CLI_FAIL;
    /* The export reads as the college's administrator would: every result of the college. */
    struct auth_user reader = {.institution_id = institution, .role = AUTH_ROLE_ADMIN};
    struct export_ctx e = {0, ""};
    struct checkoff_filter f = {.limit = EXPORT_CAP};
    struct checkoff_problem p = {0};
    int more = 1, err = 0;
    fputs("id,started_at,ended_at,checklist,version,student_login,student_name,teacher_login,"
          "outcome,steps_ticked,steps_total,steps_missed,critical_missed,comment\n",
          stdout);
    while (!err && more) {
        err = checkoff_results(db, &reader, &f, export_one, &e, &more, &p);
        f.before = e.last;
    }
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus checkoff: the export failed\n");
        return CLI_FAIL;
    }
    fprintf(stderr, "%ld check-offs exported\n", e.n);
    return CLI_OK;
}

int cli_checkoff(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "validate") == 0)
        return validate(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "export") == 0)
        return export_results(argc - 1, argv + 1);
    return cli_usage_error("checkoff", "name a subcommand: list, validate, export");
}
