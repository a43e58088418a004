#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/account.h"
#include "cli/cli.h"
#include "competency/bundled.h"
#include "util/banned.h"

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "carecampus %s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'carecampus %s --help'.\n", name);
    return CLI_USAGE;
}

int cli_print_help(const char *name)
{
    const struct cli_command *c = cli_find(name);
    if (!c)
        return CLI_USAGE;
    fputs(c->usage, stdout);
    return CLI_OK;
}

void cli_db_url(const char *data, const char *db_url, char *out, size_t size)
{
    if (db_url)
        snprintf(out, size, "%s", db_url);
    else
        snprintf(out, size, "sqlite:%s/carecampus.db", data);
}

int cli_open(const char *data, const char *db_url, struct store **out)
{
    char url[4096];
    if (!db_url && mkdir(data, 0700) && errno != EEXIST) {
        fprintf(stderr, "carecampus: cannot create the data directory %s: %s\n", data,
                strerror(errno));
        return CLI_FAIL;
    }
    cli_db_url(data, db_url, url, sizeof(url));
    if (store_open(url, out)) {
        fprintf(stderr, "carecampus: cannot open the database %s\n", url);
        return CLI_FAIL;
    }
    if (store_migrate(*out)) {
        fprintf(stderr, "carecampus: cannot bring the database schema up to date\n");
        store_close(out);
        return CLI_FAIL;
    }
    /* The frameworks that come with CareCampus: loaded when missing or older than this binary's. */
    struct case_bundled_result loaded;
    if (case_bundled_load(*out, &loaded)) {
        fprintf(stderr, "carecampus: cannot load the bundled competency frameworks\n");
        store_close(out);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int64_t cli_parse_id(const char *s)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v <= 0)
        return 0;
    return v;
}

int cli_read_stdin_line(char *out, size_t size)
{
    if (!fgets(out, (int)size, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

int cli_data_options(int argc, char **argv, const char *cmd, const char **data, const char **db_url)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'b'},
                                            {NULL, 0, NULL, 0}};
    *data = "./data";
    *db_url = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'd')
            *data = optarg;
        else if (c == 'b')
            *db_url = optarg;
        else
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
    }
    return CLI_OK;
}

int cli_open_institution(const char *cmd, const char *data, const char *db_url, int64_t institution,
                         struct store **out)
{
    if (cli_open(data, db_url, out))
        return CLI_FAIL;
    struct auth_institution inst;
    int err = auth_institution_get(*out, institution, &inst);
    if (err) {
        fprintf(stderr, "carecampus %s: %s\n", cmd,
                err == AUTH_ERR_NOT_FOUND
                    ? "no such institution (create one with 'carecampus init' or 'carecampus demo')"
                    : "cannot read the database");
        store_close(out);
        return CLI_FAIL;
    }
    return CLI_OK;
}
