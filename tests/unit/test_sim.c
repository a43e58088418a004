/*
 * Unit tests of sim/: physiology trajectories and the responses to care
 * within clinical ranges, devices and their faults (through the real fall
 * detector), the alert engine's rules and timers, scoring rules, validation
 * errors with their line and JSON path, determinism, and every bundled
 * scenario played by its good and careless trainee.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "care/news2.h"
#include "sim/action.h"
#include "sim/catalog.h"
#include "sim/jcheck.h"
#include "sim/physio.h"
#include "sim/population.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/score.h"
#include "sim/session.h"
#include "sim/world.h"
#include "util/alloc.h"

#define U SIM_U

/* ---------------------------------------------------------------- helpers */

/* A healthy resident's baseline in micro-units. */
static void healthy(int64_t b[SIM_NVITALS])
{
    b[SIM_V_HR] = 70 * U;
    b[SIM_V_RR] = 16 * U;
    b[SIM_V_SPO2] = 96 * U;
    b[SIM_V_SBP] = 130 * U;
    b[SIM_V_DBP] = 75 * U;
    b[SIM_V_TEMP] = 366 * U / 10;
    b[SIM_V_GLUCOSE] = 55 * U / 10;
    b[SIM_V_WEIGHT] = 60 * U;
}

/* Steps P for SECONDS from its time, at noon. */
static void run_physio(struct sim_physio *p, struct sim_rng *r, int seconds)
{
    for (int k = 0; k < seconds; k++)
        sim_physio_step(p, p->t + 1, 12 * 3600, r);
}

static double mean_of(const struct sim_physio *p, enum sim_vital v)
{
    return (double)p->mean[v] / (double)U;
}

/* The base scenario of the session and validation tests; line numbers in the comments. */
static const char *const base_lines[] = {
    /* 1 */ "{",
    /* 2 */ "  \"format\": \"carecampus-scenario/1\",",
    /* 3 */ "  \"id\": \"t\",",
    /* 4 */ "  \"version\": 1,",
    /* 5 */ "  \"title\": {\"en\": \"T\", \"zh-CN\": \"测\"},",
    /* 6 */ "  \"summary\": {\"en\": \"S\", \"zh-CN\": \"概\"},",
    /* 7 */ "  \"briefing\": {\"en\": \"B\", \"zh-CN\": \"简\"},",
    /* 8 */ "  \"clock\": {\"start\": \"02:00\", \"duration\": \"30:00\"},",
    /* 9 */ "  \"settings\": {\"walk_s\": 10},",
    /* 10 */ "  \"residents\": [",
    /* 11 */ "    {",
    /* 12 */ "      \"id\": \"a\",",
    /* 13 */ "      \"room\": \"1\",",
    /* 14 */ "      \"name\": {\"en\": \"A\", \"zh-CN\": \"甲\"},",
    /* 15 */ "      \"age\": 80,",
    /* 16 */ "      \"sex\": \"female\",",
    /* 17 */ "      \"background\": {\"en\": \"b\", \"zh-CN\": \"背\"},",
    /* 18 */
    "      \"morse\": {\"history\": true, \"secondary\": true, \"aid\": \"walker\", \"iv\": "
    "false, \"gait\": \"impaired\", \"mental\": \"forgets\"},",
    /* 19 */
    "      \"baseline\": {\"hr\": 70, \"rr\": 16, \"spo2\": 96, \"sbp\": 130, \"dbp\": 75, "
    "\"temp\": 36.6, \"glucose\": 5.5, \"weight\": 60.0},",
    /* 20 */
    "      \"devices\": {\"wearable\": {\"battery\": 80}, \"bed_sensor\": true, "
    "\"door_sensor\": true, \"call_button\": true},",
    /* 21 */
    "      \"last_obs\": {\"ago\": \"1:00:00\", \"rr\": 16, \"spo2\": 96, \"sbp\": 130, "
    "\"pulse\": 70, \"temp\": 36.6, \"acvpu\": \"A\"}",
    /* 22 */ "    }",
    /* 23 */ "  ],",
    /* 24 */ "  \"timeline\": [",
    /* 25 */ "    {\"id\": \"up\", \"at\": \"2:00\", \"event\": \"get_up\", \"resident\": \"a\"},",
    /* 26 */ "    {\"at\": \"2:10\", \"event\": \"walk\", \"resident\": \"a\"},",
    /* 27 */
    "    {\"id\": \"fall\", \"at\": \"2:30\", \"event\": \"fall\", \"resident\": \"a\", "
    "\"head_strike\": true}",
    /* 28 */ "  ],",
    /* 29 */ "  \"expected\": [",
    /* 30 */
    "    {\"id\": \"go\", \"title\": {\"en\": \"Go\", \"zh-CN\": \"去\"}, \"match\": "
    "{\"type\": \"go_to_room\", \"resident\": \"a\"}, \"window\": {\"after\": "
    "\"alert:fall:a\", \"within\": \"1:00\", \"late\": \"3:00\"}, \"points\": 4, "
    "\"critical\": true, \"feedback\": {\"en\": \"f\", \"zh-CN\": \"反\"}},",
    /* 31 */
    "    {\"id\": \"look\", \"title\": {\"en\": \"Look\", \"zh-CN\": \"看\"}, \"match\": "
    "{\"type\": \"observe\", \"resident\": \"a\"}, \"window\": {\"after\": \"done:go\", "
    "\"within\": \"2:00\"}, \"points\": 2, \"feedback\": {\"en\": \"f\", \"zh-CN\": "
    "\"反\"}},",
    /* 32 */
    "    {\"id\": \"call\", \"title\": {\"en\": \"Call\", \"zh-CN\": \"叫\"}, \"match\": "
    "{\"type\": \"call\", \"to\": [\"nurse\", \"doctor\"], \"sbar\": {\"complete\": true, "
    "\"facts\": [\"head_strike\"]}}, \"window\": {\"after\": \"alert:fall\", \"within\": "
    "\"10:00\"}, \"points\": 2, \"feedback\": {\"en\": \"f\", \"zh-CN\": \"反\"}},",
    /* 33 */
    "    {\"id\": \"never\", \"title\": {\"en\": \"N\", \"zh-CN\": \"无\"}, \"match\": "
    "{\"type\": \"guide_back\", \"resident\": \"a\"}, \"window\": {\"after\": "
    "\"alert:wandering\", \"within\": \"5:00\"}, \"points\": 3, \"feedback\": {\"en\": "
    "\"f\", \"zh-CN\": \"反\"}}",
    /* 34 */ "  ],",
    /* 35 */ "  \"forbidden\": [",
    /* 36 */
    "    {\"id\": \"lift\", \"title\": {\"en\": \"L\", \"zh-CN\": \"抬\"}, \"match\": "
    "{\"type\": \"assist_to_bed\", \"resident\": \"a\"}, \"unless\": [\"look\"], "
    "\"critical\": true, \"feedback\": {\"en\": \"f\", \"zh-CN\": \"反\"}},",
    /* 37 */
    "    {\"id\": \"o2\", \"title\": {\"en\": \"O\", \"zh-CN\": \"氧\"}, \"match\": "
    "{\"type\": \"apply_oxygen\"}, \"penalty\": 1, \"rubric\": \"r2\", \"feedback\": "
    "{\"en\": \"f\", \"zh-CN\": \"反\"}}",
    /* 38 */ "  ],",
    /* 39 */ "  \"order\": [",
    /* 40 */
    "    {\"first\": \"look\", \"then\": \"call\", \"penalty\": 1, \"rubric\": \"r2\", "
    "\"feedback\": {\"en\": \"f\", \"zh-CN\": \"反\"}}",
    /* 41 */ "  ],",
    /* 42 */ "  \"rubric\": [",
    /* 43 */
    "    {\"id\": \"r1\", \"title\": {\"en\": \"R1\", \"zh-CN\": \"一\"}, \"cfitems\": "
    "[\"53db8c8d-2be3-51ca-8b54-1571d4d987cf\"], \"expected\": [\"go\", \"look\"]},",
    /* 44 */
    "    {\"id\": \"r2\", \"title\": {\"en\": \"R2\", \"zh-CN\": \"二\"}, \"cfitems\": "
    "[\"53db8c8d-2be3-51ca-8b54-1571d4d987cf\", "
    "\"d352bb67-45ad-51c0-8082-3f59fff751ca\"], \"expected\": [\"call\", \"never\"]}",
    /* 45 */ "  ],",
    /* 46 */
    "  \"debrief\": [{\"title\": {\"en\": \"D\", \"zh-CN\": \"讨\"}, \"text\": {\"en\": "
    "\"t\", \"zh-CN\": \"文\"}}],",
    /* 47 */ "  \"pass\": {\"percent\": 70}",
    /* 48 */ "}",
};

/* The base scenario text with FROM (which must occur once) replaced by TO; free with free(). */
static char *base_with(const char *from, const char *to)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(base_lines) / sizeof(base_lines[0]); i++)
        n += strlen(base_lines[i]) + 1;
    char *base = malloc(n + 1);
    assert_non_null(base);
    base[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < sizeof(base_lines) / sizeof(base_lines[0]); i++) {
        size_t l = strlen(base_lines[i]);
        memcpy(base + at, base_lines[i], l);
        base[at + l] = '\n';
        at += l + 1;
    }
    base[at] = '\0';
    if (!from)
        return base;
    char *hit = strstr(base, from);
    if (!hit || strstr(hit + 1, from))
        fail_msg("base_with: '%s' does not occur exactly once", from);
    size_t out_n = strlen(base) - strlen(from) + strlen(to);
    char *out = malloc(out_n + 1);
    assert_non_null(out);
    size_t pre = (size_t)(hit - base);
    memcpy(out, base, pre);
    memcpy(out + pre, to, strlen(to));
    snprintf(out + pre + strlen(to), out_n + 1 - pre - strlen(to), "%s", hit + strlen(from));
    free(base);
    return out;
}

static struct sim_scenario *parse_ok(const char *text)
{
    struct sim_errors errs;
    struct sim_scenario *s = NULL;
    if (sim_scenario_parse(text, strlen(text), sim_catalog_item_known, NULL, &s, &errs)) {
        for (int i = 0; i < errs.n; i++)
            fprintf(stderr, "%d: %s: %s\n", errs.e[i].line, errs.e[i].path, errs.e[i].msg);
        fail_msg("the scenario does not parse");
    }
    return s;
}

