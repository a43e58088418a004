#include "care/news2.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>

#include "util/banned.h"

int news2_validate(const struct news2_obs *obs)
{
    if (obs->rr < NEWS2_RR_MIN || obs->rr > NEWS2_RR_MAX)
        return NEWS2_ERR_RR;
    if (obs->spo2 < NEWS2_SPO2_MIN || obs->spo2 > NEWS2_SPO2_MAX)
        return NEWS2_ERR_SPO2;
    if (obs->scale != 1 && obs->scale != 2)
        return NEWS2_ERR_SCALE;
    if (obs->on_oxygen != 0 && obs->on_oxygen != 1)
        return NEWS2_ERR_OXYGEN;
    if (obs->sbp < NEWS2_SBP_MIN || obs->sbp > NEWS2_SBP_MAX)
        return NEWS2_ERR_SBP;
    if (obs->pulse < NEWS2_PULSE_MIN || obs->pulse > NEWS2_PULSE_MAX)
        return NEWS2_ERR_PULSE;
    /* The enum may hold any int (it came from a caller); compare as unsigned. */
    if ((unsigned)obs->acvpu > (unsigned)NEWS2_UNRESPONSIVE)
        return NEWS2_ERR_ACVPU;
    if (obs->temp < NEWS2_TEMP_MIN || obs->temp > NEWS2_TEMP_MAX)
        return NEWS2_ERR_TEMP;
    return NEWS2_OK;
}

static int score_rr(int rr)
{
    if (rr <= 8)
        return 3;
    if (rr <= 11)
        return 1;
    if (rr <= 20)
        return 0;
    if (rr <= 24)
        return 2;
    return 3;
}

static int score_spo2_scale1(int spo2)
{
    if (spo2 <= 91)
        return 3;
    if (spo2 <= 93)
        return 2;
    if (spo2 <= 95)
        return 1;
    return 0;
}

/*
 * Scale 2 is for people whose prescribed target is 88–92 %: up to 92 it reads
 * like a lower scale 1, and above 92 a saturation scores only when it is
 * reached on oxygen (too much oxygen for hypercapnic respiratory failure); on
 * air, 93 % or more scores 0.
 */
static int score_spo2_scale2(int spo2, int on_oxygen)
{
    if (spo2 <= 83)
        return 3;
    if (spo2 <= 85)
        return 2;
    if (spo2 <= 87)
        return 1;
    if (spo2 <= 92 || !on_oxygen)
        return 0;
    if (spo2 <= 94)
        return 1;
    if (spo2 <= 96)
        return 2;
    return 3;
}

static int score_sbp(int sbp)
{
    if (sbp <= 90)
        return 3;
    if (sbp <= 100)
        return 2;
    if (sbp <= 110)
        return 1;
    if (sbp <= 219)
        return 0;
    return 3;
}

static int score_pulse(int pulse)
{
    if (pulse <= 40)
        return 3;
    if (pulse <= 50)
        return 1;
    if (pulse <= 90)
        return 0;
    if (pulse <= 110)
        return 1;
    if (pulse <= 130)
        return 2;
    return 3;
}

/* The chart's rows are in tenths: ≤35.0, 35.1–36.0, 36.1–38.0, 38.1–39.0, ≥39.1. */
static int score_temp(int tenths)
{
    if (tenths <= 350)
        return 3;
    if (tenths <= 360)
        return 1;
    if (tenths <= 380)
        return 0;
    if (tenths <= 390)
        return 1;
    return 2;
}

int news2_param_score(enum news2_param param, const struct news2_obs *obs)
{
    switch (param) {
    case NEWS2_PARAM_RR:
        return score_rr(obs->rr);
    case NEWS2_PARAM_SPO2:
        return obs->scale == 2 ? score_spo2_scale2(obs->spo2, obs->on_oxygen)
                               : score_spo2_scale1(obs->spo2);
    case NEWS2_PARAM_AIR_OXYGEN:
        return obs->on_oxygen ? 2 : 0;
    case NEWS2_PARAM_SBP:
        return score_sbp(obs->sbp);
    case NEWS2_PARAM_PULSE:
        return score_pulse(obs->pulse);
    case NEWS2_PARAM_ACVPU:
        return obs->acvpu == NEWS2_ALERT ? 0 : 3;
    case NEWS2_PARAM_TEMP:
        return score_temp(obs->temp);
    case NEWS2_NPARAMS:
        break;
    }
    return 0;
}

