/*
 * Unit tests of care/: NEWS2 against the RCP chart (every boundary of every
 * row, both SpO2 scales, the single-parameter rule, the response bands, the
 * validity ranges and the temperature rounding), the Morse Fall Scale (every
 * combination of answers, cut-offs), and the fall detector on synthetic
 * accelerometer signals (walking, sitting down hard, a fall, lying down
 * slowly, noise, sample rates, jitter, gaps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "care/fall.h"
#include "care/morse.h"
#include "care/news2.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- NEWS2 */

/* A healthy adult on air: every parameter scores 0. */
static struct news2_obs normal_obs(void)
{
    struct news2_obs o = {16, 98, 1, 0, 120, 70, NEWS2_ALERT, 370};
    return o;
}

struct row {
    int value;
    int score;
};

/*
 * Sets one parameter of a normal set of observations to each value of ROWS
 * and checks its score, and that the total is that score plus EXTRA (the
 * oxygen's 2, when on oxygen).
 */
static void check_rows(const char *name, int *field, struct news2_obs *o, enum news2_param param,
                       const struct row *rows, size_t n, int extra)
{
    for (size_t i = 0; i < n; i++) {
        *field = rows[i].value;
        struct news2_result r;
        int err = news2_score(o, &r);
        if (err)
            fail_msg("%s %d: error %d", name, rows[i].value, err);
        if (r.score[param] != rows[i].score)
            fail_msg("%s %d: scored %d, the chart says %d", name, rows[i].value, r.score[param],
                     rows[i].score);
        if (r.total != rows[i].score + extra)
            fail_msg("%s %d: total %d, want %d", name, rows[i].value, r.total,
                     rows[i].score + extra);
        assert_int_equal(news2_param_score(param, o), rows[i].score);
    }
}

static void news2_respiration_rate_rows(void **state)
{
    static const struct row rows[] = {{0, 3},  {5, 3},  {8, 3},  {9, 1},  {10, 1},
                                      {11, 1}, {12, 0}, {16, 0}, {20, 0}, {21, 2},
                                      {22, 2}, {24, 2}, {25, 3}, {40, 3}, {80, 3}};
    struct news2_obs o = normal_obs();
    check_rows("rr", &o.rr, &o, NEWS2_PARAM_RR, rows, N_ELEMS(rows), 0);
}

static void news2_spo2_scale1_rows(void **state)
{
    static const struct row rows[] = {{1, 3},  {70, 3}, {91, 3}, {92, 2}, {93, 2},
                                      {94, 1}, {95, 1}, {96, 0}, {99, 0}, {100, 0}};
    struct news2_obs o = normal_obs();
    check_rows("scale 1 air spo2", &o.spo2, &o, NEWS2_PARAM_SPO2, rows, N_ELEMS(rows), 0);
    /* On scale 1, oxygen does not change the SpO2 row; it scores 2 on its own row. */
    o.on_oxygen = 1;
    check_rows("scale 1 oxygen spo2", &o.spo2, &o, NEWS2_PARAM_SPO2, rows, N_ELEMS(rows), 2);
}

static void news2_spo2_scale2_on_air_rows(void **state)
{
    static const struct row rows[] = {{1, 3},  {83, 3}, {84, 2}, {85, 2}, {86, 1},
                                      {87, 1}, {88, 0}, {90, 0}, {92, 0}, {93, 0},
                                      {94, 0}, {95, 0}, {96, 0}, {97, 0}, {100, 0}};
    struct news2_obs o = normal_obs();
    o.scale = 2;
    check_rows("scale 2 air spo2", &o.spo2, &o, NEWS2_PARAM_SPO2, rows, N_ELEMS(rows), 0);
}

static void news2_spo2_scale2_on_oxygen_rows(void **state)
{
    static const struct row rows[] = {{1, 3},  {83, 3}, {84, 2}, {85, 2}, {86, 1}, {87, 1},
                                      {88, 0}, {90, 0}, {92, 0}, {93, 1}, {94, 1}, {95, 2},
                                      {96, 2}, {97, 3}, {99, 3}, {100, 3}};
    struct news2_obs o = normal_obs();
    o.scale = 2;
    o.on_oxygen = 1;
    check_rows("scale 2 oxygen spo2", &o.spo2, &o, NEWS2_PARAM_SPO2, rows, N_ELEMS(rows), 2);
}

static void news2_air_or_oxygen_row(void **state)
{
    static const struct row rows[] = {{0, 0}, {1, 2}};
    for (int scale = 1; scale <= 2; scale++) {
        struct news2_obs o = normal_obs();
        o.scale = scale;
        o.spo2 = 90; /* scores on scale 1 only: 3 */
        int spo2 = scale == 1 ? 3 : 0;
        check_rows("oxygen", &o.on_oxygen, &o, NEWS2_PARAM_AIR_OXYGEN, rows, N_ELEMS(rows), spo2);
    }
}

static void news2_systolic_bp_rows(void **state)
{
    static const struct row rows[] = {{20, 3},  {70, 3},  {90, 3},  {91, 2},  {100, 2},
                                      {101, 1}, {110, 1}, {111, 0}, {150, 0}, {219, 0},
                                      {220, 3}, {250, 3}, {300, 3}};
    struct news2_obs o = normal_obs();
    check_rows("sbp", &o.sbp, &o, NEWS2_PARAM_SBP, rows, N_ELEMS(rows), 0);
}

static void news2_pulse_rows(void **state)
{
    static const struct row rows[] = {{10, 3},  {30, 3},  {40, 3},  {41, 1},  {50, 1},
                                      {51, 0},  {70, 0},  {90, 0},  {91, 1},  {110, 1},
                                      {111, 2}, {130, 2}, {131, 3}, {180, 3}, {300, 3}};
    struct news2_obs o = normal_obs();
    check_rows("pulse", &o.pulse, &o, NEWS2_PARAM_PULSE, rows, N_ELEMS(rows), 0);
}

static void news2_consciousness_rows(void **state)
{
    static const struct row rows[] = {{NEWS2_ALERT, 0},
                                      {NEWS2_CONFUSION, 3},
                                      {NEWS2_VOICE, 3},
                                      {NEWS2_PAIN, 3},
                                      {NEWS2_UNRESPONSIVE, 3}};
    struct news2_obs o = normal_obs();
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        o.acvpu = (enum news2_acvpu)rows[i].value;
        struct news2_result r;
        assert_int_equal(news2_score(&o, &r), NEWS2_OK);
        assert_int_equal(r.score[NEWS2_PARAM_ACVPU], rows[i].score);
        assert_int_equal(r.total, rows[i].score);
    }
}

