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
     "                        [--forward-interval-ms MS] [--forward-retry-max-ms MS]\n"
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
     "                      with when a request names none (it is refused with a 400 either way)\n"
     "  --forward-interval-ms MS   how often statement forwarding looks for work, and the\n"
     "                      first wait after a failed delivery (default 1000)\n"
     "  --forward-retry-max-ms MS  the longest wait between failed deliveries, which\n"
     "                      double until then (default 300000)\n",
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
    {"xapi", "manage the learning record store's clients and forwarding; export statements",
     "usage: carecampus xapi client add [--data DIR] [--institution ID] --name NAME\n"
     "                                  --scope SCOPE [SCOPE…] [--json]\n"
     "       carecampus xapi client list [--data DIR] [--institution ID]\n"
     "       carecampus xapi client revoke [--data DIR] [--institution ID] ID\n"
     "       carecampus xapi export [--data DIR] [--institution ID] [--csv] > FILE\n"
     "       carecampus xapi forward add [--data DIR] [--institution ID] --name NAME --url URL\n"
     "                                   --key KEY (--secret SECRET | --secret-stdin)\n"
     "                                   [--version 1.0.3|2.0.0] [--json]\n"
     "       carecampus xapi forward list [--data DIR] [--institution ID] [--json]\n"
     "       carecampus xapi forward remove [--data DIR] [--institution ID] ID\n"
     "\n"
     "An LRS client is a program (a VR simulation, H5P, a cmi5 player, another LRS)\n"
     "that sends and reads xAPI statements at /xapi/ with HTTP Basic credentials.\n"
     "Scopes: statements/write, statements/read, statements/read/mine, state, define,\n"
     "profile, all/read, all. The secret is printed once ({\"key\",\"secret\"} with --json).\n"
     "export writes every statement of the institution, oldest first, as JSON lines\n"
     "(or CSV with --csv: id, stored, timestamp, actor, verb, object, registration,\n"
     "score_scaled, success, completion, duration).\n"
     "forward sends every statement of the institution on to another LRS (URL is its\n"
     "xAPI endpoint, KEY and SECRET the credentials it gave you; the secret is stored\n"
     "encrypted with DIR/secrets.key): at least once, in order, retried until it is\n"
     "taken. `serve` does the sending. This is how a campus server syncs to the\n"
     "central one.\n",
     cli_xapi},
    {"framework", "import, export, list or remove competency frameworks (CASE 1.1)",
     "usage: carecampus framework import [--data DIR] [--institution ID] [--check] [--json] FILE\n"
     "       carecampus framework export [--data DIR] [--out FILE] ID\n"
     "       carecampus framework list [--data DIR] [--json]\n"
     "       carecampus framework remove [--data DIR] [--institution ID] ID\n"
     "\n"
     "A framework is a CASE 1.1 package: a JSON file with a CFDocument, CFItems,\n"
     "CFAssociations, CFDefinitions and CFRubrics (at most 32 MiB; FILE - reads stdin).\n"
     "import checks the whole package first and prints every problem with its JSON\n"
     "path (CFItems[12].identifier); it imports all of it or nothing, and exits 1 on\n"
     "errors. --check only checks. Importing a framework that is already stored\n"
     "replaces it. With --institution the framework belongs to that college (only it\n"
     "may replace or remove it); without, to the server. export writes the package as\n"
     "it was imported (to stdout, or FILE with --out). The frameworks that come with\n"
     "CareCampus are loaded at every start and cannot be removed. See docs/frameworks.md.\n",
     cli_framework},
    {"care", "score NEWS2 and the Morse Fall Scale, run the fall detector (teaching, checking)",
     "usage: carecampus care news2 --rr N --spo2 N [--scale 1|2] --oxygen yes|no --sbp N\n"
     "                             --pulse N --acvpu A|C|V|P|U --temp N [--json] [--lang L]\n"
     "       carecampus care morse --history yes|no --secondary yes|no --aid AID --iv yes|no\n"
     "                             --gait GAIT --mental oriented|forgets\n"
     "                             [--moderate N] [--high N] [--json] [--lang L]\n"
     "       carecampus care fall --csv FILE [--all] [--json] [--lang L] [DETECTOR OPTIONS]\n"
     "\n"
     "The engines of src/care/ at the command line, for teaching and for checking a\n"
     "score by hand (docs/care.md). Nothing is stored; no data directory is needed.\n"
     "\n"
     "news2  scores one set of observations on the NEWS2 chart (Royal College of\n"
     "       Physicians, 2017): each parameter, the total, the clinical risk and the\n"
     "       response. --rr breaths/min, --spo2 %, --sbp mmHg, --pulse beats/min are\n"
     "       whole numbers; --temp is in °C, read to one decimal (38.05 scores as 38.1);\n"
     "       --acvpu C is new confusion; --scale 2 (default 1) only for a prescribed\n"
     "       SpO2 target of 88-92 %. Impossible readings are refused.\n"
     "morse  scores the Morse Fall Scale (Morse 1989). AID: none, bed-rest,\n"
     "       nurse-assist (0); crutches, cane, walker (15); furniture (30). GAIT:\n"
     "       normal, bed-rest, wheelchair (0); weak (10); impaired (20). High risk from\n"
     "       --high (default 45), moderate from --moderate (default 25).\n"
     "fall   runs the fall detector over a CSV of t,ax,ay,az (ms; g) with an optional\n"
     "       header row naming those columns (FILE - reads standard input), and prints\n"
     "       the falls; --all also the impacts and the candidates dismissed. Detector\n"
     "       options and defaults: --impact G (3.0), --freefall G (0.6),\n"
     "       --require-freefall, --settle MS (1000), --still MS (2000), --window MS\n"
     "       (10000), --still-sd G (0.10), --lying DEG (60), --up x|y|z|X,Y,Z (y),\n"
     "       --max-gap MS (1000).\n"
     "\n"
     "The text is in the language of --lang (en or zh-CN), else of LC_ALL, LC_MESSAGES\n"
     "or LANG (zh... is Chinese); --json prints one line of language-free ids.\n"
     "Exit status: 0 done, 1 the CSV cannot be read or is malformed, 2 a missing,\n"
     "malformed or impossible value.\n",
     cli_care},
    {"checkoff", "list or validate the skill checklists; export check-off results",
     "usage: carecampus checkoff list [--json]\n"
     "       carecampus checkoff validate FILE.json…\n"
     "       carecampus checkoff export [--data DIR] [--db URL] [--institution ID] > FILE.csv\n"
     "\n"
     "list prints the checklists bundled in this binary (content/checkoffs/). validate\n"
     "checks checklist files written for content/checkoffs/ as the server will, against\n"
     "the bundled frameworks, and says what is wrong and where. export writes every\n"
     "check-off result of the institution (default 1), latest first, as CSV: id,\n"
     "started_at, ended_at, checklist, version, student_login, student_name,\n"
     "teacher_login, outcome, steps_ticked, steps_total, steps_missed, critical_missed,\n"
     "comment.\n",
     cli_checkoff},
    {"literacy", "score, simulate and calibrate the digital-literacy test; check its item bank",
     "usage: carecampus literacy score --items ITEMS.json --responses RESPONSES.json\n"
     "                 [--method eap|map|mle] [--prior-mean M] [--prior-sd S] [--json]\n"
     "       carecampus literacy simulate [--n N] [--bank bundled|FILE|synthetic:N]\n"
     "                 [--seed N] [--se X] [--min N] [--max N] [--randomesque K]\n"
     "                 [--no-spread] [--max-exposure R] [--json]\n"
     "       carecampus literacy calibrate (--data DIR [--db URL] [--institution ID] [--apply]\n"
     "                 | --responses FILE [--items FILE]) [--min-responses N]\n"
     "                 [--max-cycles N] [--no-priors] [--no-link] [--json]\n"
     "       carecampus literacy bank validate [FILE...]\n"
     "       carecampus literacy bank export [--data DIR] [--institution ID] [--out FILE]\n"
     "       carecampus literacy bank import [--data DIR] [--institution ID] [--check]\n"
     "                 [--json] FILE\n"
     "\n"
     "The item response theory of the adaptive test (docs/literacy.md), for checking by hand.\n"
     "score   estimates theta from scored responses: ITEMS.json is {\"items\": [...]} with\n"
     "        each item's \"id\" and \"irt\" (or whole items of the bank format), RESPONSES.json\n"
     "        is {\"responses\": [{\"item\": ID, \"category\": K} or {\"item\": ID, \"answer\":\n"
     "        [ids]}]}. Prints theta, its standard error (the posterior SD for EAP) and each\n"
     "        item's category probabilities and information at theta. EAP uses 61 nodes on\n"
     "        [-4, 4] weighted by the prior N(M, S^2) (default N(0, 1)); MAP and MLE use\n"
     "        Newton-Raphson; MLE says when every answer is right (or wrong) instead.\n"
     "simulate runs N simulated test-takers (theta from N(0, 1)) through the adaptive test on\n"
     "        the bundled bank (or a bank FILE, or N made-up items) and prints bias, RMSE,\n"
     "        test length and the largest item exposure, by band of true theta. With\n"
     "        --max-exposure R, Sympson-Hetter exposure control is first tuned for R.\n"
     "calibrate re-estimates the item parameters by marginal maximum likelihood (EM) from\n"
     "        the answers in the college's tests (stored as a run; --apply puts the new\n"
     "        parameters in use) or from a file {\"responses\": [{\"person\", \"item\",\n"
     "        \"category\"}]} against the bundled bank or --items FILE.\n"
     "bank    validate checks bank files (default: the bundled bank) and says what is wrong\n"
     "        and where; export writes the college's bank (institution 1 by default) as\n"
     "        JSON; import adds or replaces items from such a file, all or nothing.\n",
     cli_literacy},
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
