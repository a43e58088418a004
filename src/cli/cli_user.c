/* carecampus user add | list | import */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/import.h"
#include "cli/cli.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/json.h"
#include "util/banned.h"

struct user_opts {
    const char *data, *db_url, *role, *login, *name, *lang;
    int64_t institution;
    int password_stdin, json;
};

/* Parses the options shared by the user subcommands; returns CLI_OK or CLI_USAGE. */
static int parse(int argc, char **argv, struct user_opts *o)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"role", required_argument, NULL, 'r'},
                                            {"login", required_argument, NULL, 'l'},
                                            {"name", required_argument, NULL, 'n'},
                                            {"lang", required_argument, NULL, 'g'},
                                            {"password-stdin", no_argument, NULL, 'p'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->data = "./data";
    o->institution = 1;
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
                return cli_usage_error("user", "--institution takes a positive number");
            break;
        case 'r':
            o->role = optarg;
            break;
        case 'l':
            o->login = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'g':
            o->lang = optarg;
            break;
        case 'p':
            o->password_stdin = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        default:
            return cli_usage_error("user", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return CLI_OK;
}

/* Opens the database and checks the institution exists. */
static int user_add(int argc, char **argv)
{
    struct user_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("user", "unexpected argument '%s'", argv[optind]);
    if (!o.role || !o.login)
        return cli_usage_error("user", "user add needs --role and --login");
    if (!o.password_stdin)
        return cli_usage_error("user", "user add needs --password-stdin (the password is never "
                                       "taken from the command line)");
    char password[1100];
    if (cli_read_stdin_line(password, sizeof(password)))
        return cli_usage_error("user", "no password on standard input");
    struct auth_new_user u = {o.login, o.name, o.role, o.lang, password};
    struct auth_problem p;
    if (auth_user_validate(&u, &p))
        return cli_usage_error("user", "%s: %s", p.field, i18n_text(p.msg, LANG_EN));
    struct store *db;
    if (cli_open_institution("user", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    struct auth_user made;
    int err = auth_user_create(db, o.institution, &u, &made, &p);
    store_close(&db);
    if (err == AUTH_ERR_CONFLICT || err == AUTH_ERR_INVALID) {
        fprintf(stderr, "carecampus user: %s: %s\n", p.field, i18n_text(p.msg, LANG_EN));
        return CLI_FAIL;
    }
    if (err) {
        fprintf(stderr, "carecampus user: cannot add the user\n");
        return CLI_FAIL;
    }
    if (o.json)
        printf("{\"user_id\":%lld}\n", (long long)made.id);
    else
        printf("user %lld (%s) added\n", (long long)made.id, made.login);
    return CLI_OK;
}

struct list_ctx {
    int json;
    json_t *array;
};

static int print_user(void *ctx, const struct auth_user *u)
{
    struct list_ctx *l = ctx;
    if (l->json)
        return json_array_append_new(l->array,
                                     json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->id,
                                               "login", u->login, "name", u->name, "role",
                                               auth_role_name(u->role), "lang", u->lang));
    printf("%-6lld %-24s %-9s %s\n", (long long)u->id, u->login, auth_role_name(u->role), u->name);
    return 0;
}

static int user_list(int argc, char **argv)
{
    struct user_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("user", "unexpected argument '%s'", argv[optind]);
    int role = -1;
    if (o.role && (role = auth_role_parse(o.role)) < 0)
        return cli_usage_error("user", "role: %s", i18n_text("role_invalid", LANG_EN));
    struct store *db;
    if (cli_open_institution("user", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    struct list_ctx l = {o.json, json_array()};
    if (!o.json)
        printf("%-6s %-24s %-9s %s\n", "ID", "LOGIN", "ROLE", "NAME");
    int err = auth_user_list(db, o.institution, role, NULL, print_user, &l);
    store_close(&db);
    if (!err && o.json) {
        char *s = json_dumps(l.array, JSON_COMPACT);
        if (s)
            printf("%s\n", s);
        free(s);
        err = !s;
    }
    json_decref(l.array);
    if (err) {
        fprintf(stderr, "carecampus user: cannot list the users\n");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    int err = 0;
    while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        err = buf_add(out, chunk, n);
    if (ferror(f))
        err = -1;
    fclose(f);
    return err;
}

static int user_import(int argc, char **argv)
{
    struct user_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind != argc - 1)
        return cli_usage_error("user", "user import needs one FILE.csv");
    struct buf csv;
    buf_init(&csv, 2u << 20);
    if (read_file(argv[optind], &csv)) {
        fprintf(stderr, "carecampus user: cannot read %s (missing, unreadable or over 2 MiB)\n",
                argv[optind]);
        return CLI_FAIL;
    }
    struct store *db;
    if (cli_open_institution("user", o.data, o.db_url, o.institution, &db)) {
        buf_release(&csv);
        return CLI_FAIL;
    }
    struct auth_import_report *r = cc_malloc(sizeof(*r));
    int err = r ? 0 : AUTH_ERR_NOMEM;
    if (r) {
        auth_import_report_init(r);
        err = auth_import_users_csv(db, o.institution, csv.data, csv.len, r);
    }
    store_close(&db);
    buf_release(&csv);
    if (err == AUTH_ERR_INVALID) {
        for (size_t i = 0; i < r->nerrors; i++) {
            const struct auth_import_error *e = &r->errors[i];
            char text[512];
            const char *fmt = i18n_text(e->msg, LANG_EN);
            if (strstr(fmt, "%s"))
                snprintf(text, sizeof(text), fmt, e->text);
            else
                snprintf(text, sizeof(text), fmt, e->arg[0], e->arg[1]);
            fprintf(stderr, "%s:%u: %s%s%s\n", argv[optind], e->line, e->field ? e->field : "",
                    e->field ? ": " : "", text);
        }
        fprintf(stderr, "carecampus user: problems found: %zu; nothing was imported\n",
                r->total_errors);
    } else if (err) {
        fprintf(stderr, "carecampus user: the import failed; nothing was imported\n");
    } else {
        printf("%zu users imported\n", r->nusers);
    }
    if (r)
        auth_import_report_release(r);
    cc_free(r);
    return err ? CLI_FAIL : CLI_OK;
}

int cli_user(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("user", "name a subcommand: add, list or import");
    if (strcmp(argv[1], "add") == 0)
        return user_add(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return user_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "import") == 0)
        return user_import(argc - 1, argv + 1);
    return cli_usage_error("user", "'%s' is not a subcommand of user (add, list, import)", argv[1]);
}