static void news2_temperature_rows(void **state)
{
    /* In tenths of a degree. */
    static const struct row rows[] = {{130, 3}, {340, 3}, {350, 3}, {351, 1}, {355, 1},
                                      {360, 1}, {361, 0}, {370, 0}, {380, 0}, {381, 1},
                                      {385, 1}, {390, 1}, {391, 2}, {420, 2}, {470, 2}};
    struct news2_obs o = normal_obs();
    check_rows("temp", &o.temp, &o, NEWS2_PARAM_TEMP, rows, N_ELEMS(rows), 0);
}

/* Decimal temperatures are rounded to tenths, halves up, before the chart is read. */
static void news2_temperature_rounding(void **state)
{
    static const struct {
        double celsius;
        int tenths, score;
    } rows[] = {
        {38.05, 381, 1},  {38.04, 380, 0}, {38.049, 380, 0}, {38.0, 380, 0},  {38.1, 381, 1},
        {35.05, 351, 1},  {35.04, 350, 3}, {36.05, 361, 0},  {36.04, 360, 1}, {39.05, 391, 2},
        {39.04, 390, 1},  {38.95, 390, 1}, {36.149, 361, 0}, {37, 370, 0},    {35.0, 350, 3},
        {39.999, 400, 2}, {13.0, 130, 3},  {47.0, 470, 2},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        int tenths = news2_temp_tenths(rows[i].celsius);
        if (tenths != rows[i].tenths)
            fail_msg("%.3f °C: %d tenths, want %d", rows[i].celsius, tenths, rows[i].tenths);
        struct news2_obs o = normal_obs();
        o.temp = tenths;
        struct news2_result r;
        assert_int_equal(news2_score(&o, &r), NEWS2_OK);
        if (r.score[NEWS2_PARAM_TEMP] != rows[i].score)
            fail_msg("%.3f °C scored %d, want %d", rows[i].celsius, r.score[NEWS2_PARAM_TEMP],
                     rows[i].score);
    }
    assert_int_equal(news2_temp_tenths(NAN), INT_MIN);
    assert_int_equal(news2_temp_tenths(1e300), NEWS2_TEMP_MAX + 1);
    assert_int_equal(news2_temp_tenths(-1e300), NEWS2_TEMP_MIN - 1);
    assert_int_equal(news2_temp_tenths(INFINITY), NEWS2_TEMP_MAX + 1);
}

/* Just inside the validity ranges scores; just outside is refused, and *OUT stays as it was. */
static void news2_validity_ranges(void **state)
{
    static const struct {
        int field, value, err;
    } rows[] = {
        {0, NEWS2_RR_MIN, 0},
        {0, NEWS2_RR_MIN - 1, NEWS2_ERR_RR},
        {0, NEWS2_RR_MAX, 0},
        {0, NEWS2_RR_MAX + 1, NEWS2_ERR_RR},
        {1, NEWS2_SPO2_MIN, 0},
        {1, NEWS2_SPO2_MIN - 1, NEWS2_ERR_SPO2},
        {1, NEWS2_SPO2_MAX, 0},
        {1, NEWS2_SPO2_MAX + 1, NEWS2_ERR_SPO2},
        {2, 1, 0},
        {2, 2, 0},
        {2, 0, NEWS2_ERR_SCALE},
        {2, 3, NEWS2_ERR_SCALE},
        {3, 0, 0},
        {3, 1, 0},
        {3, 2, NEWS2_ERR_OXYGEN},
        {3, -1, NEWS2_ERR_OXYGEN},
        {4, NEWS2_SBP_MIN, 0},
        {4, NEWS2_SBP_MIN - 1, NEWS2_ERR_SBP},
        {4, NEWS2_SBP_MAX, 0},
        {4, NEWS2_SBP_MAX + 1, NEWS2_ERR_SBP},
        {5, NEWS2_PULSE_MIN, 0},
        {5, NEWS2_PULSE_MIN - 1, NEWS2_ERR_PULSE},
        {5, NEWS2_PULSE_MAX, 0},
        {5, NEWS2_PULSE_MAX + 1, NEWS2_ERR_PULSE},
        {6, NEWS2_UNRESPONSIVE, 0},
        {6, NEWS2_UNRESPONSIVE + 1, NEWS2_ERR_ACVPU},
        {6, -1, NEWS2_ERR_ACVPU},
        {7, NEWS2_TEMP_MIN, 0},
        {7, NEWS2_TEMP_MIN - 1, NEWS2_ERR_TEMP},
        {7, NEWS2_TEMP_MAX, 0},
        {7, NEWS2_TEMP_MAX + 1, NEWS2_ERR_TEMP},
        {7, INT_MIN, NEWS2_ERR_TEMP},
        {0, INT_MAX, NEWS2_ERR_RR},
        {4, INT_MIN, NEWS2_ERR_SBP},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct news2_obs o = normal_obs();
        int *fields[] = {&o.rr, &o.spo2, &o.scale, &o.on_oxygen, &o.sbp, &o.pulse, NULL, &o.temp};
        if (rows[i].field == 6)
            o.acvpu = (enum news2_acvpu)rows[i].value;
        else
            *fields[rows[i].field] = rows[i].value;
        struct news2_result r;
        memset(&r, 0x5a, sizeof(r));
        struct news2_result before = r;
        int err = news2_score(&o, &r);
        if (err != rows[i].err)
            fail_msg("row %zu (field %d = %d): %d, want %d", i, rows[i].field, rows[i].value, err,
                     rows[i].err);
        assert_int_equal(news2_validate(&o), rows[i].err);
        if (err)
            assert_memory_equal(&r, &before, sizeof(r));
    }
    /* Each error names its field. */
    assert_string_equal(news2_err_field(NEWS2_ERR_RR), "rr");
    assert_string_equal(news2_err_field(NEWS2_ERR_TEMP), "temp");
    assert_string_equal(news2_err_field(NEWS2_OK), "");
}

/* The risk and response of every total, with and without a single 3. */
static void news2_bands_table(void **state)
{
    for (int total = 0; total <= 20; total++)
        for (int single = 0; single <= 1; single++) {
            enum news2_risk risk = news2_risk_of(total, single);
            enum news2_response resp = news2_response_of(total, single);
            enum news2_risk want_risk;
            enum news2_response want_resp;
            if (total >= 7) {
                want_risk = NEWS2_RISK_HIGH;
                want_resp = NEWS2_RESPONSE_EMERGENCY;
            } else if (total >= 5) {
                want_risk = NEWS2_RISK_MEDIUM;
                want_resp = NEWS2_RESPONSE_URGENT;
            } else if (single) {
                want_risk = NEWS2_RISK_LOW_MEDIUM;
                want_resp = NEWS2_RESPONSE_URGENT_WARD;
            } else {
                want_risk = NEWS2_RISK_LOW;
                want_resp = total == 0 ? NEWS2_RESPONSE_ROUTINE : NEWS2_RESPONSE_WARD;
            }
            if (risk != want_risk || resp != want_resp)
                fail_msg("total %d single %d: %s/%s", total, single, news2_risk_id(risk),
                         news2_response_id(resp));
        }
}

