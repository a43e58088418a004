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
     "                        [--public-url URL]\n"
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
     "                      double until then (default 300000)\n"
     "  --public-url URL    the address people and verifiers reach this server at, such as\n"
     "                      https://campus.example.edu: credentials carry it for good (their\n"
     "                      issuer did:web:campus.example.edu:institutions:ID, status list\n"
     "                      URLs, verification links). Default: http://ADDR:PORT of --listen\n",
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
    {"credential", "canonicalise or sign a verifiable credential (engineers, checking)",
     "usage: carecampus credential canon [--proof | --as-is] FILE\n"
     "       carecampus credential sign [--data DIR] [--institution ID] [--created TIME] FILE\n"
     "\n"
     "canon  prints the canonical N-Quads (RDFC-1.0) of the credential in FILE (- reads\n"
     "       standard input): by default the document without its proof, which is what\n"
     "       an eddsa-rdfc-2022 proof signs; --proof the proof configuration(s) signed\n"
     "       with it; --as-is the whole document. Only the bundled JSON-LD contexts are\n"
     "       used (VC v1/v2, Open Badges 3.0.x, CLR 2.0, Bitstring Status List, Data\n"
     "       Integrity); a term they do not define is an error.\n"
     "sign   signs the unsigned credential in FILE with the institution's Ed25519 key\n"
     "       (made on first use, kept sealed in DIR/credential-keys/) and prints it with\n"
     "       an eddsa-rdfc-2022 DataIntegrityProof. The issuer is the key's did:key: it\n"
     "       is filled in when the credential has none (or an issuer object without id)\n"
     "       and must match otherwise; validFrom defaults to the signing time (--created,\n"
     "       default now). The institution defaults to 1.\n"
     "\n"
     "Exit status: 0 done, 1 the file or the credential is not acceptable (why is\n"
     "printed), 2 a usage error.\n",
     cli_credential},
    {"verify", "verify a credential offline (embedded proof or VC-JWT)",
     "usage: carecampus verify [--json] [--did-document FILE]... [--now TIME]\n"
     "                         [--status-list FILE]... [--status-cache DIR [--refresh-status]]\n"
     "                         FILE\n"
     "\n"
     "Verifies the credential in FILE (- reads standard input): JSON-LD with an\n"
     "eddsa-rdfc-2022 DataIntegrityProof, or a VC-JWT (RS256, ES256, EdDSA). Every\n"
     "check is printed with its result: format, contexts (all bundled), proof,\n"
     "cryptosuite, method (the key resolved and the issuer's own), signature, dates\n"
     "(validFrom/validUntil, nbf/exp). Nothing is fetched: did:key is resolved from\n"
     "itself; for did:web or other issuers pin their DID or controller document(s)\n"
     "with --did-document (a document or an array of them; repeatable). --now checks\n"
     "the dates at another time; --json prints the report as JSON.\n"
     "\n"
     "Revocation (W3C Bitstring Status List): the status list a credential names must\n"
     "be at hand, as a file given with --status-list (repeatable), or in a cache\n"
     "directory (--status-cache DIR), which --refresh-status fills by fetching the lists\n"
     "the credential names (the only thing this command ever fetches). The report says\n"
     "which copy was used and how old it is; without one the status check fails\n"
     "(status_unavailable).\n"
     "\n"
     "Exit status: 0 only when every check passed, 1 otherwise, 2 a usage error.\n",
     cli_verify},
    {"sim", "list, check and run the simulated care home's scenarios (headless)",
     "usage: carecampus sim list [--json] [--lang L]\n"
     "       carecampus sim validate FILE...\n"
     "       carecampus sim validate --actions ACTIONS.json SCENARIO\n"
     "       carecampus sim run SCENARIO [--seed N] [--actions ACTIONS.json] [--speed max|N]\n"
     "                              [--out RESULT.json] [--vitals-every S]\n"
     "\n"
     "The simulated care home of src/sim/ (docs/scenarios.md). Nothing is stored; no\n"
     "data directory is needed. SCENARIO is a bundled scenario's id or a .json file.\n"
     "\n"
     "list      the bundled scenarios: id, length, residents, title (--lang en|zh-CN);\n"
     "          --json gives ids, versions and both titles.\n"
     "validate  checks scenario files completely and prints every problem as\n"
     "          FILE:LINE: JSON-PATH: message; with --actions, an action file against\n"
     "          the scenario.\n"
     "run       plays the scenario with the seed (default 1), doing the actions of the\n"
     "          action file at their times (none without one), to the end, and writes\n"
     "          the result (events, alerts, actions, vital signs every S seconds, default\n"
     "          5, and the score) as JSON to --out (default standard output). The same\n"
     "          scenario, seed and actions give the same bytes. --speed max (the\n"
     "          default) runs as fast as it can; N runs at N times real time. A summary\n"
     "          line goes to standard error.\n"
     "\n"
     "Exit status: 0 done (a failed score is still 0), 1 an invalid or unreadable\n"
     "file, 2 a usage error.\n",
     cli_sim},
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
