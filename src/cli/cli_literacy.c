/* carecampus literacy score | simulate | calibrate | bank validate|export|import */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "literacy/calibrate.h"
#include "literacy/cat.h"
#include "literacy/item.h"
#include "literacy/messages.h"
#include "literacy/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/json.h"
#include "util/banned.h"

#define FILE_MAX  (64u << 20)
#define SCORE_MAX 1000 /* responses one score command takes */
#define SIM_MAX   1000000
#define CALIB_MAX 5000000 /* responses of a calibration file */
#define SH_TESTS  2000    /* simulated tests per round of Sympson-Hetter tuning */
#define SH_ROUNDS 8

static const char CMD[] = "literacy";

/* Reads PATH ("-": standard input) into OUT; prints why not. */
static int read_file(const char *path, struct buf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    buf_init(out, FILE_MAX);
    if (!f) {
        fprintf(stderr, "carecampus literacy: cannot read %s\n", path);
        return -1;
    }
    char chunk[65536];
    size_t n;
    int err = 0;
    while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        err = buf_add(out, chunk, n);
    if (!err && ferror(f))
        err = -1;
    if (f != stdin)
        fclose(f);
    if (err)
        fprintf(stderr, "carecampus literacy: cannot read %s (larger than 64 MiB?)\n", path);
    return err;
}

/* Reads PATH as a JSON object into *OUT; prints why not. */
static int read_json(const char *path, json_t **out)
{
    struct buf b;
    json_error_t e;
    if (read_file(path, &b))
        return -1;
    *out = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &e);
    buf_release(&b);
    if (!*out || !json_is_object(*out)) {
        fprintf(stderr, "carecampus literacy: %s: not a JSON object (line %d: %s)\n", path, e.line,
                *out ? "the top level must be an object" : e.text);
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static void print_json(json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(v);
}

static void print_report(const struct literacy_report *r)
{
    char line[1024];
    for (size_t i = 0; i < r->n; i++) {
        literacy_problem_format(&r->list[i], LANG_EN, line, sizeof(line));
        fprintf(stderr, "  %s\n", line);
    }
    if (r->total > r->n)
        fprintf(stderr, "  … and %zu more\n", r->total - r->n);
}

/* ---- Items given by parameters (score, calibrate) ---- */

/* Items by id and parameters: full items (with a key, for answers) or {"id", "irt"} alone. */
struct param_items {
    json_t *doc;
    size_t n;
    const char **ids;
    struct literacy_item *items; /* full items (type set); others have only irt */
    unsigned char *full;
};

static void param_items_release(struct param_items *p)
{
    json_decref(p->doc);
    cc_free(p->ids);
    cc_free(p->items);
    cc_free(p->full);
    memset(p, 0, sizeof(*p));
}

static int param_items_read(const char *path, struct param_items *out)
{
    memset(out, 0, sizeof(*out));
    if (read_json(path, &out->doc))
        return -1;
    const json_t *list = json_object_get(out->doc, "items");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > LITERACY_BANK_MAX) {
        fprintf(stderr, "carecampus literacy: %s: \"items\" must be a list of 1 to %d items\n",
                path, LITERACY_BANK_MAX);
        return -1;
    }
    out->ids = cc_calloc(n, sizeof(*out->ids));
    out->items = cc_calloc(n, sizeof(*out->items));
    out->full = cc_calloc(n, 1);
    if (!out->ids || !out->items || !out->full)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        char where[64], line[1024];
        struct literacy_problem p;
        snprintf(where, sizeof(where), "%s: items[%zu]", path, i);
        if (json_object_get(v, "type")) {
            if (literacy_item_read(v, where, &out->items[i], &p)) {
                literacy_problem_format(&p, LANG_EN, line, sizeof(line));
                fprintf(stderr, "carecampus literacy: %s\n", line);
                return -1;
            }
            out->full[i] = 1;
        } else if (!json_string_value(json_object_get(v, "id")) ||
                   strlen(json_string_value(json_object_get(v, "id"))) > 64 ||
                   literacy_irt_read(json_object_get(v, "irt"), &out->items[i].irt)) {
            fprintf(stderr,
                    "carecampus literacy: %s: needs \"id\" and \"irt\" ({\"model\": \"2pl\", "
                    "\"a\", \"b\"} or {\"model\": \"grm\", \"a\", \"b\": [...]})\n",
                    where);
            return -1;
        }
        out->ids[i] = json_string_value(json_object_get(v, "id"));
        for (size_t j = 0; j < i; j++)
            if (strcmp(out->ids[j], out->ids[i]) == 0) {
                fprintf(stderr, "carecampus literacy: %s: the id %s is used twice\n", where,
                        out->ids[i]);
                return -1;
            }
    }
    out->n = n;
    return 0;
}

static int param_index(const struct param_items *p, const char *id)
{
    for (size_t i = 0; id && i < p->n; i++)
        if (strcmp(p->ids[i], id) == 0)
            return (int)i;
    return -1;
}

/* ---- score ---- */

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *status_name(enum literacy_estimate_status s)
{
    switch (s) {
    case LITERACY_EST_ALL_TOP:
        return "all_right";
    case LITERACY_EST_ALL_BOTTOM:
        return "all_wrong";
    case LITERACY_EST_NO_DATA:
        return "no_responses";
    case LITERACY_EST_DIVERGED:
        return "diverged";
    default:
        return "ok";
    }
}