/* Whole sets of observations through the single-parameter rule and the bands. */
static void news2_single_parameter_rule(void **state)
{
    static const struct {
        struct news2_obs o;
        int total, single;
        enum news2_risk risk;
        enum news2_response response;
    } rows[] = {
        /* Everything normal. */
        {{16, 98, 1, 0, 120, 70, NEWS2_ALERT, 370}, 0, 0, NEWS2_RISK_LOW, NEWS2_RESPONSE_ROUTINE},
        /* One 1. */
        {{10, 98, 1, 0, 120, 70, NEWS2_ALERT, 370}, 1, 0, NEWS2_RISK_LOW, NEWS2_RESPONSE_WARD},
        /* 4 without a 3: on oxygen (2) and a pulse of 115 (2). */
        {{16, 98, 1, 1, 120, 115, NEWS2_ALERT, 370}, 4, 0, NEWS2_RISK_LOW, NEWS2_RESPONSE_WARD},
        /* New confusion alone: 3 in a single parameter. */
        {{16, 98, 1, 0, 120, 70, NEWS2_CONFUSION, 370},
         3,
         1,
         NEWS2_RISK_LOW_MEDIUM,
         NEWS2_RESPONSE_URGENT_WARD},
        /* A respiration rate of 8 and a pulse of 95: 4 with a 3. */
        {{8, 98, 1, 0, 120, 95, NEWS2_ALERT, 370},
         4,
         1,
         NEWS2_RISK_LOW_MEDIUM,
         NEWS2_RESPONSE_URGENT_WARD},
        /* 35.0 °C (3) and a pulse of 105 (1): 4 with a 3. */
        {{16, 98, 1, 0, 120, 105, NEWS2_ALERT, 350},
         4,
         1,
         NEWS2_RISK_LOW_MEDIUM,
         NEWS2_RESPONSE_URGENT_WARD},
        /* And a systolic of 105 (1): 5 with a 3, where the higher band, medium, wins. */
        {{16, 98, 1, 0, 105, 105, NEWS2_ALERT, 350},
         5,
         1,
         NEWS2_RISK_MEDIUM,
         NEWS2_RESPONSE_URGENT},
        /* 6 without a 3. */
        {{22, 93, 1, 0, 120, 115, NEWS2_ALERT, 370},
         6,
         0,
         NEWS2_RISK_MEDIUM,
         NEWS2_RESPONSE_URGENT},
        /* 7: high. */
        {{22, 93, 1, 0, 105, 115, NEWS2_ALERT, 370},
         7,
         0,
         NEWS2_RISK_HIGH,
         NEWS2_RESPONSE_EMERGENCY},
        /* Scale 2 on oxygen at 97 %: 3 for the SpO2, 2 for the oxygen. */
        {{16, 97, 2, 1, 120, 70, NEWS2_ALERT, 370}, 5, 1, NEWS2_RISK_MEDIUM, NEWS2_RESPONSE_URGENT},
        /* The same saturation on air, scale 2: nothing. */
        {{16, 97, 2, 0, 120, 70, NEWS2_ALERT, 370}, 0, 0, NEWS2_RISK_LOW, NEWS2_RESPONSE_ROUTINE},
        /* Every parameter at its worst: 20. */
        {{8, 80, 1, 1, 80, 140, NEWS2_UNRESPONSIVE, 340},
         20,
         1,
         NEWS2_RISK_HIGH,
         NEWS2_RESPONSE_EMERGENCY},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct news2_result r;
        assert_int_equal(news2_score(&rows[i].o, &r), NEWS2_OK);
        if (r.total != rows[i].total || r.single_3 != rows[i].single || r.risk != rows[i].risk ||
            r.response != rows[i].response)
            fail_msg("row %zu: total %d single %d %s %s", i, r.total, r.single_3,
                     news2_risk_id(r.risk), news2_response_id(r.response));
        int sum = 0, three = 0;
        for (int p = 0; p < NEWS2_NPARAMS; p++) {
            sum += r.score[p];
            three |= r.score[p] == 3;
            assert_in_range(r.score[p], 0, 3);
        }
        assert_int_equal(sum, r.total);
        assert_int_equal(three, r.single_3);
    }
}

static void news2_names_and_parsing(void **state)
{
    static const char *const letters[] = {"A", "C", "V", "P", "U"};
    for (int i = 0; i < 5; i++) {
        enum news2_acvpu a;
        char lower[2] = {(char)(letters[i][0] - 'A' + 'a'), 0};
        assert_int_equal(news2_acvpu_parse(letters[i], &a), 0);
        assert_int_equal(a, i);
        assert_int_equal(news2_acvpu_parse(lower, &a), 0);
        assert_int_equal(a, i);
        assert_string_equal(news2_acvpu_letter(a), letters[i]);
    }
    enum news2_acvpu a = NEWS2_VOICE;
    assert_int_equal(news2_acvpu_parse("", &a), -1);
    assert_int_equal(news2_acvpu_parse("AV", &a), -1);
    assert_int_equal(news2_acvpu_parse("X", &a), -1);
    assert_int_equal(news2_acvpu_parse(NULL, &a), -1);
    assert_int_equal(a, NEWS2_VOICE);
    assert_string_equal(news2_param_id(NEWS2_PARAM_RR), "respiration_rate");
    assert_string_equal(news2_param_id(NEWS2_PARAM_TEMP), "temperature");
    assert_string_equal(news2_param_id(NEWS2_NPARAMS), "");
    assert_string_equal(news2_risk_id(NEWS2_RISK_LOW_MEDIUM), "low_medium");
    assert_string_equal(news2_response_id(NEWS2_RESPONSE_EMERGENCY), "emergency");
    assert_string_equal(news2_response_id(NEWS2_RESPONSE_URGENT_WARD), "urgent_ward");
}

/* ---------------------------------------------------------------- Morse */

static void morse_every_combination(void **state)
{
    int seen_max = 0, count = 0;
    for (int h = 0; h <= 1; h++)
        for (int s = 0; s <= 1; s++)
            for (int aid = 0; aid <= 2; aid++)
                for (int iv = 0; iv <= 1; iv++)
                    for (int g = 0; g <= 2; g++)
                        for (int m = 0; m <= 1; m++) {
                            struct morse_items it = {h,
                                                     s,
                                                     (enum morse_aid)aid,
                                                     iv,
                                                     (enum morse_gait)g,
                                                     (enum morse_mental)m};
                            struct morse_result r;
                            assert_int_equal(morse_score(&it, NULL, &r), MORSE_OK);
                            int want = 25 * h + 15 * s + 15 * aid + 20 * iv + 10 * g + 15 * m;
                            assert_int_equal(r.total, want);
                            assert_int_equal(r.total % 5, 0);
                            assert_int_equal(r.score[MORSE_ITEM_AID], 15 * aid);
                            assert_int_equal(r.score[MORSE_ITEM_GAIT], 10 * g);
                            enum morse_risk risk = want >= 45   ? MORSE_RISK_HIGH
                                                   : want >= 25 ? MORSE_RISK_MODERATE
                                                                : MORSE_RISK_LOW;
                            assert_int_equal(r.risk, risk);
                            if (want > seen_max)
                                seen_max = want;
                            count++;
                        }
    assert_int_equal(count, 144);
    assert_int_equal(seen_max, MORSE_MAX);
}

