/* carecampus: one binary, one subcommand per task (see src/cli/). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/secret.h"
#include "util/banned.h"

const struct cli_command cli_commands[] = {
    {"serve", "serve the web UI and the API",
     "usage: carecampus serve [--data DIR] [--listen ADDR:PORT] [--db sqlite:PATH]\n"
     "                        [--web-dir DIR] [--threads N] [--quiet] [--xapi-version V]\n"
     "\n"
     "Serves CareCampus over HTTP. Stops gracefully on SIGTERM or SIGINT: no new\n"
     "connections, requests in flight finish (up to 10 s).\n"
     "\n"
     "  --data DIR          data directory (default ./data)\n"
     "  --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080;\n"
     "                      0.0.0.0:8080 serves a whole training room; [::1]:8080 for IPv6)\n"
     "  --db sqlite:PATH    database (default sqlite:DIR/carecampus.db)\n"
     "  --web-dir DIR       serve the web UI from DIR instead of the embedded copy\n"
     "  --threads N         worker threads (default: twice the processors, at least 4)\n"
     "  --quiet             no access log\n"
     "  --xapi-version V    the xAPI version (1.0.3 or 2.0.0, the default) that /xapi/ answers\n"
     "                      with when a request names none (it is refused with a 400 either way)\n",
     cli_serve},
    {"init", "create the data directory and add an institution",
     "usage: carecampus init [--data DIR] [--db URL] --name-en TEXT --name-zh TEXT --country CC "
     "[--json]\n"
     "\n"
     "Creates the data directory and database if needed and adds an institution\n"
     "(a college). Prints its id, or {\"institution_id\":N} with --json.\n",
     cli_init},
    {"demo", "seed a demo college and print its logins",
     "usage: carecampus demo [--data DIR] [--db URL]\n"
     "\n"
     "Seeds a demo college (an administrator, two teachers, a class of twelve\n"
     "students) and a partner college, unless the database already has\n"
     "institutions, and prints the demo logins.\n",
     cli_demo},
    {"user", "add, list or import users",
     "usage: carecampus user add [--data DIR] [--institution ID] --role ROLE --login LOGIN\n"
     "                           [--name TEXT] [--lang en|zh-CN] --password-stdin [--json]\n"
     "       carecampus user list [--data DIR] [--institution ID] [--role ROLE] [--json]\n"
     "       carecampus user import [--data DIR] [--institution ID] FILE.csv\n"
     "\n"
     "ROLE is admin, teacher, student or verifier. The password is the first line\n"
     "of standard input. The institution defaults to 1. A CSV file has a header row\n"
     "with the columns login,name,role,password and optionally lang,class; either\n"
     "every row is imported or none is, and each problem is printed with its line.\n",
     cli_user},
    {"backup", "copy the database to a file while the server runs",
     "usage: carecampus backup [--data DIR] [--db URL] FILE\n"
     "\n"
     "Writes a consistent copy of the database to FILE using SQLite's online\n"
     "backup; the server may keep running.\n",
     cli_backup},
    {"xapi", "manage the learning record store's clients; export statements",
     "usage: carecampus xapi client add [--data DIR] [--institution ID] --name NAME\n"
     "                                  --scope SCOPE [SCOPE…] [--json]\n"
     "       carecampus xapi client list [--data DIR] [--institution ID]\n"
     "       carecampus xapi client revoke [--data DIR] [--institution ID] ID\n"
     "       carecampus xapi export [--data DIR] [--institution ID] [--csv] > FILE\n"
     "\n"
     "An LRS client is a program (a VR simulation, H5P, a cmi5 player, another LRS)\n"
     "that sends and reads xAPI statements at /xapi/ with HTTP Basic credentials.\n"
     "Scopes: statements/write, statements/read, statements/read/mine, state, define,\n"
     "profile, all/read, all. The secret is printed once ({\"key\",\"secret\"} with --json).\n"
     "export writes every statement of the institution, oldest first, as JSON lines\n"
     "(or CSV with --csv: id, stored, timestamp, actor, verb, object, registration,\n"
     "score_scaled, success, completion, duration).\n",
     cli_xapi},
    {"mastery", "recompute mastery of competencies from the statements, or show its state",
     "usage: carecampus mastery rebuild [--data DIR] [--db URL] [--institution ID] [--batch N]\n"
     "                                  [--no-publish] [--json]\n"
     "       carecampus mastery status [--data DIR] [--db URL] [--institution ID] [--json]\n"
     "\n"
     "The server keeps every learner's mastery of the competency frameworks up to\n"
     "date from the statements as they arrive (docs/mastery.md). rebuild recomputes\n"
     "it from the whole statement log, in store order, and gives the same result;\n"
     "attainments already published as statements are not published again. It\n"
     "works on every institution unless --institution is given, N statements a\n"
     "transaction (default 20000), and may run while the server does; with\n"
     "--no-publish the attainments it finds are left for the server to publish.\n"
     "status shows how far the server has got.\n",
     cli_mastery},
    {"version", "print the version", "usage: carecampus version\n", cli_version},
    {"help", "list the commands, or explain one", "usage: carecampus help [COMMAND]\n", cli_help},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    if (secret_init()) {
        fprintf(stderr, "carecampus: cannot initialise libsodium\n");
        return CLI_FAIL;
    }
    if (argc < 2) {
        cli_help(1, argv);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cli_help(1, argv);
    if (strcmp(argv[1], "--version") == 0)
        return cli_version(1, argv);
    const struct cli_command *c = cli_find(argv[1]);
    if (!c) {
        fprintf(stderr, "carecampus: '%s' is not a command. See 'carecampus help'.\n", argv[1]);
        return CLI_USAGE;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return cli_print_help(c->name);
    return c->run(argc - 1, argv + 1);
}