/* Parses the base with FROM replaced by TO and expects exactly one error at LINE, PATH, MSG. */
static void expect_error(const char *from, const char *to, int line, const char *path,
                         const char *msg)
{
    char *text = base_with(from, to);
    struct sim_errors errs;
    struct sim_scenario *s = NULL;
    int err = sim_scenario_parse(text, strlen(text), sim_catalog_item_known, NULL, &s, &errs);
    free(text);
    if (!err) {
        sim_scenario_free(&s);
        fail_msg("'%s' -> '%s' was accepted", from, to);
    }
    if (errs.n != 1 || errs.e[0].line != line || strcmp(errs.e[0].path, path) != 0 ||
        strcmp(errs.e[0].msg, msg) != 0) {
        for (int i = 0; i < errs.n; i++)
            fprintf(stderr, "  got %d: %s: %s\n", errs.e[i].line, errs.e[i].path, errs.e[i].msg);
        fail_msg("'%s' -> '%s': wanted %d: %s: %s", from, to, line, path, msg);
    }
}

static struct sim_session *new_session(const struct sim_scenario *sc, uint64_t seed)
{
    struct sim_session *s = NULL;
    assert_int_equal(sim_session_new(sc, seed, NULL, &s), SIM_SESSION_OK);
    return s;
}

static void step_to(struct sim_session *s, int64_t ms)
{
    int64_t now = sim_session_now(s);
    if (ms > now)
        assert_int_equal(sim_session_step(s, ms - now), SIM_SESSION_OK);
}

static struct sim_action action(int type, int resident)
{
    struct sim_action a;
    sim_action_clear(&a);
    a.type = type;
    a.resident = resident;
    return a;
}

/* Does A at time MS and returns its outcome. */
static int act_at(struct sim_session *s, int64_t ms, struct sim_action a)
{
    step_to(s, ms);
    const struct sim_logged_action *l;
    int err = sim_session_act(s, &a, &l);
    assert_true(err == SIM_SESSION_OK || err == SIM_SESSION_ENDED);
    assert_non_null(l);
    return l->outcome;
}

static int64_t alert_time(const struct sim_session *s, int kind);

/* Steps S tick by tick until an alert of KIND is raised; its time. */
static int64_t step_until_alert(struct sim_session *s, int kind)
{
    while (alert_time(s, kind) < 0) {
        assert_false(sim_session_ended(s));
        assert_int_equal(sim_session_step(s, SIM_TICK_MS), SIM_SESSION_OK);
    }
    return alert_time(s, kind);
}

/* The time the first alert of KIND was raised in S; -1 when none. */
static int64_t alert_time(const struct sim_session *s, int kind)
{
    const struct sim_world *w = sim_session_world(s);
    for (size_t i = 0; i < w->alerts.n; i++)
        if (w->alerts.a[i].kind == kind)
            return w->alerts.a[i].raised_ms;
    return -1;
}

static int run_to_end(struct sim_session *s)
{
    while (!sim_session_ended(s))
        if (sim_session_step(s, 60000))
            return -1;
    return 0;
}

static char *result_text(const struct sim_session *s)
{
    json_t *r = sim_session_result(s);
    assert_non_null(r);
    char *t = json_dumps(r, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(r);
    assert_non_null(t);
    return t;
}

/* ---------------------------------------------------------------- rng and time parsing */

static void rng_is_deterministic_and_bell_shaped(void **state)
{
    (void)state;
    struct sim_rng a, b, c;
    sim_rng_seed(&a, 42, 1);
    sim_rng_seed(&b, 42, 1);
    sim_rng_seed(&c, 42, 2);
    int same = 1, diff = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = sim_rng_next(&a), y = sim_rng_next(&b), z = sim_rng_next(&c);
        same &= x == y;
        diff += x != z;
    }
    assert_true(same);
    assert_true(diff > 95);
    /* Gaussian: mean about 0, SD about what was asked, bounded at 3.5 SD. */
    double sum = 0, sq = 0;
    int64_t lo = 0, hi = 0;
    for (int i = 0; i < 100000; i++) {
        int64_t g = sim_rng_gauss(&a, 1000);
        sum += (double)g;
        sq += (double)g * (double)g;
        lo = g < lo ? g : lo;
        hi = g > hi ? g : hi;
    }
    double mean = sum / 100000, sd = sq / 100000 - mean * mean;
    assert_true(mean > -20 && mean < 20);
    assert_true(sd > 900 * 900 && sd < 1100 * 1100);
    assert_true(lo >= -3500 && hi <= 3500);
    for (int i = 0; i < 1000; i++)
        assert_true(sim_rng_below(&a, 7) < 7);
}

static void clock_strings(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(sim_parse_clock("0:00", &ms), 0);
    assert_int_equal(ms, 0);
    assert_int_equal(sim_parse_clock("5:35", &ms), 0);
    assert_int_equal(ms, 335000);
    assert_int_equal(sim_parse_clock("90:00", &ms), 0);
    assert_int_equal(ms, 5400000);
    assert_int_equal(sim_parse_clock("1:30:05", &ms), 0);
    assert_int_equal(ms, 5405000);
    assert_int_equal(sim_parse_clock("-4:00:00", &ms), 0);
    assert_int_equal(ms, -14400000);
    const char *bad[] = {"",     "5",          "5:3",   "5:60",  "1:5:00",  "1:60:00",
                         "a:00", "1:00:00:00", "5:00 ", "+5:00", "12345:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (sim_parse_clock(bad[i], &ms) == 0)
            fail_msg("'%s' was accepted", bad[i]);
    char buf[32];
    sim_format_time(335000, buf, sizeof(buf));
    assert_string_equal(buf, "5:35");
    sim_format_time(5405000, buf, sizeof(buf));
    assert_string_equal(buf, "1:30:05");
}

/* ---------------------------------------------------------------- physiology */

static void physio_healthy_stays_in_range(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 1, 1);
    sim_physio_init(&p, b, 0, 1, SIM_ACTIVITY_SITTING, 0, 0);
    for (int k = 0; k < 24 * 3600; k++) {
        sim_physio_step(&p, k + 1, k % 86400, &r);
        if (k % 60)
            continue;
        int hr = sim_physio_display(&p, SIM_V_HR), spo2 = sim_physio_display(&p, SIM_V_SPO2);
        int temp = sim_physio_display(&p, SIM_V_TEMP), sbp = sim_physio_display(&p, SIM_V_SBP);
        if (hr < 60 || hr > 80 || spo2 < 94 || spo2 > 98 || temp < 360 || temp > 371 || sbp < 118 ||
            sbp > 142)
            fail_msg("at %d s: hr %d spo2 %d temp %d sbp %d", k, hr, spo2, temp, sbp);
        assert_int_equal(p.acvpu, NEWS2_ALERT);
    }
}

static void physio_circadian_and_activity(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 1, 1);
    /* Temperature lowest in the early morning, highest in the late afternoon. */
    sim_physio_init(&p, b, 0, 1, SIM_ACTIVITY_SITTING, 0, 5 * 3600);
    double t5 = mean_of(&p, SIM_V_TEMP);
    sim_physio_settle(&p, 0, 17 * 3600);
    double t17 = mean_of(&p, SIM_V_TEMP);
    assert_true(t17 - t5 > 0.5 && t17 - t5 < 0.7);
    /* Walking raises the heart rate by about 15 within a minute; sleep lowers it. */
    sim_physio_settle(&p, 0, 12 * 3600);
    double rest = mean_of(&p, SIM_V_HR);
    sim_physio_activity(&p, SIM_ACTIVITY_WALKING);
    run_physio(&p, &r, 60);
    double walk = mean_of(&p, SIM_V_HR);
    assert_true(walk - rest > 13 && walk - rest < 17);
    sim_physio_activity(&p, SIM_ACTIVITY_ASLEEP);
    run_physio(&p, &r, 120);
    assert_true(mean_of(&p, SIM_V_HR) < rest - 4);
}

static void physio_sepsis_trajectory(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 3, 1);
    sim_physio_init(&p, b, 0, 1, SIM_ACTIVITY_RESTING, 0, 12 * 3600);
    struct sim_traj_spec t = {.kind = SIM_TRAJ_SEPSIS, .severity = 1000, .per_hour = 3000};
    sim_physio_start(&p, &t, 0);
    double hr0 = mean_of(&p, SIM_V_HR), rr0 = mean_of(&p, SIM_V_RR);
    double sbp0 = mean_of(&p, SIM_V_SBP);
    int saw_confusion_at = -1;
    for (int k = 1; k <= 3 * 3600; k++) {
        sim_physio_step(&p, k, 12 * 3600, &r);
        if (saw_confusion_at < 0 && p.acvpu >= NEWS2_CONFUSION)
            saw_confusion_at = k;
        if (k == 1800) {
            /* Half an hour in (25 %): tachycardia and tachypnoea before any fall in pressure. */
            assert_true(mean_of(&p, SIM_V_HR) - hr0 > 5);
            assert_true(mean_of(&p, SIM_V_RR) - rr0 > 1.5);
            assert_true(mean_of(&p, SIM_V_SBP) > sbp0 - 2);
        }
    }
    /* After three hours (100 %): septic shock: fever, pulse > 110, RR > 25, SBP < 90, voice/pain.
     */
    assert_int_equal(p.sev[SIM_TRAJ_SEPSIS], 10000);
    assert_true(mean_of(&p, SIM_V_TEMP) > 38.4 && mean_of(&p, SIM_V_TEMP) < 39.5);
    assert_true(mean_of(&p, SIM_V_HR) > 110 && mean_of(&p, SIM_V_HR) < 135);
    assert_true(mean_of(&p, SIM_V_RR) > 25);
    assert_true(mean_of(&p, SIM_V_SBP) < 90 && mean_of(&p, SIM_V_SBP) > 60);
    assert_true(p.acvpu >= NEWS2_VOICE);
    /* New confusion from 55 %: (55 - 10) / 30 per hour = 1.5 h. */
    assert_true(saw_confusion_at >= 5350 && saw_confusion_at <= 5450);
}