static void morse_cutoffs_table(void **state)
{
    static const struct {
        struct morse_cutoffs c;
        int total;
        enum morse_risk risk;
    } rows[] = {
        {MORSE_CUTOFFS_DEFAULT, 0, MORSE_RISK_LOW},
        {MORSE_CUTOFFS_DEFAULT, 24, MORSE_RISK_LOW},
        {MORSE_CUTOFFS_DEFAULT, 25, MORSE_RISK_MODERATE},
        {MORSE_CUTOFFS_DEFAULT, 44, MORSE_RISK_MODERATE},
        {MORSE_CUTOFFS_DEFAULT, 45, MORSE_RISK_HIGH},
        {MORSE_CUTOFFS_DEFAULT, 125, MORSE_RISK_HIGH},
        /* 0–24 no risk, 25–50 low, 51+ high, as some institutions read Morse 1989. */
        {{25, 51}, 50, MORSE_RISK_MODERATE},
        {{25, 51}, 55, MORSE_RISK_HIGH},
        /* Two categories only. */
        {{45, 45}, 40, MORSE_RISK_LOW},
        {{45, 45}, 45, MORSE_RISK_HIGH},
        {{1, 125}, 0, MORSE_RISK_LOW},
        {{1, 125}, 5, MORSE_RISK_MODERATE},
        {{1, 125}, 125, MORSE_RISK_HIGH},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        assert_int_equal(morse_cutoffs_validate(&rows[i].c), MORSE_OK);
        if (morse_risk_of(rows[i].total, &rows[i].c) != rows[i].risk)
            fail_msg("row %zu: %d with %d/%d", i, rows[i].total, rows[i].c.moderate,
                     rows[i].c.high);
    }
    /* Through morse_score with custom cut-offs: 25 + 15 + 15 = 55. */
    struct morse_items it = {1, 1, MORSE_AID_CRUTCHES, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED};
    struct morse_cutoffs c = {30, 60};
    struct morse_result r;
    assert_int_equal(morse_score(&it, &c, &r), MORSE_OK);
    assert_int_equal(r.total, 55);
    assert_int_equal(r.risk, MORSE_RISK_MODERATE);

    static const struct morse_cutoffs bad[] = {{0, 45}, {-5, 45}, {50, 45}, {25, 126}, {126, 126}};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        assert_int_equal(morse_cutoffs_validate(&bad[i]), MORSE_ERR_CUTOFFS);
        memset(&r, 0x5a, sizeof(r));
        struct morse_result before = r;
        assert_int_equal(morse_score(&it, &bad[i], &r), MORSE_ERR_CUTOFFS);
        assert_memory_equal(&r, &before, sizeof(r));
    }
}

static void morse_validation(void **state)
{
    static const struct {
        struct morse_items it;
        int err;
    } rows[] = {
        {{2, 0, MORSE_AID_NONE, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED}, MORSE_ERR_HISTORY},
        {{-1, 0, MORSE_AID_NONE, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED}, MORSE_ERR_HISTORY},
        {{0, 2, MORSE_AID_NONE, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED}, MORSE_ERR_SECONDARY},
        {{0, 0, (enum morse_aid)3, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED}, MORSE_ERR_AID},
        {{0, 0, (enum morse_aid) - 1, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED}, MORSE_ERR_AID},
        {{0, 0, MORSE_AID_NONE, 5, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED}, MORSE_ERR_IV},
        {{0, 0, MORSE_AID_NONE, 0, (enum morse_gait)3, MORSE_MENTAL_ORIENTED}, MORSE_ERR_GAIT},
        {{0, 0, MORSE_AID_NONE, 0, MORSE_GAIT_NORMAL, (enum morse_mental)2}, MORSE_ERR_MENTAL},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        assert_int_equal(morse_validate(&rows[i].it), rows[i].err);
        struct morse_result r;
        assert_int_equal(morse_score(&rows[i].it, NULL, &r), rows[i].err);
    }
}

static void morse_parsing(void **state)
{
    static const struct {
        const char *s;
        int v;
    } aids[] = {{"none", MORSE_AID_NONE},          {"bed-rest", MORSE_AID_NONE},
                {"nurse-assist", MORSE_AID_NONE},  {"crutches", MORSE_AID_CRUTCHES},
                {"cane", MORSE_AID_CRUTCHES},      {"walker", MORSE_AID_CRUTCHES},
                {"furniture", MORSE_AID_FURNITURE}},
      gaits[] = {{"normal", MORSE_GAIT_NORMAL},
                 {"bed-rest", MORSE_GAIT_NORMAL},
                 {"wheelchair", MORSE_GAIT_NORMAL},
                 {"weak", MORSE_GAIT_WEAK},
                 {"impaired", MORSE_GAIT_IMPAIRED}};
    for (size_t i = 0; i < N_ELEMS(aids); i++) {
        enum morse_aid a;
        assert_int_equal(morse_aid_parse(aids[i].s, &a), 0);
        assert_int_equal(a, aids[i].v);
    }
    for (size_t i = 0; i < N_ELEMS(gaits); i++) {
        enum morse_gait g;
        assert_int_equal(morse_gait_parse(gaits[i].s, &g), 0);
        assert_int_equal(g, gaits[i].v);
    }
    enum morse_aid a = MORSE_AID_FURNITURE;
    enum morse_gait g = MORSE_GAIT_WEAK;
    enum morse_mental m = MORSE_MENTAL_FORGETS;
    assert_int_equal(morse_aid_parse("Crutches", &a), -1);
    assert_int_equal(morse_aid_parse("", &a), -1);
    assert_int_equal(morse_aid_parse(NULL, &a), -1);
    assert_int_equal(morse_gait_parse("slow", &g), -1);
    assert_int_equal(morse_mental_parse("confused", &m), -1);
    assert_int_equal(a, MORSE_AID_FURNITURE);
    assert_int_equal(g, MORSE_GAIT_WEAK);
    assert_int_equal(m, MORSE_MENTAL_FORGETS);
    assert_int_equal(morse_mental_parse("oriented", &m), 0);
    assert_int_equal(m, MORSE_MENTAL_ORIENTED);
    assert_string_equal(morse_item_id(MORSE_ITEM_SECONDARY), "secondary_diagnosis");
    assert_string_equal(morse_aid_id(MORSE_AID_CRUTCHES), "crutches");
    assert_string_equal(morse_gait_id(MORSE_GAIT_IMPAIRED), "impaired");
    assert_string_equal(morse_mental_id(MORSE_MENTAL_FORGETS), "forgets");
    assert_string_equal(morse_risk_id(MORSE_RISK_MODERATE), "moderate");
}

