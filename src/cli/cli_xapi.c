/* carecampus xapi client add | list | revoke */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/account.h"
#include "cli/cli.h"
#include "util/seal.h"
#include "xapi/client.h"
#include "xapi/forward.h"
#include "xapi/statements.h"
#include "xapi/validate.h"
#include "util/banned.h"

struct xapi_opts {
    const char *data, *db_url, *name;
    int64_t institution;
    unsigned scopes;
    int json;
};

static int parse(int argc, char **argv, struct xapi_opts *o)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"name", required_argument, NULL, 'n'},
                                            {"scope", required_argument, NULL, 's'},
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
                return cli_usage_error("xapi", "--institution takes a positive number");
            break;
        case 'n':
            o->name = optarg;
            break;
        case 's': {
            unsigned s = xapi_scope_parse(optarg);
            if (!s)
                return cli_usage_error("xapi", "'%s' is not a scope", optarg);
            o->scopes |= s;
            break;
        }
        case 'j':
            o->json = 1;
            break;
        default:
            return cli_usage_error("xapi", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return CLI_OK;
}

static int client_add(int argc, char **argv)
{
    struct xapi_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    /* "--scope a b c": the words after the first scope are scopes too. */
    for (int i = optind; i < argc; i++) {
        unsigned s = xapi_scope_parse(argv[i]);
        if (!s)
            return cli_usage_error("xapi", "'%s' is not a scope", argv[i]);
        o.scopes |= s;
    }
    if (!o.name)
        return cli_usage_error("xapi", "client add needs --name");
    if (!o.scopes)
        return cli_usage_error("xapi", "client add needs --scope (statements/write, "
                                       "statements/read, statements/read/mine, state, define, "
                                       "profile, all/read, all)");
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    struct xapi_client c;
    char secret[SECRET_TOKEN_LEN + 1];
    int err = xapi_client_create(db, o.institution, o.name, o.scopes, &c, secret);
    store_close(&db);
    if (err == XAPI_ERR_INVALID)
        return cli_usage_error("xapi", "the name must be 1 to 100 characters");
    if (err) {
        fprintf(stderr, "carecampus xapi: cannot add the client\n");
        return CLI_FAIL;
    }
    if (o.json)
        printf("{\"key\":\"%s\",\"secret\":\"%s\"}\n", c.key, secret);
    else
        printf("LRS client %lld added.\n  key:    %s\n  secret: %s\n"
               "The secret is shown only now; keep it somewhere safe.\n",
               (long long)c.id, c.key, secret);
    return CLI_OK;
}

static int print_client(void *ctx, const struct xapi_client *c)
{
    char scopes[160];
    xapi_scope_names(c->scopes, scopes, sizeof(scopes));
    printf("%-6lld %-22s %-8s %s  (%s)\n", (long long)c->id, c->key,
           c->revoked ? "revoked" : "active", c->name, scopes);
    return 0;
}

static int client_list(int argc, char **argv)
{
    struct xapi_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    int err = xapi_client_list(db, o.institution, print_client, NULL);
    store_close(&db);
    return err ? CLI_FAIL : CLI_OK;
}

static int client_revoke(int argc, char **argv)
{
    struct xapi_opts o;
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    int64_t id = optind == argc - 1 ? cli_parse_id(argv[optind]) : 0;
    if (!id)
        return cli_usage_error("xapi", "client revoke needs the client's ID");
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    int err = xapi_client_revoke(db, o.institution, id);
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus xapi: %s\n",
                err == XAPI_ERR_NOT_FOUND ? "no such active client" : "cannot revoke");
        return CLI_FAIL;
    }
    printf("client %lld revoked\n", (long long)id);
    return CLI_OK;
}

/* One statement as a CSV row (the columns of export_header). */
static void csv_field(FILE *out, const char *s, int last)
{
    fputc('"', out);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
    fputc(last ? '\n' : ',', out);
}

static const char export_header[] =
    "id,stored,timestamp,actor,verb,object,registration,score_scaled,success,completion,duration\n";

struct export_ctx {
    int csv;
    long n;
    int64_t last_seq;
};