static void physio_hypoglycaemia_and_glucose(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 4, 1);
    sim_physio_init(&p, b, 1u << SIM_COND_DIABETES, 1, SIM_ACTIVITY_SITTING, 0, 12 * 3600);
    struct sim_traj_spec t = {
        .kind = SIM_TRAJ_HYPOGLYCAEMIA, .glucose = 4000, .per_hour = 4000, .for_s = 0};
    sim_physio_start(&p, &t, 0);
    assert_true(mean_of(&p, SIM_V_GLUCOSE) > 3.95 && mean_of(&p, SIM_V_GLUCOSE) < 4.05);
    run_physio(&p, &r, 900); /* 15 min at 4 mmol/L an hour: about 3.0 */
    assert_true(mean_of(&p, SIM_V_GLUCOSE) > 2.9 && mean_of(&p, SIM_V_GLUCOSE) < 3.2);
    /* Adrenergic response: the pulse rises as the glucose falls below 3.9. */
    assert_true(mean_of(&p, SIM_V_HR) > 78);
    run_physio(&p, &r, 300); /* 2.7: new confusion */
    assert_int_equal(p.acvpu, NEWS2_CONFUSION);
    /* Glucose by mouth: nothing for five minutes, then about +0.17 mmol/L a gram. */
    assert_int_equal(sim_physio_give_glucose(&p, 20, p.t), 0);
    double g0 = mean_of(&p, SIM_V_GLUCOSE);
    run_physio(&p, &r, 280);
    assert_true(mean_of(&p, SIM_V_GLUCOSE) < g0);
    run_physio(&p, &r, 25 * 60);
    assert_true(mean_of(&p, SIM_V_GLUCOSE) > g0 + 1.0);
    assert_int_equal(p.acvpu, NEWS2_ALERT);
    /* Drowsy: nothing by mouth. */
    struct sim_traj_spec deep = {.kind = SIM_TRAJ_HYPOGLYCAEMIA, .glucose = 1800, .per_hour = 0};
    sim_physio_start(&p, &deep, p.t);
    run_physio(&p, &r, 2);
    assert_true(p.acvpu >= NEWS2_VOICE);
    int64_t gut = p.gut_glucose_mg;
    assert_int_equal(sim_physio_give_glucose(&p, 20, p.t), 1);
    assert_true(p.gut_glucose_mg == gut);
}

static void physio_copd_oxygen_and_co2(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    b[SIM_V_SPO2] = 90 * U;
    b[SIM_V_RR] = 20 * U;
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 5, 1);
    sim_physio_init(&p, b, 1u << SIM_COND_COPD, 2, SIM_ACTIVITY_RESTING, 0, 14 * 3600);
    assert_true(p.co2_retainer);
    struct sim_traj_spec t = {.kind = SIM_TRAJ_COPD_EXACERBATION, .severity = 4000};
    sim_physio_start(&p, &t, 0);
    sim_physio_settle(&p, 0, 14 * 3600);
    double air = mean_of(&p, SIM_V_SPO2);
    assert_true(air > 85 && air < 88);
    /* Controlled oxygen: a 28 % Venturi mask brings her into 88–92 % within about two minutes. */
    sim_physio_oxygen(&p, SIM_O2_VENTURI_28, 4);
    run_physio(&p, &r, 150);
    assert_true(mean_of(&p, SIM_V_SPO2) >= 88 && mean_of(&p, SIM_V_SPO2) <= 92);
    run_physio(&p, &r, 1800);
    assert_int_equal(p.acvpu, NEWS2_ALERT);
    assert_true(p.paco2 < 75 * U / 10);
    /* A non-rebreather: SpO2 above 95, CO2 rising, confusion within ten minutes, breathing slower.
     */
    double rr_before = mean_of(&p, SIM_V_RR);
    sim_physio_oxygen(&p, SIM_O2_NON_REBREATHER, 15);
    int confused = -1;
    for (int k = 0; k < 1800 && confused < 0; k++) {
        run_physio(&p, &r, 1);
        if (p.acvpu >= NEWS2_CONFUSION)
            confused = k;
    }
    assert_true(mean_of(&p, SIM_V_SPO2) > 95);
    assert_true(confused > 120 && confused < 600);
    run_physio(&p, &r, 600);
    assert_true(mean_of(&p, SIM_V_RR) < rr_before);
    /* Back to the Venturi mask: the CO2 falls again and she wakes up. */
    sim_physio_oxygen(&p, SIM_O2_VENTURI_24, 2);
    run_physio(&p, &r, 3600);
    assert_int_equal(p.acvpu, NEWS2_ALERT);
    /* The inspired fractions by device. */
    assert_int_equal(sim_physio_fio2(SIM_O2_NASAL_CANNULA, 2), 29);
    assert_int_equal(sim_physio_fio2(SIM_O2_VENTURI_24, 2), 24);
    assert_int_equal(sim_physio_fio2(SIM_O2_VENTURI_28, 2), 24);
    assert_int_equal(sim_physio_fio2(SIM_O2_NON_REBREATHER, 15), 85);
    assert_int_equal(sim_physio_fio2(-1, 0), 21);
}

static void physio_dehydration_delirium_and_fluids(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 6, 1);
    sim_physio_init(&p, b, 0, 1, SIM_ACTIVITY_SITTING, 0, 12 * 3600);
    struct sim_traj_spec t = {.kind = SIM_TRAJ_DEHYDRATION, .ml = 1400, .ml_per_hour = 120};
    sim_physio_start(&p, &t, 0);
    sim_physio_settle(&p, 0, 12 * 3600);
    assert_int_equal(p.acvpu, NEWS2_ALERT);
    run_physio(&p, &r, 3600); /* 1520 mL: delirium */
    assert_int_equal(sim_physio_fluid_ml(&p), -1520);
    assert_int_equal(p.acvpu, NEWS2_CONFUSION);
    assert_true(mean_of(&p, SIM_V_HR) > 85);
    assert_true(mean_of(&p, SIM_V_WEIGHT) < 58.6);
    /* 800 mL by mouth: absorbed from 10 min later at 10 mL a minute; the delirium clears below
     * 1000 mL. */
    sim_physio_give_fluids(&p, 800, p.t);
    run_physio(&p, &r, 590);
    assert_true(sim_physio_fluid_ml(&p) <= -1520);
    run_physio(&p, &r, 90 * 60);
    assert_true(sim_physio_fluid_ml(&p) > -1000);
    assert_int_equal(p.acvpu, NEWS2_ALERT);
}

static void physio_fluid_overload_and_posture(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 7, 1);
    sim_physio_init(&p, b, 1u << SIM_COND_HEART_FAILURE, 1, SIM_ACTIVITY_RESTING, 0, 12 * 3600);
    sim_physio_position(&p, SIM_POS_BACK);
    struct sim_traj_spec t = {.kind = SIM_TRAJ_FLUID_OVERLOAD, .ml = 2500};
    sim_physio_start(&p, &t, 0);
    sim_physio_settle(&p, 0, 12 * 3600);
    double flat = mean_of(&p, SIM_V_SPO2), rr_flat = mean_of(&p, SIM_V_RR);
    assert_true(mean_of(&p, SIM_V_WEIGHT) > 62.4);
    /* Sitting up helps within minutes. */
    sim_physio_position(&p, SIM_POS_UPRIGHT);
    run_physio(&p, &r, 600);
    assert_true(mean_of(&p, SIM_V_SPO2) - flat > 4);
    assert_true(rr_flat - mean_of(&p, SIM_V_RR) > 4);
    /* Fluids make it worse once absorbed. */
    double w0 = mean_of(&p, SIM_V_WEIGHT);
    sim_physio_give_fluids(&p, 500, p.t);
    run_physio(&p, &r, 2 * 3600);
    assert_true(mean_of(&p, SIM_V_WEIGHT) > w0 + 0.4);
}

static void physio_choking_and_end_of_life(void **state)
{
    (void)state;
    int64_t b[SIM_NVITALS];
    healthy(b);
    struct sim_physio p;
    struct sim_rng r;
    sim_rng_seed(&r, 8, 1);
    sim_physio_init(&p, b, 1u << SIM_COND_POST_STROKE_DYSPHAGIA, 1, SIM_ACTIVITY_SITTING, 0,
                    12 * 3600);
    struct sim_traj_spec t = {.kind = SIM_TRAJ_CHOKING,
                              .severity = 10000,
                              .clear_per_blow = 1500,
                              .clear_per_thrust = 4000};
    sim_physio_start(&p, &t, 0);
    run_physio(&p, &r, 45);
    assert_true(mean_of(&p, SIM_V_SPO2) < 70);
    assert_true(p.acvpu >= NEWS2_VOICE);
    sim_physio_clear_airway(&p, 0, 5);
    assert_int_equal(p.sev[SIM_TRAJ_CHOKING], 2500);
    sim_physio_clear_airway(&p, 1, 1);
    assert_int_equal(p.sev[SIM_TRAJ_CHOKING], 0);
    run_physio(&p, &r, 120);
    assert_true(mean_of(&p, SIM_V_SPO2) > 94);

    /* The end of life: Cheyne–Stokes breathing waxes and wanes over a minute. */
    sim_physio_init(&p, b, 1u << SIM_COND_CANCER, 1, SIM_ACTIVITY_RESTING, 0, 12 * 3600);
    struct sim_traj_spec e = {.kind = SIM_TRAJ_END_OF_LIFE, .severity = 9000};
    sim_physio_start(&p, &e, 0);
    int64_t lo = 1000 * U, hi = 0;
    for (int k = 0; k < 120; k++) {
        run_physio(&p, &r, 1);
        lo = p.value[SIM_V_RR] < lo ? p.value[SIM_V_RR] : lo;
        hi = p.value[SIM_V_RR] > hi ? p.value[SIM_V_RR] : hi;
    }
    assert_true(hi - lo > 5 * U);
    assert_true(p.acvpu >= NEWS2_PAIN);
}

/* ---------------------------------------------------------------- devices and the world */

/* A world of one resident with every device, at CLOCK_S, in bed; high fall risk. */
static void one_world(struct sim_world *w, int clock_s, int activity)
{
    int64_t b[SIM_NVITALS];
    healthy(b);
    assert_int_equal(sim_world_init(w, 1, 9, clock_s, 256, 1, 10000), 0);
    sim_resident_setup(w, 0, b, 0, 1, activity, 1, 80, 1, 1, 1);
    w->res[0].high_fall_risk = 1;
    for (int k = 0; k < SIM_NOBS; k++) {
        w->res[0].obs[k].valid = 1;
        w->res[0].obs[k].at_ms = -3600000;
    }
    struct sim_obs *o = w->res[0].obs;
    o[SIM_OBS_RR].value = 16;
    o[SIM_OBS_SPO2].value = 96;
    o[SIM_OBS_SBP].value = 130;
    o[SIM_OBS_PULSE].value = 70;
    o[SIM_OBS_ACVPU].value = NEWS2_ALERT;
    o[SIM_OBS_TEMP].value = 366;
}