static int score(int argc, char **argv)
{
    static const struct option options[] = {{"items", required_argument, NULL, 'i'},
                                            {"responses", required_argument, NULL, 'r'},
                                            {"method", required_argument, NULL, 'm'},
                                            {"prior-mean", required_argument, NULL, 'M'},
                                            {"prior-sd", required_argument, NULL, 'S'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    const char *items_path = NULL, *responses_path = NULL;
    enum literacy_method method = LITERACY_EAP;
    double mean = 0, sd = 1;
    int json = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'i':
            items_path = optarg;
            break;
        case 'r':
            responses_path = optarg;
            break;
        case 'm':
            if (strcmp(optarg, "eap") == 0)
                method = LITERACY_EAP;
            else if (strcmp(optarg, "map") == 0)
                method = LITERACY_MAP;
            else if (strcmp(optarg, "mle") == 0)
                method = LITERACY_MLE;
            else
                return cli_usage_error(CMD, "--method takes eap, map or mle");
            break;
        case 'M':
            mean = strtod(optarg, &end);
            if (*end || !(fabs(mean) <= 4))
                return cli_usage_error(CMD, "--prior-mean takes a number from -4 to 4");
            break;
        case 'S':
            sd = strtod(optarg, &end);
            if (*end || !(sd >= 0.1 && sd <= 10))
                return cli_usage_error(CMD, "--prior-sd takes a number from 0.1 to 10");
            break;
        case 'j':
            json = 1;
            break;
        default:
            return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!items_path || !responses_path)
        return cli_usage_error(CMD, "score needs --items FILE and --responses FILE");
    struct param_items items;
    json_t *rdoc = NULL;
    struct literacy_response *r = NULL;
    int *idx = NULL, rc = CLI_FAIL;
    if (param_items_read(items_path, &items) || read_json(responses_path, &rdoc))
        goto done;
    const json_t *list = json_object_get(rdoc, "responses");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n > SCORE_MAX) {
        fprintf(stderr, "carecampus literacy: %s: \"responses\" must be a list of at most %d\n",
                responses_path, SCORE_MAX);
        goto done;
    }
    r = cc_calloc(n ? n : 1, sizeof(*r));
    idx = cc_calloc(n ? n : 1, sizeof(*idx));
    if (!r || !idx)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i), *cat = json_object_get(v, "category"),
                     *answer = json_object_get(v, "answer");
        const char *id = json_string_value(json_object_get(v, "item"));
        int k = param_index(&items, id);
        if (k < 0) {
            fprintf(stderr, "carecampus literacy: responses[%zu]: no item \"%s\" in %s\n", i,
                    id ? id : "", items_path);
            goto done;
        }
        idx[i] = k;
        r[i].irt = &items.items[k].irt;
        if (json_is_integer(cat) && !answer) {
            r[i].category = (int)json_integer_value(cat);
            if (r[i].category < 0 || r[i].category > r[i].irt->m) {
                fprintf(stderr,
                        "carecampus literacy: responses[%zu]: category must be 0 to %d for %s\n", i,
                        r[i].irt->m, id);
                goto done;
            }
        } else if (answer && !cat && items.full[k]) {
            struct literacy_answer a;
            struct literacy_problem p;
            char line[512];
            if (literacy_answer_read(&items.items[k], answer, &a, &p)) {
                literacy_problem_format(&p, LANG_EN, line, sizeof(line));
                fprintf(stderr, "carecampus literacy: responses[%zu]: %s\n", i, line);
                goto done;
            }
            r[i].category = literacy_score(&items.items[k], &a);
        } else {
            fprintf(stderr,
                    "carecampus literacy: responses[%zu]: give either \"category\" (0..m) or "
                    "\"answer\" (a list of ids; the item must be a full item with a key)\n",
                    i);
            goto done;
        }
    }
    struct literacy_estimate est;
    literacy_estimate(r, n, method, mean, sd, &est);
    static const char *const names[] = {"eap", "map", "mle"};
    int ok = est.status == LITERACY_EST_OK;
    double info = ok ? literacy_test_info(r, n, est.theta) : NAN;
    json_t *out_items = json_array();
    for (size_t i = 0; out_items && i < n; i++) {
        double p[LITERACY_MAX_THRESHOLDS + 1];
        json_t *probs = json_array();
        if (ok) {
            literacy_irt_probs(r[i].irt, est.theta, p);
            for (int k = 0; k <= r[i].irt->m; k++)
                json_array_append_new(probs, json_real(p[k]));
        }
        json_array_append_new(
            out_items,
            json_pack("{s:s, s:i, s:i, s:o, s:o, s:o, s:o}", "id", items.ids[idx[i]], "category",
                      r[i].category, "max", r[i].irt->m, "probabilities",
                      ok ? probs : (json_decref(probs), json_null()), "p_observed",
                      ok ? json_real(p[r[i].category]) : json_null(), "expected",
                      ok ? json_real(literacy_irt_expected(r[i].irt, est.theta)) : json_null(),
                      "information",
                      ok ? json_real(literacy_irt_info(r[i].irt, est.theta)) : json_null()));
    }
    if (json) {
        print_json(json_pack("{s:s, s:s, s:o, s:o, s:i, s:{s:f, s:f}, s:{s:i, s:f, s:f}, s:o,"
                             " s:o}",
                             "method", names[method], "status", status_name(est.status), "theta",
                             num(est.theta), "se", num(est.se), "iterations", est.iterations,
                             "prior", "mean", mean, "sd", sd, "quadrature", "nodes",
                             LITERACY_QUAD_N, "from", LITERACY_QUAD_MIN, "to", LITERACY_QUAD_MAX,
                             "test_information", num(info), "items", out_items));
    } else {
        if (ok)
            printf("%s: theta = %.6f, %s = %.6f (%zu responses%s)\n", names[method], est.theta,
                   method == LITERACY_EAP ? "posterior SD" : "SE", est.se, n,
                   method == LITERACY_EAP ? "" : ", Newton-Raphson");
        else if (est.status == LITERACY_EST_ALL_TOP || est.status == LITERACY_EST_ALL_BOTTOM)
            printf("mle: no estimate: every response is in its %s category, so the likelihood "
                   "keeps rising towards theta = %s. Use --method eap or map.\n",
                   est.status == LITERACY_EST_ALL_TOP ? "top" : "bottom",
                   est.status == LITERACY_EST_ALL_TOP ? "+inf" : "-inf");
        else
            printf("%s: no estimate (%s)\n", names[method], status_name(est.status));
        if (ok) {
            printf("%-14s %4s %4s %10s %10s %12s\n", "item", "cat", "max", "P(cat)", "E[score]",
                   "information");
            size_t i;
            json_t *o;
            json_array_foreach (out_items, i, o)
                printf("%-14s %4d %4d %10.6f %10.6f %12.6f\n",
                       json_string_value(json_object_get(o, "id")), r[i].category, r[i].irt->m,
                       json_real_value(json_object_get(o, "p_observed")),
                       json_real_value(json_object_get(o, "expected")),
                       json_real_value(json_object_get(o, "information")));
            printf("test information %.6f\n", info);
        }
        json_decref(out_items);
    }
    rc = CLI_OK;