static int export_one(void *ctx, int64_t seq, const char *text)
{
    struct export_ctx *e = ctx;
    e->n++;
    e->last_seq = seq;
    if (!e->csv) {
        printf("%s\n", text);
        return 0;
    }
    json_t *st = json_loads(text, 0, NULL);
    if (!st)
        return XAPI_ERR_NOMEM;
    char actor[600] = "", scaled[32] = "";
    if (xapi_agent_key(json_object_get(st, "actor"), actor, sizeof(actor)))
        actor[0] = 0;
    json_t *result = json_object_get(st, "result");
    json_t *sc = json_object_get(json_object_get(result, "score"), "scaled");
    if (json_is_number(sc))
        snprintf(scaled, sizeof(scaled), "%g", json_number_value(sc));
    json_t *success = json_object_get(result, "success");
    json_t *completion = json_object_get(result, "completion");
    csv_field(stdout, json_string_value(json_object_get(st, "id")), 0);
    csv_field(stdout, json_string_value(json_object_get(st, "stored")), 0);
    csv_field(stdout, json_string_value(json_object_get(st, "timestamp")), 0);
    csv_field(stdout, actor, 0);
    csv_field(stdout, json_string_value(json_object_get(json_object_get(st, "verb"), "id")), 0);
    csv_field(stdout, json_string_value(json_object_get(json_object_get(st, "object"), "id")), 0);
    csv_field(stdout,
              json_string_value(json_object_get(json_object_get(st, "context"), "registration")),
              0);
    csv_field(stdout, scaled, 0);
    csv_field(stdout, success ? (json_is_true(success) ? "true" : "false") : "", 0);
    csv_field(stdout, completion ? (json_is_true(completion) ? "true" : "false") : "", 0);
    csv_field(stdout, json_string_value(json_object_get(result, "duration")), 1);
    json_decref(st);
    return 0;
}