/* ---------------------------------------------------------------- fall detector */

/*
 * A synthetic recording fed straight into a detector: samples every DT ms
 * (with optional jitter), accelerations built from a few movements, and every
 * event kept.
 */
struct stream {
    struct fall_detector d;
    double t, dt;
    double jitter; /* the interval varies by up to this fraction either way */
    uint64_t rng;
    struct fall_event ev[4096];
    int nev;
    long samples;
};

static double uniform(struct stream *s)
{
    /* xorshift64*: deterministic, so a failing scenario fails the same way every time. */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return (double)((s->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double gauss(struct stream *s)
{
    double u = uniform(s), v = uniform(s);
    return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static void stream_init(struct stream *s, double hz, const struct fall_params *p)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(fall_detector_init(&s->d, p), FALL_OK);
    s->dt = 1000.0 / hz;
    s->rng = 0x9e3779b97f4a7c15ULL;
}

static void keep(struct stream *s, const struct fall_event *ev, int n)
{
    assert_in_range(n, 0, FALL_MAX_EVENTS);
    for (int i = 0; i < n; i++) {
        assert_true(s->nev < (int)N_ELEMS(s->ev));
        s->ev[s->nev++] = ev[i];
    }
}

static void sample(struct stream *s, double ax, double ay, double az)
{
    struct fall_sample smp = {s->t, ax, ay, az};
    struct fall_event ev[FALL_MAX_EVENTS];
    int n = fall_detector_feed(&s->d, &smp, ev);
    assert_true(n >= 0);
    keep(s, ev, n);
    s->samples++;
    s->t += s->dt * (1 + s->jitter * (2 * uniform(s) - 1));
}

static void finish(struct stream *s)
{
    struct fall_event ev[FALL_MAX_EVENTS];
    keep(s, ev, fall_detector_finish(&s->d, ev));
}

/* Gravity along G (unit vector) with white noise of NOISE g on each axis, for MS. */
static void hold(struct stream *s, double ms, const double g[3], double noise)
{
    for (double end = s->t + ms; s->t < end;)
        sample(s, g[0] + noise * gauss(s), g[1] + noise * gauss(s), g[2] + noise * gauss(s));
}

/* Turning at 1 g from A to B (unit vectors) over MS, without any jolt. */
static void turn(struct stream *s, double ms, const double a[3], const double b[3])
{
    for (double start = s->t, end = s->t + ms; s->t < end;) {
        double f = (s->t - start) / ms, v[3], n = 0;
        for (int i = 0; i < 3; i++) {
            v[i] = a[i] * (1 - f) + b[i] * f;
            n += v[i] * v[i];
        }
        n = sqrt(n);
        sample(s, v[0] / n + 0.01 * gauss(s), v[1] / n + 0.01 * gauss(s),
               v[2] / n + 0.01 * gauss(s));
    }
}

/* Free fall: the SVM drops to LEVEL g for MS. */
static void drop(struct stream *s, double ms, double level)
{
    for (double end = s->t + ms; s->t < end;)
        sample(s, 0.02 * gauss(s), level, 0.02 * gauss(s));
}

/* An impact: a triangle pulse up to PEAK g along DIR over MS (at least one sample at the top). */
static void impact(struct stream *s, double ms, double peak, const double dir[3])
{
    double start = s->t, end = s->t + ms;
    int top = 0;
    while (s->t < end || !top) {
        double f = ms > 0 ? (s->t - start) / ms : 0.5;
        double m = 1 + (peak - 1) * (1 - fabs(2 * f - 1));
        if (f >= 0.5 && !top) {
            m = peak;
            top = 1;
        }
        sample(s, dir[0] * m, dir[1] * m, dir[2] * m);
    }
}

/* Walking: the SVM swings about 1 g at two steps a second, up to about 1.7 g at heel strike. */
static void walk(struct stream *s, double ms)
{
    for (double start = s->t, end = s->t + ms; s->t < end;) {
        double x = (s->t - start) / 1000.0;
        sample(s, 0.15 * sin(2 * M_PI * x) + 0.05 * gauss(s),
               1 + 0.4 * sin(4 * M_PI * x) + 0.2 * pow(fabs(sin(4 * M_PI * x)), 8) +
                   0.05 * gauss(s),
               0.1 * cos(2 * M_PI * x) + 0.05 * gauss(s));
    }
}

static const double UPRIGHT[3] = {0, 1, 0};
static const double SITTING[3] = {0, 0.9397, 0.3420}; /* leaning back 20° */
static const double LYING[3] = {0.9962, 0, 0.0872};   /* on the side, 5° off flat */
static const double SUPINE[3] = {0, 0.1736, 0.9848};  /* on the back, 80° from upright */
static const double HIT[3] = {0.6, 0.64, 0.48};

static int count_kind(const struct stream *s, enum fall_event_kind kind)
{
    int n = 0;
    for (int i = 0; i < s->nev; i++)
        n += s->ev[i].kind == kind;
    return n;
}

static const struct fall_event *find_kind(const struct stream *s, enum fall_event_kind kind)
{
    for (int i = 0; i < s->nev; i++)
        if (s->ev[i].kind == kind)
            return &s->ev[i];
    return NULL;
}

/* A fall: a dip, an impact, a short struggle, then lying in posture LIE for 20 s. */
static double a_fall(struct stream *s, const double lie[3], double peak)
{
    drop(s, 400, 0.3);
    double t_impact = s->t;
    impact(s, 80, peak, HIT);
    hold(s, 400, lie, 0.3);
    hold(s, 20000, lie, 0.02);
    return t_impact;
}

/* The checks every detected fall must pass. */
static void check_fall(const struct stream *s, double t_impact, double peak)
{
    const struct fall_params *p = &s->d.p;
    assert_int_equal(count_kind(s, FALL_EVENT_FALL), 1);
    assert_int_equal(count_kind(s, FALL_EVENT_IMPACT), 1);
    assert_int_equal(count_kind(s, FALL_EVENT_DISMISSED), 0);
    const struct fall_event *imp = find_kind(s, FALL_EVENT_IMPACT);
    const struct fall_event *f = find_kind(s, FALL_EVENT_FALL);
    assert_true(imp < f); /* in order */
    /* The top of the pulse is within its 80 ms, or the next sample at a low rate. */
    assert_true(f->impact_ms >= t_impact && f->impact_ms <= t_impact + 80 + 2 * s->dt);
    assert_true(imp->impact_ms == f->impact_ms && imp->t_ms == f->impact_ms);
    assert_true(fabs(f->peak_g - peak) < 0.05);
    assert_true(f->t_ms >= f->impact_ms + p->settle_ms + p->still_ms);
    assert_true(f->t_ms <= f->impact_ms + p->window_ms);
    assert_true(f->angle_deg >= p->lying_deg && f->angle_deg <= 90);
    assert_true(f->sd_g >= 0 && f->sd_g <= p->still_sd_g);
}

static void fall_standing_still_is_nothing(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 60000, UPRIGHT, 0.02);
    finish(&s);
    assert_int_equal(s.nev, 0);
}

static void fall_walking_is_nothing(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    walk(&s, 120000);
    hold(&s, 5000, UPRIGHT, 0.02);
    finish(&s);
    assert_int_equal(s.nev, 0);
}

static void fall_true_fall_is_detected(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    double t = a_fall(&s, LYING, 4.0);
    finish(&s);
    check_fall(&s, t, 4.0);
    const struct fall_event *f = find_kind(&s, FALL_EVENT_FALL);
    assert_int_equal(f->freefall, 1);
    assert_true(f->angle_deg > 80);
    /* Detected within about four seconds of the impact with the defaults. */
    assert_true(f->t_ms - f->impact_ms < 4000);
}

static void fall_on_the_back_is_detected(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    double t = a_fall(&s, SUPINE, 3.4);
    check_fall(&s, t, 3.4);
}

static void fall_sitting_down_hard_is_dismissed(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    drop(&s, 300, 0.5);
    impact(&s, 80, 3.5, UPRIGHT);
    hold(&s, 300, SITTING, 0.2);
    hold(&s, 20000, SITTING, 0.02);
    finish(&s);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    assert_int_equal(count_kind(&s, FALL_EVENT_IMPACT), 1);
    const struct fall_event *d = find_kind(&s, FALL_EVENT_DISMISSED);
    assert_non_null(d);
    assert_int_equal(d->reason, FALL_DISMISS_UPRIGHT);
    assert_true(d->angle_deg < 30);
    assert_true(d->t_ms > d->impact_ms + s.d.p.window_ms);
}

static void fall_lying_down_slowly_is_nothing(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    turn(&s, 4000, UPRIGHT, LYING);
    hold(&s, 30000, LYING, 0.02);
    finish(&s);
    assert_int_equal(s.nev, 0);
}

static void fall_stumble_then_walk_on_is_dismissed(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    walk(&s, 5000);
    impact(&s, 60, 3.2, UPRIGHT);
    walk(&s, 20000);
    finish(&s);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    const struct fall_event *d = find_kind(&s, FALL_EVENT_DISMISSED);
    assert_non_null(d);
    assert_int_equal(d->reason, FALL_DISMISS_ACTIVE);
    assert_true(d->sd_g > s.d.p.still_sd_g);
}

/* Heavy noise has peaks over 3 g, but never the stillness of a fall. */
static void fall_noise_is_never_a_fall(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 120000, UPRIGHT, 0.8);
    finish(&s);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    assert_true(count_kind(&s, FALL_EVENT_IMPACT) > 0);
    /* Every candidate was closed: by a later impact, its deadline, or the end. */
    assert_int_equal(count_kind(&s, FALL_EVENT_IMPACT), count_kind(&s, FALL_EVENT_DISMISSED));
    assert_int_equal(s.ev[s.nev - 1].kind, FALL_EVENT_DISMISSED);
}

/* The same fall is found at every rate, because stillness is judged over time bins. */
static void fall_any_sample_rate(void **state)
{
    static const double rates[] = {5, 10, 25, 50, 100, 200, 1000};
    for (size_t i = 0; i < N_ELEMS(rates); i++) {
        static struct stream s;
        stream_init(&s, rates[i], NULL);
        hold(&s, 5000, UPRIGHT, 0.02);
        double t = s.t;
        /* At 5 and 10 Hz a short dip may fall between samples; the impact must not. */
        impact(&s, 80, 3.8, HIT);
        hold(&s, 400, LYING, 0.3);
        hold(&s, 20000, LYING, 0.02);
        finish(&s);
        if (count_kind(&s, FALL_EVENT_FALL) != 1)
            fail_msg("%.0f Hz: %d falls, %d events", rates[i], count_kind(&s, FALL_EVENT_FALL),
                     s.nev);
        check_fall(&s, t, 3.8);
    }
}

static void fall_rate_change_and_jitter(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    s.dt = 1000.0 / 200; /* the device speeds up at the impact */
    double t = a_fall(&s, LYING, 4.2);
    check_fall(&s, t, 4.2);

    stream_init(&s, 50, NULL);
    s.jitter = 0.6; /* intervals from 8 to 32 ms */
    hold(&s, 5000, UPRIGHT, 0.02);
    t = a_fall(&s, LYING, 4.2);
    check_fall(&s, t, 4.2);
    s.dt = 1000.0 / 20;
    hold(&s, 20000, UPRIGHT, 0.02);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 1);
}

