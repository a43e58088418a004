/* carecampus xapi client add | list | revoke */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/account.h"
#include "cli/cli.h"
#include "xapi/client.h"
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

static int open_institution(const struct xapi_opts *o, struct store **db)
{
    if (cli_open(o->data, o->db_url, db))
        return CLI_FAIL;
    struct auth_institution inst;
    if (auth_institution_get(*db, o->institution, &inst)) {
        fprintf(stderr, "carecampus xapi: no such institution\n");
        store_close(db);
        return CLI_FAIL;
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
    if (open_institution(&o, &db))
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
    if (open_institution(&o, &db))
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
    if (open_institution(&o, &db))
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

int cli_xapi(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "client") != 0)
        return cli_usage_error("xapi", "name a subcommand: client add, client list, client revoke");
    if (strcmp(argv[2], "add") == 0)
        return client_add(argc - 2, argv + 2);
    if (strcmp(argv[2], "list") == 0)
        return client_list(argc - 2, argv + 2);
    if (strcmp(argv[2], "revoke") == 0)
        return client_revoke(argc - 2, argv + 2);
    return cli_usage_error("xapi", "'%s' is not a subcommand of xapi client", argv[2]);
}
