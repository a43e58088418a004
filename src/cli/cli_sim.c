/*
 * carecampus sim list | validate | run: the simulated care home at the
 * command line. list shows the bundled scenarios; validate checks scenario
 * files (and an action file against a scenario) and names the line and JSON
 * path of every problem; run plays a scripted trainee through a scenario,
 * headless, and writes the whole result — the same inputs give the same
 * bytes. The engine is src/sim/; files are read here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "sim/action.h"
#include "sim/catalog.h"
#include "sim/scenario.h"
#include "sim/session.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/banned.h"

#define CMD "sim"

/* The result is compact; reals (°C, mmol/L, kg) print as written: 36.6, not 36.600000000000001. */
#define RESULT_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* The language of --lang (NULL: the locale's; zh… is Chinese). -1 for an unknown tag. */
static int pick_lang(const char *opt)
{
    if (opt)
        return lang_parse(opt);
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncmp(v, "zh", 2) == 0 ? LANG_ZH : LANG_EN;
    }
    return LANG_EN;
}

static int bad_option(char **argv)
{
    if (optopt)
        return cli_usage_error(CMD, "%s needs a value", argv[optind - 1]);
    return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
}

/*
 * Reads the file PATH (at most MAX bytes) into *OUT, NUL-terminated (free
 * with cc_free). Says why on failure and returns CLI_FAIL.
 */
static int read_file(const char *path, size_t max, char **out, size_t *len)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "carecampus %s: cannot open %s: %s\n", CMD, path, strerror(errno));
        return CLI_FAIL;
    }
    struct buf b;
    buf_init(&b, max + 1);
    char chunk[65536];
    size_t n;
    int rc = CLI_OK;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        int err = buf_add(&b, chunk, n);
        if (err) {
            fprintf(stderr,
                    err == BUF_TOO_BIG ? "%s: the file is larger than %zu bytes\n"
                                       : "%s: out of memory (%zu bytes)\n",
                    path, max);
            rc = CLI_FAIL;
            break;
        }
    }
    if (rc == CLI_OK && ferror(f)) {
        fprintf(stderr, "carecampus %s: cannot read %s\n", CMD, path);
        rc = CLI_FAIL;
    }
    fclose(f);
    if (rc) {
        buf_release(&b);
        return rc;
    }
    *out = buf_detach(&b, len);
    if (!*out) {
        /* An empty file: an empty string to parse, which jansson refuses with a message. */
        *out = cc_strdup("");
        *len = 0;
        if (!*out)
            return CLI_FAIL;
    }
    return CLI_OK;
}

/* Prints every error as FILE:LINE: PATH: MESSAGE on stderr. */
static void print_errors(const char *file, const struct sim_errors *errs)
{
    for (int i = 0; i < errs->n; i++) {
        const struct sim_error *e = &errs->e[i];
        if (e->line > 0)
            fprintf(stderr, "%s:%d: %s: %s\n", file, e->line, e->path, e->msg);
        else
            fprintf(stderr, "%s: %s: %s\n", file, e->path, e->msg);
    }
    if (errs->more)
        fprintf(stderr, "%s: more errors not shown (the first %d are above)\n", file,
                SIM_MAX_ERRORS);
}

/* A scenario argument names a file when it has a '/' or ends in .json; else a bundled id. */
static int is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".json") == 0);
}

/*
 * Loads the scenario NAME (a file or a bundled id) into *OUT. Prints the
 * problems and returns CLI_FAIL when it cannot.
 */
static int load_scenario(const char *name, struct sim_scenario **out)
{
    struct sim_errors *errs = cc_malloc(sizeof(*errs));
    char *text = NULL;
    size_t len = 0;
    const char *label = name;
    char bundled[128];
    int rc = CLI_FAIL;
    if (!errs) {
        fprintf(stderr, "carecampus %s: out of memory\n", CMD);
        return CLI_FAIL;
    }
    if (is_path(name)) {
        if (read_file(name, SIM_SCENARIO_MAX_BYTES, &text, &len))
            goto done;
    } else {
        const struct embedded_file *e = sim_catalog_scenario(name);
        if (!e) {
            fprintf(stderr,
                    "carecampus %s: no bundled scenario \"%s\" (see 'carecampus sim list'; a "
                    "file name ends in .json)\n",
                    CMD, name);
            goto done;
        }
        snprintf(bundled, sizeof(bundled), "content/scenarios/%s.json", name);
        label = bundled;
        text = cc_malloc(e->size + 1);
        if (!text)
            goto done;
        memcpy(text, e->data, e->size);
        text[e->size] = '\0';
        len = e->size;
    }
    if (sim_scenario_parse(text, len, sim_catalog_item_known, NULL, out, errs)) {
        print_errors(label, errs);
        goto done;
    }
    rc = CLI_OK;
done:
    cc_free(text);
    cc_free(errs);
    return rc;
}

/* ---------------------------------------------------------------- list */