static void tick_for(struct sim_world *w, int64_t ms)
{
    int64_t end = w->now_ms + ms;
    while (w->now_ms < end)
        sim_world_tick(w);
    assert_int_equal(w->err, 0);
}

static int count_log(const struct sim_world *w, int kind, int a)
{
    int n = 0;
    for (size_t i = 0; i < w->nlog; i++)
        n += w->log[i].kind == kind && (a < 0 || w->log[i].a == a);
    return n;
}

static void devices_wearable_readings_and_faults(void **state)
{
    (void)state;
    struct sim_world w;
    one_world(&w, 12 * 3600, SIM_ACTIVITY_SITTING);
    struct sim_resident *r = &w.res[0];
    double err_spo2 = 0;
    int n = 0;
    tick_for(&w, SIM_TICK_MS); /* so that each second below holds one reading */
    for (int k = 0; k < 120; k++) {
        tick_for(&w, 1000);
        err_spo2 += r->wear.spo2 - (double)r->ph.value[SIM_V_SPO2] / U;
        assert_true(r->wear.quality >= 90);
        assert_true(abs(r->wear.hr - sim_physio_display(&r->ph, SIM_V_HR)) <= 6);
        n++;
    }
    assert_true(err_spo2 / n > -0.5 && err_spo2 / n < 0.5);
    /* Loose: the SpO2 reads several points low, the signal quality is poor. */
    sim_world_fault(&w, 0, SIM_DEV_WEARABLE, SIM_FAULT_LOOSE);
    double low = 0;
    for (int k = 0; k < 120; k++) {
        tick_for(&w, 1000);
        low += (double)r->ph.value[SIM_V_SPO2] / U - r->wear.spo2;
        assert_true(r->wear.quality < 50);
    }
    assert_true(low / 120 > 7 && low / 120 < 12);
    /* Off the body: no optical readings, the skin sensor cools to the room. */
    sim_world_fault(&w, 0, SIM_DEV_WEARABLE, SIM_FAULT_OFF_BODY);
    tick_for(&w, 1200000);
    assert_int_equal(r->wear.hr, -1);
    assert_int_equal(r->wear.spo2, -1);
    assert_true(r->wear.skin_temp >= 235 && r->wear.skin_temp <= 250);
    sim_world_restore(&w, 0, SIM_DEV_WEARABLE);
    tick_for(&w, 2000);
    assert_true(r->wear.spo2 > 90);
    sim_world_release(&w);
}

static void devices_battery_and_offline(void **state)
{
    (void)state;
    struct sim_world w;
    one_world(&w, 12 * 3600, SIM_ACTIVITY_SITTING);
    struct sim_resident *r = &w.res[0];
    /* A low battery drains at 8 % an hour: the low-battery alert at once, offline at 0. */
    r->wear.battery_u = 14 * U;
    sim_world_fault(&w, 0, SIM_DEV_WEARABLE, SIM_FAULT_LOW_BATTERY);
    tick_for(&w, 2000);
    struct sim_alert *a = sim_alerts_find(&w.alerts, SIM_ALERT_LOW_BATTERY, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->priority, SIM_PRIO_LOW);
    tick_for(&w, (int64_t)(14 * 3600 / 8) * 1000 + 20000);
    assert_int_equal(r->wear.battery_u, 0);
    assert_false(sim_wearable_online(&r->wear));
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_DEVICE_OFFLINE, 0, 0));
    tick_for(&w, 60000);
    a = sim_alerts_find(&w.alerts, SIM_ALERT_DEVICE_OFFLINE, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->detail, SIM_DEV_WEARABLE);
    /* A new battery: data again, the offline and battery alerts clear. */
    r->wear.battery_u = 100 * U;
    sim_world_restore(&w, 0, SIM_DEV_WEARABLE);
    tick_for(&w, 2000);
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_DEVICE_OFFLINE, 0, 0));
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_LOW_BATTERY, 0, 0));
    /* The bed sensor disconnects: offline after 60 s of silence, not before. */
    sim_world_fault(&w, 0, SIM_DEV_BED_SENSOR, SIM_FAULT_DISCONNECT);
    tick_for(&w, 58000);
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_DEVICE_OFFLINE, 0, 0));
    tick_for(&w, 3000);
    a = sim_alerts_find(&w.alerts, SIM_ALERT_DEVICE_OFFLINE, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->detail, SIM_DEV_BED_SENSOR);
    sim_world_release(&w);
}

static void devices_fall_detection(void **state)
{
    (void)state;
    struct sim_world w;
    one_world(&w, 14 * 3600, SIM_ACTIVITY_WALKING);
    struct sim_resident *r = &w.res[0];
    /* Ten minutes of walking, with turns: no impact, no fall. */
    tick_for(&w, 600000);
    assert_int_equal(count_log(&w, SIM_LOG_DETECTOR, -1), 0);
    assert_int_equal(w.samples, 30000);
    /* A fall: the detector confirms it about three seconds after the impact. */
    int64_t t0 = w.now_ms;
    sim_physio_fall(&r->ph, SIM_INJURY_BRUISE, 0);
    sim_accel_start(&r->wear, SIM_SEQ_FALL, 3400, w.now_ms);
    tick_for(&w, 5000);
    struct sim_alert *a = sim_alerts_find(&w.alerts, SIM_ALERT_FALL, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->priority, SIM_PRIO_URGENT);
    assert_true(a->raised_ms - t0 >= 3000 && a->raised_ms - t0 <= 3600);
    assert_true(a->detail >= 3200 && a->detail <= 3700);
    assert_int_equal(count_log(&w, SIM_LOG_DETECTOR, FALL_EVENT_IMPACT), 1);
    assert_int_equal(w.falls_detected, 1);
    sim_world_release(&w);

    /* Sleep with movements in bed: never an impact. */
    one_world(&w, 2 * 3600, SIM_ACTIVITY_ASLEEP);
    for (int k = 0; k < 20; k++) {
        w.res[0].wear.burst_until_ms = w.now_ms + 2500;
        tick_for(&w, 30000);
    }
    assert_int_equal(count_log(&w, SIM_LOG_DETECTOR, -1), 0);
    /* The wearable dropped on the floor: an impact then lying flat: the detector says fall. */
    sim_world_fault(&w, 0, SIM_DEV_WEARABLE, SIM_FAULT_DROPPED);
    tick_for(&w, 5000);
    assert_non_null(sim_alerts_find(&w.alerts, SIM_ALERT_FALL, 0, 0));
    /* … while the bed sensor still sees her in bed and no bed exit happened. */
    assert_int_equal(w.res[0].bed.presence, 1);
    assert_int_equal(count_log(&w, SIM_LOG_BED_EXIT, -1), 0);
    sim_world_release(&w);
}

/* ---------------------------------------------------------------- the alert engine */

static void alerts_escalation_timers(void **state)
{
    (void)state;
    struct sim_alerts q;
    sim_alerts_init(&q, 16, 1);
    struct sim_alert *a, *b;
    assert_int_equal(sim_alerts_raise(&q, SIM_ALERT_FALL, 0, SIM_PRIO_URGENT, 0, 1000, &a), 0);
    assert_int_equal(a->id, 1);
    assert_int_equal(sim_alerts_raise(&q, SIM_ALERT_CALL_BUTTON, 0, SIM_PRIO_NORMAL, 0, 1000, &b),
                     0);
    assert_int_equal(b->id, 2);
    int fired = 0;
    for (int64_t t = 1000; t <= 400000; t += 1000) {
        size_t before = 0;
        for (size_t i = 0; i < q.n; i++)
            before += (size_t)q.a[i].escalations;
        sim_alerts_tick(&q, t, NULL, NULL);
        size_t after = 0;
        for (size_t i = 0; i < q.n; i++)
            after += (size_t)q.a[i].escalations;
        fired += (int)(after - before);
        if (t == 60000)
            assert_int_equal(q.a[0].escalations, 0);
        if (t == 61000)
            assert_int_equal(q.a[0].escalations, 1);
        if (t == 121000)
            assert_int_equal(q.a[0].escalations, 2);
        if (t == 300000)
            assert_int_equal(q.a[1].escalations, 0);
        if (t == 301000) {
            assert_int_equal(q.a[1].escalations, 1);
            sim_alerts_ack(&q.a[1], t);
        }
    }
    /* The urgent one twice (at 60 and 120 s, then no more), the normal one once before it was
     * acknowledged. */
    assert_int_equal(q.a[0].escalations, SIM_MAX_ESCALATIONS);
    assert_int_equal(q.a[1].escalations, 1);
    assert_int_equal(fired, 3);
    /* An upgrade restarts the clock at the new priority's time. */
    struct sim_alert *c;
    assert_int_equal(sim_alerts_raise(&q, SIM_ALERT_NEWS2, 1, SIM_PRIO_HIGH, 5, 500000, &c), 0);
    sim_alerts_upgrade(c, SIM_PRIO_URGENT, &q, 550000);
    assert_int_equal(c->next_escalation_ms, 610000);
    assert_non_null(sim_alerts_find(&q, SIM_ALERT_NEWS2, 1, 1));
    assert_null(sim_alerts_find(&q, SIM_ALERT_NEWS2, 0, 0));
    sim_alerts_close(&q, c, SIM_REASON_TEST, 560000);
    assert_int_equal(c->state, SIM_ALERT_DISMISSED);
    assert_null(sim_alerts_find(&q, SIM_ALERT_NEWS2, 1, 0));
    assert_int_equal(sim_alerts_active(&q), 2); /* the open urgent one, the acknowledged one */
    sim_alerts_release(&q);

    /* A full queue says so. */
    sim_alerts_init(&q, 2, 1);
    assert_int_equal(sim_alerts_raise(&q, 0, 0, 0, 0, 0, NULL), 0);
    assert_int_equal(sim_alerts_raise(&q, 0, 0, 0, 0, 0, NULL), 0);
    assert_int_equal(sim_alerts_raise(&q, 0, 0, 0, 0, 0, NULL), SIM_ALERTS_FULL);
    sim_alerts_release(&q);
}