done:
    param_items_release(&items);
    json_decref(rdoc);
    cc_free(r);
    cc_free(idx);
    return rc;
}

/* ---- simulate ---- */

/* Parses a whole number in LO..HI; -1 when S is not one. */
static long long whole(const char *s, long long lo, long long hi)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    return *s && !*end && v >= lo && v <= hi ? v : -1;
}

/* The pool named by BANK: "bundled", "synthetic:N" or a bank file; IDS (may be NULL) get the ids.
 */
static int load_pool(const char *bank, uint64_t seed, struct literacy_pool *pool,
                     struct literacy_bank *b, char *label, size_t size)
{
    literacy_bank_init(b);
    if (strncmp(bank, "synthetic:", 10) == 0) {
        long long n = whole(bank + 10, 1, 100000);
        if (n < 0) {
            fprintf(stderr, "carecampus literacy: --bank synthetic:N takes N from 1 to 100000\n");
            return -1;
        }
        snprintf(label, size, "synthetic (%lld items made from the seed)", n);
        return literacy_pool_synthetic(pool, (size_t)n, seed) ? -1 : 0;
    }
    if (strcmp(bank, "bundled") == 0) {
        const struct literacy_bank *bundled;
        char why[512];
        if (literacy_bundled(&bundled, why, sizeof(why))) {
            fprintf(stderr, "carecampus literacy: the bundled bank is invalid: %s\n", why);
            return -1;
        }
        snprintf(label, size, "bundled (%zu items)", bundled->n);
        return literacy_pool_build(bundled, pool) ? -1 : 0;
    }
    struct buf data;
    struct literacy_report *r = cc_calloc(1, sizeof(*r));
    if (!r || read_file(bank, &data)) {
        cc_free(r);
        return -1;
    }
    int err = literacy_bank_read_file(b, data.data, data.len, bank, r);
    buf_release(&data);
    if (!err)
        err = literacy_bank_finish(b, r);
    if (err) {
        fprintf(stderr, "carecampus literacy: %s is not a valid bank:\n", bank);
        print_report(r);
    }
    cc_free(r);
    snprintf(label, size, "%s (%zu items)", bank, b->n);
    return err || literacy_pool_build(b, pool) ? -1 : 0;
}

static json_t *band_json(const struct literacy_sim_band *b)
{
    return json_pack("{s:o, s:o, s:I, s:o, s:o, s:o, s:o}", "from", num(b->lo), "to", num(b->hi),
                     "n", (json_int_t)b->n, "bias", b->n ? json_real(b->bias) : json_null(), "rmse",
                     b->n ? json_real(b->rmse) : json_null(), "length",
                     b->n ? json_real(b->length) : json_null(), "se",
                     b->n ? json_real(b->se) : json_null());
}