/* A gap after the impact empties the window; lying still once the data is back is still a fall. */
static void fall_gap_after_impact(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    drop(&s, 400, 0.3);
    double t = s.t;
    impact(&s, 80, 4.0, HIT);
    hold(&s, 400, LYING, 0.3);
    s.t += 3000; /* the radio drops out for 3 s */
    hold(&s, 20000, LYING, 0.02);
    check_fall(&s, t, 4.0);
    const struct fall_event *f = find_kind(&s, FALL_EVENT_FALL);
    /* Two seconds of stillness had to come after the gap. */
    assert_true(f->t_ms >= t + 80 + 400 + 3000 + s.d.p.still_ms);
    assert_true(f->t_ms < t + 80 + 400 + 3000 + s.d.p.still_ms + 3 * FALL_BIN_MS);
}

/* A gap that outlasts the window leaves nothing to judge. */
static void fall_long_gap_is_no_data(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    hold(&s, 400, LYING, 0.3);
    s.t += 15000;
    hold(&s, 20000, LYING, 0.02);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    const struct fall_event *d = find_kind(&s, FALL_EVENT_DISMISSED);
    assert_non_null(d);
    assert_int_equal(d->reason, FALL_DISMISS_NO_DATA);
    assert_true(d->angle_deg < 0 && d->sd_g < 0);
}

/* Samples every 1.5 s (over max_gap_ms) never make a window. */
static void fall_sparse_data_is_no_data(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 2000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    s.dt = 1500;
    hold(&s, 30000, LYING, 0.01);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    assert_int_equal(find_kind(&s, FALL_EVENT_DISMISSED)->reason, FALL_DISMISS_NO_DATA);
}

