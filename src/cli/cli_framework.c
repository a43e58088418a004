/* carecampus framework import | export | list | remove: CASE 1.1 competency frameworks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "competency/case.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/banned.h"

struct framework_opts {
    const char *data, *db_url, *out;
    int64_t institution; /* 0: the installation */
    int json, check;
};

static int parse(int argc, char **argv, struct framework_opts *o)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"out", required_argument, NULL, 'o'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"check", no_argument, NULL, 'c'},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->data = "./data";
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
                return cli_usage_error("framework", "--institution takes a positive number");
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'c':
            o->check = 1;
            break;
        default:
            return cli_usage_error("framework", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return CLI_OK;
}

/* The one positional argument NAME of subcommand CMD, or NULL after a usage message. */
static const char *one_argument(int argc, char **argv, const char *cmd, const char *name)
{
    if (optind >= argc) {
        cli_usage_error("framework", "%s needs %s", cmd, name);
        return NULL;
    }
    if (optind < argc - 1) {
        cli_usage_error("framework", "unexpected argument '%s'", argv[optind + 1]);
        return NULL;
    }
    return argv[optind];
}

static int open_db(const struct framework_opts *o, struct store **db)
{
    if (o->institution)
        return cli_open_institution("framework", o->data, o->db_url, o->institution, db);
    return cli_open(o->data, o->db_url, db);
}

/*
 * Reads PATH ("-": standard input) into B, up to one byte past the limit;
 * *SIZE is the file's size (past the limit too, so the report can say it).
 */
static int read_package(const char *path, struct buf *b, size_t *size)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "carecampus framework: cannot open %s: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    struct stat st;
    if (f != stdin && fstat(fileno(f), &st) == 0 && st.st_size > (off_t)CASE_MAX_BYTES) {
        *size = (size_t)st.st_size;
        fclose(f);
        return CLI_OK;
    }
    char chunk[65536];
    size_t n;
    int err = 0;
    while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b->len + n > CASE_MAX_BYTES) {
            /* Over the limit: only the size matters now. */
            *size = b->len + n;
            while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                *size += n;
            buf_reset(b);
            if (f != stdin)
                fclose(f);
            return CLI_OK;
        }
        err = buf_add(b, chunk, n);
    }
    int bad = ferror(f) || err;
    if (f != stdin)
        fclose(f);
    if (bad) {
        fprintf(stderr, "carecampus framework: cannot read %s\n", path);
        return CLI_FAIL;
    }
    *size = b->len;
    return CLI_OK;
}

static void print_problems(const char *what, const struct case_problem *list, size_t n,
                           size_t total, FILE *out)
{
    if (!total)
        return;
    fprintf(out, "%s (%zu):\n", what, total);
    for (size_t i = 0; i < n; i++) {
        char text[800];
        case_problem_text(&list[i], LANG_EN, text, sizeof(text));
        fprintf(out, "  %s\n", text);
    }
    if (total > n)
        fprintf(out, "  … and %zu more\n", total - n);
}

static int import(int argc, char **argv)
{
    struct framework_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    const char *path =
        one_argument(argc, argv, "import", "a FILE (a CASE package, or - for stdin)");
    if (!path)
        return CLI_USAGE;
    struct buf b;
    buf_init(&b, CASE_MAX_BYTES);
    size_t size = 0;
    if (read_package(path, &b, &size)) {
        buf_release(&b);
        return CLI_FAIL;
    }
    struct store *db;
    if (open_db(&o, &db)) {
        buf_release(&b);
        return CLI_FAIL;
    }
    struct case_report r;
    case_report_init(&r);
    int err =
        case_package_import(db, b.data, size, o.institution, o.check ? CASE_IMPORT_CHECK : 0, &r);
    store_close(&db);
    buf_release(&b);
    if (err == CASE_ERR_STORE || err == CASE_ERR_NOMEM) {
        fprintf(stderr, "carecampus framework: the import failed (%s); nothing was changed\n",
                err == CASE_ERR_STORE ? "the database failed" : "out of memory");
        case_report_release(&r);
        return CLI_FAIL;
    }
    if (o.json) {
        json_t *j = case_report_json(&r, LANG_EN);
        struct buf text;
        buf_init(&text, 64u << 20);
        if (j && !json_write(j, &text))
            printf("%s\n", text.data);
        buf_release(&text);
        json_decref(j);
    } else if (err) {
        fprintf(stderr, "carecampus framework: %s: %zu problem%s; nothing was imported\n", path,
                r.total_errors, r.total_errors == 1 ? "" : "s");
        print_problems("errors", r.errors, r.nerrors, r.total_errors, stderr);
        print_problems("warnings", r.warnings, r.nwarnings, r.total_warnings, stderr);
    } else {
        const char *title = r.title ? r.title : "";
        if (o.check)
            printf("%s: valid (\"%s\", %s): %zu items, %zu associations, %zu definitions, %zu "
                   "rubrics\n",
                   path, title, r.document, r.items, r.associations, r.definitions, r.rubrics);
        else
            printf("%s \"%s\" (%s): %zu items (%zu new, %zu updated, %zu removed), "
                   "%zu associations (%zu new, %zu updated, %zu removed), %zu definitions, "
                   "%zu rubrics\n",
                   r.created ? "imported" : "replaced", title, r.document, r.items,
                   r.item_changes.created, r.item_changes.updated, r.item_changes.removed,
                   r.associations, r.association_changes.created, r.association_changes.updated,
                   r.association_changes.removed, r.definitions, r.rubrics);
        print_problems("warnings", r.warnings, r.nwarnings, r.total_warnings, stdout);
    }
    case_report_release(&r);
    return err ? CLI_FAIL : CLI_OK;
}