static int simulate(int argc, char **argv)
{
    static const struct option options[] = {{"n", required_argument, NULL, 'n'},
                                            {"bank", required_argument, NULL, 'b'},
                                            {"seed", required_argument, NULL, 's'},
                                            {"se", required_argument, NULL, 'e'},
                                            {"min", required_argument, NULL, 'l'},
                                            {"max", required_argument, NULL, 'h'},
                                            {"randomesque", required_argument, NULL, 'k'},
                                            {"no-spread", no_argument, NULL, 'p'},
                                            {"max-exposure", required_argument, NULL, 'x'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    struct literacy_sim_options o = {.n = 10000, .seed = 1};
    const char *bank = "bundled";
    int json = 0, c;
    literacy_settings_default(&o.settings);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        long long v;
        char *end;
        switch (c) {
        case 'n':
            if ((v = whole(optarg, 1, SIM_MAX)) < 0)
                return cli_usage_error(CMD, "--n takes a number from 1 to %d", SIM_MAX);
            o.n = (size_t)v;
            break;
        case 'b':
            bank = optarg;
            break;
        case 's':
            if ((v = whole(optarg, 0, 0x7fffffffffffffffLL)) < 0)
                return cli_usage_error(CMD, "--seed takes a whole number");
            o.seed = (uint64_t)v;
            break;
        case 'e':
            o.settings.se_target = strtod(optarg, &end);
            if (*end || !(o.settings.se_target >= 0.1 && o.settings.se_target <= 1))
                return cli_usage_error(CMD, "--se takes a number from 0.1 to 1");
            break;
        case 'l':
            if ((v = whole(optarg, 1, LITERACY_MAX_TEST)) < 0)
                return cli_usage_error(CMD, "--min takes a number from 1 to %d", LITERACY_MAX_TEST);
            o.settings.min_items = (int)v;
            break;
        case 'h':
            if ((v = whole(optarg, 1, LITERACY_MAX_TEST)) < 0)
                return cli_usage_error(CMD, "--max takes a number from 1 to %d", LITERACY_MAX_TEST);
            o.settings.max_items = (int)v;
            break;
        case 'k':
            if ((v = whole(optarg, 1, LITERACY_RANDOMESQUE_MAX)) < 0)
                return cli_usage_error(CMD, "--randomesque takes a number from 1 to %d",
                                       LITERACY_RANDOMESQUE_MAX);
            o.settings.randomesque = (int)v;
            break;
        case 'p':
            o.settings.spread = 0;
            break;
        case 'x':
            o.settings.max_exposure = strtod(optarg, &end);
            if (*end || !(o.settings.max_exposure >= 0.05 && o.settings.max_exposure <= 1))
                return cli_usage_error(CMD, "--max-exposure takes a share from 0.05 to 1");
            break;
        case 'j':
            json = 1;
            break;
        default:
            return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o.settings.min_items > o.settings.max_items)
        return cli_usage_error(CMD, "--min must not be above --max");
    struct literacy_pool pool = {0};
    struct literacy_bank b;
    char label[600];
    if (load_pool(bank, o.seed, &pool, &b, label, sizeof(label))) {
        literacy_bank_release(&b);
        return CLI_FAIL;
    }
    struct literacy_exposure_report sh = {0};
    int err = LITERACY_OK;
    if (o.settings.max_exposure > 0)
        err = literacy_exposure_tune(&pool, &o.settings, SH_TESTS, SH_ROUNDS, o.seed + 1000, &sh);
    struct literacy_sim_result r;
    if (!err)
        err = literacy_simulate(&pool, &o, &r, NULL);
    if (err) {
        fprintf(stderr, "carecampus literacy: out of memory\n");
        literacy_pool_release(&pool);
        literacy_bank_release(&b);
        return CLI_FAIL;
    }
    char worst[64] = "";
    const struct literacy_bank *named = &b;
    if (strcmp(bank, "bundled") == 0 && literacy_bundled(&named, NULL, 0))
        named = &b;
    if (r.max_exposure > 0) {
        if (named->n == pool.n)
            snprintf(worst, sizeof(worst), "%s", named->items[r.max_exposure_item].id);
        else
            snprintf(worst, sizeof(worst), "item %zu", r.max_exposure_item + 1);
    }
    size_t usable = 0;
    for (size_t i = 0; i < pool.n; i++)
        usable += pool.items[i].usable;
    if (json) {
        json_t *bands = json_array();
        for (int i = 0; bands && i < LITERACY_SIM_BANDS; i++)
            json_array_append_new(bands, band_json(&r.band[i]));
        print_json(json_pack(
            "{s:I, s:I, s:s, s:I, s:o, s:{s:f, s:f, s:f, s:f, s:f, s:i, s:i, s:f, s:s, s:I,"
            " s:f, s:f, s:{s:I, s:I, s:I}, s:f}, s:o}",
            "n", (json_int_t)r.n, "seed", (json_int_t)o.seed, "bank", label, "items",
            (json_int_t)pool.n, "settings", literacy_settings_json(&o.settings), "overall", "bias",
            r.bias, "rmse", r.rmse, "mean_se", r.mean_se, "mean_length", r.mean_length, "sd_length",
            r.sd_length, "min_length", r.min_length, "max_length", r.max_length, "max_exposure",
            r.max_exposure, "max_exposure_item", worst, "unused", (json_int_t)r.unused,
            "level_exact", r.level_exact, "level_adjacent", r.level_adjacent, "stops", "precision",
            (json_int_t)r.stops[LITERACY_STOP_PRECISION], "max_items",
            (json_int_t)r.stops[LITERACY_STOP_MAX_ITEMS], "bank_exhausted",
            (json_int_t)r.stops[LITERACY_STOP_EXHAUSTED], "us_per_item", r.ns_per_item / 1000,
            "bands", bands));
    } else {
        printf("Simulation: %zu test-takers, theta ~ N(0, 1), seed %llu\n", r.n,
               (unsigned long long)o.seed);
        printf("Bank: %s, %zu usable\n", label, usable);
        printf("Rule: stop at posterior SD <= %.2f after %d to %d items; randomesque %d; "
               "competence spread %s\n",
               o.settings.se_target, o.settings.min_items, o.settings.max_items,
               o.settings.randomesque, o.settings.spread ? "on" : "off");
        if (sh.rounds)
            printf("Sympson-Hetter: target %.2f; tuned in %d rounds of %zu simulated tests: the "
                   "largest exposure %.3f without, %.3f with; %zu items limited\n",
                   sh.target, sh.rounds, sh.n, sh.before, sh.after, sh.limited);
        printf("\n");
        printf("%-16s %7s %8s %7s %8s %7s\n", "true theta", "n", "bias", "RMSE", "mean SE",
               "length");
        static const char *const names[] = {"below -2", "-2 to -1", "-1 to 0",
                                            "0 to 1",   "1 to 2",   "2 and above"};
        for (int i = 0; i < LITERACY_SIM_BANDS; i++) {
            const struct literacy_sim_band *bd = &r.band[i];
            if (bd->n)
                printf("%-16s %7zu %+8.3f %7.3f %8.3f %7.1f\n", names[i], bd->n, bd->bias, bd->rmse,
                       bd->se, bd->length);
            else
                printf("%-16s %7zu %8s %7s %8s %7s\n", names[i], bd->n, "-", "-", "-", "-");
        }
        printf("%-16s %7zu %+8.3f %7.3f %8.3f %7.1f  (sd %.1f, %d to %d)\n\n", "all", r.n, r.bias,
               r.rmse, r.mean_se, r.mean_length, r.sd_length, r.min_length, r.max_length);
        printf("max item exposure   %.3f (%s)\n", r.max_exposure, worst);
        printf("items never used    %zu of %zu\n", r.unused, usable);
        printf("stopped by          precision %zu, max items %zu, bank exhausted %zu\n",
               r.stops[LITERACY_STOP_PRECISION], r.stops[LITERACY_STOP_MAX_ITEMS],
               r.stops[LITERACY_STOP_EXHAUSTED]);
        printf("level placement     exact %.1f %%, within one level %.1f %%\n", 100 * r.level_exact,
               100 * r.level_adjacent);
        printf("time per answer     %.2f us (theta update + next item)\n", r.ns_per_item / 1000);
    }
    literacy_pool_release(&pool);
    literacy_bank_release(&b);
    return CLI_OK;
}

/* ---- calibrate ---- */

static void print_calibration(const json_t *report)
{
    const json_t *res = json_object_get(report, "result"), *link = json_object_get(res, "link");
    printf("%lld persons, %lld responses, %lld items re-estimated; %lld EM cycles (%s), "
           "log likelihood %.3f\n",
           (long long)json_integer_value(json_object_get(res, "persons")),
           (long long)json_integer_value(json_object_get(res, "responses")),
           (long long)json_integer_value(json_object_get(res, "estimated")),
           (long long)json_integer_value(json_object_get(res, "cycles")),
           json_is_true(json_object_get(res, "converged")) ? "converged" : "NOT converged",
           json_number_value(json_object_get(res, "loglik")));
    if (json_is_object(link))
        printf("linked to the bank's scale: theta_bank = %.4f theta + %.4f (the students' mean "
               "and SD on the bank's scale)\n",
               json_number_value(json_object_get(link, "a")),
               json_number_value(json_object_get(link, "b")));
    printf("\n%-12s %6s %15s %15s %8s %7s %7s  %s\n", "item", "n", "a old > new", "b old > new",
           "fit p", "infit", "outfit", "flags");
    size_t i;
    json_t *it;
    json_array_foreach (json_object_get(report, "items"), i, it) {
        const json_t *old = json_object_get(it, "old"), *new = json_object_get(it, "new"),
                     *fit = json_object_get(it, "fit"), *ob = json_object_get(old, "b"),
                     *nb = json_object_get(new, "b");
        char a[40], b[40], p[16], flags[96] = "";
        snprintf(a, sizeof(a), "%.2f > %.2f", json_number_value(json_object_get(old, "a")),
                 json_number_value(json_object_get(new, "a")));
        if (json_is_array(ob))
            snprintf(b, sizeof(b), "%.2f.. > %.2f..", json_number_value(json_array_get(ob, 0)),
                     json_number_value(json_array_get(nb, 0)));
        else
            snprintf(b, sizeof(b), "%.2f > %.2f", json_number_value(ob), json_number_value(nb));
        if (json_is_number(json_object_get(fit, "p")))
            snprintf(p, sizeof(p), "%.3f", json_number_value(json_object_get(fit, "p")));
        else
            snprintf(p, sizeof(p), "-");
        size_t j, fl = 0;
        json_t *f;
        json_array_foreach (json_object_get(it, "flags"), j, f)
            fl += (size_t)snprintf(flags + fl, fl < sizeof(flags) ? sizeof(flags) - fl : 0, "%s%s",
                                   j ? "," : "", json_string_value(f));
        printf("%-12s %6lld %15s %15s %8s %7.2f %7.2f  %s\n",
               json_string_value(json_object_get(it, "id")),
               (long long)json_integer_value(json_object_get(it, "n")), a, b, p,
               json_number_value(json_object_get(fit, "infit")),
               json_number_value(json_object_get(fit, "outfit")), flags);
    }
}

/* A calibration of a response file: {"responses": [{"person", "item", "category"}]}. */
static int calibrate_file(const char *responses_path, const char *items_path,
                          const struct literacy_calib_options *o, json_t **report)
{
    struct param_items items = {0};
    const struct literacy_bank *bundled = NULL;
    json_t *rdoc = NULL, *persons = json_object();
    struct literacy_calib_response *r = NULL;
    struct literacy_calib_item *ci = NULL;
    const char **ids = NULL;
    int64_t *versions = NULL;
    size_t nitems;
    int rc = CLI_FAIL;
    *report = NULL;
    if (items_path) {
        if (param_items_read(items_path, &items))
            goto done;
        nitems = items.n;
    } else {
        char why[512];
        if (literacy_bundled(&bundled, why, sizeof(why))) {
            fprintf(stderr, "carecampus literacy: the bundled bank is invalid: %s\n", why);
            goto done;
        }
        nitems = bundled->n;
    }
    if (read_json(responses_path, &rdoc) || !persons)
        goto done;
    const json_t *list = json_object_get(rdoc, "responses");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > CALIB_MAX) {
        fprintf(stderr, "carecampus literacy: %s: \"responses\" must be a list of 1 to %d\n",
                responses_path, CALIB_MAX);
        goto done;
    }
    r = cc_calloc(n, sizeof(*r));
    ci = cc_calloc(nitems ? nitems : 1, sizeof(*ci));
    ids = cc_calloc(nitems ? nitems : 1, sizeof(*ids));
    versions = cc_calloc(nitems ? nitems : 1, sizeof(*versions));
    if (!r || !ci || !ids || !versions)
        goto done;
    for (size_t i = 0; i < nitems; i++) {
        ci[i].start = items_path ? items.items[i].irt : bundled->items[i].irt;
        ids[i] = items_path ? items.ids[i] : bundled->items[i].id;
        versions[i] =
            items_path ? (items.full[i] ? items.items[i].version : 1) : bundled->items[i].version;
    }
    for (size_t j = 0; j < n; j++) {
        const json_t *v = json_array_get(list, j), *cat = json_object_get(v, "category");
        const char *person = json_string_value(json_object_get(v, "person"));
        const char *id = json_string_value(json_object_get(v, "item"));
        int k = -1;
        if (items_path)
            k = param_index(&items, id);
        else if (id && literacy_bank_find(bundled, id))
            k = (int)(literacy_bank_find(bundled, id) - bundled->items);
        if (!person || k < 0 || !json_is_integer(cat) || json_integer_value(cat) < 0 ||
            json_integer_value(cat) > ci[k].start.m) {
            fprintf(stderr,
                    "carecampus literacy: responses[%zu]: needs \"person\" (text), \"item\" (an "
                    "item of the bank) and \"category\" (0 to the item's top category)\n",
                    j);
            goto done;
        }
        json_t *known = json_object_get(persons, person);
        if (!known) {
            known = json_integer((json_int_t)json_object_size(persons));
            if (json_object_set_new(persons, person, known))
                goto done;
        }
        r[j] = (struct literacy_calib_response){(uint32_t)json_integer_value(known), (uint32_t)k,
                                                (int)json_integer_value(cat)};
    }
    struct literacy_calib_result res;
    if (literacy_calibrate(r, n, json_object_size(persons), ci, nitems, o, &res))
        goto done;
    *report = literacy_calibration_report(o, &res, ci, ids, versions, nitems);
    rc = *report ? CLI_OK : CLI_FAIL;
done:
    param_items_release(&items);
    json_decref(rdoc);
    json_decref(persons);
    cc_free(r);
    cc_free(ci);
    cc_free(ids);
    cc_free(versions);
    return rc;
}

static int calibrate(int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'B'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"responses", required_argument, NULL, 'r'},
                                            {"items", required_argument, NULL, 't'},
                                            {"min-responses", required_argument, NULL, 'm'},
                                            {"max-cycles", required_argument, NULL, 'c'},
                                            {"no-priors", no_argument, NULL, 'P'},
                                            {"no-link", no_argument, NULL, 'L'},
                                            {"apply", no_argument, NULL, 'a'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    const char *data = NULL, *db_url = NULL, *responses = NULL, *items = NULL;
    int64_t institution = 1;
    int json = 0, apply = 0, c;
    struct literacy_calib_options o;
    literacy_calib_options_default(&o);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        long long v;
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'B':
            db_url = optarg;
            break;
        case 'i':
            if (!(institution = cli_parse_id(optarg)))
                return cli_usage_error(CMD, "--institution takes a positive number");
            break;
        case 'r':
            responses = optarg;
            break;
        case 't':
            items = optarg;
            break;
        case 'm':
            if ((v = whole(optarg, 1, 100000)) < 0)
                return cli_usage_error(CMD, "--min-responses takes a number from 1 to 100000");
            o.min_responses = (size_t)v;
            break;
        case 'c':
            if ((v = whole(optarg, 1, 5000)) < 0)
                return cli_usage_error(CMD, "--max-cycles takes a number from 1 to 5000");
            o.max_cycles = (int)v;
            break;
        case 'P':
            o.priors = 0;
            break;
        case 'L':
            o.link = 0;
            break;
        case 'a':
            apply = 1;
            break;
        case 'j':
            json = 1;
            break;
        default:
            return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!!data + !!db_url > 0 && responses)
        return cli_usage_error(CMD, "calibrate takes --data (the college's tests) or --responses "
                                    "FILE, not both");
    if (!data && !db_url && !responses)
        return cli_usage_error(CMD, "calibrate needs --data DIR or --responses FILE");
    if (apply && responses)
        return cli_usage_error(CMD, "--apply is for --data: a response file has no bank to apply "
                                    "to");
    if (items && !responses)
        return cli_usage_error(CMD, "--items goes with --responses");
    json_t *report = NULL;
    int64_t id = 0;
    if (responses) {
        if (calibrate_file(responses, items, &o, &report))
            return CLI_FAIL;
    } else {
        struct store *db;
        struct literacy_problem p = {0};
        if (cli_open_institution(CMD, data ? data : "./data", db_url, institution, &db))
            return CLI_FAIL;
        int err = literacy_calibration_run(db, institution, 0, &o, &id, &report, &p);
        size_t updated = 0;
        if (!err && apply)
            err = literacy_calibration_apply(db, institution, 0, id, &updated, &p);
        store_close(&db);
        if (err) {
            char line[1024];
            if (p.msg) {
                literacy_problem_format(&p, LANG_EN, line, sizeof(line));
                fprintf(stderr, "carecampus literacy: %s\n", line);
            } else {
                fprintf(stderr, "carecampus literacy: the calibration failed\n");
            }
            json_decref(report);
            return CLI_FAIL;
        }
        if (!json)
            fprintf(stderr, "calibration %lld stored%s\n", (long long)id,
                    apply ? "; its parameters are now in use" : "");
        if (apply)
            json_object_set_new(report, "applied", json_integer((json_int_t)updated));
    }
    if (json) {
        if (id)
            json_object_set_new(report, "id", json_integer(id));
        print_json(report);
    } else {
        print_calibration(report);
        json_decref(report);
    }
    return CLI_OK;
}