/* carecampus xapi export: every statement of the institution, oldest first, to stdout. */
static int export_statements(int argc, char **argv)
{
    struct xapi_opts o;
    int csv = 0;
    /* --csv is ours; the rest are the shared options. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--csv") == 0) {
            csv = 1;
            for (int j = i; j < argc - 1; j++)
                argv[j] = argv[j + 1];
            argc--;
            i--;
        }
    if (parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("xapi", "unexpected argument '%s'", argv[optind]);
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    if (csv)
        fputs(export_header, stdout);
    struct export_ctx e = {csv, 0, 0};
    struct xapi_query q = {0};
    q.ascending = 1;
    q.limit = XAPI_QUERY_MAX;
    int more = 1, err = 0;
    while (!err && more) {
        err = xapi_statements_query(db, o.institution, &q, export_one, &e, &more);
        q.after = e.last_seq;
    }
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus xapi: the export failed\n");
        return CLI_FAIL;
    }
    fprintf(stderr, "%ld statements exported\n", e.n);
    return CLI_OK;
}

/* ------------------------------------------------------------ forwarding */

struct forward_opts {
    const char *data, *db_url;
    int64_t institution;
    struct xapi_forward_input in;
    int secret_stdin, json;
};

static int forward_parse(int argc, char **argv, struct forward_opts *o)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"name", required_argument, NULL, 'n'},
                                            {"url", required_argument, NULL, 'u'},
                                            {"key", required_argument, NULL, 'k'},
                                            {"secret", required_argument, NULL, 's'},
                                            {"secret-stdin", no_argument, NULL, 'S'},
                                            {"version", required_argument, NULL, 'v'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->data = "./data";
    o->institution = 1;
    o->in.enabled = -1;
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
                return cli_usage_error("xapi", "--institution takes a positive number");
            break;
        case 'n':
            o->in.name = optarg;
            break;
        case 'u':
            o->in.url = optarg;
            break;
        case 'k':
            o->in.key = optarg;
            break;
        case 's':
            o->in.secret = optarg;
            break;
        case 'S':
            o->secret_stdin = 1;
            break;
        case 'v':
            if (strcmp(optarg, "1.0.3") == 0)
                o->in.version = XAPI_V103;
            else if (strcmp(optarg, "2.0.0") == 0)
                o->in.version = XAPI_V20;
            else
                return cli_usage_error("xapi", "--version takes 1.0.3 or 2.0.0");
            break;
        case 'j':
            o->json = 1;
            break;
        default:
            return cli_usage_error("xapi", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return CLI_OK;
}

/* What each field of a forwarding target must be, for the command line. */
static const char *forward_rule(const char *field)
{
    if (!strcmp(field, "name"))
        return "--name must be 1 to 100 characters";
    if (!strcmp(field, "url"))
        return "--url must be an http:// or https:// URL of at most 2048 characters, such as "
               "https://lrs.example.edu/xapi/, without a user name, password, query or fragment";
    if (!strcmp(field, "key"))
        return "--key must be 1 to 256 characters, without a colon or control characters";
    if (!strcmp(field, "secret"))
        return "--secret must be 1 to 256 characters, without control characters";
    return "--version takes 1.0.3 or 2.0.0";
}

static int forward_add(int argc, char **argv)
{
    struct forward_opts o;
    if (forward_parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("xapi", "unexpected argument '%s'", argv[optind]);
    char secret[XAPI_FORWARD_CRED_MAX + 2];
    if (o.secret_stdin) {
        if (o.in.secret)
            return cli_usage_error("xapi", "give --secret or --secret-stdin, not both");
        if (cli_read_stdin_line(secret, sizeof(secret)))
            return cli_usage_error("xapi", "--secret-stdin: nothing on standard input");
        o.in.secret = secret;
    }
    struct xapi_problem p;
    if (xapi_forward_check(&o.in, 1, &p)) {
        if (!strcmp(p.msg, "field_required"))
            return cli_usage_error("xapi", "forward add needs --%s%s", p.path,
                                   strcmp(p.path, "secret") ? "" : " (or --secret-stdin)");
        return cli_usage_error("xapi", "%s", forward_rule(p.path));
    }
    unsigned char key[SEAL_KEY_BYTES];
    if (seal_key_load(o.data, key)) {
        fprintf(stderr, "carecampus xapi: cannot read or create the key file %s/%s\n", o.data,
                SEAL_KEY_FILE);
        return CLI_FAIL;
    }
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    struct xapi_forward_target t;
    int err = xapi_forward_create(db, key, o.institution, &o.in, &t, &p);
    store_close(&db);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(secret, sizeof(secret));
    if (err) {
        fprintf(stderr, "carecampus xapi: cannot add the forwarding target\n");
        return CLI_FAIL;
    }
    if (o.json)
        printf("{\"id\":%lld}\n", (long long)t.id);
    else
        printf("Forwarding target %lld added: the statements of institution %lld go to %s\n"
               "(a running server starts sending within its poll interval).\n",
               (long long)t.id, (long long)o.institution, t.url);
    return CLI_OK;
}

static int print_target(void *ctx, const struct xapi_forward_target *t)
{
    json_t *list = ctx;
    if (list)
        return json_array_append_new(list, api_forward_target_json(t)) ? XAPI_ERR_NOMEM : 0;
    const char *status = !t->enabled   ? "disabled"
                         : t->attempts ? "failing"
                         : t->pending  ? "sending"
                                       : "ok";
    printf("%-6lld %-9s %10lld %10lld  %s  (%s)\n", (long long)t->id, status,
           (long long)t->delivered, (long long)t->pending, t->url, t->name);
    if (t->attempts && t->last_error[0])
        printf("       last error (%lld attempts): %s\n", (long long)t->attempts, t->last_error);
    return 0;
}

static int forward_list(int argc, char **argv)
{
    struct forward_opts o;
    if (forward_parse(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("xapi", "unexpected argument '%s'", argv[optind]);
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    json_t *list = o.json ? json_array() : NULL;
    if (!o.json)
        printf("%-6s %-9s %10s %10s  %s\n", "ID", "STATUS", "DELIVERED", "PENDING", "URL (NAME)");
    int err = xapi_forward_list(db, o.institution, print_target, list);
    store_close(&db);
    if (!err && list) {
        char *text = json_dumps(list, JSON_COMPACT);
        if (text)
            printf("%s\n", text);
        else
            err = XAPI_ERR_NOMEM;
        free(text);
    }
    json_decref(list);
    if (err) {
        fprintf(stderr, "carecampus xapi: cannot list the forwarding targets\n");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int forward_remove(int argc, char **argv)
{
    struct forward_opts o;
    if (forward_parse(argc, argv, &o))
        return CLI_USAGE;
    int64_t id = optind == argc - 1 ? cli_parse_id(argv[optind]) : 0;
    if (!id)
        return cli_usage_error("xapi", "forward remove needs the target's ID");
    struct store *db;
    if (cli_open_institution("xapi", o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    int err = xapi_forward_delete(db, o.institution, id);
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus xapi: %s\n",
                err == XAPI_ERR_NOT_FOUND ? "no such forwarding target" : "cannot remove");
        return CLI_FAIL;
    }
    printf("forwarding target %lld removed\n", (long long)id);
    return CLI_OK;
}

int cli_xapi(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "forward") == 0) {
        if (argc >= 3 && strcmp(argv[2], "add") == 0)
            return forward_add(argc - 2, argv + 2);
        if (argc >= 3 && strcmp(argv[2], "list") == 0)
            return forward_list(argc - 2, argv + 2);
        if (argc >= 3 && strcmp(argv[2], "remove") == 0)
            return forward_remove(argc - 2, argv + 2);
        return cli_usage_error("xapi", "name a subcommand: forward add, forward list, "
                                       "forward remove");
    }
    if (argc >= 2 && strcmp(argv[1], "export") == 0)
        return export_statements(argc - 1, argv + 1);
    if (argc < 3 || strcmp(argv[1], "client") != 0)
        return cli_usage_error("xapi", "name a subcommand: client add, client list, client revoke, "
                                       "export, forward add, forward list, forward remove");
    if (strcmp(argv[2], "add") == 0)
        return client_add(argc - 2, argv + 2);
    if (strcmp(argv[2], "list") == 0)
        return client_list(argc - 2, argv + 2);
    if (strcmp(argv[2], "revoke") == 0)
        return client_revoke(argc - 2, argv + 2);
    return cli_usage_error("xapi", "'%s' is not a subcommand of xapi client", argv[2]);
}
