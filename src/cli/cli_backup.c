#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "util/banned.h"

int cli_backup(int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {NULL, 0, NULL, 0}};
    const char *data = "./data", *db_url = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'b')
            db_url = optarg;
        else
            return cli_usage_error("backup", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("backup", "name one FILE to write the backup to");
    struct store *db;
    if (cli_open(data, db_url, &db))
        return CLI_FAIL;
    int err = store_backup(db, argv[optind]);
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus backup: cannot write %s\n", argv[optind]);
        return CLI_FAIL;
    }
    printf("backup written to %s\n", argv[optind]);
    return CLI_OK;
}
