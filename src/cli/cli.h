/*
 * The subcommands of `carecampus`, one file each (cli_<name>.c), behind the
 * dispatch table in main.c. A command returns the process exit code:
 * 0 success, 1 the operation failed, 2 a usage error.
 */
#ifndef CC_CLI_CLI_H
#define CC_CLI_CLI_H

#include <stdint.h>

#include "store/store.h"

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

struct cli_command {
    const char *name;
    const char *summary;
    const char *usage; /* the text of `carecampus NAME --help` */
    int (*run)(int argc, char **argv);
};

extern const struct cli_command cli_commands[];

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_xapi(int argc, char **argv);
int cli_framework(int argc, char **argv);
int cli_care(int argc, char **argv);
int cli_checkoff(int argc, char **argv);
int cli_credential(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_sim(int argc, char **argv);
int cli_mastery(int argc, char **argv);
int cli_literacy(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_help(int argc, char **argv);

/* Finds a command by name; NULL when there is none. */
const struct cli_command *cli_find(const char *name);

/* Prints "carecampus NAME: MESSAGE" and a hint to use --help on stderr; returns CLI_USAGE. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the command's --help text on stdout; returns CLI_OK. */
int cli_print_help(const char *name);

/*
 * Opens the database of data directory DATA (created if needed), or DB_URL
 * when given, applies the migrations and loads the bundled competency
 * frameworks that are missing or older than this binary's. Prints why on
 * failure.
 */
int cli_open(const char *data, const char *db_url, struct store **out)
    __attribute__((warn_unused_result));

/* The database URL of DATA/DB_URL into OUT. */
void cli_db_url(const char *data, const char *db_url, char *out, size_t size);

/*
 * Parses the options of a command that takes only --data DIR and --db URL
 * (defaults ./data and none); positional arguments are left from optind on.
 * Returns CLI_OK, or CLI_USAGE after saying what is wrong.
 */
int cli_data_options(int argc, char **argv, const char *cmd, const char **data,
                     const char **db_url);

/*
 * Opens the database like cli_open and checks that INSTITUTION exists; CMD
 * names the command in the message when it does not.
 */
int cli_open_institution(const char *cmd, const char *data, const char *db_url, int64_t institution,
                         struct store **out) __attribute__((warn_unused_result));

/* Parses a positive integer id; 0 when S is not one. */
int64_t cli_parse_id(const char *s);

/* Reads the first line of standard input (without its line end) into OUT; -1 on failure. */
int cli_read_stdin_line(char *out, size_t size);

#endif