/* ---- bank ---- */

static int bank_validate(int argc, char **argv)
{
    struct literacy_bank b;
    struct literacy_report *r = cc_calloc(1, sizeof(*r));
    int err = r ? LITERACY_OK : LITERACY_ERR_NOMEM;
    literacy_bank_init(&b);
    if (argc <= 1) {
        for (size_t i = 0; !err && i < content_files_count; i++) {
            const char *path = content_files[i].path;
            size_t len = strlen(path);
            if (strncmp(path, "/literacy/items-", 16) == 0 && strcmp(path + len - 5, ".json") == 0)
                err = literacy_bank_read_file(&b, (const char *)content_files[i].data,
                                              content_files[i].size, path + 1, r);
        }
    }
    for (int i = 1; !err && i < argc; i++) {
        struct buf data;
        if (read_file(argv[i], &data)) {
            err = LITERACY_ERR_INVALID;
            break;
        }
        int e = literacy_bank_read_file(&b, data.data, data.len, argv[i], r);
        buf_release(&data);
        if (e && e != LITERACY_ERR_INVALID)
            err = e;
    }
    if (!err && literacy_bank_finish(&b, r))
        err = LITERACY_ERR_INVALID;
    if (r && r->total)
        err = LITERACY_ERR_INVALID;
    int rc = CLI_FAIL;
    if (err == LITERACY_ERR_INVALID && r) {
        fprintf(stderr, "carecampus literacy: %zu problem%s:\n", r->total,
                r->total == 1 ? "" : "s");
        print_report(r);
    } else if (err) {
        fprintf(stderr, "carecampus literacy: out of memory\n");
    } else {
        size_t areas[LITERACY_AREAS] = {0}, comps[LITERACY_COMPETENCES] = {0}, types[4] = {0},
               levels[9] = {0}, partial = 0;
        for (size_t i = 0; i < b.n; i++) {
            areas[b.items[i].area - 1]++;
            comps[b.items[i].competence]++;
            types[b.items[i].type]++;
            levels[b.items[i].level]++;
            partial += (size_t)b.items[i].partial;
        }
        printf("ok: %zu items%s\n", b.n,
               argc <= 1 && b.n == 0 ? " (this binary has no bundled bank: content/literacy/)"
                                     : "");
        printf("areas      ");
        for (int a = 0; a < LITERACY_AREAS; a++)
            printf(" %s %zu", literacy_areas[a].code, areas[a]);
        printf("\ntypes       single %zu, multiple %zu, ordering %zu, screen %zu; partial credit "
               "%zu\nlevels     ",
               types[0], types[1], types[2], types[3], partial);
        for (int l = 1; l <= 8; l++)
            printf(" %d:%zu", l, levels[l]);
        size_t missing = 0;
        for (int k = 0; k < LITERACY_COMPETENCES; k++)
            missing += comps[k] == 0;
        printf("\ncompetences %d of %d have items\n", LITERACY_COMPETENCES - (int)missing,
               LITERACY_COMPETENCES);
        if (argc <= 1) {
            const struct literacy_resources *res;
            char why[512];
            if (literacy_resources_bundled(&res, why, sizeof(why))) {
                fprintf(stderr, "carecampus literacy: %s\n", why);
                goto done;
            }
            printf("resources   %zu\n", res->n);
        }
        rc = CLI_OK;
    }
done:
    literacy_bank_release(&b);
    cc_free(r);
    return rc;
}