static int sim_list(int argc, char **argv)
{
    static const struct option options[] = {{"json", no_argument, NULL, 'j'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {NULL, 0, NULL, 0}};
    int json = 0, c;
    const char *lang_opt = NULL;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 'l')
            lang_opt = optarg;
        else
            return bad_option(argv);
    }
    if (optind < argc)
        return cli_usage_error(CMD, "list takes no arguments ('%s')", argv[optind]);
    int lang = pick_lang(lang_opt);
    if (lang < 0)
        return cli_usage_error(CMD, "--lang is en or zh-CN, not '%s'", lang_opt);
    json_t *list = json ? json_array() : NULL;
    struct sim_errors *errs = cc_malloc(sizeof(*errs));
    int rc = CLI_OK;
    if ((json && !list) || !errs) {
        fprintf(stderr, "carecampus %s: out of memory\n", CMD);
        rc = CLI_FAIL;
        goto done;
    }
    const struct embedded_file *e;
    for (size_t i = 0; (e = sim_catalog_scenario_at(i)); i++) {
        struct sim_scenario *s = NULL;
        if (sim_scenario_parse((const char *)e->data, e->size, sim_catalog_item_known, NULL, &s,
                               errs)) {
            fprintf(stderr, "carecampus %s: the bundled content%s is not valid:\n", CMD, e->path);
            print_errors(e->path + 1, errs);
            rc = CLI_FAIL;
            continue;
        }
        char dur[32];
        sim_format_time(s->duration_ms, dur, sizeof(dur));
        if (json) {
            json_t *lv = json_array();
            for (int l = 1; lv && l <= 5; l++)
                if (s->levels >> l & 1)
                    json_array_append_new(lv, json_integer(l));
            json_t *o = json_pack("{sssisosososIsisiso}", "id", s->id, "version", s->version,
                                  "title", sim_text_json(&s->title), "summary",
                                  sim_text_json(&s->summary), "levels", lv ? lv : json_array(),
                                  "duration_ms", (json_int_t)s->duration_ms, "residents", s->nres,
                                  "expected", s->nexp, "rubric", json_integer(s->nrubric));
            if (!o || json_array_append_new(list, o))
                rc = CLI_FAIL;
        } else {
            printf("%-32s %8s  %2d %-9s  %s\n", s->id, dur, s->nres,
                   lang == LANG_ZH ? "位长者" : (s->nres == 1 ? "resident" : "residents"),
                   lang == LANG_ZH ? s->title.zh : s->title.en);
        }
        sim_scenario_free(&s);
    }
    if (json) {
        char *out = json_dumps(list, JSON_COMPACT);
        if (!out) {
            rc = CLI_FAIL;
        } else {
            puts(out);
            free(out);
        }
    }
done:
    json_decref(list);
    cc_free(errs);
    return rc;
}

/* ---------------------------------------------------------------- validate */

static int sim_validate(int argc, char **argv)
{
    static const struct option options[] = {{"actions", required_argument, NULL, 'a'},
                                            {NULL, 0, NULL, 0}};
    const char *actions = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'a')
            actions = optarg;
        else
            return bad_option(argv);
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "validate needs a scenario FILE");
    if (actions && argc - optind != 1)
        return cli_usage_error(CMD, "validate --actions FILE checks one scenario");
    int rc = CLI_OK;
    for (int i = optind; i < argc; i++) {
        struct sim_scenario *s = NULL;
        if (load_scenario(argv[i], &s)) {
            rc = CLI_FAIL;
            continue;
        }
        char dur[32];
        sim_format_time(s->duration_ms, dur, sizeof(dur));
        if (!actions) {
            printf("%s: ok: scenario %s, %d resident%s, %d expected action%s, %s\n", argv[i], s->id,
                   s->nres, s->nres == 1 ? "" : "s", s->nexp, s->nexp == 1 ? "" : "s", dur);
            sim_scenario_free(&s);
            continue;
        }
        char *text = NULL;
        size_t len;
        struct sim_errors *errs = cc_malloc(sizeof(*errs));
        struct sim_actions *acts = NULL;
        if (!errs || read_file(actions, SIM_ACTIONS_MAX_BYTES, &text, &len)) {
            rc = CLI_FAIL;
        } else if (sim_actions_parse(text, len, &s->names, &acts, errs)) {
            print_errors(actions, errs);
            rc = CLI_FAIL;
        } else {
            printf("%s: ok: %zu action%s for scenario %s\n", actions, acts->n,
                   acts->n == 1 ? "" : "s", s->id);
        }
        sim_actions_free(&acts);
        cc_free(text);
        cc_free(errs);
        sim_scenario_free(&s);
    }
    return rc;
}

/* ---------------------------------------------------------------- run */