static void alerts_news2_rule(void **state)
{
    (void)state;
    struct sim_world w;
    one_world(&w, 12 * 3600, SIM_ACTIVITY_RESTING);
    struct sim_resident *r = &w.res[0];
    tick_for(&w, 10000);
    assert_int_equal(r->news2_total, 0);
    /* A loose band: SpO2 86–90 scores 3 on scale 1 — a red score, held 30 s before the alert. */
    sim_world_fault(&w, 0, SIM_DEV_WEARABLE, SIM_FAULT_LOOSE);
    tick_for(&w, 25000);
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0));
    tick_for(&w, 20000);
    struct sim_alert *a = sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->priority, SIM_PRIO_HIGH);
    /* Dismissed as an artefact: quiet for 15 minutes at that band. */
    r->news2_quiet_band = r->news2_alert_band;
    r->news2_quiet_ms = w.now_ms + 15 * 60 * 1000;
    sim_world_close_alert(&w, a, SIM_REASON_DEVICE_ARTEFACT);
    tick_for(&w, 14 * 60 * 1000);
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0));
    tick_for(&w, 2 * 60 * 1000);
    assert_non_null(sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0));
    /* Refitted: the band falls; five minutes later the alert clears itself. */
    sim_world_restore(&w, 0, SIM_DEV_WEARABLE);
    tick_for(&w, 4 * 60 * 1000);
    assert_non_null(sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0));
    tick_for(&w, 90 * 1000);
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0));
    /* A manual observation of new confusion and a temperature of 39.5: 3 + 2, plus SpO2:
     * upgraded to urgent at 7 or more. */
    sim_world_observe(&w, 0, SIM_OBS_ACVPU, NEWS2_CONFUSION);
    sim_world_observe(&w, 0, SIM_OBS_TEMP, 395);
    sim_world_observe(&w, 0, SIM_OBS_SBP, 95);
    tick_for(&w, 40000);
    a = sim_alerts_find(&w.alerts, SIM_ALERT_NEWS2, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->priority, SIM_PRIO_URGENT);
    assert_true(a->detail >= 7);
    sim_world_release(&w);
}

static void alerts_bed_exit_and_wandering(void **state)
{
    (void)state;
    struct sim_world w;
    /* At night a high-risk resident leaving the bed raises a bed-exit alert. */
    one_world(&w, 3 * 3600, SIM_ACTIVITY_ASLEEP);
    tick_for(&w, 3000);
    sim_physio_activity(&w.res[0].ph, SIM_ACTIVITY_STANDING);
    tick_for(&w, 2000);
    struct sim_alert *a = sim_alerts_find(&w.alerts, SIM_ALERT_BED_EXIT, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->priority, SIM_PRIO_HIGH);
    sim_world_release(&w);
    /* By day, or when not at high risk, only the log records it. */
    one_world(&w, 15 * 3600, SIM_ACTIVITY_RESTING);
    tick_for(&w, 3000);
    sim_physio_activity(&w.res[0].ph, SIM_ACTIVITY_STANDING);
    tick_for(&w, 2000);
    assert_null(sim_alerts_find(&w.alerts, SIM_ALERT_BED_EXIT, 0, 0));
    assert_int_equal(count_log(&w, SIM_LOG_BED_EXIT, -1), 1);
    sim_world_release(&w);
    /* Wandering: out of the room at night is high, through the exit door urgent. */
    one_world(&w, 1 * 3600, SIM_ACTIVITY_WALKING);
    w.res[0].wander_risk = 1;
    sim_world_door(&w, 0, 0);
    a = sim_alerts_find(&w.alerts, SIM_ALERT_WANDERING, 0, 0);
    assert_non_null(a);
    assert_int_equal(a->priority, SIM_PRIO_HIGH);
    sim_world_door(&w, 0, 1);
    assert_int_equal(a->priority, SIM_PRIO_URGENT);
    assert_int_equal(w.alerts.n, 1);
    assert_int_equal(w.res[0].place, SIM_PLACE_EXIT);
    sim_world_release(&w);
}

/* ---------------------------------------------------------------- sessions and scoring */

static void score_good_run(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    struct sim_session *s = new_session(sc, 1);
    int64_t fall = step_until_alert(s, SIM_ALERT_FALL);
    assert_true(fall >= 153000 && fall <= 154000);
    assert_int_equal(act_at(s, fall + 5000, action(SIM_ACTION_GO_TO_ROOM, 0)), SIM_OUT_OK);
    /* Observing while still on the way is not possible. */
    assert_int_equal(act_at(s, fall + 8000, action(SIM_ACTION_OBSERVE, 0)), SIM_OUT_NOT_THERE);
    assert_int_equal(act_at(s, fall + 20000, action(SIM_ACTION_OBSERVE, 0)), SIM_OUT_OK);
    struct sim_action call = action(SIM_ACTION_CALL, 0);
    call.param[SIM_P_TO] = SIM_RESP_NURSE;
    call.has_sbar = 1;
    call.sbar.part[0] = "fell";
    call.sbar.part[1] = "84";
    call.sbar.part[2] = "bruise";
    call.sbar.part[3] = "come";
    call.sbar.facts = 1ULL << SIM_FACT_HEAD_STRIKE;
    assert_int_equal(act_at(s, fall + 60000, call), SIM_OUT_OK);
    assert_int_equal(run_to_end(s), 0);
    struct sim_score sco;
    sim_session_score(s, &sco);
    assert_int_equal(sco.exp[0].status, SIM_ST_ON_TIME);
    assert_int_equal(sco.exp[0].done_ms - sco.exp[0].anchor_ms, 5000);
    assert_int_equal(sco.exp[1].status, SIM_ST_ON_TIME);
    assert_int_equal(sco.exp[2].status, SIM_ST_ON_TIME);
    assert_int_equal(sco.exp[3].status, SIM_ST_NOT_APPLICABLE); /* no wandering alert */
    assert_int_equal(sco.earned, 8);
    assert_int_equal(sco.possible, 8);
    assert_int_equal(sco.percent, 100);
    assert_int_equal(sco.ncritical, 0);
    assert_true(sco.passed);
    sim_session_free(&s);
    sim_scenario_free(&sc);
}

static void score_late_order_forbidden_and_penalties(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    struct sim_session *s = new_session(sc, 1);
    int64_t fall = step_until_alert(s, SIM_ALERT_FALL);
    /* Late (between 1 and 3 minutes): half the points. */
    assert_int_equal(act_at(s, fall + 120000, action(SIM_ACTION_GO_TO_ROOM, 0)), SIM_OUT_OK);
    /* The call before the look: an order penalty; oxygen: a forbidden penalty; both in r2. */
    struct sim_action call = action(SIM_ACTION_CALL, 0);
    call.param[SIM_P_TO] = SIM_RESP_DOCTOR;
    call.has_sbar = 1;
    for (int k = 0; k < SIM_NSBAR; k++)
        call.sbar.part[k] = "x";
    call.sbar.facts = (1ULL << SIM_FACT_HEAD_STRIKE) | (1ULL << SIM_FACT_FALL);
    assert_int_equal(act_at(s, fall + 140000, call), SIM_OUT_OK);
    struct sim_action o2 = action(SIM_ACTION_APPLY_OXYGEN, 0);
    o2.param[SIM_P_OXYGEN_DEVICE] = SIM_O2_NASAL_CANNULA;
    o2.param[SIM_P_FLOW_LPM] = 2;
    o2.param[SIM_P_TARGET] = SIM_TARGET_94_98;
    assert_int_equal(act_at(s, fall + 150000, o2), SIM_OUT_OK);
    /* Lifting her before looking: a critical error. */
    assert_int_equal(act_at(s, fall + 160000, action(SIM_ACTION_ASSIST_TO_BED, 0)), SIM_OUT_OK);
    assert_int_equal(act_at(s, fall + 170000, action(SIM_ACTION_OBSERVE, 0)), SIM_OUT_OK);
    /* Actions that make no sense are logged and scored, never refused. */
    struct sim_action ack = action(SIM_ACTION_ACKNOWLEDGE, -1);
    ack.param[SIM_P_ALERT] = SIM_ALERT_WANDERING;
    assert_int_equal(act_at(s, fall + 180000, ack), SIM_OUT_NO_SUCH_ALERT);
    ack.param[SIM_P_ALERT] = -1;
    ack.param[SIM_P_ALERT_ID] = 99;
    assert_int_equal(act_at(s, fall + 181000, ack), SIM_OUT_NO_SUCH_ALERT);
    assert_int_equal(act_at(s, fall + 182000, action(SIM_ACTION_STOP_OXYGEN, 0)), SIM_OUT_OK);
    assert_int_equal(act_at(s, fall + 183000, action(SIM_ACTION_STOP_OXYGEN, 0)),
                     SIM_OUT_NOT_APPLICABLE);
    assert_int_equal(act_at(s, fall + 184000, action(SIM_ACTION_BACK_BLOWS, 0)),
                     SIM_OUT_NOT_APPLICABLE);
    assert_int_equal(act_at(s, fall + 185000, action(SIM_ACTION_GUIDE_BACK, 0)),
                     SIM_OUT_NOT_APPLICABLE);
    struct sim_action bad = action(SIM_ACTION_MEASURE, 7);
    bad.param[SIM_P_VITAL] = SIM_MEASURE_BP;
    assert_int_equal(act_at(s, fall + 186000, bad), SIM_OUT_INVALID);
    struct sim_action wild = action(SIM_ACTION_GIVE_MEDICATION, 0);
    wild.param[SIM_P_DRUG] = 1000;
    wild.param[SIM_P_VITAL] = 99;
    assert_int_equal(act_at(s, fall + 186500, wild), SIM_OUT_INVALID);
    struct sim_action help = action(SIM_ACTION_ASSIST_TO_BED, 0);
    help.param[SIM_P_HELPERS] = 3;
    assert_int_equal(act_at(s, fall + 187000, help), SIM_OUT_NO_HELP);
    assert_int_equal(run_to_end(s), 0);
    /* After the end: logged as ended. */
    assert_int_equal(act_at(s, 2000000, action(SIM_ACTION_OBSERVE, 0)), SIM_OUT_ENDED);

    struct sim_score sco;
    sim_session_score(s, &sco);
    assert_int_equal(sco.exp[0].status, SIM_ST_LATE);
    assert_int_equal(sco.exp[0].earned, 2);
    assert_int_equal(sco.exp[1].status, SIM_ST_ON_TIME); /* within 2 min of going */
    assert_int_equal(sco.exp[2].status, SIM_ST_ON_TIME);
    assert_true(sco.order_violated[0]);
    assert_true(sco.forbid_action[0] >= 0);
    assert_true(sco.forbid_action[1] >= 0);
    assert_int_equal(sco.rubric_penalty[1], 2);
    assert_int_equal(sco.rubric_earned[0], 4);
    assert_int_equal(sco.rubric_possible[0], 6);
    assert_int_equal(sco.rubric_earned[1], 0); /* 2 earned, 2 of penalties */
    assert_int_equal(sco.ncritical, 1);
    assert_int_equal(sco.critical[0].kind, SIM_CRIT_FORBIDDEN);
    assert_false(sco.passed);
    /* The result names every part of it. */
    char *r = result_text(s);
    assert_non_null(strstr(r, "\"critical_errors\":[{\"kind\":\"forbidden\",\"id\":\"lift\""));
    assert_non_null(strstr(r, "\"outcome\":\"no_help\""));
    assert_non_null(strstr(r, "\"competencies\":[{\"cfitem\":\"53db8c8d-2be3-51ca-8b54-"
                              "1571d4d987cf\",\"earned\":4,\"possible\":8,\"percent\":50"));
    free(r);
    sim_session_free(&s);
    sim_scenario_free(&sc);
}