/* Parses --data, --db, --institution and the flags of bank export/import. */
struct bank_opts {
    const char *data, *db_url, *out;
    int64_t institution;
    int check, json;
};

static int bank_options(int argc, char **argv, struct bank_opts *b)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"db", required_argument, NULL, 'B'},
                                            {"institution", required_argument, NULL, 'i'},
                                            {"out", required_argument, NULL, 'o'},
                                            {"check", no_argument, NULL, 'c'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    int c;
    *b = (struct bank_opts){"./data", NULL, NULL, 1, 0, 0};
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'd')
            b->data = optarg;
        else if (c == 'B')
            b->db_url = optarg;
        else if (c == 'o')
            b->out = optarg;
        else if (c == 'c')
            b->check = 1;
        else if (c == 'j')
            b->json = 1;
        else if (c == 'i' && (b->institution = cli_parse_id(optarg)))
            continue;
        else if (c == 'i')
            return cli_usage_error(CMD, "--institution takes a positive number");
        else
            return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
    }
    return CLI_OK;
}

static int bank_export(int argc, char **argv)
{
    struct bank_opts o;
    if (bank_options(argc, argv, &o))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    struct store *db;
    struct literacy_bank b;
    if (cli_open_institution(CMD, o.data, o.db_url, o.institution, &db))
        return CLI_FAIL;
    int err = literacy_bank_load(db, o.institution, &b);
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus literacy: cannot read the bank\n");
        return CLI_FAIL;
    }
    json_t *doc = literacy_bank_export(&b);
    size_t n = b.n;
    literacy_bank_release(&b);
    FILE *f = o.out ? fopen(o.out, "w") : stdout;
    int rc = CLI_FAIL;
    if (!f)
        fprintf(stderr, "carecampus literacy: cannot write %s\n", o.out);
    else if (doc && json_dumpf(doc, f, JSON_INDENT(1)) == 0 && fputc('\n', f) != EOF)
        rc = CLI_OK;
    if (f && f != stdout && fclose(f))
        rc = CLI_FAIL;
    json_decref(doc);
    if (rc == CLI_OK)
        fprintf(stderr, "%zu items exported\n", n);
    return rc;
}

