#include <getopt.h>
#include <stdio.h>

#include "auth/account.h"
#include "cli/cli.h"
#include "util/i18n.h"
#include "util/banned.h"

int cli_init(int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"name-en", required_argument, NULL, 'e'},
                                            {"name-zh", required_argument, NULL, 'z'},
                                            {"country", required_argument, NULL, 'c'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    const char *data = "./data", *db_url = NULL, *en = NULL, *zh = NULL, *country = NULL;
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'b':
            db_url = optarg;
            break;
        case 'e':
            en = optarg;
            break;
        case 'z':
            zh = optarg;
            break;
        case 'c':
            country = optarg;
            break;
        case 'j':
            json = 1;
            break;
        default:
            return cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    if (!en || !zh || !country)
        return cli_usage_error("init", "--name-en, --name-zh and --country are required");
    struct store *db;
    if (cli_open(data, db_url, &db))
        return CLI_FAIL;
    int64_t id = 0;
    struct auth_problem p = {0};
    int err = auth_institution_create(db, en, zh, country, &id, &p);
    store_close(&db);
    if (err == AUTH_ERR_INVALID)
        return cli_usage_error("init", "%s: %s", p.field, i18n_text(p.msg, LANG_EN));
    if (err) {
        fprintf(stderr, "carecampus init: cannot add the institution\n");
        return CLI_FAIL;
    }
    if (json)
        printf("{\"institution_id\":%lld}\n", (long long)id);
    else
        printf("institution %lld created\n", (long long)id);
    return CLI_OK;
}