static void score_nothing_done(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    struct sim_session *s = new_session(sc, 1);
    assert_int_equal(run_to_end(s), 0);
    struct sim_score sco;
    sim_session_score(s, &sco);
    assert_int_equal(sco.exp[0].status, SIM_ST_MISSED);
    assert_int_equal(sco.exp[1].status, SIM_ST_NOT_APPLICABLE); /* after done:go, never done */
    assert_int_equal(sco.exp[2].status, SIM_ST_MISSED);
    assert_int_equal(sco.ncritical, 1);
    assert_int_equal(sco.critical[0].kind, SIM_CRIT_MISSED);
    assert_int_equal(sco.possible, 6);
    assert_int_equal(sco.percent, 0);
    assert_false(sco.passed);
    /* The alerts were escalated twice each without an acknowledgement. */
    const struct sim_world *w = sim_session_world(s);
    for (size_t i = 0; i < w->alerts.n; i++)
        assert_int_equal(w->alerts.a[i].escalations, SIM_MAX_ESCALATIONS);
    sim_session_free(&s);
    sim_scenario_free(&sc);
}

static void session_events_and_snapshot(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    struct sim_session *s = new_session(sc, 1);
    step_to(s, 200000);
    const struct sim_event *ev;
    size_t n = sim_session_events(s, 0, &ev);
    assert_true(n >= 6);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ev[i].seq, i);
    /* A reader that saw the first three resumes at the fourth. */
    const struct sim_event *rest;
    assert_int_equal(sim_session_events(s, 3, &rest), n - 3);
    assert_ptr_equal(rest, ev + 3);
    assert_int_equal(sim_session_events(s, n, &rest), 0);
    struct sim_snapshot snap;
    sim_session_snapshot(s, &snap);
    assert_int_equal(snap.where, SIM_WHERE_STATION);
    assert_int_equal(snap.resident, -1);
    assert_int_equal(snap.t_ms, 200000);
    assert_int_equal(snap.clock_s, 2 * 3600 + 200);
    assert_int_equal(snap.nres, 1);
    assert_int_equal(snap.res[0].activity, SIM_ACTIVITY_ON_FLOOR);
    assert_int_equal(snap.res[0].bed_presence, 0);
    assert_int_equal(snap.nalerts, 2); /* bed exit, fall */
    assert_int_equal(snap.alerts[0].kind, SIM_ALERT_BED_EXIT);
    assert_int_equal(snap.alerts[1].kind, SIM_ALERT_FALL);
    assert_int_equal(snap.next_seq, n);
    json_t *j = sim_event_json(s, &ev[0]);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "timeline");
    json_decref(j);
    sim_session_free(&s);
    sim_scenario_free(&sc);
}

static void session_tasks_responders_and_harm(void **state)
{
    (void)state;
    char *text =
        base_with("\"acvpu\": \"A\"}\n    }",
                  "\"acvpu\": \"A\"}, \"medications\": [{\"id\": \"med1\", \"class\": \"other\", "
                  "\"name\": {\"en\": \"M\", \"zh-CN\": \"药\"}}], \"care_plan\": {\"tasks\": "
                  "[{\"id\": \"t1\", \"title\": {\"en\": \"T\", \"zh-CN\": \"任\"}, \"match\": "
                  "{\"type\": \"give_medication\", \"drug\": \"med1\"}, \"due\": \"1:00\", "
                  "\"grace\": \"2:00\", \"priority\": \"high\"}]}\n    }");
    char *hip = strstr(text, "\"head_strike\": true}");
    assert_non_null(hip);
    char *t2 = malloc(strlen(text) + 64);
    assert_non_null(t2);
    snprintf(t2, strlen(text) + 64, "%.*s\"head_strike\": true, \"injury\": \"hip_fracture\"}%s",
             (int)(hip - text), text, hip + strlen("\"head_strike\": true}"));
    free(text);
    struct sim_scenario *sc = parse_ok(t2);
    free(t2);
    struct sim_session *s = new_session(sc, 3);
    const struct sim_world *w = sim_session_world(s);
    /* The task: a reminder when due, a missed-task alert of its priority after the grace. */
    step_to(s, 61000);
    const struct sim_alert *due =
        sim_alerts_find((struct sim_alerts *)&w->alerts, SIM_ALERT_TASK_DUE, 0, 0);
    assert_non_null(due);
    assert_int_equal(due->priority, SIM_PRIO_LOW);
    step_to(s, 181000);
    const struct sim_alert *missed =
        sim_alerts_find((struct sim_alerts *)&w->alerts, SIM_ALERT_MISSED_TASK, 0, 0);
    assert_non_null(missed);
    assert_int_equal(missed->priority, SIM_PRIO_HIGH);
    assert_int_equal(act_at(s, 181000, action(SIM_ACTION_GO_TO_ROOM, 0)), SIM_OUT_OK);
    struct sim_action med = action(SIM_ACTION_GIVE_MEDICATION, 0);
    med.param[SIM_P_DRUG] = 0;
    assert_int_equal(act_at(s, 195000, med), SIM_OUT_OK);
    assert_null(sim_alerts_find((struct sim_alerts *)&w->alerts, SIM_ALERT_TASK_DUE, 0, 0));
    assert_null(sim_alerts_find((struct sim_alerts *)&w->alerts, SIM_ALERT_MISSED_TASK, 0, 0));
    assert_int_equal(count_log(w, SIM_LOG_TASK, 0), 3); /* due, missed, done */
    /* Two people to lift her: not until the nurse has come. */
    struct sim_action lift = action(SIM_ACTION_ASSIST_TO_BED, 0);
    lift.param[SIM_P_HELPERS] = 2;
    assert_int_equal(act_at(s, 200000, lift), SIM_OUT_NO_HELP);
    struct sim_action call = action(SIM_ACTION_CALL, 0);
    call.param[SIM_P_TO] = SIM_RESP_NURSE;
    assert_int_equal(act_at(s, 201000, call), SIM_OUT_OK);
    step_to(s, 201000 + 5 * 60000 + SIM_TICK_MS);
    assert_int_equal(count_log(w, SIM_LOG_RESPONDER, SIM_RESP_NURSE), 2); /* called, arrived */
    /* With a hip fracture and no hoist: done, and a harm. */
    assert_int_equal(act_at(s, 510000, lift), SIM_OUT_UNSAFE);
    assert_int_equal(count_log(w, SIM_LOG_HARM, SIM_HARM_MOVED_WITH_FRACTURE), 1);
    assert_int_equal(w->res[0].ph.pain, 10);
    /* The emergency service takes her to hospital, which ends the scenario. */
    call.param[SIM_P_TO] = SIM_RESP_EMERGENCY;
    assert_int_equal(act_at(s, 520000, call), SIM_OUT_OK);
    step_to(s, 520000 + 12 * 60000 - 1000);
    assert_false(sim_session_ended(s));
    assert_int_equal(sim_session_step(s, 2000), SIM_SESSION_OK);
    assert_true(sim_session_ended(s));
    assert_int_equal(w->res[0].place, SIM_PLACE_HOSPITAL);
    assert_int_equal(sim_alerts_active(&w->alerts), 0);
    char *r = result_text(s);
    assert_non_null(strstr(r, "\"ended_by\":\"transfer\""));
    assert_non_null(strstr(r, "\"harms\":[{\"t_ms\":510000,\"time\":\"8:30\",\"resident\":\"a\","
                              "\"harm\":\"moved_with_fracture\"}]"));
    free(r);
    assert_int_equal(act_at(s, sim_session_now(s), action(SIM_ACTION_OBSERVE, 0)), SIM_OUT_ENDED);
    sim_session_free(&s);
    sim_scenario_free(&sc);
}

static void session_starts_beside_a_resident(void **state)
{
    (void)state;
    char *text = base_with("\"walk_s\": 10", "\"walk_s\": 10, \"start_with\": \"a\"");
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    assert_int_equal(sc->start_with, 0);
    struct sim_session *s = new_session(sc, 1);
    /* At her side from the start: no walk needed to observe her. */
    assert_int_equal(act_at(s, 0, action(SIM_ACTION_OBSERVE, 0)), SIM_OUT_OK);
    struct sim_snapshot snap;
    sim_session_snapshot(s, &snap);
    assert_int_equal(snap.where, SIM_WHERE_RESIDENT);
    assert_int_equal(snap.resident, 0);
    sim_session_free(&s);
    sim_scenario_free(&sc);
}

static void session_is_deterministic(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    char *r[3];
    for (int k = 0; k < 3; k++) {
        struct sim_session *s = new_session(sc, k < 2 ? 77 : 78);
        /* Steps of odd sizes must not matter: the remainder below a tick is carried. */
        for (int j = 0; j < 500 && !sim_session_ended(s); j++)
            assert_int_equal(sim_session_step(s, k == 1 ? 3607 : 7001), SIM_SESSION_OK);
        assert_int_equal(run_to_end(s), 0);
        r[k] = result_text(s);
        sim_session_free(&s);
    }
    assert_string_equal(r[0], r[1]);
    assert_true(strcmp(r[0], r[2]) != 0);
    for (int k = 0; k < 3; k++)
        free(r[k]);
    sim_scenario_free(&sc);
}

