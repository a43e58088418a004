/*
 * carecampus care news2 | morse | fall: the engines of care/ at the command
 * line, for teaching and for checking a score by hand. Nothing is stored.
 * The engines speak in enums and machine ids; the words, in English or
 * Chinese, are here.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "care/fall.h"
#include "care/morse.h"
#include "care/news2.h"
#include "cli/cli.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "util/banned.h"

#define CMD "care"

/* Enough digits for times in Unix milliseconds, few enough that 38.1 prints as 38.1. */
#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* ---------------------------------------------------------------- shared */

/*
 * The language of --lang when given (NULL otherwise), else of the locale
 * variables in POSIX order: zh… is Chinese, anything else English. Returns
 * -1 for a --lang that is neither en nor zh-CN.
 */
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

/* Says what is wrong with the option getopt_long could not take. */
static int bad_option(char **argv)
{
    if (optopt)
        return cli_usage_error(CMD, "%s needs a value", argv[optind - 1]);
    return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
}

/* Parses a whole number (optionally signed) into *OUT; -1 when S is not one or is out of int range.
 */
static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < -1000000000L || v > 1000000000L)
        return -1;
    *out = (int)v;
    return 0;
}

/* Parses a finite decimal number into *OUT; -1 otherwise. */
static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Parses yes or no into *OUT (1, 0); -1 otherwise. */
static int parse_yes_no(const char *s, int *out)
{
    if (strcmp(s, "yes") == 0)
        *out = 1;
    else if (strcmp(s, "no") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* Columns a string takes in a terminal: two for CJK and full-width characters. */
static int display_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    while (*p) {
        unsigned cp = *p;
        int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;
        cp &= len == 1 ? 0x7f : len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07;
        int i = 1;
        for (; i < len && (p[i] & 0xc0) == 0x80; i++)
            cp = (cp << 6) | (p[i] & 0x3f);
        p += i;
        int wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                   (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                   (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                   (cp >= 0xffe0 && cp <= 0xffe6);
        w += wide ? 2 : 1;
    }
    return w;
}

/* Prints S left-aligned in WIDTH columns (at least one space after it). */
static void cell(const char *s, int width)
{
    int w = display_width(s);
    fputs(s, stdout);
    for (int i = w; i < width || i == w; i++)
        putchar(' ');
}

/* Prints a row of the score tables: a name, a value and a right-aligned score. */
static void table_row(const char *name, const char *value, const char *score)
{
    cell(name, 30);
    cell(value, 38);
    printf("%5s\n", score);
}

/* Prints ROOT as one line of JSON; CLI_FAIL when it cannot be built or written. */
static int print_json(json_t *root)
{
    char *s = root ? json_dumps(root, JSON_FLAGS) : NULL;
    json_decref(root);
    if (!s) {
        fprintf(stderr, "carecampus %s: out of memory\n", CMD);
        return CLI_FAIL;
    }
    puts(s);
    free(s);
    return CLI_OK;
}

/* ---------------------------------------------------------------- news2 */

/* The words of the NEWS2 output, [LANG_EN] and [LANG_ZH]. */
static const char *const news2_param_name[NEWS2_NPARAMS][2] = {
    {"respiration rate", "呼吸频率"},
    {"SpO2 (scale %d)", "血氧饱和度 SpO2（量表 %d）"},
    {"air or oxygen", "吸空气或吸氧"},
    {"systolic blood pressure", "收缩压"},
    {"pulse", "脉搏"},
    {"consciousness (ACVPU)", "意识（ACVPU）"},
    {"temperature", "体温"},
};

static const char *const acvpu_name[5][2] = {
    {"A (alert)", "A（清醒）"},
    {"C (new confusion)", "C（新发意识混乱）"},
    {"V (responds to voice)", "V（对声音有反应）"},
    {"P (responds to pain)", "P（对疼痛有反应）"},
    {"U (unresponsive)", "U（无反应）"},
};

/* By enum news2_response: the risk band, the least monitoring, and the response. */
static const char *const news2_band[5][2] = {
    {"low (total 0)", "低（总分 0）"},
    {"low (total 1–4)", "低（总分 1–4）"},
    {"low–medium (3 in a single parameter)", "低-中（单项参数得 3 分）"},
    {"medium (total 5–6)", "中（总分 5–6）"},
    {"high (total 7 or more)", "高（总分 7 及以上）"},
};

static const char *const news2_monitoring[5][2] = {
    {"at least every 12 hours", "至少每 12 小时一次"},
    {"at least every 4–6 hours", "至少每 4–6 小时一次"},
    {"at least every hour", "至少每小时一次"},
    {"at least every hour", "至少每小时一次"},
    {"continuous monitoring of vital signs", "持续监测生命体征"},
};

static const char *const news2_response_text[5][2] = {
    {"continue routine NEWS2 monitoring.", "继续常规 NEWS2 监测。"},
    {"inform the registered nurse, who must assess the resident and decide whether to observe "
     "more often or escalate care.",
     "报告注册护士，由其评估老人，并决定是否增加监测频率或升级处理。"},
    {"urgent ward-based response: the registered nurse informs the medical team caring for the "
     "resident, who review and decide whether care must be escalated.",
     "紧急病区应对：注册护士通知负责该老人的医疗团队，由其评估并决定是否需要升级处理。"},
    {"urgent response: the registered nurse informs the medical team at once and asks for an "
     "urgent assessment by a clinician competent in acute illness; care in a setting with "
     "monitoring.",
     "紧急应对：注册护士立即通知医疗团队，请具备急症处理能力的临床医生紧急评估；"
     "在有监护条件的环境中照护。"},
    {"emergency response: the registered nurse informs the medical team at once; emergency "
     "assessment by a team with critical-care skills, including airway management; consider "
     "transfer to a higher level of care.",
     "急救应对：注册护士立即通知医疗团队；由具备重症监护能力（含气道管理）的团队紧急评估；"
     "考虑转入更高级别的照护单元。"},
};

/* The observations as given on the command line, by bit of SEEN_*. */
enum { OPT_RR, OPT_SPO2, OPT_OXYGEN, OPT_SBP, OPT_PULSE, OPT_ACVPU, OPT_TEMP, NOPTS };

#define SEEN_ALL ((1u << NOPTS) - 1)

static const char *const news2_flag[NOPTS] = {"--rr",    "--spo2",  "--oxygen", "--sbp",
                                              "--pulse", "--acvpu", "--temp"};

/*
 * The option and the validity range of an observation news2_score refused
 * with ERR, for the message that says why.
 */
static void news2_range(int err, int *opt, const char **range)
{
    switch (err) {
    case NEWS2_ERR_RR:
        *opt = OPT_RR;
        *range = "breaths per minute, 0 to 80";
        break;
    case NEWS2_ERR_SPO2:
        *opt = OPT_SPO2;
        *range = "a saturation in %, 1 to 100";
        break;
    case NEWS2_ERR_SBP:
        *opt = OPT_SBP;
        *range = "mmHg, 20 to 300";
        break;
    case NEWS2_ERR_PULSE:
        *opt = OPT_PULSE;
        *range = "beats per minute, 10 to 300";
        break;
    default:
        *opt = OPT_TEMP;
        *range = "°C, 13.0 to 47.0; not °F";
        break;
    }
}

struct news2_opts {
    struct news2_obs obs;
    const char *lang;
    const char *text[NOPTS]; /* each observation as typed */
    double temp;
    int json;
    unsigned seen;
};

static int news2_parse(int argc, char **argv, struct news2_opts *o)
{
    static const struct option options[] = {{"rr", required_argument, NULL, 'r'},
                                            {"spo2", required_argument, NULL, 's'},
                                            {"scale", required_argument, NULL, 'c'},
                                            {"oxygen", required_argument, NULL, 'o'},
                                            {"sbp", required_argument, NULL, 'b'},
                                            {"pulse", required_argument, NULL, 'p'},
                                            {"acvpu", required_argument, NULL, 'a'},
                                            {"temp", required_argument, NULL, 't'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->obs.scale = 1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        int opt = -1, bad = 0;
        switch (c) {
        case 'r':
            bad = parse_int(optarg, &o->obs.rr);
            opt = OPT_RR;
            break;
        case 's':
            bad = parse_int(optarg, &o->obs.spo2);
            opt = OPT_SPO2;
            break;
        case 'c':
            if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
                return cli_usage_error(CMD,
                                       "--scale is 1 or 2 (2 only for a prescribed target "
                                       "of 88–92 %%), not '%s'",
                                       optarg);
            o->obs.scale = optarg[0] - '0';
            break;
        case 'o':
            bad = parse_yes_no(optarg, &o->obs.on_oxygen);
            opt = OPT_OXYGEN;
            break;
        case 'b':
            bad = parse_int(optarg, &o->obs.sbp);
            opt = OPT_SBP;
            break;
        case 'p':
            bad = parse_int(optarg, &o->obs.pulse);
            opt = OPT_PULSE;
            break;
        case 'a':
            bad = news2_acvpu_parse(optarg, &o->obs.acvpu);
            opt = OPT_ACVPU;
            break;
        case 't':
            bad = parse_double(optarg, &o->temp);
            o->obs.temp = news2_temp_tenths(o->temp);
            opt = OPT_TEMP;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'l':
            o->lang = optarg;
            break;
        default:
            return bad_option(argv);
        }
        if (bad) {
            static const char *const takes[NOPTS] = {"a whole number of breaths per minute",
                                                     "a whole number (%)",
                                                     "yes or no",
                                                     "a whole number of mmHg",
                                                     "a whole number of beats per minute",
                                                     "A, C (new confusion), V, P or U",
                                                     "a temperature in °C such as 37.5"};
            return cli_usage_error(CMD, "%s takes %s, not '%s'", news2_flag[opt], takes[opt],
                                   optarg);
        }
        if (opt >= 0) {
            o->text[opt] = optarg;
            o->seen |= 1u << opt;
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o->seen != SEEN_ALL) {
        char missing[128] = "";
        size_t len = 0;
        for (int i = 0; i < NOPTS; i++)
            if (!(o->seen & (1u << i)))
                len += (size_t)snprintf(missing + len, sizeof(missing) - len, " %s", news2_flag[i]);
        return cli_usage_error(CMD, "news2 needs every observation; missing:%s", missing);
    }
    return CLI_OK;
}

/* The value of parameter P as the table shows it. */
static void news2_value(const struct news2_obs *o, int p, enum lang lang, char *out, size_t size)
{
    const char *per_min = lang == LANG_ZH ? "次/分" : "/min";
    switch (p) {
    case NEWS2_PARAM_RR:
        snprintf(out, size, "%d %s", o->rr, per_min);
        break;
    case NEWS2_PARAM_SPO2:
        snprintf(out, size, "%d %%", o->spo2);
        break;
    case NEWS2_PARAM_AIR_OXYGEN:
        snprintf(out, size, "%s",
                 o->on_oxygen ? (lang == LANG_ZH ? "吸氧" : "oxygen")
                              : (lang == LANG_ZH ? "空气" : "air"));
        break;
    case NEWS2_PARAM_SBP:
        snprintf(out, size, "%d mmHg", o->sbp);
        break;
    case NEWS2_PARAM_PULSE:
        snprintf(out, size, "%d %s", o->pulse, per_min);
        break;
    case NEWS2_PARAM_ACVPU:
        snprintf(out, size, "%s", acvpu_name[o->acvpu][lang]);
        break;
    default:
        snprintf(out, size, "%d.%d °C", o->temp / 10, o->temp % 10);
        break;
    }
}

static int news2_json(const struct news2_opts *o, const struct news2_result *r)
{
    json_t *params = json_array();
    for (int p = 0; p < NEWS2_NPARAMS && params; p++) {
        json_t *value;
        switch (p) {
        case NEWS2_PARAM_RR:
            value = json_integer(o->obs.rr);
            break;
        case NEWS2_PARAM_SPO2:
            value = json_integer(o->obs.spo2);
            break;
        case NEWS2_PARAM_AIR_OXYGEN:
            value = json_string(o->obs.on_oxygen ? "oxygen" : "air");
            break;
        case NEWS2_PARAM_SBP:
            value = json_integer(o->obs.sbp);
            break;
        case NEWS2_PARAM_PULSE:
            value = json_integer(o->obs.pulse);
            break;
        case NEWS2_PARAM_ACVPU:
            value = json_string(news2_acvpu_letter(o->obs.acvpu));
            break;
        default:
            value = json_real(o->obs.temp / 10.0);
            break;
        }
        if (json_array_append_new(params, json_pack("{s:s, s:o, s:i}", "id", news2_param_id(p),
                                                    "value", value, "score", r->score[p]))) {
            json_decref(params);
            params = NULL;
        }
    }
    if (!params)
        return print_json(NULL);
    return print_json(json_pack("{s:o, s:i, s:i, s:b, s:s, s:s}", "parameters", params,
                                "spo2_scale", o->obs.scale, "total", r->total, "single_parameter_3",
                                r->single_3, "risk", news2_risk_id(r->risk), "response",
                                news2_response_id(r->response)));
}

static void news2_text(const struct news2_opts *o, const struct news2_result *r, enum lang lang)
{
    int zh = lang == LANG_ZH;
    puts(zh ? "NEWS2 英国国家早期预警评分 2（英国皇家内科医师学会，2017）"
            : "NEWS2, National Early Warning Score 2 (Royal College of Physicians, 2017)");
    putchar('\n');
    table_row(zh ? "参数" : "parameter", zh ? "数值" : "value", zh ? "得分" : "score");
    for (int p = 0; p < NEWS2_NPARAMS; p++) {
        char name[96], value[96], score[8];
        if (p == NEWS2_PARAM_SPO2)
            snprintf(name, sizeof(name), news2_param_name[p][lang], o->obs.scale);
        else
            snprintf(name, sizeof(name), "%s", news2_param_name[p][lang]);
        news2_value(&o->obs, p, lang, value, sizeof(value));
        snprintf(score, sizeof(score), "%d", r->score[p]);
        table_row(name, value, score);
    }
    char total[8];
    snprintf(total, sizeof(total), "%d", r->total);
    table_row(zh ? "总分" : "total", "", total);
    putchar('\n');
    if (fabs(o->temp * 10 - o->obs.temp) > 1e-6)
        printf(zh ? "体温 %s °C 按 %d.%d °C 计分（保留一位小数，逢五进一）。\n\n"
                  : "The temperature %s °C is scored as %d.%d °C (one decimal, halves up).\n\n",
               o->text[OPT_TEMP], o->obs.temp / 10, o->obs.temp % 10);
    if (o->obs.scale == 2)
        puts(zh ? "SpO2 量表 2 仅用于医嘱目标血氧饱和度为 88–92% 的老人（如高碳酸血症性呼吸衰竭），"
                  "须在临床医生指导下使用。\n"
                : "SpO2 scale 2 is only for a prescribed target saturation of 88–92 % (e.g. "
                  "hypercapnic respiratory failure), under a clinician's direction.\n");
    int resp = r->response;
    printf("%s%s\n", zh ? "临床风险：" : "clinical risk:  ", news2_band[resp][lang]);
    printf("%s%s\n", zh ? "监测频率：" : "monitoring:     ", news2_monitoring[resp][lang]);
    printf("%s%s\n", zh ? "临床应对：" : "response:       ", news2_response_text[resp][lang]);
}

static int care_news2(int argc, char **argv)
{
    struct news2_opts o;
    if (news2_parse(argc, argv, &o))
        return CLI_USAGE;
    int lang = pick_lang(o.lang);
    if (lang < 0)
        return cli_usage_error(CMD, "--lang is en or zh-CN, not '%s'", o.lang);
    struct news2_result r;
    int err = news2_score(&o.obs, &r);
    if (err) {
        int opt;
        const char *range;
        news2_range(err, &opt, &range);
        return cli_usage_error(CMD, "%s %s is not a possible reading (%s)", news2_flag[opt],
                               o.text[opt], range);
    }
    if (o.json)
        return news2_json(&o, &r);
    news2_text(&o, &r, (enum lang)lang);
    return CLI_OK;
}

/* ---------------------------------------------------------------- morse */

static const char *const morse_item_name[MORSE_NITEMS][2] = {
    {"history of falling", "跌倒史"},
    {"secondary diagnosis", "次要诊断（多于一个医学诊断）"},
    {"ambulatory aid", "行走辅助"},
    {"IV or heparin lock", "静脉输液或肝素锁"},
    {"gait", "步态"},
    {"mental status", "认知状态"},
};

static const char *const yes_no[2][2] = {{"no", "否"}, {"yes", "是"}};

static const char *const morse_aid_name[3][2] = {
    {"none, bed rest or nurse assist", "无、卧床休息或护士协助"},
    {"crutches, cane or walker", "拐杖、手杖或助行器"},
    {"furniture", "扶家具行走"},
};

static const char *const morse_gait_name[3][2] = {
    {"normal, bed rest or wheelchair", "正常、卧床休息或轮椅"},
    {"weak", "虚弱"},
    {"impaired", "受损"},
};

static const char *const morse_mental_name[2][2] = {
    {"oriented to own ability", "能正确认识自身能力"},
    {"overestimates or forgets limitations", "高估或忘记自身限制"},
};

static const char *const morse_risk_name[3][2] = {
    {"low", "低风险"},
    {"moderate", "中风险"},
    {"high", "高风险"},
};

struct morse_opts {
    struct morse_items items;
    struct morse_cutoffs cutoffs;
    const char *lang;
    int json;
    unsigned seen;
};

static int morse_parse(int argc, char **argv, struct morse_opts *o)
{
    static const struct option options[] = {{"history", required_argument, NULL, 'h'},
                                            {"secondary", required_argument, NULL, 's'},
                                            {"aid", required_argument, NULL, 'a'},
                                            {"iv", required_argument, NULL, 'i'},
                                            {"gait", required_argument, NULL, 'g'},
                                            {"mental", required_argument, NULL, 'm'},
                                            {"moderate", required_argument, NULL, 'M'},
                                            {"high", required_argument, NULL, 'H'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {NULL, 0, NULL, 0}};
    static const struct morse_cutoffs defaults = MORSE_CUTOFFS_DEFAULT;
    memset(o, 0, sizeof(*o));
    o->cutoffs = defaults;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'h':
            if (parse_yes_no(optarg, &o->items.history))
                return cli_usage_error(CMD, "--history is yes or no, not '%s'", optarg);
            o->seen |= 1;
            break;
        case 's':
            if (parse_yes_no(optarg, &o->items.secondary))
                return cli_usage_error(CMD, "--secondary is yes or no, not '%s'", optarg);
            o->seen |= 2;
            break;
        case 'a':
            if (morse_aid_parse(optarg, &o->items.aid))
                return cli_usage_error(CMD,
                                       "--aid is none, bed-rest, nurse-assist, crutches, "
                                       "cane, walker or furniture, not '%s'",
                                       optarg);
            o->seen |= 4;
            break;
        case 'i':
            if (parse_yes_no(optarg, &o->items.iv))
                return cli_usage_error(CMD, "--iv is yes or no, not '%s'", optarg);
            o->seen |= 8;
            break;
        case 'g':
            if (morse_gait_parse(optarg, &o->items.gait))
                return cli_usage_error(CMD,
                                       "--gait is normal, bed-rest, wheelchair, weak or "
                                       "impaired, not '%s'",
                                       optarg);
            o->seen |= 16;
            break;
        case 'm':
            if (morse_mental_parse(optarg, &o->items.mental))
                return cli_usage_error(CMD, "--mental is oriented or forgets, not '%s'", optarg);
            o->seen |= 32;
            break;
        case 'M':
            if (parse_int(optarg, &o->cutoffs.moderate))
                return cli_usage_error(CMD, "--moderate takes a whole number, not '%s'", optarg);
            break;
        case 'H':
            if (parse_int(optarg, &o->cutoffs.high))
                return cli_usage_error(CMD, "--high takes a whole number, not '%s'", optarg);
            break;
        case 'j':
            o->json = 1;
            break;
        case 'l':
            o->lang = optarg;
            break;
        default:
            return bad_option(argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o->seen != 63) {
        static const char *const names[] = {"--history", "--secondary", "--aid",
                                            "--iv",      "--gait",      "--mental"};
        char missing[128] = "";
        size_t len = 0;
        for (int i = 0; i < 6; i++)
            if (!(o->seen & (1u << i)))
                len += (size_t)snprintf(missing + len, sizeof(missing) - len, " %s", names[i]);
        return cli_usage_error(CMD, "morse needs all six items; missing:%s", missing);
    }
    if (morse_cutoffs_validate(&o->cutoffs))
        return cli_usage_error(CMD,
                               "the cut-offs must be 1 <= --moderate <= --high <= %d "
                               "(got %d and %d)",
                               MORSE_MAX, o->cutoffs.moderate, o->cutoffs.high);
    return CLI_OK;
}

/* The answer to item I as the table shows it, and its machine id. */
static const char *morse_answer(const struct morse_items *it, int i, enum lang lang, int id)
{
    switch (i) {
    case MORSE_ITEM_HISTORY:
        return id ? yes_no[it->history][0] : yes_no[it->history][lang];
    case MORSE_ITEM_SECONDARY:
        return id ? yes_no[it->secondary][0] : yes_no[it->secondary][lang];
    case MORSE_ITEM_AID:
        return id ? morse_aid_id(it->aid) : morse_aid_name[it->aid][lang];
    case MORSE_ITEM_IV:
        return id ? yes_no[it->iv][0] : yes_no[it->iv][lang];
    case MORSE_ITEM_GAIT:
        return id ? morse_gait_id(it->gait) : morse_gait_name[it->gait][lang];
    default:
        return id ? morse_mental_id(it->mental) : morse_mental_name[it->mental][lang];
    }
}

static int morse_json(const struct morse_opts *o, const struct morse_result *r)
{
    json_t *items = json_array();
    for (int i = 0; i < MORSE_NITEMS && items; i++)
        if (json_array_append_new(items, json_pack("{s:s, s:s, s:i}", "id", morse_item_id(i),
                                                   "answer", morse_answer(&o->items, i, 0, 1),
                                                   "score", r->score[i]))) {
            json_decref(items);
            items = NULL;
        }
    if (!items)
        return print_json(NULL);
    return print_json(json_pack("{s:o, s:i, s:s, s:{s:i, s:i}}", "items", items, "total", r->total,
                                "risk", morse_risk_id(r->risk), "cutoffs", "moderate",
                                o->cutoffs.moderate, "high", o->cutoffs.high));
}

static void morse_text(const struct morse_opts *o, const struct morse_result *r, enum lang lang)
{
    int zh = lang == LANG_ZH;
    const struct morse_cutoffs *c = &o->cutoffs;
    puts(zh ? "Morse 跌倒风险评估量表（Morse，1989）" : "Morse Fall Scale (Morse, 1989)");
    putchar('\n');
    table_row(zh ? "项目" : "item", zh ? "情况" : "answer", zh ? "得分" : "score");
    for (int i = 0; i < MORSE_NITEMS; i++) {
        char score[8];
        snprintf(score, sizeof(score), "%d", r->score[i]);
        table_row(morse_item_name[i][lang], morse_answer(&o->items, i, lang, 0), score);
    }
    char total[8];
    snprintf(total, sizeof(total), "%d", r->total);
    table_row(zh ? "总分" : "total", "", total);
    putchar('\n');
    /* The band the total fell in, with the bounds of the cut-offs in force. */
    char band[64];
    if (r->risk == MORSE_RISK_HIGH)
        snprintf(band, sizeof(band), zh ? "%d 分及以上" : "%d or more", c->high);
    else if (r->risk == MORSE_RISK_MODERATE)
        snprintf(band, sizeof(band), "%d–%d", c->moderate, c->high - 1);
    else
        snprintf(band, sizeof(band), zh ? "低于 %d 分" : "below %d", c->moderate);
    printf(zh ? "跌倒风险：%s（%s）\n" : "fall risk: %s (%s)\n", morse_risk_name[r->risk][lang],
           band);
    if (c->moderate == c->high)
        printf(zh ? "分界值：高风险 ≥%d（不设中风险）\n" : "cut-offs: high %d (no moderate band)\n",
               c->high);
    else
        printf(zh ? "分界值：中风险 ≥%d，高风险 ≥%d\n" : "cut-offs: moderate %d, high %d\n",
               c->moderate, c->high);
}

static int care_morse(int argc, char **argv)
{
    struct morse_opts o;
    if (morse_parse(argc, argv, &o))
        return CLI_USAGE;
    int lang = pick_lang(o.lang);
    if (lang < 0)
        return cli_usage_error(CMD, "--lang is en or zh-CN, not '%s'", o.lang);
    struct morse_result r;
    if (morse_score(&o.items, &o.cutoffs, &r)) {
        fprintf(stderr, "carecampus %s: the assessment is not valid\n", CMD);
        return CLI_FAIL;
    }
    if (o.json)
        return morse_json(&o, &r);
    morse_text(&o, &r, (enum lang)lang);
    return CLI_OK;
}

/* ---------------------------------------------------------------- fall */

#define CSV_LINE_MAX 4096
#define CSV_COLS_MAX 64

struct fall_opts {
    struct fall_params params;
    const char *csv, *lang;
    int json, all;
};

/* Parses x, y, z (optionally signed) or X,Y,Z into UP; -1 otherwise. */
static int parse_axis(const char *s, double up[3])
{
    const char *name = s[0] == '-' || s[0] == '+' ? s + 1 : s;
    double sign = s[0] == '-' ? -1 : 1;
    if (strlen(name) == 1 && name[0] >= 'x' && name[0] <= 'z') {
        up[0] = up[1] = up[2] = 0;
        up[name[0] - 'x'] = sign;
        return 0;
    }
    char *end;
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        errno = 0;
        up[i] = strtod(p, &end);
        if (end == p || errno || !isfinite(up[i]))
            return -1;
        if (i < 2 && *end != ',')
            return -1;
        p = end + (i < 2);
    }
    return *end ? -1 : 0;
}

static int fall_parse(int argc, char **argv, struct fall_opts *o)
{
    static const struct option options[] = {{"csv", required_argument, NULL, 'c'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"all", no_argument, NULL, 'A'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {"impact", required_argument, NULL, 'i'},
                                            {"freefall", required_argument, NULL, 'f'},
                                            {"require-freefall", no_argument, NULL, 'F'},
                                            {"settle", required_argument, NULL, 's'},
                                            {"still", required_argument, NULL, 'S'},
                                            {"window", required_argument, NULL, 'w'},
                                            {"still-sd", required_argument, NULL, 'd'},
                                            {"lying", required_argument, NULL, 'y'},
                                            {"up", required_argument, NULL, 'u'},
                                            {"max-gap", required_argument, NULL, 'g'},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    fall_params_default(&o->params);
    struct fall_params *p = &o->params;
    int c, idx = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, &idx)) != -1) {
        double *target = NULL;
        switch (c) {
        case 'c':
            o->csv = optarg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'A':
            o->all = 1;
            break;
        case 'l':
            o->lang = optarg;
            break;
        case 'F':
            p->require_freefall = 1;
            break;
        case 'u':
            if (parse_axis(optarg, p->up))
                return cli_usage_error(CMD,
                                       "--up is x, y, z (or -x …) or three numbers X,Y,Z, "
                                       "not '%s'",
                                       optarg);
            break;
        case 'i':
            target = &p->impact_g;
            break;
        case 'f':
            target = &p->freefall_g;
            break;
        case 's':
            target = &p->settle_ms;
            break;
        case 'S':
            target = &p->still_ms;
            break;
        case 'w':
            target = &p->window_ms;
            break;
        case 'd':
            target = &p->still_sd_g;
            break;
        case 'y':
            target = &p->lying_deg;
            break;
        case 'g':
            target = &p->max_gap_ms;
            break;
        default:
            return bad_option(argv);
        }
        if (target && parse_double(optarg, target))
            return cli_usage_error(CMD, "--%s takes a number, not '%s'", options[idx].name, optarg);
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!o->csv)
        return cli_usage_error(CMD, "fall needs --csv FILE (- for standard input)");
    const char *field;
    if (fall_params_validate(p, &field)) {
        static const struct {
            const char *field, *text;
        } ranges[] = {
            {"impact_g", "--impact must be above 1 g and at most 1000 g"},
            {"freefall_g", "--freefall must be at least 0 g and below 1 g"},
            {"settle_ms", "--settle must be 0 to 10000 ms"},
            {"still_ms", "--still must be 300 to 30000 ms"},
            {"window_ms", "--window must be at least --settle plus --still, and at most 600000 ms"},
            {"still_sd_g", "--still-sd must be above 0 g and at most 2 g"},
            {"lying_deg", "--lying must be between 0 and 90 degrees"},
            {"up", "--up must not be the zero vector"},
            {"max_gap_ms", "--max-gap must be above 0 and at most 60000 ms"},
        };
        for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
            if (strcmp(field, ranges[i].field) == 0)
                return cli_usage_error(CMD, "%s", ranges[i].text);
        return cli_usage_error(CMD, "the detector parameter %s is out of range", field);
    }
    return CLI_OK;
}

/* Splits LINE in place at commas into at most CSV_COLS_MAX fields, trimmed; returns the count. */
static int split_fields(char *line, char *field[CSV_COLS_MAX])
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strlen(p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            p[--len] = 0;
        /* A quoted field ("t") loses its quotes. */
        if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
            p[len - 1] = 0;
            p++;
        }
        if (n == CSV_COLS_MAX)
            return -1;
        field[n++] = p;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

/* The event counts and the stream's extent, for the summary. */
struct fall_run {
    long samples;
    double first_t, last_t;
    int impacts, falls, dismissed;
    json_t *events; /* with --json */
};

static const char *const dismiss_text[6][2] = {
    {"", ""},
    {"still but upright", "静止但保持直立"},
    {"never still for long enough", "未能持续静止"},
    {"gaps in the data left nothing to judge", "数据中断，无法判断"},
    {"the recording ended before a decision", "记录在判定前结束"},
    {"a new impact followed", "随后出现新的冲击"},
};

static int fall_report(struct fall_run *run, const struct fall_event *e, const struct fall_opts *o,
                       enum lang lang)
{
    int zh = lang == LANG_ZH;
    run->impacts += e->kind == FALL_EVENT_IMPACT;
    run->falls += e->kind == FALL_EVENT_FALL;
    run->dismissed += e->kind == FALL_EVENT_DISMISSED;
    if (run->events) {
        json_t *j =
            json_pack("{s:s, s:f, s:f, s:f, s:b}", "kind", fall_event_id(e->kind), "t_ms", e->t_ms,
                      "impact_ms", e->impact_ms, "peak_g", e->peak_g, "freefall", e->freefall);
        if (j && e->kind != FALL_EVENT_IMPACT && e->angle_deg >= 0) {
            json_object_set_new(j, "angle_deg", json_real(e->angle_deg));
            json_object_set_new(j, "sd_g", json_real(e->sd_g));
        }
        if (j && e->kind == FALL_EVENT_DISMISSED)
            json_object_set_new(j, "reason", json_string(fall_dismiss_id(e->reason)));
        return j ? json_array_append_new(run->events, j) : -1;
    }
    double t = e->t_ms / 1000, impact = e->impact_ms / 1000;
    if (e->kind == FALL_EVENT_FALL) {
        printf(zh ? "%.3f s 检测到跌倒：冲击于 %.3f s，峰值 %.2f g%s，姿态偏离直立 %.0f°，"
                    "静止（SVM 标准差 %.3f g）；冲击后 %.2f s 确认\n"
                  : "fall at %.3f s: impact at %.3f s, peak %.2f g%s, lying %.0f° from upright, "
                    "still (SVM sd %.3f g); confirmed %.2f s after the impact\n",
               t, impact, e->peak_g,
               e->freefall ? (zh ? "，冲击前有失重" : ", after a free-fall dip") : "", e->angle_deg,
               e->sd_g, t - impact);
    } else if (o->all && e->kind == FALL_EVENT_IMPACT) {
        printf(zh ? "%.3f s 冲击：SVM %.2f g%s，开始观察\n"
                  : "impact at %.3f s: SVM %.2f g%s; watching\n",
               t, e->peak_g,
               e->freefall ? (zh ? "，冲击前有失重" : ", after a free-fall dip") : "");
    } else if (o->all && e->kind == FALL_EVENT_DISMISSED) {
        printf(zh ? "%.3f s 排除（%.3f s 的冲击，峰值 %.2f g）：%s"
                  : "dismissed at %.3f s (impact at "
                    "%.3f s, peak %.2f g): %s",
               t, impact, e->peak_g, dismiss_text[e->reason][lang]);
        if (e->angle_deg >= 0)
            printf(zh ? "（姿态 %.0f°，SVM 标准差 %.3f g）"
                      : " (%.0f° from upright, SVM sd %.3f g)",
                   e->angle_deg, e->sd_g);
        putchar('\n');
    }
    return 0;
}

/*
 * Reads the CSV of F line by line into the detector. Returns CLI_OK, or
 * CLI_FAIL after saying on which line what is wrong.
 */
static int fall_read(FILE *f, const char *name, struct fall_detector *d, struct fall_run *run,
                     const struct fall_opts *o, enum lang lang)
{
    char line[CSV_LINE_MAX + 2];
    char *field[CSV_COLS_MAX];
    int col[4] = {0, 1, 2, 3}; /* t, ax, ay, az */
    int ncols = 4, header_done = 0;
    unsigned long lineno = 0;
    struct fall_event ev[FALL_MAX_EVENTS];
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
            fprintf(stderr, "%s:%lu: the line is longer than %d bytes\n", name, lineno,
                    CSV_LINE_MAX);
            return CLI_FAIL;
        }
        line[strcspn(line, "\r\n")] = 0;
        /* A byte-order mark on the first line, blank lines and # comments are skipped. */
        char *text = line;
        if (lineno == 1 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
            (unsigned char)text[2] == 0xbf)
            text += 3;
        if (!text[strspn(text, " \t")] || text[strspn(text, " \t")] == '#')
            continue;
        int n = split_fields(text, field);
        if (n < 0) {
            fprintf(stderr, "%s:%lu: more than %d columns\n", name, lineno, CSV_COLS_MAX);
            return CLI_FAIL;
        }
        double v[4];
        if (!header_done) {
            header_done = 1;
            if (parse_double(field[0], &v[0])) {
                /* A header: find the columns by name. */
                static const char *const names[4][2] = {
                    {"t", "t_ms"}, {"ax", "ax_g"}, {"ay", "ay_g"}, {"az", "az_g"}};
                for (int k = 0; k < 4; k++) {
                    col[k] = -1;
                    for (int i = 0; i < n; i++)
                        if (strcasecmp(field[i], names[k][0]) == 0 ||
                            strcasecmp(field[i], names[k][1]) == 0)
                            col[k] = i;
                    if (col[k] < 0) {
                        fprintf(stderr,
                                "%s:%lu: the header has no column %s (it needs t, ax, "
                                "ay and az)\n",
                                name, lineno, names[k][0]);
                        return CLI_FAIL;
                    }
                    if (col[k] + 1 > ncols)
                        ncols = col[k] + 1;
                }
                continue;
            }
        }
        if (n < ncols) {
            fprintf(stderr, "%s:%lu: %d fields; a sample needs t, ax, ay and az\n", name, lineno,
                    n);
            return CLI_FAIL;
        }
        for (int k = 0; k < 4; k++)
            if (parse_double(field[col[k]], &v[k])) {
                fprintf(stderr, "%s:%lu: '%s' is not a number\n", name, lineno, field[col[k]]);
                return CLI_FAIL;
            }
        struct fall_sample s = {v[0], v[1], v[2], v[3]};
        int got = fall_detector_feed(d, &s, ev);
        if (got == FALL_ERR_TIME) {
            fprintf(stderr,
                    "%s:%lu: the time %s is earlier than the line before (times must not "
                    "go back)\n",
                    name, lineno, field[col[0]]);
            return CLI_FAIL;
        }
        if (got < 0) {
            fprintf(stderr, "%s:%lu: an acceleration is beyond ±%.0f g\n", name, lineno,
                    FALL_MAX_G);
            return CLI_FAIL;
        }
        if (!run->samples)
            run->first_t = v[0];
        run->samples++;
        run->last_t = v[0];
        for (int i = 0; i < got; i++)
            if (fall_report(run, &ev[i], o, lang))
                return CLI_FAIL;
    }
    if (ferror(f)) {
        fprintf(stderr, "carecampus %s: cannot read %s\n", CMD, name);
        return CLI_FAIL;
    }
    int got = fall_detector_finish(d, ev);
    for (int i = 0; i < got; i++)
        if (fall_report(run, &ev[i], o, lang))
            return CLI_FAIL;
    return CLI_OK;
}

static int care_fall(int argc, char **argv)
{
    struct fall_opts o;
    if (fall_parse(argc, argv, &o))
        return CLI_USAGE;
    int lang = pick_lang(o.lang);
    if (lang < 0)
        return cli_usage_error(CMD, "--lang is en or zh-CN, not '%s'", o.lang);
    /* The detector is large (its ring of bins); it lives on the heap, not the stack. */
    struct fall_detector *d = cc_malloc(sizeof(*d));
    struct fall_run run = {0, 0, 0, 0, 0, 0, NULL};
    int from_stdin = strcmp(o.csv, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(o.csv, "r");
    int rc = CLI_FAIL;
    if (!d) {
        fprintf(stderr, "carecampus %s: out of memory\n", CMD);
        goto done;
    }
    if (!f) {
        fprintf(stderr, "carecampus %s: cannot open %s: %s\n", CMD, o.csv, strerror(errno));
        goto done;
    }
    if (fall_detector_init(d, &o.params))
        goto done; /* fall_parse checked them */
    if (o.json && !(run.events = json_array()))
        goto done;
    rc = fall_read(f, from_stdin ? "<stdin>" : o.csv, d, &run, &o, (enum lang)lang);
    if (rc)
        goto done;
    const struct fall_params *p = &o.params;
    double span = run.samples ? (run.last_t - run.first_t) / 1000 : 0;
    if (o.json) {
        json_t *root = json_pack("{s:I, s:f, s:i, s:i}", "samples", (json_int_t)run.samples,
                                 "duration_s", span, "impacts", run.impacts, "falls", run.falls);
        json_t *params = json_pack(
            "{s:f, s:f, s:b, s:f, s:f, s:f, s:f, s:f, s:f, s:[f, f, f], s:f}", "impact_g",
            p->impact_g, "freefall_g", p->freefall_g, "require_freefall", p->require_freefall,
            "freefall_window_ms", p->freefall_window_ms, "settle_ms", p->settle_ms, "still_ms",
            p->still_ms, "window_ms", p->window_ms, "still_sd_g", p->still_sd_g, "lying_deg",
            p->lying_deg, "up", p->up[0], p->up[1], p->up[2], "max_gap_ms", p->max_gap_ms);
        if (!root || !params || json_object_set_new(root, "params", params) ||
            json_object_set(root, "events", run.events)) {
            if (!root)
                json_decref(params);
            json_decref(root);
            root = NULL;
        }
        rc = print_json(root);
        goto done;
    }
    if (lang == LANG_ZH)
        printf("样本 %ld 个（%.1f s），冲击 %d 次，跌倒 %d 次\n", run.samples, span, run.impacts,
               run.falls);
    else
        printf("%ld samples (%.1f s), %d impact%s, %d fall%s\n", run.samples, span, run.impacts,
               run.impacts == 1 ? "" : "s", run.falls, run.falls == 1 ? "" : "s");
    rc = CLI_OK;
done:
    json_decref(run.events);
    if (f && !from_stdin)
        fclose(f);
    cc_free(d);
    return rc;
}

int cli_care(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(CMD, "name a subcommand: news2, morse or fall");
    if (strcmp(argv[1], "news2") == 0)
        return care_news2(argc - 1, argv + 1);
    if (strcmp(argv[1], "morse") == 0)
        return care_morse(argc - 1, argv + 1);
    if (strcmp(argv[1], "fall") == 0)
        return care_fall(argc - 1, argv + 1);
    return cli_usage_error(CMD, "'%s' is not a subcommand of care (news2, morse, fall)", argv[1]);
}
