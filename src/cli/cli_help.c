#include <stdio.h>

#include "cli/cli.h"
#include "util/banned.h"

int cli_help(int argc, char **argv)
{
    if (argc > 2)
        return cli_usage_error("help", "unexpected argument '%s'", argv[2]);
    if (argc == 2) {
        if (!cli_find(argv[1])) {
            fprintf(stderr, "carecampus help: '%s' is not a command\n", argv[1]);
            return CLI_USAGE;
        }
        return cli_print_help(argv[1]);
    }
    printf("usage: carecampus COMMAND [OPTIONS]\n\n"
           "CareCampus: training and credentials for smart health and elderly care.\n\n"
           "Commands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\n'carecampus COMMAND --help' explains one. Quick start: carecampus demo, then "
           "carecampus serve.\n");
    return CLI_OK;
}

int cli_version(int argc, char **argv)
{
    if (argc > 1)
        return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("carecampus %s\n", CC_VERSION);
    return CLI_OK;
}