struct thread_run {
    const struct sim_scenario *sc;
    char *result;
};

static void *run_in_thread(void *arg)
{
    struct thread_run *t = arg;
    struct sim_session *s = NULL;
    if (sim_session_new(t->sc, 77, NULL, &s))
        return NULL;
    while (!sim_session_ended(s))
        if (sim_session_step(s, 997))
            break;
    json_t *r = sim_session_result(s);
    t->result = r ? json_dumps(r, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(r);
    sim_session_free(&s);
    return NULL;
}

static void sessions_in_threads(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    /* Four sessions of one scenario at once, on four threads: each as if alone. */
    struct thread_run runs[4];
    pthread_t th[4];
    for (int k = 0; k < 4; k++) {
        runs[k].sc = sc;
        runs[k].result = NULL;
        assert_int_equal(pthread_create(&th[k], NULL, run_in_thread, &runs[k]), 0);
    }
    for (int k = 0; k < 4; k++)
        assert_int_equal(pthread_join(th[k], NULL), 0);
    struct thread_run alone = {sc, NULL};
    run_in_thread(&alone);
    assert_non_null(alone.result);
    for (int k = 0; k < 4; k++) {
        assert_non_null(runs[k].result);
        assert_string_equal(runs[k].result, alone.result);
        free(runs[k].result);
    }
    free(alone.result);
    sim_scenario_free(&sc);
}

static void population_runs_and_is_deterministic(void **state)
{
    (void)state;
    struct sim_population *p[2];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(sim_population_new(200, 5, 20 * 3600, &p[k]), 0);
        assert_int_equal(sim_population_step(p[k], 120000), 0);
    }
    const struct sim_world *a = sim_population_world(p[0]), *b = sim_population_world(p[1]);
    assert_int_equal(a->samples, b->samples);
    assert_true(a->samples >= 200 * 120 * 50 * 9 / 10);
    assert_int_equal(a->alerts_raised, b->alerts_raised);
    for (int i = 0; i < 200; i++)
        assert_memory_equal(a->res[i].ph.value, b->res[i].ph.value, sizeof(a->res[i].ph.value));
    for (int k = 0; k < 2; k++)
        sim_population_free(&p[k]);
}

/* ---------------------------------------------------------------- validation */

static void validation_errors_name_line_and_path(void **state)
{
    (void)state;
    expect_error("\"age\": 80", "\"age\": 8", 15, "$.residents[0].age",
                 "must be a whole number from 40 to 120");
    expect_error("\"age\": 80", "\"age\": \"80\"", 15, "$.residents[0].age",
                 "must be a whole number from 40 to 120");
    expect_error("\"spo2\": 96, \"sbp\": 130, \"dbp\"", "\"spo2\": 101, \"sbp\": 130, \"dbp\"", 19,
                 "$.residents[0].baseline.spo2", "must be a whole number from 70 to 100");
    expect_error("\"temp\": 36.6, \"glucose\"", "\"temp\": 36.65, \"glucose\"", 19,
                 "$.residents[0].baseline.temp",
                 "must be a number from 34 to 40 with at most 1 decimal");
    expect_error("      \"room\": \"1\",\n", "", 11, "$.residents[0].room", "required");
    expect_error("\"sex\": \"female\",", "\"sex\": \"female\", \"colour\": 1,", 16,
                 "$.residents[0].colour", "unknown field");
    expect_error("\"event\": \"walk\"", "\"event\": \"run\"", 26, "$.timeline[1].event",
                 "must be one of: get_up, walk, sit, return_to_bed, sleep, turn_over, leave_room, "
                 "exit_door, fall, call_button, condition, device_fault, device_restore, say, end");
    expect_error("\"at\": \"2:10\"", "\"at\": \"31:00\"", 26, "$.timeline[1].at",
                 "must be a time from 0:00 to 30:00: whole seconds, or \"MM:SS\" or \"H:MM:SS\"");
    expect_error("\"event\": \"walk\", \"resident\": \"a\"",
                 "\"event\": \"walk\", \"resident\": \"b\"", 26, "$.timeline[1].resident",
                 "no resident \"b\" in the scenario");
    expect_error("\"alert:fall:a\"", "\"alert:fell:a\"", 30, "$.expected[0].window.after",
                 "\"fell\" is not an alert kind");
    expect_error("\"done:go\"", "\"done:gone\"", 31, "$.expected[1].window.after",
                 "no expected action has the id \"gone\"");
    expect_error("\"within\": \"1:00\", \"late\": \"3:00\"",
                 "\"within\": \"4:00\", \"late\": \"3:00\"", 30, "$.expected[0].window.late",
                 "must not be earlier than within");
    expect_error("\"type\": \"go_to_room\", \"resident\": \"a\"",
                 "\"type\": \"go_to_room\", \"resident\": \"a\", \"vital\": \"bp\"", 30,
                 "$.expected[0].match.vital", "not a parameter of go_to_room");
    expect_error("\"to\": [\"nurse\", \"doctor\"]", "\"to\": [\"nurse\", \"vet\"]", 32,
                 "$.expected[2].match.to[1]", "must be one of: nurse, doctor, family, emergency");
    expect_error("\"facts\": [\"head_strike\"]", "\"facts\": [\"head_strike\", \"head_strike\"]",
                 32, "$.expected[2].match.sbar.facts[1]", "\"head_strike\" is listed twice");
    expect_error("\"unless\": [\"look\"]", "\"unless\": [\"peek\"]", 36, "$.forbidden[0].unless[0]",
                 "must be the id of an expected action");
    expect_error("\"penalty\": 1, \"rubric\": \"r2\", \"feedback\": {\"en\": \"f\", \"zh-CN\": "
                 "\"反\"}}\n  ],\n  \"order\"",
                 "\"penalty\": 1, \"rubric\": \"r9\", \"feedback\": {\"en\": \"f\", \"zh-CN\": "
                 "\"反\"}}\n  ],\n  \"order\"",
                 37, "$.forbidden[1].rubric", "no rubric item has the id \"r9\"");
    expect_error("\"first\": \"look\", \"then\": \"call\"",
                 "\"first\": \"look\", \"then\": \"look\"", 40, "$.order[0].then",
                 "must differ from first");
    expect_error("\"d352bb67-45ad-51c0-8082-3f59fff751ca\"",
                 "\"d352bb67-45ad-51c0-8082-3f59fff75100\"", 44, "$.rubric[1].cfitems[1]",
                 "\"d352bb67-45ad-51c0-8082-3f59fff75100\" is not an item of a bundled framework");
    expect_error("\"d352bb67-45ad-51c0-8082-3f59fff751ca\"", "\"D352BB67\"", 44,
                 "$.rubric[1].cfitems[1]", "must be a CFItem identifier (a lowercase UUID)");
    expect_error("\"expected\": [\"call\", \"never\"]",
                 "\"expected\": [\"call\", \"never\", \"go\"]", 44, "$.rubric[1].expected[2]",
                 "\"go\" already belongs to rubric item \"r1\"");
    expect_error("\"expected\": [\"call\", \"never\"]", "\"expected\": [\"call\"]", 33,
                 "$.expected[3].id", "\"never\" belongs to no rubric item");
    expect_error("\"zh-CN\": \"测\"", "\"zh-CN\": \"测\", \"fr\": \"T\"", 5, "$.title.fr",
                 "unknown field");
    expect_error("\"percent\": 70", "\"percent\": 0", 47, "$.pass.percent",
                 "must be a whole number from 1 to 100");
    expect_error("\"format\": \"carecampus-scenario/1\"", "\"format\": \"carecampus-scenario/2\"",
                 2, "$.format", "must be \"carecampus-scenario/1\"");
    expect_error("\"done:go\"", "\"done:look\"", 31, "$.expected[1].window.after",
                 "an expected action cannot count from itself");
    expect_error("\"walk_s\": 10", "\"walk_s\": 10, \"start_with\": \"b\"", 9,
                 "$.settings.start_with", "no resident \"b\" in the scenario");
    /* Keys that are not plain names are quoted in the path. */
    expect_error("\"sex\": \"female\",", "\"sex\": \"female\", \"a b\": 1,", 16,
                 "$.residents[0][\"a b\"]", "unknown field");
}

static void validation_reports_every_error_in_file_order(void **state)
{
    (void)state;
    char *a = base_with("\"pass\": {\"percent\": 70}", "\"pass\": {\"percent\": 700}");
    /* A second and a third problem, earlier in the file. */
    char *p = strstr(a, "\"age\": 80");
    assert_non_null(p);
    memcpy(p, "\"age\": 10", 9);
    p = strstr(a, "\"version\": 1");
    memcpy(p, "\"version\": 0", 12);
    struct sim_errors errs;
    struct sim_scenario *s = NULL;
    assert_int_equal(sim_scenario_parse(a, strlen(a), NULL, NULL, &s, &errs), -1);
    assert_null(s);
    assert_int_equal(errs.n, 3);
    assert_int_equal(errs.e[0].line, 4);
    assert_int_equal(errs.e[1].line, 15);
    assert_int_equal(errs.e[2].line, 47);
    free(a);
    /* A syntax error: jansson's line. */
    a = base_with("\"age\": 80,", "\"age\": 80,,");
    assert_int_equal(sim_scenario_parse(a, strlen(a), NULL, NULL, &s, &errs), -1);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.e[0].line, 15);
    assert_string_equal(errs.e[0].path, "$");
    assert_non_null(strstr(errs.e[0].msg, "not valid JSON"));
    free(a);
    /* Not an object; too deep; too large. */
    assert_int_equal(sim_scenario_parse("[1]", 3, NULL, NULL, &s, &errs), -1);
    assert_string_equal(errs.e[0].msg, "must be an object");
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_int_equal(sim_scenario_parse(deep, sizeof(deep), NULL, NULL, &s, &errs), -1);
    assert_string_equal(errs.e[0].msg, "nests deeper than 32 levels");
    assert_int_equal(sim_scenario_parse(deep, SIM_SCENARIO_MAX_BYTES + 1, NULL, NULL, &s, &errs),
                     -1);
    assert_string_equal(errs.e[0].msg, "the file is larger than 524288 bytes");
}