/* Parses a whole number from MIN to MAX; -1 when S is not one. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Sleeps MS milliseconds of wall time (only to pace a run watched at --speed N). */
static void pace(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static int sim_run(int argc, char **argv)
{
    static const struct option options[] = {
        {"seed", required_argument, NULL, 's'},         {"actions", required_argument, NULL, 'a'},
        {"speed", required_argument, NULL, 'p'},        {"out", required_argument, NULL, 'o'},
        {"vitals-every", required_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
    const char *actions = NULL, *out = "-";
    uint64_t seed = 1, speed = 0, every = 5;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (parse_u64(optarg, (1ULL << 63) - 1, &seed))
                return cli_usage_error(CMD, "--seed is a whole number from 0 to 2^63-1, not '%s'",
                                       optarg);
            break;
        case 'a':
            actions = optarg;
            break;
        case 'p':
            if (strcmp(optarg, "max") == 0)
                speed = 0;
            else if (parse_u64(optarg, 100, &speed) || speed == 0)
                return cli_usage_error(
                    CMD, "--speed is max or a whole number from 1 to 100, not '%s'", optarg);
            break;
        case 'o':
            out = optarg;
            break;
        case 'v':
            if (parse_u64(optarg, 3600, &every) || every == 0)
                return cli_usage_error(CMD,
                                       "--vitals-every is a whole number of seconds from 1 to "
                                       "3600, not '%s'",
                                       optarg);
            break;
        default:
            return bad_option(argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(CMD, "run needs one SCENARIO (a bundled id or a .json file)");
    struct sim_scenario *sc = NULL;
    struct sim_actions *acts = NULL;
    struct sim_session *s = NULL;
    struct sim_errors *errs = NULL;
    char *text = NULL;
    json_t *result = NULL;
    int rc = CLI_FAIL;
    if (load_scenario(argv[optind], &sc))
        goto done;
    if (actions) {
        size_t len;
        errs = cc_malloc(sizeof(*errs));
        if (!errs || read_file(actions, SIM_ACTIONS_MAX_BYTES, &text, &len))
            goto done;
        if (sim_actions_parse(text, len, &sc->names, &acts, errs)) {
            print_errors(actions, errs);
            goto done;
        }
    }
    struct sim_session_opts opts = {(int)every};
    if (sim_session_new(sc, seed, &opts, &s)) {
        fprintf(stderr, "carecampus %s: out of memory\n", CMD);
        goto done;
    }
    int err = 0;
    if (speed == 0) {
        static const struct sim_actions none = {NULL, 0};
        err = sim_session_play(s, acts ? acts : &none);
    } else {
        /* Paced: 100 ms of simulated time at a time, each after 100/speed ms of wall time. */
        size_t next = 0;
        while (!err && !sim_session_ended(s)) {
            while (!err && acts && next < acts->n && acts->a[next].at_ms <= sim_session_now(s)) {
                err = sim_session_act(s, &acts->a[next++], NULL);
                if (err == SIM_SESSION_ENDED)
                    err = 0;
            }
            if (!err) {
                pace((int64_t)(100 / speed));
                err = sim_session_step(s, 100);
            }
        }
        while (!err && acts && next < acts->n) {
            err = sim_session_act(s, &acts->a[next++], NULL);
            if (err == SIM_SESSION_ENDED)
                err = 0;
        }
    }
    if (err) {
        fprintf(stderr, "carecampus %s: the session stopped: %s\n", CMD,
                err == SIM_SESSION_NOMEM ? "out of memory" : "too many events, alerts or actions");
        goto done;
    }
    result = sim_session_result(s);
    if (!result) {
        fprintf(stderr, "carecampus %s: out of memory\n", CMD);
        goto done;
    }
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
    if (!f) {
        fprintf(stderr, "carecampus %s: cannot write %s: %s\n", CMD, out, strerror(errno));
        goto done;
    }
    int bad = json_dumpf(result, f, RESULT_FLAGS) || fputc('\n', f) == EOF;
    if (f != stdout)
        bad |= fclose(f) != 0;
    else
        bad |= fflush(f) != 0;
    if (bad) {
        fprintf(stderr, "carecampus %s: cannot write %s\n", CMD, out);
        goto done;
    }
    json_t *score = json_object_get(result, "score");
    size_t ncrit = json_array_size(json_object_get(score, "critical_errors"));
    fprintf(stderr, "%s seed %llu: %s, %lld%% (pass %lld%%), %zu critical error%s\n", sc->id,
            (unsigned long long)seed,
            json_is_true(json_object_get(score, "passed")) ? "passed" : "failed",
            (long long)json_integer_value(json_object_get(score, "percent")),
            (long long)json_integer_value(json_object_get(score, "pass_percent")), ncrit,
            ncrit == 1 ? "" : "s");
    rc = CLI_OK;
done:
    json_decref(result);
    sim_session_free(&s);
    sim_actions_free(&acts);
    cc_free(text);
    cc_free(errs);
    sim_scenario_free(&sc);
    return rc;
}

int cli_sim(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(CMD, "name a subcommand: list, validate or run");
    if (strcmp(argv[1], "list") == 0)
        return sim_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "validate") == 0)
        return sim_validate(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0)
        return sim_run(argc - 1, argv + 1);
    return cli_usage_error(CMD, "'%s' is not a subcommand of sim (list, validate, run)", argv[1]);
}
