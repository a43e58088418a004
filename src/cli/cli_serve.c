#include <getopt.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/account.h"
#include "checkoff/checkoff.h"
#include "literacy/item.h"
#include "cli/cli.h"
#include "credential/award_worker.h"
#include "credential/issuer.h"
#include "competency/mastery.h"
#include "http/server.h"
#include "sim/live.h"
#include "util/log.h"
#include "util/seal.h"
#include "xapi/forward.h"
#include "util/banned.h"

/* Splits "ADDR:PORT" or "[V6ADDR]:PORT" into ADDR and PORT; -1 when malformed. */
static int parse_listen(const char *s, char *addr, size_t size, uint16_t *port)
{
    const char *colon;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':' || (size_t)(end - s - 1) >= size)
            return -1;
        memcpy(addr, s + 1, (size_t)(end - s - 1));
        addr[end - s - 1] = 0;
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= size)
            return -1;
        memcpy(addr, s, (size_t)(colon - s));
        addr[colon - s] = 0;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 0 || p > 65535 || colon[1] == 0)
        return -1;
    *port = (uint16_t)p;
    return 0;
}

int cli_serve(int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"listen", required_argument, NULL, 'l'},
                                            {"db", required_argument, NULL, 'b'},
                                            {"web-dir", required_argument, NULL, 'w'},
                                            {"threads", required_argument, NULL, 't'},
                                            {"quiet", no_argument, NULL, 'q'},
                                            {"xapi-version", required_argument, NULL, 'x'},
                                            {"forward-interval-ms", required_argument, NULL, 'F'},
                                            {"forward-retry-max-ms", required_argument, NULL, 'R'},
                                            {"public-url", required_argument, NULL, 'P'},
                                            {NULL, 0, NULL, 0}};
    const char *data = "./data", *listen = "127.0.0.1:8080", *db_url = NULL, *web_dir = NULL;
    unsigned threads = 0;
    enum xapi_version xapi_default = XAPI_V20;
    int64_t forward_interval = 1000, forward_retry_max = 300000;
    const char *public_url = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 'b':
            db_url = optarg;
            break;
        case 'w':
            web_dir = optarg;
            break;
        case 't':
            threads = (unsigned)cli_parse_id(optarg);
            if (!threads || threads > 256)
                return cli_usage_error("serve", "--threads takes a number from 1 to 256");
            break;
        case 'q':
            log_set_level(LOG_LEVEL_WARN);
            break;
        case 'x':
            if (!(xapi_default = xapi_version_parse(optarg)))
                return cli_usage_error("serve", "--xapi-version takes 1.0.3 or 2.0.0");
            break;
        case 'F':
            forward_interval = cli_parse_id(optarg);
            if (!forward_interval || forward_interval > 3600000)
                return cli_usage_error("serve", "--forward-interval-ms takes a number of "
                                                "milliseconds from 1 to 3600000");
            break;
        case 'R':
            forward_retry_max = cli_parse_id(optarg);
            if (!forward_retry_max || forward_retry_max > 86400000)
                return cli_usage_error("serve", "--forward-retry-max-ms takes a number of "
                                                "milliseconds from 1 to 86400000");
            break;
        case 'P':
            if (!issuer_base_ok(optarg))
                return cli_usage_error("serve", "--public-url takes the address people reach this "
                                                "server at, such as https://campus.example.edu "
                                                "(http or https, no trailing slash)");
            public_url = optarg;
            break;
        default:
            return cli_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    char addr[128];
    uint16_t port;
    if (parse_listen(listen, addr, sizeof(addr), &port))
        return cli_usage_error("serve", "--listen takes ADDR:PORT, such as 127.0.0.1:8080");
    if (forward_retry_max < forward_interval)
        return cli_usage_error("serve", "--forward-retry-max-ms must be at least "
                                        "--forward-interval-ms");
    /*
     * Credentials carry this address in their ids, issuer did:web and status
     * list URLs for good: without --public-url, the listening address stands
     * in, which suits a server on one machine only.
     */
    static char default_url[200];
    if (!public_url) {
        int any = strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0;
        snprintf(default_url, sizeof(default_url), "http://%s%s%s:%u",
                 strchr(addr, ':') && !any ? "[" : "", any ? "localhost" : addr,
                 strchr(addr, ':') && !any ? "]" : "", (unsigned)port);
        public_url = default_url;
        LOG_WARN("serve: no --public-url; credentials will name this server %s", public_url);
    }

    struct store *db;
    if (cli_open(data, db_url, &db))
        return CLI_FAIL;
    int64_t institutions = 0;
    if (auth_institution_count(db, &institutions) == 0 && institutions == 0)
        LOG_WARN("serve: the database has no institution yet; run 'carecampus demo' or "
                 "'carecampus init' to add one");
    /* Bad bundled checklists stop the server here rather than fail check-offs later. */
    const struct checkoff_catalog *checklists;
    char why[512];
    if (checkoff_bundled(&checklists, why, sizeof(why))) {
        fprintf(stderr, "carecampus serve: the bundled check-off checklists are invalid: %s\n",
                why);
        store_close(&db);
        return CLI_FAIL;
    }
    if (checkoff_align(db, checklists, 0))
        LOG_WARN("serve: cannot align the check-off activities to their competencies");
    /* So do a bad bundled literacy item bank or learning-path resources. */
    const struct literacy_bank *literacy_bank;
    const struct literacy_resources *literacy_res;
    if (literacy_bundled(&literacy_bank, why, sizeof(why)) ||
        literacy_resources_bundled(&literacy_res, why, sizeof(why))) {
        fprintf(stderr, "carecampus serve: the bundled literacy content is invalid: %s\n", why);
        store_close(&db);
        return CLI_FAIL;
    }
    store_close(&db);
    static unsigned char seal_key[SEAL_KEY_BYTES];
    if (seal_key_load(data, seal_key)) {
        fprintf(stderr, "carecampus serve: cannot read or create the key file %s/%s\n", data,
                SEAL_KEY_FILE);
        return CLI_FAIL;
    }

    char url[4096];
    cli_db_url(data, db_url, url, sizeof(url));
    struct store_pool *pool;
    if (store_pool_new(url, &pool)) {
        fprintf(stderr, "carecampus serve: out of memory\n");
        return CLI_FAIL;
    }

    /* Signals are taken by sigwait below; every thread started from here inherits the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Started before the HTTP threads: it initialises libcurl, which must happen first. */
    struct xapi_forwarder *forwarder;
    struct xapi_forwarder_options fo = {pool, seal_key, forward_interval, forward_retry_max};
    if (xapi_forwarder_start(&fo, &forwarder)) {
        store_pool_free(&pool);
        fprintf(stderr, "carecampus serve: cannot start statement forwarding\n");
        return CLI_FAIL;
    }

    /* Badges awarded by rule from the statement log (src/credential/award_worker.h). */
    struct award_worker *awards = NULL;
    struct award_worker_options ao = {pool, seal_key, data, public_url, 500};
    if (award_worker_start(&ao, &awards))
        LOG_WARN("serve: cannot start the award worker; badges are not awarded by rule");
    /* Live training sessions: their stepping thread takes its own database connection. */
    struct sim_live *training;
    struct sim_live_options lo = {pool, 1};
    if (sim_live_start(&lo, &training)) {
        award_worker_stop(&awards);
        xapi_forwarder_stop(&forwarder);
        store_pool_free(&pool);
        fprintf(stderr, "carecampus serve: cannot start the live training\n");
        return CLI_FAIL;
    }

    struct http_server_options o = {.address = addr,
                                    .port = port,
                                    .threads = threads,
                                    .web_dir = web_dir,
                                    .pool = pool,
                                    .routes = api_routes,
                                    .nroutes = api_routes_count,
                                    .xapi_default = xapi_default,
                                    .seal_key = seal_key,
                                    .forwarder = forwarder,
                                    .public_url = public_url,
                                    .data_dir = data,
                                    .award_worker = awards,
                                    .training = training};
    struct http_server *server;
    if (http_server_start(&o, &server)) {
        sim_live_stop(&training);
        award_worker_stop(&awards);
        xapi_forwarder_stop(&forwarder);
        store_pool_free(&pool);
        fprintf(stderr, "carecampus serve: cannot listen on %s\n", listen);
        return CLI_FAIL;
    }
    if (log_flush_start())
        LOG_WARN("serve: the log is written line by line");
    /* Mastery follows the statement log in its own thread (docs/mastery.md). */
    struct mastery_worker *mastery = NULL;
    if (mastery_worker_start(pool, 200, &mastery))
        LOG_WARN("serve: cannot start the mastery worker; mastery is not kept up to date");
    fprintf(stderr, "listening on http://%s%s%s:%u\n", strchr(addr, ':') ? "[" : "", addr,
            strchr(addr, ':') ? "]" : "", http_server_port(server));

    int sig;
    sigwait(&stop, &sig);
    LOG_INFO("serve: stopping (signal %d)", sig);
    http_server_stop(&server, 10000);
    /* After the server: no reader is left; where each session stands is saved. */
    sim_live_stop(&training);
    /* After the server: its handlers wake the forwarder until their last request is done. */
    xapi_forwarder_stop(&forwarder);
    award_worker_stop(&awards);
    sodium_memzero(seal_key, sizeof(seal_key));
    if (mastery) {
        int64_t processed, busy_ms;
        mastery_worker_stats(mastery, &processed, &busy_ms);
        mastery_worker_stop(&mastery);
        LOG_INFO("serve: mastery worker stopped after %lld statements (busy %lld ms)",
                 (long long)processed, (long long)busy_ms);
    }
    store_pool_free(&pool);
    LOG_INFO("serve: stopped");
    log_flush_stop();
    return CLI_OK;
}