static void json_line_scan(void **state)
{
    (void)state;
    const char *t = "{\n \"a\": [\n  1,\n  {\"b\\\"c\": {\n   \"d\": \"x\\ny\"},\n   \"e\\u00e9\": "
                    "[[], [2]]}\n ],\n \"f\": \"}{][\"\n}\n";
    struct sim_jpath p = {0};
    assert_int_equal(sim_json_line(t, strlen(t), &p), 1);
    p.depth = 1;
    p.key[0] = "a";
    assert_int_equal(sim_json_line(t, strlen(t), &p), 2);
    p.depth = 2;
    p.key[1] = NULL;
    p.index[1] = 1;
    assert_int_equal(sim_json_line(t, strlen(t), &p), 4);
    p.depth = 4;
    p.key[2] = "b\"c";
    p.key[3] = "d";
    assert_int_equal(sim_json_line(t, strlen(t), &p), 5);
    p.depth = 4;
    p.key[2] = "e\xc3\xa9";
    p.key[3] = NULL;
    p.index[3] = 1;
    assert_int_equal(sim_json_line(t, strlen(t), &p), 6);
    /* A missing key: the line of the object that lacks it. */
    p.depth = 3;
    p.key[2] = "zzz";
    assert_int_equal(sim_json_line(t, strlen(t), &p), 4);
    p.depth = 1;
    p.key[0] = "f";
    assert_int_equal(sim_json_line(t, strlen(t), &p), 8);
    char out[64];
    p.depth = 3;
    p.key[0] = "a";
    p.key[1] = NULL;
    p.index[1] = 2;
    p.key[2] = "x y";
    sim_jpath_format(&p, out, sizeof(out));
    assert_string_equal(out, "$.a[2][\"x y\"]");
}

static void action_files(void **state)
{
    (void)state;
    char *text = base_with(NULL, NULL);
    struct sim_scenario *sc = parse_ok(text);
    free(text);
    const char *good =
        "{\"format\": \"carecampus-actions/1\", \"scenario\": \"t\", \"actions\": [\n"
        "  {\"at\": 10, \"type\": \"go_to_room\", \"resident\": \"a\"},\n"
        "  {\"at\": \"0:20\", \"type\": \"measure\", \"resident\": \"a\", \"vital\": \"bp\"},\n"
        "  {\"at\": \"0:20\", \"type\": \"acknowledge\", \"alert_id\": 1}\n]}";
    struct sim_errors errs;
    struct sim_actions *acts = NULL;
    assert_int_equal(sim_actions_parse(good, strlen(good), &sc->names, &acts, &errs), 0);
    assert_int_equal(acts->n, 3);
    assert_int_equal(acts->a[0].at_ms, 10000);
    assert_int_equal(acts->a[1].param[SIM_P_VITAL], SIM_MEASURE_BP);
    assert_int_equal(acts->a[2].param[SIM_P_ALERT_ID], 1);
    sim_actions_free(&acts);
    const char *bad =
        "{\"format\": \"carecampus-actions/1\", \"scenario\": \"u\", \"actions\": [\n"
        "  {\"at\": 30, \"type\": \"go_to_room\", \"resident\": \"a\"},\n"
        "  {\"at\": 20, \"type\": \"measure\", \"resident\": \"a\", \"vital\": \"bp\"},\n"
        "  {\"at\": 40, \"type\": \"measure\", \"resident\": \"a\"},\n"
        "  {\"at\": 50, \"type\": \"call\", \"resident\": \"a\", \"to\": \"nurse\", "
        "\"flow_lpm\": 2},\n"
        "  {\"at\": 60, \"type\": \"dismiss\", \"reason\": \"test\"},\n"
        "  {\"at\": 70, \"type\": \"fly\"}\n]}";
    assert_int_equal(sim_actions_parse(bad, strlen(bad), &sc->names, &acts, &errs), -1);
    assert_null(acts);
    const struct {
        int line;
        const char *path, *msg;
    } want[] = {
        {1, "$.scenario", "is for scenario \"u\", not \"t\""},
        {3, "$.actions[1].at", "is earlier than the action before (0:30): times never go back"},
        {4, "$.actions[2].vital", "required"},
        {5, "$.actions[3].flow_lpm", "not a parameter of call"},
        {6, "$.actions[4]", "dismiss needs \"alert\" (a kind) or \"alert_id\" (a number)"},
        {7, "$.actions[5].type", NULL},
    };
    assert_int_equal(errs.n, 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(errs.e[i].line, want[i].line);
        assert_string_equal(errs.e[i].path, want[i].path);
        if (want[i].msg)
            assert_string_equal(errs.e[i].msg, want[i].msg);
    }
    assert_non_null(strstr(errs.e[5].msg, "must be one of: acknowledge, dismiss,"));
    sim_scenario_free(&sc);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    char *text = base_with("\"duration\": \"30:00\"", "\"duration\": \"4:00\"");
    /* Fail each of the first allocations of a parse, a session and its result in turn. */
    for (long n = 1; n < 400; n++) {
        struct sim_errors errs;
        struct sim_scenario *sc = NULL;
        struct sim_session *s = NULL;
        cc_alloc_fail_after(n);
        if (sim_scenario_parse(text, strlen(text), NULL, NULL, &sc, &errs) == 0 &&
            sim_session_new(sc, 1, NULL, &s) == 0) {
            int err = 0;
            while (!err && !sim_session_ended(s))
                err = sim_session_step(s, 60000);
            json_t *r = err ? NULL : sim_session_result(s);
            json_decref(r);
        }
        cc_alloc_fail_after(0);
        sim_session_free(&s);
        sim_scenario_free(&sc);
    }
    free(text);
}

/* ---------------------------------------------------------------- bundled scenarios */

static char *read_fixture(const char *name)
{
    const char *dirs[] = {"tests/fixtures/sim", "../tests/fixtures/sim",
                          "../../tests/fixtures/sim"};
    for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dirs[d], name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
        buf[n] = '\0';
        fclose(f);
        return buf;
    }
    return NULL;
}

/* Plays bundled scenario SC with fixture KIND (good, careless); the score, -1 without one. */
static int play_fixture(const struct sim_scenario *sc, const char *kind, int *passed)
{
    char name[128];
    snprintf(name, sizeof(name), "%s.%s.json", sc->id, kind);
    char *text = read_fixture(name);
    if (!text)
        return -1;
    struct sim_errors errs;
    struct sim_actions *acts = NULL;
    if (sim_actions_parse(text, strlen(text), &sc->names, &acts, &errs))
        fail_msg("%s: %d: %s: %s", name, errs.e[0].line, errs.e[0].path, errs.e[0].msg);
    free(text);
    struct sim_session *s = new_session(sc, 1);
    assert_int_equal(sim_session_play(s, acts), SIM_SESSION_OK);
    struct sim_score sco;
    sim_session_score(s, &sco);
    *passed = sco.passed;
    sim_session_free(&s);
    sim_actions_free(&acts);
    return sco.percent;
}

static void bundled_scenarios(void **state)
{
    (void)state;
    const struct embedded_file *e;
    size_t n = 0;
    for (; (e = sim_catalog_scenario_at(n)); n++) {
        struct sim_errors errs;
        struct sim_scenario *sc = NULL;
        if (sim_scenario_parse((const char *)e->data, e->size, sim_catalog_item_known, NULL, &sc,
                               &errs))
            fail_msg("%s:%d: %s: %s", e->path, errs.e[0].line, errs.e[0].path, errs.e[0].msg);
        /* The id is the file's name. */
        char want[128];
        snprintf(want, sizeof(want), "/scenarios/%s.json", sc->id);
        assert_string_equal(e->path, want);
        assert_ptr_equal(sim_catalog_scenario(sc->id), e);
        int passed;
        int good = play_fixture(sc, "good", &passed);
        if (good < 0)
            fail_msg("%s has no tests/fixtures/sim/%s.good.json", sc->id, sc->id);
        if (!passed)
            fail_msg("%s: the good trainee fails (%d %%)", sc->id, good);
        int careless = play_fixture(sc, "careless", &passed);
        if (careless < 0)
            fail_msg("%s has no tests/fixtures/sim/%s.careless.json", sc->id, sc->id);
        if (passed)
            fail_msg("%s: the careless trainee passes (%d %%)", sc->id, careless);
        sim_scenario_free(&sc);
    }
    assert_true(n >= 4);
    assert_true(sim_catalog_item_count() > 250);
    assert_true(sim_catalog_item_known("f3284c08-b0d1-55e7-934c-bc48c8288264", NULL));
    assert_false(sim_catalog_item_known("f3284c08-b0d1-55e7-934c-bc48c8288265", NULL));
    assert_null(sim_catalog_scenario("../frameworks/smart-care-skills"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_is_deterministic_and_bell_shaped),
        cmocka_unit_test(clock_strings),
        cmocka_unit_test(physio_healthy_stays_in_range),
        cmocka_unit_test(physio_circadian_and_activity),
        cmocka_unit_test(physio_sepsis_trajectory),
        cmocka_unit_test(physio_hypoglycaemia_and_glucose),
        cmocka_unit_test(physio_copd_oxygen_and_co2),
        cmocka_unit_test(physio_dehydration_delirium_and_fluids),
        cmocka_unit_test(physio_fluid_overload_and_posture),
        cmocka_unit_test(physio_choking_and_end_of_life),
        cmocka_unit_test(devices_wearable_readings_and_faults),
        cmocka_unit_test(devices_battery_and_offline),
        cmocka_unit_test(devices_fall_detection),
        cmocka_unit_test(alerts_escalation_timers),
        cmocka_unit_test(alerts_news2_rule),
        cmocka_unit_test(alerts_bed_exit_and_wandering),
        cmocka_unit_test(score_good_run),
        cmocka_unit_test(score_late_order_forbidden_and_penalties),
        cmocka_unit_test(score_nothing_done),
        cmocka_unit_test(session_events_and_snapshot),
        cmocka_unit_test(session_tasks_responders_and_harm),
        cmocka_unit_test(session_starts_beside_a_resident),
        cmocka_unit_test(session_is_deterministic),
        cmocka_unit_test(sessions_in_threads),
        cmocka_unit_test(population_runs_and_is_deterministic),
        cmocka_unit_test(validation_errors_name_line_and_path),
        cmocka_unit_test(validation_reports_every_error_in_file_order),
        cmocka_unit_test(json_line_scan),
        cmocka_unit_test(action_files),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(bundled_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