/* A stumble, and a real fall three seconds later: the second impact replaces the first. */
static void fall_second_impact_replaces_candidate(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    walk(&s, 3000);
    impact(&s, 60, 3.1, UPRIGHT);
    walk(&s, 3000);
    double t = s.t;
    impact(&s, 80, 4.5, HIT);
    hold(&s, 20000, LYING, 0.02);
    assert_int_equal(count_kind(&s, FALL_EVENT_IMPACT), 2);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 1);
    const struct fall_event *d = find_kind(&s, FALL_EVENT_DISMISSED);
    assert_non_null(d);
    assert_int_equal(d->reason, FALL_DISMISS_NEW_IMPACT);
    assert_true(d->impact_ms < t && d->t_ms >= t);
    const struct fall_event *f = find_kind(&s, FALL_EVENT_FALL);
    assert_true(f->impact_ms >= t);
    assert_true(fabs(f->peak_g - 4.5) < 0.05);
    /* In order: impact, its dismissal and the new impact on one sample, then the fall. */
    assert_int_equal(s.ev[0].kind, FALL_EVENT_IMPACT);
    assert_int_equal(s.ev[1].kind, FALL_EVENT_DISMISSED);
    assert_int_equal(s.ev[2].kind, FALL_EVENT_IMPACT);
    assert_true(s.ev[1].t_ms == s.ev[2].t_ms);
    assert_int_equal(s.ev[3].kind, FALL_EVENT_FALL);
}

/* Bounces during settling raise the peak of the same impact. */
static void fall_bounces_are_one_impact(void **state)
{
    static struct stream s;
    stream_init(&s, 100, NULL);
    hold(&s, 3000, UPRIGHT, 0.02);
    double t = s.t;
    impact(&s, 50, 3.2, HIT);
    hold(&s, 200, LYING, 0.1);
    impact(&s, 50, 5.0, HIT);
    hold(&s, 300, LYING, 0.1);
    hold(&s, 20000, LYING, 0.02);
    check_fall(&s, t, 5.0);
}

static void fall_require_freefall(void **state)
{
    static struct stream s;
    struct fall_params p;
    fall_params_default(&p);
    p.require_freefall = 1;
    /* No dip: the impact does not count. */
    stream_init(&s, 50, &p);
    hold(&s, 5000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    hold(&s, 20000, LYING, 0.02);
    assert_int_equal(s.nev, 0);
    /* With the dip it does. */
    stream_init(&s, 50, &p);
    hold(&s, 5000, UPRIGHT, 0.02);
    double t = a_fall(&s, LYING, 4.0);
    check_fall(&s, t, 4.0);
    assert_int_equal(find_kind(&s, FALL_EVENT_FALL)->freefall, 1);
}

/* The upright axis is a parameter, and a device worn upside down reads the same. */
static void fall_axis_and_orientation(void **state)
{
    static struct stream s;
    const double up_z[3] = {0, 0, 1}, lie_z[3] = {1, 0, 0}, down[3] = {0, -1, 0};
    const double lie_neg[3] = {-0.9962, 0, -0.0872};
    struct fall_params p;
    fall_params_default(&p);
    p.up[0] = 0;
    p.up[1] = 0;
    p.up[2] = 2; /* any length */
    stream_init(&s, 50, &p);
    hold(&s, 5000, up_z, 0.02);
    double t = a_fall(&s, lie_z, 4.0);
    check_fall(&s, t, 4.0);

    stream_init(&s, 50, NULL);
    hold(&s, 5000, down, 0.02);
    t = a_fall(&s, lie_neg, 4.0);
    check_fall(&s, t, 4.0);

    /* Back upright (along z) after the impact: no fall. */
    stream_init(&s, 50, &p);
    hold(&s, 5000, up_z, 0.02);
    drop(&s, 400, 0.3);
    impact(&s, 80, 4.0, HIT);
    hold(&s, 20000, up_z, 0.02);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    assert_int_equal(find_kind(&s, FALL_EVENT_DISMISSED)->reason, FALL_DISMISS_UPRIGHT);
}

static void fall_finish_decides_open_candidate(void **state)
{
    static struct stream s;
    /* The recording stops 1.5 s after the impact: undecided. */
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    hold(&s, 1500, LYING, 0.02);
    assert_int_equal(s.nev, 1);
    finish(&s);
    assert_int_equal(s.nev, 2);
    assert_int_equal(s.ev[1].kind, FALL_EVENT_DISMISSED);
    assert_int_equal(s.ev[1].reason, FALL_DISMISS_END);
    /* finish resets: a new stream may start earlier in time. */
    struct fall_sample smp = {0, 0, 1, 0};
    struct fall_event ev[FALL_MAX_EVENTS];
    assert_int_equal(fall_detector_feed(&s.d, &smp, ev), 0);

    /*
     * It stops in the last bin of the first window that could show a fall:
     * less than still_ms of stillness was seen, so no fall is reported.
     */
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    double settled = find_kind(&s, FALL_EVENT_IMPACT)->impact_ms + s.d.p.settle_ms;
    double end = (ceil(settled / FALL_BIN_MS) + s.d.nbins) * FALL_BIN_MS;
    while (s.t < end)
        sample(&s, LYING[0], LYING[1], LYING[2]);
    finish(&s);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 0);
    assert_int_equal(s.ev[s.nev - 1].reason, FALL_DISMISS_END);
    /* One more sample in the next bin, and the same recording is a fall. */
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    while (s.t < end)
        sample(&s, LYING[0], LYING[1], LYING[2]);
    sample(&s, LYING[0], LYING[1], LYING[2]);
    finish(&s);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 1);
    assert_int_equal(s.nev, 2);
}

/* A refused sample leaves the detector exactly as it was. */
static void fall_bad_samples_change_nothing(void **state)
{
    static struct stream s;
    static struct fall_detector before;
    stream_init(&s, 50, NULL);
    hold(&s, 3000, UPRIGHT, 0.02);
    impact(&s, 80, 4.0, HIT);
    hold(&s, 1000, LYING, 0.02);
    memcpy(&before, &s.d, sizeof(before));
    struct fall_event ev[FALL_MAX_EVENTS];
    const struct fall_sample bad[] = {
        {s.d.last_t - 1, 0, 1, 0}, {NAN, 0, 1, 0},
        {INFINITY, 0, 1, 0},       {s.t, NAN, 1, 0},
        {s.t, 0, INFINITY, 0},     {s.t, 0, 1, 1001},
        {s.t, -1001, 1, 0},        {2 * FALL_MAX_T, 0, 1, 0},
    };
    const int want[] = {FALL_ERR_TIME,  FALL_ERR_TIME,  FALL_ERR_TIME,  FALL_ERR_VALUE,
                        FALL_ERR_VALUE, FALL_ERR_VALUE, FALL_ERR_VALUE, FALL_ERR_TIME};
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        assert_int_equal(fall_detector_feed(&s.d, &bad[i], ev), want[i]);
        assert_memory_equal(&s.d, &before, sizeof(before));
    }
    /* A repeated time stamp is accepted. */
    struct fall_sample same = {s.d.last_t, 0.99, 0, 0.09};
    assert_true(fall_detector_feed(&s.d, &same, ev) >= 0);
    hold(&s, 20000, LYING, 0.02);
    assert_int_equal(count_kind(&s, FALL_EVENT_FALL), 1);
}