enum news2_risk news2_risk_of(int total, int single_3)
{
    if (total >= 7)
        return NEWS2_RISK_HIGH;
    if (total >= 5)
        return NEWS2_RISK_MEDIUM;
    return single_3 ? NEWS2_RISK_LOW_MEDIUM : NEWS2_RISK_LOW;
}

enum news2_response news2_response_of(int total, int single_3)
{
    if (total >= 7)
        return NEWS2_RESPONSE_EMERGENCY;
    if (total >= 5)
        return NEWS2_RESPONSE_URGENT;
    if (single_3)
        return NEWS2_RESPONSE_URGENT_WARD;
    return total == 0 ? NEWS2_RESPONSE_ROUTINE : NEWS2_RESPONSE_WARD;
}

int news2_score(const struct news2_obs *obs, struct news2_result *out)
{
    int err = news2_validate(obs);
    if (err)
        return err;
    struct news2_result r = {{0}, 0, 0, NEWS2_RISK_LOW, NEWS2_RESPONSE_ROUTINE};
    for (int p = 0; p < NEWS2_NPARAMS; p++) {
        r.score[p] = news2_param_score((enum news2_param)p, obs);
        r.total += r.score[p];
        if (r.score[p] == 3)
            r.single_3 = 1;
    }
    r.risk = news2_risk_of(r.total, r.single_3);
    r.response = news2_response_of(r.total, r.single_3);
    *out = r;
    return NEWS2_OK;
}

int news2_temp_tenths(double celsius)
{
    if (isnan(celsius))
        return INT_MIN;
    if (celsius > 1000.0)
        return NEWS2_TEMP_MAX + 1;
    if (celsius < -1000.0)
        return NEWS2_TEMP_MIN - 1;
    /*
     * Halves go up. A decimal like 38.05 is stored as 38.04999…, so allow a
     * nudge far below a thermometer's resolution before taking the floor.
     */
    return (int)floor(celsius * 10.0 + 0.5 + 1e-9);
}

int news2_acvpu_parse(const char *s, enum news2_acvpu *out)
{
    static const char letters[] = "ACVPU";
    if (!s || !s[0] || s[1])
        return -1;
    char c = s[0] >= 'a' && s[0] <= 'z' ? (char)(s[0] - 'a' + 'A') : s[0];
    for (int i = 0; letters[i]; i++)
        if (letters[i] == c) {
            *out = (enum news2_acvpu)i;
            return 0;
        }
    return -1;
}

const char *news2_acvpu_letter(enum news2_acvpu acvpu)
{
    static const char *const letters[] = {"A", "C", "V", "P", "U"};
    return (unsigned)acvpu <= NEWS2_UNRESPONSIVE ? letters[acvpu] : "?";
}

const char *news2_param_id(enum news2_param param)
{
    static const char *const ids[NEWS2_NPARAMS] = {"respiration_rate", "spo2",  "air_or_oxygen",
                                                   "systolic_bp",      "pulse", "consciousness",
                                                   "temperature"};
    return (unsigned)param < NEWS2_NPARAMS ? ids[param] : "";
}

const char *news2_risk_id(enum news2_risk risk)
{
    static const char *const ids[] = {"low", "low_medium", "medium", "high"};
    return (unsigned)risk <= NEWS2_RISK_HIGH ? ids[risk] : "";
}

const char *news2_response_id(enum news2_response response)
{
    static const char *const ids[] = {"routine", "ward", "urgent_ward", "urgent", "emergency"};
    return (unsigned)response <= NEWS2_RESPONSE_EMERGENCY ? ids[response] : "";
}

const char *news2_err_field(int err)
{
    switch (err) {
    case NEWS2_ERR_RR:
        return "rr";
    case NEWS2_ERR_SPO2:
        return "spo2";
    case NEWS2_ERR_SCALE:
        return "scale";
    case NEWS2_ERR_OXYGEN:
        return "oxygen";
    case NEWS2_ERR_SBP:
        return "sbp";
    case NEWS2_ERR_PULSE:
        return "pulse";
    case NEWS2_ERR_ACVPU:
        return "acvpu";
    case NEWS2_ERR_TEMP:
        return "temp";
    default:
        return "";
    }
}