static int bank_import(int argc, char **argv)
{
    struct bank_opts o;
    if (bank_options(argc, argv, &o))
        return CLI_USAGE;
    if (optind != argc - 1)
        return cli_usage_error(CMD, "bank import takes one FILE");
    struct buf data;
    if (read_file(argv[optind], &data))
        return CLI_FAIL;
    struct store *db;
    if (cli_open_institution(CMD, o.data, o.db_url, o.institution, &db)) {
        buf_release(&data);
        return CLI_FAIL;
    }
    struct literacy_import *r = cc_calloc(1, sizeof(*r));
    int err = r ? literacy_bank_import(db, o.institution, 0, data.data, data.len, o.check, r)
                : LITERACY_ERR_NOMEM;
    store_close(&db);
    buf_release(&data);
    int rc = CLI_OK;
    if (err == LITERACY_ERR_INVALID) {
        fprintf(stderr, "carecampus literacy: %zu problem%s; nothing was imported:\n",
                r->report.total, r->report.total == 1 ? "" : "s");
        print_report(&r->report);
        rc = CLI_FAIL;
    } else if (err) {
        fprintf(stderr, "carecampus literacy: the import failed\n");
        rc = CLI_FAIL;
    } else if (o.json) {
        print_json(json_pack("{s:I, s:I, s:I, s:I, s:b}", "added", (json_int_t)r->added, "updated",
                             (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "state",
                             (json_int_t)r->state, "checked", o.check));
    } else {
        printf("%s: %zu added, %zu updated, %zu unchanged; %zu items' state set\n",
               o.check ? "checked, nothing stored" : "imported", r->added, r->updated, r->unchanged,
               r->state);
    }
    cc_free(r);
    return rc;
}

int cli_literacy(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "score") == 0)
        return score(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "simulate") == 0)
        return simulate(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "calibrate") == 0)
        return calibrate(argc - 1, argv + 1);
    if (argc >= 3 && strcmp(argv[1], "bank") == 0) {
        if (strcmp(argv[2], "validate") == 0)
            return bank_validate(argc - 2, argv + 2);
        if (strcmp(argv[2], "export") == 0)
            return bank_export(argc - 2, argv + 2);
        if (strcmp(argv[2], "import") == 0)
            return bank_import(argc - 2, argv + 2);
    }
    return cli_usage_error(CMD, "name a subcommand: score, simulate, calibrate, bank validate, "
                                "bank export, bank import");
}