static void fall_params_ranges(void **state)
{
    struct fall_params def;
    fall_params_default(&def);
    const char *field = "x";
    assert_int_equal(fall_params_validate(&def, &field), FALL_OK);
    assert_string_equal(field, "");
    assert_true(def.impact_g == 3.0 && def.still_ms == 2000 && def.lying_deg == 60);
    static const struct {
        size_t offset;
        double value;
        const char *field;
    } rows[] = {
        {offsetof(struct fall_params, impact_g), 1.0, "impact_g"},
        {offsetof(struct fall_params, impact_g), NAN, "impact_g"},
        {offsetof(struct fall_params, impact_g), 1001, "impact_g"},
        {offsetof(struct fall_params, freefall_g), 1.0, "freefall_g"},
        {offsetof(struct fall_params, freefall_g), -0.1, "freefall_g"},
        {offsetof(struct fall_params, freefall_window_ms), 10001, "freefall_window_ms"},
        {offsetof(struct fall_params, settle_ms), -1, "settle_ms"},
        {offsetof(struct fall_params, still_ms), 299, "still_ms"},
        {offsetof(struct fall_params, still_ms), 30001, "still_ms"},
        {offsetof(struct fall_params, window_ms), 2999, "window_ms"},
        {offsetof(struct fall_params, window_ms), 600001, "window_ms"},
        {offsetof(struct fall_params, still_sd_g), 0, "still_sd_g"},
        {offsetof(struct fall_params, lying_deg), 90, "lying_deg"},
        {offsetof(struct fall_params, lying_deg), 0, "lying_deg"},
        {offsetof(struct fall_params, max_gap_ms), 0, "max_gap_ms"},
        {offsetof(struct fall_params, max_gap_ms), INFINITY, "max_gap_ms"},
    };
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct fall_params p = def;
        memcpy((char *)&p + rows[i].offset, &rows[i].value, sizeof(double));
        assert_int_equal(fall_params_validate(&p, &field), FALL_ERR_PARAMS);
        assert_string_equal(field, rows[i].field);
        struct fall_detector *d = test_malloc(sizeof(*d));
        assert_int_equal(fall_detector_init(d, &p), FALL_ERR_PARAMS);
        test_free(d);
    }
    struct fall_params p = def;
    p.up[0] = p.up[1] = p.up[2] = 0;
    assert_int_equal(fall_params_validate(&p, &field), FALL_ERR_PARAMS);
    assert_string_equal(field, "up");
    p = def;
    p.require_freefall = 2;
    assert_int_equal(fall_params_validate(&p, NULL), FALL_ERR_PARAMS);
    assert_string_equal(fall_event_id(FALL_EVENT_FALL), "fall");
    assert_string_equal(fall_dismiss_id(FALL_DISMISS_UPRIGHT), "upright");
}

/* Thresholds are parameters: a lower impact threshold catches a softer fall. */
static void fall_thresholds_are_parameters(void **state)
{
    static struct stream s;
    stream_init(&s, 50, NULL);
    hold(&s, 5000, UPRIGHT, 0.02);
    a_fall(&s, LYING, 2.4);
    assert_int_equal(s.nev, 0);

    struct fall_params p;
    fall_params_default(&p);
    p.impact_g = 2.2;
    stream_init(&s, 50, &p);
    hold(&s, 5000, UPRIGHT, 0.02);
    double t = a_fall(&s, LYING, 2.4);
    check_fall(&s, t, 2.4);

    /* A longer stillness requirement delays the decision. */
    fall_params_default(&p);
    p.still_ms = 5000;
    stream_init(&s, 50, &p);
    hold(&s, 5000, UPRIGHT, 0.02);
    t = a_fall(&s, LYING, 4.0);
    check_fall(&s, t, 4.0);
    assert_true(find_kind(&s, FALL_EVENT_FALL)->t_ms - t >= 6000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(news2_respiration_rate_rows),
        cmocka_unit_test(news2_spo2_scale1_rows),
        cmocka_unit_test(news2_spo2_scale2_on_air_rows),
        cmocka_unit_test(news2_spo2_scale2_on_oxygen_rows),
        cmocka_unit_test(news2_air_or_oxygen_row),
        cmocka_unit_test(news2_systolic_bp_rows),
        cmocka_unit_test(news2_pulse_rows),
        cmocka_unit_test(news2_consciousness_rows),
        cmocka_unit_test(news2_temperature_rows),
        cmocka_unit_test(news2_temperature_rounding),
        cmocka_unit_test(news2_validity_ranges),
        cmocka_unit_test(news2_bands_table),
        cmocka_unit_test(news2_single_parameter_rule),
        cmocka_unit_test(news2_names_and_parsing),
        cmocka_unit_test(morse_every_combination),
        cmocka_unit_test(morse_cutoffs_table),
        cmocka_unit_test(morse_validation),
        cmocka_unit_test(morse_parsing),
        cmocka_unit_test(fall_standing_still_is_nothing),
        cmocka_unit_test(fall_walking_is_nothing),
        cmocka_unit_test(fall_true_fall_is_detected),
        cmocka_unit_test(fall_on_the_back_is_detected),
        cmocka_unit_test(fall_sitting_down_hard_is_dismissed),
        cmocka_unit_test(fall_lying_down_slowly_is_nothing),
        cmocka_unit_test(fall_stumble_then_walk_on_is_dismissed),
        cmocka_unit_test(fall_noise_is_never_a_fall),
        cmocka_unit_test(fall_any_sample_rate),
        cmocka_unit_test(fall_rate_change_and_jitter),
        cmocka_unit_test(fall_gap_after_impact),
        cmocka_unit_test(fall_long_gap_is_no_data),
        cmocka_unit_test(fall_sparse_data_is_no_data),
        cmocka_unit_test(fall_second_impact_replaces_candidate),
        cmocka_unit_test(fall_bounces_are_one_impact),
        cmocka_unit_test(fall_require_freefall),
        cmocka_unit_test(fall_axis_and_orientation),
        cmocka_unit_test(fall_finish_decides_open_candidate),
        cmocka_unit_test(fall_bad_samples_change_nothing),
        cmocka_unit_test(fall_params_ranges),
        cmocka_unit_test(fall_thresholds_are_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
