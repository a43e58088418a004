#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/banned.h"

int cli_backup(int argc, char **argv)
{
    const char *data, *db_url;
    if (cli_data_options(argc, argv, "backup", &data, &db_url))
        return CLI_USAGE;
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