static int export(int argc, char **argv)
{
    struct framework_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    const char *id = one_argument(argc, argv, "export", "the framework's identifier (a UUID)");
    if (!id)
        return CLI_USAGE;
    if (o.institution)
        return cli_usage_error("framework", "export takes no --institution: frameworks are "
                                            "public");
    struct store *db;
    if (cli_open(o.data, o.db_url, &db))
        return CLI_FAIL;
    json_t *pkg;
    int err = case_package_export(db, id, &pkg);
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus framework: %s\n",
                err == CASE_ERR_NOT_FOUND ? "no framework has this identifier (see "
                                            "'carecampus framework list')"
                                          : "cannot read the framework");
        return CLI_FAIL;
    }
    FILE *out = o.out ? fopen(o.out, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "carecampus framework: cannot write %s: %s\n", o.out, strerror(errno));
        json_decref(pkg);
        return CLI_FAIL;
    }
    /* Indented for people; the importer takes it back as it is. */
    int bad = json_dumpf(pkg, out, JSON_INDENT(2)) != 0 || fputc('\n', out) == EOF;
    if (o.out)
        bad = fclose(out) != 0 || bad;
    else
        bad = fflush(out) != 0 || bad;
    json_decref(pkg);
    if (bad) {
        fprintf(stderr, "carecampus framework: cannot write the package\n");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int list(int argc, char **argv)
{
    struct framework_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("framework", "unexpected argument '%s'", argv[optind]);
    struct store *db;
    if (cli_open(o.data, o.db_url, &db))
        return CLI_FAIL;
    json_t *docs;
    int err = case_document_list(db, &docs);
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus framework: cannot read the frameworks\n");
        return CLI_FAIL;
    }
    if (o.json) {
        struct buf text;
        buf_init(&text, 64u << 20);
        if (!json_write(docs, &text))
            printf("%s\n", text.data);
        buf_release(&text);
    } else {
        size_t i;
        json_t *d;
        json_array_foreach (docs, i, d) {
            json_t *owner = json_object_get(d, "owner_institution_id");
            char who[32];
            if (json_is_true(json_object_get(d, "bundled")))
                snprintf(who, sizeof(who), "bundled");
            else if (json_is_integer(owner))
                snprintf(who, sizeof(who), "college %lld", (long long)json_integer_value(owner));
            else
                snprintf(who, sizeof(who), "server");
            printf("%s  %-9s %5lld items %5lld assoc.  %-10s  %s\n",
                   json_string_value(json_object_get(d, "identifier")),
                   json_string_value(json_object_get(d, "kind")),
                   (long long)json_integer_value(json_object_get(d, "item_count")),
                   (long long)json_integer_value(json_object_get(d, "association_count")), who,
                   json_string_value(json_object_get(d, "title")) ?: "");
        }
        if (!json_array_size(docs))
            printf("no frameworks (import one with 'carecampus framework import FILE')\n");
    }
    json_decref(docs);
    return CLI_OK;
}

static int remove_framework(int argc, char **argv)
{
    struct framework_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    const char *id = one_argument(argc, argv, "remove", "the framework's identifier (a UUID)");
    if (!id)
        return CLI_USAGE;
    struct store *db;
    if (open_db(&o, &db))
        return CLI_FAIL;
    int err = case_document_remove(db, id, o.institution);
    store_close(&db);
    if (err) {
        const char *why = "cannot remove the framework";
        if (err == CASE_ERR_NOT_FOUND)
            why = "no framework has this identifier (see 'carecampus framework list')";
        else if (err == CASE_ERR_BUNDLED)
            why = "this framework comes with CareCampus and is loaded again at every start; it "
                  "cannot be removed";
        else if (err == CASE_ERR_FORBIDDEN)
            why = o.institution ? "this framework belongs to another owner (try without "
                                  "--institution, or with the owner's)"
                                : "this framework belongs to a college: name it with "
                                  "--institution";
        fprintf(stderr, "carecampus framework: %s\n", why);
        return CLI_FAIL;
    }
    printf("framework %s removed\n", id);
    return CLI_OK;
}

int cli_framework(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("framework", "name a subcommand: import, export, list, remove");
    if (strcmp(argv[1], "import") == 0)
        return import(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return export(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1);
    if (strcmp(argv[1], "remove") == 0)
        return remove_framework(argc - 1, argv + 1);
    return cli_usage_error("framework", "'%s' is not a subcommand of framework", argv[1]);
}
