#include "sim/scenario.h"

#include <stdio.h>
#include <string.h>

#include "care/news2.h"
#include "util/alloc.h"
#include "util/banned.h"

#define U SIM_U

/* The checking state of one scenario. */
struct ctx {
    struct sim_jcheck c;
    struct sim_scenario *s;
    sim_item_known_fn known;
    void *known_ctx;
    /* Ids seen, for references made before the thing is parsed. */
    const char *exp_ids[SIM_MAX_EXPECTED];
    int nexp_ids;
};

/* ---------------------------------------------------------------- helpers */

/* An array member KEY of MIN to MAX elements into *OUT (NULL when absent and not required). */
static int list_of(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                   size_t min, size_t max, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        if (!required && min == 0)
            return 0;
        sim_jcheck_error(c, key, "required");
        return -1;
    }
    if (!json_is_array(v) || json_array_size(v) < min || json_array_size(v) > max) {
        sim_jcheck_error(c, key, "must be a list of %zu to %zu entries", min, max);
        return -1;
    }
    *out = v;
    return 0;
}

/* An object member KEY into *OUT (NULL when absent and not required). */
static int object_of(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                     json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        if (!required)
            return 0;
        sim_jcheck_error(c, key, "required");
        return -1;
    }
    if (!json_is_object(v)) {
        sim_jcheck_error(c, key, "must be an object");
        return -1;
    }
    *out = v;
    return 0;
}

/* Reports members of OBJ in neither A nor B (both NULL-terminated; B may be NULL). */
static int keys2(struct sim_jcheck *c, const json_t *obj, const char *const a[],
                 const char *const b[])
{
    const char *key;
    json_t *v;
    int bad = 0;
    json_object_foreach ((json_t *)obj, key, v) {
        int ok = 0;
        for (size_t i = 0; a[i] && !ok; i++)
            ok = strcmp(a[i], key) == 0;
        for (size_t i = 0; b && b[i] && !ok; i++)
            ok = strcmp(b[i], key) == 0;
        if (!ok) {
            sim_jcheck_error(c, key, "unknown field");
            bad = -1;
        }
    }
    return bad;
}

/* A time of day "HH:MM" into seconds after midnight. */
static int time_of_day(struct sim_jcheck *c, const json_t *obj, const char *key, int required,
                       int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!required)
            return 0;
        sim_jcheck_error(c, key, "required");
        return -1;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' &&
        s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9') {
        int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
        if (h < 24) {
            *out = h * 3600 + m * 60;
            return 0;
        }
    }
    sim_jcheck_error(c, key, "must be a time of day \"HH:MM\" (00:00 to 23:59)");
    return -1;
}

static int uuid_valid(const char *s)
{
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-')
                return 0;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static int find_id(const char *const *ids, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] && strcmp(ids[i], id) == 0)
            return i;
    return -1;
}

int sim_scenario_expected(const struct sim_scenario *s, const char *id)
{
    for (int i = 0; i < s->nexp; i++)
        if (strcmp(s->exp[i].id, id) == 0)
            return i;
    return -1;
}

static int resident_index(const struct sim_scenario *s, const char *id)
{
    for (int i = 0; i < s->nres; i++)
        if (strcmp(s->res[i].id, id) == 0)
            return i;
    return -1;
}

/* The member KEY naming a resident, into an index. */
static int resident_ref(struct ctx *x, const json_t *obj, const char *key, int required, int *out)
{
    const char *id = NULL;
    if (sim_jcheck_id(&x->c, obj, key, required, &id))
        return -1;
    if (!id)
        return 0;
    int k = resident_index(x->s, id);
    if (k < 0) {
        sim_jcheck_error(&x->c, key, "no resident \"%s\" in the scenario", id);
        return -1;
    }
    *out = k;
    return 0;
}

/* The member KEY naming an expected action, into its index. */
static int expected_ref(struct ctx *x, const json_t *v, int *out)
{
    const char *id = json_is_string(v) ? json_string_value(v) : NULL;
    int k = id ? find_id(x->exp_ids, x->nexp_ids, id) : -1;
    if (k < 0) {
        sim_jcheck_error(&x->c, NULL, "must be the id of an expected action");
        return -1;
    }
    *out = k;
    return 0;
}

/* ---------------------------------------------------------------- trajectories */

static const char *const traj_common[] = {"condition", NULL};
static const char *const traj_keys[SIM_NTRAJ][5] = {
    [SIM_TRAJ_SEPSIS] = {"severity", "per_hour", "hypothermic", NULL},
    [SIM_TRAJ_HYPOGLYCAEMIA] = {"glucose", "per_hour", "for", NULL},
    [SIM_TRAJ_COPD_EXACERBATION] = {"severity", "per_hour", NULL},
    [SIM_TRAJ_DEHYDRATION] = {"deficit_ml", "ml_per_hour", "delirium_ml", NULL},
    [SIM_TRAJ_FLUID_OVERLOAD] = {"excess_ml", "ml_per_hour", NULL},
    [SIM_TRAJ_HEAD_INJURY] = {"severity", "per_hour", NULL},
    [SIM_TRAJ_CHOKING] = {"severity", "clear_per_blow", "clear_per_thrust", NULL},
    [SIM_TRAJ_END_OF_LIFE] = {"severity", "per_hour", NULL},
};

/* The fields of a trajectory in OBJ; EXTRA are the other members OBJ may have. */
static int check_traj(struct ctx *x, const json_t *obj, const char *const extra[],
                      struct sim_traj_spec *t)
{
    struct sim_jcheck *c = &x->c;
    memset(t, 0, sizeof(*t));
    int kind = -1;
    if (sim_jcheck_enum(c, obj, "condition", 1, SIM_VOCAB_TRAJ, &kind))
        return -1;
    t->kind = kind;
    /* Every member: the kind's own fields, "condition" and EXTRA. */
    const char *key;
    json_t *v;
    int bad = 0;
    json_object_foreach ((json_t *)obj, key, v) {
        int ok = 0;
        for (size_t i = 0; traj_keys[kind][i] && !ok; i++)
            ok = strcmp(traj_keys[kind][i], key) == 0;
        for (size_t i = 0; traj_common[i] && !ok; i++)
            ok = strcmp(traj_common[i], key) == 0;
        for (size_t i = 0; extra && extra[i] && !ok; i++)
            ok = strcmp(extra[i], key) == 0;
        if (!ok) {
            sim_jcheck_error(c, key, "not a field of the condition %s",
                             sim_vocab_id(SIM_VOCAB_TRAJ, kind));
            bad = -1;
        }
    }
    int64_t f = 0;
    switch (kind) {
    case SIM_TRAJ_HYPOGLYCAEMIA: {
        int64_t g = 0, rate = 0, dur = 0;
        bad |= sim_jcheck_fixed(c, obj, "glucose", 0, 1, 5, 300, &g);
        bad |= sim_jcheck_fixed(c, obj, "per_hour", 1, 1, 0, 200, &rate);
        bad |= sim_jcheck_time(c, obj, "for", 0, 0, 24LL * 3600 * 1000, &dur);
        t->glucose = (int32_t)(g * 100);
        t->per_hour = (int32_t)(rate * 100);
        t->for_s = (int32_t)(dur / 1000);
        break;
    }
    case SIM_TRAJ_DEHYDRATION:
        bad |= sim_jcheck_int(c, obj, "deficit_ml", 1, 0, 5000, &t->ml);
        bad |= sim_jcheck_int(c, obj, "ml_per_hour", 0, 0, 500, &t->ml_per_hour);
        bad |= sim_jcheck_int(c, obj, "delirium_ml", 0, 500, 5000, &t->delirium_ml);
        break;
    case SIM_TRAJ_FLUID_OVERLOAD:
        bad |= sim_jcheck_int(c, obj, "excess_ml", 1, 0, 5000, &t->ml);
        bad |= sim_jcheck_int(c, obj, "ml_per_hour", 0, 0, 500, &t->ml_per_hour);
        break;
    case SIM_TRAJ_CHOKING:
        f = 10000;
        bad |= sim_jcheck_fixed(c, obj, "severity", 0, 2, 1, 10000, &f);
        t->severity = (int32_t)f;
        f = 2500;
        bad |= sim_jcheck_fixed(c, obj, "clear_per_blow", 0, 2, 0, 10000, &f);
        t->clear_per_blow = (int32_t)f;
        f = 4000;
        bad |= sim_jcheck_fixed(c, obj, "clear_per_thrust", 0, 2, 0, 10000, &f);
        t->clear_per_thrust = (int32_t)f;
        break;
    default:
        bad |= sim_jcheck_fixed(c, obj, "severity", 1, 2, 0, 10000, &f);
        t->severity = (int32_t)f;
        f = 0;
        bad |= sim_jcheck_fixed(c, obj, "per_hour", 0, 2, -10000, 10000, &f);
        t->per_hour = (int32_t)f;
        if (kind == SIM_TRAJ_SEPSIS)
            bad |= sim_jcheck_bool(c, obj, "hypothermic", 0, &t->hypothermic);
        break;
    }
    return bad;
}

/* ---------------------------------------------------------------- residents */

static int check_baseline(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"hr",   "rr",      "spo2",   "sbp", "dbp",
                                       "temp", "glucose", "weight", NULL};
    struct sim_jcheck *c = &x->c;
    json_t *b;
    if (object_of(c, r, "baseline", 1, &b))
        return -1;
    sim_jcheck_push_key(c, "baseline");
    int bad = sim_jcheck_keys(c, b, keys);
    int64_t v[SIM_NVITALS] = {0};
    bad |= sim_jcheck_fixed(c, b, "hr", 1, 0, 30, 150, &v[SIM_V_HR]);
    bad |= sim_jcheck_fixed(c, b, "rr", 1, 0, 6, 40, &v[SIM_V_RR]);
    bad |= sim_jcheck_fixed(c, b, "spo2", 1, 0, 70, 100, &v[SIM_V_SPO2]);
    bad |= sim_jcheck_fixed(c, b, "sbp", 1, 0, 60, 220, &v[SIM_V_SBP]);
    bad |= sim_jcheck_fixed(c, b, "dbp", 1, 0, 30, 130, &v[SIM_V_DBP]);
    bad |= sim_jcheck_fixed(c, b, "temp", 1, 1, 340, 400, &v[SIM_V_TEMP]);
    bad |= sim_jcheck_fixed(c, b, "glucose", 1, 1, 20, 250, &v[SIM_V_GLUCOSE]);
    bad |= sim_jcheck_fixed(c, b, "weight", 1, 1, 250, 2000, &v[SIM_V_WEIGHT]);
    if (!bad && v[SIM_V_DBP] + 10 > v[SIM_V_SBP]) {
        sim_jcheck_error(c, "dbp", "must be at least 10 mmHg below sbp");
        bad = -1;
    }
    sim_jcheck_pop(c);
    for (int i = 0; i < SIM_NVITALS; i++)
        rs->baseline[i] =
            v[i] * (i == SIM_V_TEMP || i == SIM_V_GLUCOSE || i == SIM_V_WEIGHT ? U / 10 : U);
    return bad;
}

static int check_morse(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"history", "secondary", "aid", "iv", "gait", "mental", NULL};
    struct sim_jcheck *c = &x->c;
    json_t *m;
    if (object_of(c, r, "morse", 0, &m))
        return -1;
    if (!m)
        return 0;
    sim_jcheck_push_key(c, "morse");
    int bad = sim_jcheck_keys(c, m, keys);
    struct morse_items it = {0, 0, MORSE_AID_NONE, 0, MORSE_GAIT_NORMAL, MORSE_MENTAL_ORIENTED};
    bad |= sim_jcheck_bool(c, m, "history", 1, &it.history);
    bad |= sim_jcheck_bool(c, m, "secondary", 1, &it.secondary);
    bad |= sim_jcheck_bool(c, m, "iv", 1, &it.iv);
    static const char *const answers[3][4] = {
        {"aid", "none, bed-rest, nurse-assist, crutches, cane, walker or furniture"},
        {"gait", "normal, bed-rest, wheelchair, weak or impaired"},
        {"mental", "oriented or forgets"}};
    for (int k = 0; k < 3; k++) {
        json_t *v = json_object_get(m, answers[k][0]);
        const char *s = json_is_string(v) ? json_string_value(v) : "";
        int err = k == 0   ? morse_aid_parse(s, &it.aid)
                  : k == 1 ? morse_gait_parse(s, &it.gait)
                           : morse_mental_parse(s, &it.mental);
        if (!v) {
            sim_jcheck_error(c, answers[k][0], "required");
            bad = -1;
        } else if (err) {
            sim_jcheck_error(c, answers[k][0], "must be one of: %s", answers[k][1]);
            bad = -1;
        }
    }
    sim_jcheck_pop(c);
    if (!bad) {
        struct morse_result res;
        if (morse_score(&it, &x->s->cutoffs, &res) == 0) {
            rs->has_morse = 1;
            rs->morse = it;
            rs->morse_total = res.total;
            rs->high_fall_risk = res.risk == MORSE_RISK_HIGH;
        }
    }
    return bad;
}

static int check_devices(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"wearable", "bed_sensor", "door_sensor", "call_button",
                                       NULL};
    static const char *const wkeys[] = {"battery", NULL};
    struct sim_jcheck *c = &x->c;
    json_t *d;
    if (object_of(c, r, "devices", 0, &d))
        return -1;
    rs->battery = 80;
    if (!d)
        return 0;
    sim_jcheck_push_key(c, "devices");
    int bad = sim_jcheck_keys(c, d, keys);
    json_t *w = json_object_get(d, "wearable");
    if (json_is_object(w)) {
        rs->wearable = 1;
        sim_jcheck_push_key(c, "wearable");
        bad |= sim_jcheck_keys(c, w, wkeys);
        bad |= sim_jcheck_int(c, w, "battery", 0, 1, 100, &rs->battery);
        sim_jcheck_pop(c);
    } else if (w) {
        bad |= sim_jcheck_bool(c, d, "wearable", 0, &rs->wearable);
    }
    bad |= sim_jcheck_bool(c, d, "bed_sensor", 0, &rs->bed_sensor);
    bad |= sim_jcheck_bool(c, d, "door_sensor", 0, &rs->door_sensor);
    bad |= sim_jcheck_bool(c, d, "call_button", 0, &rs->call_button);
    sim_jcheck_pop(c);
    return bad;
}

static int check_last_obs(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"ago", "rr", "spo2", "sbp", "pulse", "temp", "acvpu", NULL};
    struct sim_jcheck *c = &x->c;
    json_t *o;
    if (object_of(c, r, "last_obs", 0, &o))
        return -1;
    if (!o)
        return 0;
    sim_jcheck_push_key(c, "last_obs");
    int bad = sim_jcheck_keys(c, o, keys);
    int *v = rs->last_obs;
    int64_t temp = 0;
    bad |= sim_jcheck_time(c, o, "ago", 1, 0, 24LL * 3600 * 1000, &rs->last_obs_ago_ms);
    bad |= sim_jcheck_int(c, o, "rr", 1, NEWS2_RR_MIN, NEWS2_RR_MAX, &v[SIM_OBS_RR]);
    bad |= sim_jcheck_int(c, o, "spo2", 1, NEWS2_SPO2_MIN, NEWS2_SPO2_MAX, &v[SIM_OBS_SPO2]);
    bad |= sim_jcheck_int(c, o, "sbp", 1, NEWS2_SBP_MIN, NEWS2_SBP_MAX, &v[SIM_OBS_SBP]);
    bad |= sim_jcheck_int(c, o, "pulse", 1, NEWS2_PULSE_MIN, NEWS2_PULSE_MAX, &v[SIM_OBS_PULSE]);
    bad |= sim_jcheck_fixed(c, o, "temp", 1, 1, NEWS2_TEMP_MIN, NEWS2_TEMP_MAX, &temp);
    v[SIM_OBS_TEMP] = (int)temp;
    json_t *a = json_object_get(o, "acvpu");
    enum news2_acvpu level = NEWS2_ALERT;
    if (!a) {
        sim_jcheck_error(c, "acvpu", "required");
        bad = -1;
    } else if (!json_is_string(a) || strlen(json_string_value(a)) != 1 ||
               news2_acvpu_parse(json_string_value(a), &level)) {
        sim_jcheck_error(c, "acvpu", "must be one of: A, C, V, P, U");
        bad = -1;
    }
    v[SIM_OBS_ACVPU] = (int)level;
    sim_jcheck_pop(c);
    rs->has_last_obs = !bad;
    return bad;
}

/* The drug table index of medicine ID, adding it when new. */
static int drug_index(struct sim_scenario *s, const char *id)
{
    for (int i = 0; i < s->names.ndrugs; i++)
        if (strcmp(s->names.drug[i], id) == 0)
            return i;
    if (s->names.ndrugs == SIM_MAX_DRUGS)
        return -1;
    s->names.drug[s->names.ndrugs] = id;
    return s->names.ndrugs++;
}

static int check_meds(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"id", "class", "name", "comment", NULL};
    struct sim_jcheck *c = &x->c;
    json_t *list;
    if (list_of(c, r, "medications", 0, 0, SIM_MAX_MEDS, &list))
        return -1;
    int bad = 0;
    sim_jcheck_push_key(c, "medications");
    for (size_t i = 0; list && i < json_array_size(list); i++) {
        json_t *m = json_array_get(list, i);
        struct sim_med *md = &rs->meds[rs->nmeds];
        sim_jcheck_push_index(c, (int)i);
        if (sim_jcheck_object(c, m)) {
            bad = -1;
            sim_jcheck_pop(c);
            continue;
        }
        int b = sim_jcheck_keys(c, m, keys);
        b |= sim_jcheck_id(c, m, "id", 1, &md->id);
        b |= sim_jcheck_enum(c, m, "class", 1, SIM_VOCAB_DRUG_CLASS, &md->cls);
        b |= sim_jcheck_text(c, m, "name", 1, SIM_TITLE_MAX, &md->name);
        for (int k = 0; !b && k < rs->nmeds; k++)
            if (strcmp(rs->meds[k].id, md->id) == 0) {
                sim_jcheck_error(c, "id", "\"%s\" is listed twice", md->id);
                b = -1;
            }
        if (!b) {
            md->drug = drug_index(x->s, md->id);
            if (md->drug < 0) {
                sim_jcheck_error(c, "id", "more than %d medicines in the scenario", SIM_MAX_DRUGS);
                b = -1;
            }
        }
        if (!b)
            rs->nmeds++;
        bad |= b;
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    return bad;
}

/* Everything of a resident but the care plan's tasks (those need every name). */
static int check_resident(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"id",         "room",       "name",        "age",
                                       "sex",        "conditions", "medications", "allergies",
                                       "background", "morse",      "fall_risk",   "wander_risk",
                                       "spo2_scale", "baseline",   "start",       "trajectories",
                                       "devices",    "last_obs",   "care_plan",   "signs",
                                       "comment",    NULL};
    struct sim_jcheck *c = &x->c;
    if (sim_jcheck_object(c, r))
        return -1;
    int bad = sim_jcheck_keys(c, r, keys);
    bad |= sim_jcheck_id(c, r, "id", 1, &rs->id);
    bad |= sim_jcheck_str(c, r, "room", 1, 20, &rs->room);
    bad |= sim_jcheck_text(c, r, "name", 1, SIM_TITLE_MAX, &rs->name);
    bad |= sim_jcheck_int(c, r, "age", 1, 40, 120, &rs->age);
    json_t *sex = json_object_get(r, "sex");
    const char *sx = json_is_string(sex) ? json_string_value(sex) : "";
    if (strcmp(sx, "female") == 0 || strcmp(sx, "male") == 0) {
        rs->sex = sx[0] == 'm';
    } else {
        sim_jcheck_error(c, "sex", sex ? "must be one of: female, male" : "required");
        bad = -1;
    }
    bad |= sim_jcheck_text(c, r, "background", 1, SIM_TEXT_MAX, &rs->background);
    bad |= sim_jcheck_text(c, r, "allergies", 0, SIM_TITLE_MAX, &rs->allergies);
    bad |= sim_jcheck_text(c, r, "signs", 0, SIM_TEXT_MAX, &rs->signs);

    json_t *conds;
    bad |= list_of(c, r, "conditions", 0, 0, SIM_NCONDITIONS, &conds);
    sim_jcheck_push_key(c, "conditions");
    for (size_t i = 0; conds && i < json_array_size(conds); i++) {
        json_t *v = json_array_get(conds, i);
        int k = json_is_string(v) ? sim_vocab_find(SIM_VOCAB_CONDITION, json_string_value(v)) : -1;
        sim_jcheck_push_index(c, (int)i);
        if (k < 0) {
            (void)sim_jcheck_enum_value(c, v, SIM_VOCAB_CONDITION, &k);
            bad = -1;
        } else if (rs->conditions & (1u << k)) {
            sim_jcheck_error(c, NULL, "\"%s\" is listed twice", json_string_value(v));
            bad = -1;
        } else {
            rs->conditions |= 1u << k;
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);

    bad |= check_meds(x, r, rs);
    bad |= check_morse(x, r, rs);
    if (json_object_get(r, "fall_risk")) {
        json_t *fr = json_object_get(r, "fall_risk");
        const char *f = json_is_string(fr) ? json_string_value(fr) : "";
        if (strcmp(f, "high") == 0 || strcmp(f, "not_high") == 0) {
            rs->high_fall_risk = f[0] == 'h';
        } else {
            sim_jcheck_error(c, "fall_risk", "must be one of: high, not_high");
            bad = -1;
        }
    }
    bad |= sim_jcheck_bool(c, r, "wander_risk", 0, &rs->wander_risk);
    rs->spo2_scale = 1;
    bad |= sim_jcheck_int(c, r, "spo2_scale", 0, 1, 2, &rs->spo2_scale);
    rs->spo2_target = rs->spo2_scale == 2 ? SIM_TARGET_88_92 : SIM_TARGET_94_98;
    if (rs->spo2_scale == 2 && !(rs->conditions & (1u << SIM_COND_COPD))) {
        sim_jcheck_error(c, "spo2_scale",
                         "scale 2 is for a prescribed target of 88-92 %% in hypercapnic "
                         "respiratory failure: add \"copd\" to the conditions");
        bad = -1;
    }
    bad |= check_baseline(x, r, rs);

    /* Where the resident is and what they do at the start. */
    static const char *const start_keys[] = {"activity", "position", "place", NULL};
    json_t *st;
    rs->activity = SIM_ACTIVITY_ASLEEP;
    rs->position = -1;
    rs->place = SIM_PLACE_ROOM;
    bad |= object_of(c, r, "start", 0, &st);
    if (st) {
        sim_jcheck_push_key(c, "start");
        bad |= sim_jcheck_keys(c, st, start_keys);
        bad |= sim_jcheck_enum(c, st, "activity", 0, SIM_VOCAB_ACTIVITY, &rs->activity);
        bad |= sim_jcheck_enum(c, st, "position", 0, SIM_VOCAB_POSITION, &rs->position);
        bad |= sim_jcheck_enum(c, st, "place", 0, SIM_VOCAB_PLACE, &rs->place);
        if (rs->place == SIM_PLACE_HOSPITAL) {
            sim_jcheck_error(c, "place", "a resident cannot start in hospital");
            bad = -1;
        }
        sim_jcheck_pop(c);
    }
    if (rs->position < 0)
        rs->position = rs->activity <= SIM_ACTIVITY_RESTING ? SIM_POS_BACK : SIM_POS_UPRIGHT;

    json_t *tr;
    bad |= list_of(c, r, "trajectories", 0, 0, SIM_NTRAJ, &tr);
    sim_jcheck_push_key(c, "trajectories");
    for (size_t i = 0; tr && i < json_array_size(tr); i++) {
        json_t *t = json_array_get(tr, i);
        sim_jcheck_push_index(c, (int)i);
        if (sim_jcheck_object(c, t) || check_traj(x, t, NULL, &rs->traj[rs->ntraj]))
            bad = -1;
        else {
            for (int k = 0; k < rs->ntraj; k++)
                if (rs->traj[k].kind == rs->traj[rs->ntraj].kind) {
                    sim_jcheck_error(c, "condition", "this condition is listed twice");
                    bad = -1;
                }
            rs->ntraj++;
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);

    bad |= check_devices(x, r, rs);
    bad |= check_last_obs(x, r, rs);
    json_t *cp;
    bad |= object_of(c, r, "care_plan", 0, &cp);
    if (cp) {
        static const char *const cp_keys[] = {"notes", "tasks", "bed_exit_alert", NULL};
        sim_jcheck_push_key(c, "care_plan");
        bad |= sim_jcheck_keys(c, cp, cp_keys);
        bad |= sim_jcheck_text(c, cp, "notes", 0, SIM_TEXT_MAX, &rs->care_notes);
        int bea = -1;
        bad |= sim_jcheck_bool(c, cp, "bed_exit_alert", 0, &bea);
        if (bea >= 0)
            rs->high_fall_risk = bea;
        if (bea == 1 && !rs->bed_sensor) {
            sim_jcheck_error(c, "bed_exit_alert", "needs a bed sensor (devices.bed_sensor)");
            bad = -1;
        }
        sim_jcheck_pop(c);
    }
    return bad;
}

static int check_tasks(struct ctx *x, const json_t *r, struct sim_resident_spec *rs)
{
    static const char *const keys[] = {"id",    "title",    "match",   "due",
                                       "grace", "priority", "comment", NULL};
    struct sim_jcheck *c = &x->c;
    json_t *cp = json_object_get(r, "care_plan");
    if (!json_is_object(cp))
        return 0;
    json_t *list;
    sim_jcheck_push_key(c, "care_plan");
    int bad = list_of(c, cp, "tasks", 0, 0, SIM_MAX_TASKS, &list);
    sim_jcheck_push_key(c, "tasks");
    for (size_t i = 0; list && i < json_array_size(list); i++) {
        json_t *t = json_array_get(list, i);
        struct sim_task *tk = &rs->tasks[rs->ntasks];
        sim_jcheck_push_index(c, (int)i);
        int b = sim_jcheck_object(c, t);
        if (!b) {
            b |= sim_jcheck_keys(c, t, keys);
            b |= sim_jcheck_id(c, t, "id", 1, &tk->id);
            b |= sim_jcheck_text(c, t, "title", 1, SIM_TITLE_MAX, &tk->title);
            b |= sim_jcheck_time(c, t, "due", 1, 0, x->s->duration_ms, &tk->due_ms);
            tk->grace_ms = 15 * 60 * 1000;
            b |= sim_jcheck_time(c, t, "grace", 0, 0, 2 * 3600 * 1000, &tk->grace_ms);
            tk->priority = SIM_PRIO_NORMAL;
            b |= sim_jcheck_enum(c, t, "priority", 0, SIM_VOCAB_PRIORITY, &tk->priority);
            json_t *m = json_object_get(t, "match");
            sim_jcheck_push_key(c, "match");
            if (!m) {
                sim_jcheck_error(c, NULL, "required");
                b = -1;
            } else {
                b |= sim_match_check(c, m, &x->s->names, &tk->match);
            }
            sim_jcheck_pop(c);
            for (int k = 0; !b && k < rs->ntasks; k++)
                if (strcmp(rs->tasks[k].id, tk->id) == 0) {
                    sim_jcheck_error(c, "id", "\"%s\" is used twice", tk->id);
                    b = -1;
                }
        }
        if (!b)
            rs->ntasks++;
        bad |= b;
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    sim_jcheck_pop(c);
    return bad;
}

/* ---------------------------------------------------------------- timeline */

static int check_event(struct ctx *x, const json_t *e, struct sim_event_spec *ev)
{
    static const char *const base[] = {"id", "at", "event", "resident", "comment", NULL};
    static const char *const fall[] = {"head_strike", "injury", "peak_g", NULL};
    static const char *const fault[] = {"device", "fault", "battery", "if_fault", NULL};
    static const char *const restore[] = {"device", NULL};
    static const char *const say[] = {"text", NULL};
    struct sim_jcheck *c = &x->c;
    struct sim_scenario *s = x->s;
    memset(ev, 0, sizeof(*ev));
    ev->resident = -1;
    ev->device = -1;
    ev->fault = -1;
    ev->if_fault = -1;
    if (sim_jcheck_object(c, e))
        return -1;
    int bad = sim_jcheck_id(c, e, "id", 0, &ev->id);
    bad |= sim_jcheck_time(c, e, "at", 1, 0, s->duration_ms, &ev->at_ms);
    if (sim_jcheck_enum(c, e, "event", 1, SIM_VOCAB_EVENT, &ev->kind))
        return -1;
    bad |= resident_ref(x, e, "resident", ev->kind != SIM_EV_END, &ev->resident);
    if (ev->kind == SIM_EV_END && json_object_get(e, "resident")) {
        sim_jcheck_error(c, "resident", "not a field of the event end");
        bad = -1;
    }
    const struct sim_resident_spec *rs = ev->resident >= 0 ? &s->res[ev->resident] : NULL;
    switch (ev->kind) {
    case SIM_EV_FALL: {
        bad |= keys2(c, e, base, fall);
        bad |= sim_jcheck_bool(c, e, "head_strike", 0, &ev->head_strike);
        bad |= sim_jcheck_enum(c, e, "injury", 0, SIM_VOCAB_INJURY, &ev->injury);
        int64_t peak = 34;
        bad |= sim_jcheck_fixed(c, e, "peak_g", 0, 1, 20, 80, &peak);
        ev->peak_mg = (int)peak * 100;
        break;
    }
    case SIM_EV_CONDITION:
        bad |= check_traj(x, e, base, &ev->traj);
        break;
    case SIM_EV_DEVICE_FAULT:
    case SIM_EV_DEVICE_RESTORE:
        bad |= keys2(c, e, base, ev->kind == SIM_EV_DEVICE_FAULT ? fault : restore);
        bad |= sim_jcheck_enum(c, e, "device", 1, SIM_VOCAB_DEVICE, &ev->device);
        if (ev->kind == SIM_EV_DEVICE_FAULT) {
            bad |= sim_jcheck_enum(c, e, "fault", 1, SIM_VOCAB_FAULT, &ev->fault);
            ev->battery = -1;
            bad |= sim_jcheck_int(c, e, "battery", 0, 0, 14, &ev->battery);
            bad |= sim_jcheck_enum(c, e, "if_fault", 0, SIM_VOCAB_FAULT, &ev->if_fault);
            if (ev->fault == SIM_FAULT_LOW_BATTERY && ev->battery < 0) {
                sim_jcheck_error(c, "battery", "required for a low_battery fault (0 to 14 %%)");
                bad = -1;
            }
            if (ev->fault >= 0 && ev->fault != SIM_FAULT_LOW_BATTERY && ev->battery >= 0) {
                sim_jcheck_error(c, "battery", "only a low_battery fault sets the battery");
                bad = -1;
            }
            if (ev->device >= 0 && ev->fault >= 0 && ev->device != SIM_DEV_WEARABLE &&
                ev->fault != SIM_FAULT_DISCONNECT) {
                sim_jcheck_error(c, "fault", "a %s can only disconnect",
                                 sim_vocab_id(SIM_VOCAB_DEVICE, ev->device));
                bad = -1;
            }
        }
        if (rs && ev->device >= 0) {
            int has = ev->device == SIM_DEV_WEARABLE      ? rs->wearable
                      : ev->device == SIM_DEV_BED_SENSOR  ? rs->bed_sensor
                      : ev->device == SIM_DEV_DOOR_SENSOR ? rs->door_sensor
                                                          : rs->call_button;
            if (!has) {
                sim_jcheck_error(c, "device", "resident \"%s\" has no %s (devices)", rs->id,
                                 sim_vocab_id(SIM_VOCAB_DEVICE, ev->device));
                bad = -1;
            }
        }
        break;
    case SIM_EV_SAY:
        bad |= keys2(c, e, base, say);
        bad |= sim_jcheck_text(c, e, "text", 1, SIM_TEXT_MAX, &ev->text);
        break;
    case SIM_EV_CALL_BUTTON:
        bad |= keys2(c, e, base, NULL);
        if (rs && !rs->call_button) {
            sim_jcheck_error(c, "resident", "resident \"%s\" has no call_button (devices)", rs->id);
            bad = -1;
        }
        break;
    default:
        bad |= keys2(c, e, base, NULL);
        break;
    }
    return bad;
}

/* ---------------------------------------------------------------- windows and patterns */

/* Parses an anchor "start" | "event:ID" | "alert:KIND[:RESIDENT]" | "done:ID" | "arrived:R". */
static int check_anchor(struct ctx *x, const json_t *w, struct sim_window *win, int self)
{
    struct sim_jcheck *c = &x->c;
    struct sim_scenario *s = x->s;
    json_t *v = json_object_get(w, "after");
    win->anchor = SIM_ANCHOR_START;
    win->ref = -1;
    win->resident = -1;
    if (!v)
        return 0;
    const char *a = json_is_string(v) ? json_string_value(v) : "";
    char head[16], rest[2 * SIM_ID_MAX + 4];
    const char *colon = strchr(a, ':');
    size_t hl = colon ? (size_t)(colon - a) : strlen(a);
    if (hl >= sizeof(head) || (colon && strlen(colon + 1) >= sizeof(rest)))
        goto bad;
    memcpy(head, a, hl);
    head[hl] = '\0';
    snprintf(rest, sizeof(rest), "%s", colon ? colon + 1 : "");
    if (strcmp(head, "start") == 0 && !colon)
        return 0;
    if (strcmp(head, "event") == 0 && colon) {
        for (int i = 0; i < s->nevents; i++)
            if (s->ev[i].id && strcmp(s->ev[i].id, rest) == 0) {
                win->anchor = SIM_ANCHOR_EVENT;
                win->ref = i;
                return 0;
            }
        sim_jcheck_error(c, "after", "no timeline event has the id \"%s\"", rest);
        return -1;
    }
    if (strcmp(head, "alert") == 0 && colon) {
        char *r2 = strchr(rest, ':');
        if (r2)
            *r2++ = '\0';
        int k = sim_vocab_find(SIM_VOCAB_ALERT, rest);
        if (k < 0) {
            sim_jcheck_error(c, "after", "\"%s\" is not an alert kind", rest);
            return -1;
        }
        win->anchor = SIM_ANCHOR_ALERT;
        win->ref = k;
        if (r2) {
            win->resident = resident_index(s, r2);
            if (win->resident < 0) {
                sim_jcheck_error(c, "after", "no resident \"%s\" in the scenario", r2);
                return -1;
            }
        }
        return 0;
    }
    if (strcmp(head, "done") == 0 && colon) {
        int k = find_id(x->exp_ids, x->nexp_ids, rest);
        if (k < 0) {
            sim_jcheck_error(c, "after", "no expected action has the id \"%s\"", rest);
            return -1;
        }
        if (k == self) {
            sim_jcheck_error(c, "after", "an expected action cannot count from itself");
            return -1;
        }
        win->anchor = SIM_ANCHOR_DONE;
        win->ref = k;
        return 0;
    }
    if (strcmp(head, "arrived") == 0 && colon) {
        int k = sim_vocab_find(SIM_VOCAB_RESPONDER, rest);
        if (k < 0 || s->arrive_ms[k] < 0) {
            sim_jcheck_error(c, "after",
                             "\"%s\" is not a responder who comes (settings.responders)", rest);
            return -1;
        }
        win->anchor = SIM_ANCHOR_ARRIVED;
        win->ref = k;
        return 0;
    }
bad:
    sim_jcheck_error(c, "after",
                     "must be \"start\", \"event:ID\", \"alert:KIND\", \"alert:KIND:RESIDENT\", "
                     "\"done:ID\" or \"arrived:RESPONDER\"");
    return -1;
}

static int check_window(struct ctx *x, const json_t *obj, struct sim_window *win, int self)
{
    static const char *const keys[] = {"after", "from", "within", "late", NULL};
    struct sim_jcheck *c = &x->c;
    int64_t d = x->s->duration_ms;
    json_t *w;
    win->anchor = SIM_ANCHOR_START;
    win->ref = win->resident = -1;
    win->from_ms = 0;
    win->within_ms = d;
    win->late_ms = -1;
    if (object_of(c, obj, "window", 0, &w))
        return -1;
    if (!w) {
        win->late_ms = d;
        return 0;
    }
    sim_jcheck_push_key(c, "window");
    int bad = sim_jcheck_keys(c, w, keys);
    bad |= check_anchor(x, w, win, self);
    bad |= sim_jcheck_time(c, w, "from", 0, 0, d, &win->from_ms);
    bad |= sim_jcheck_time(c, w, "within", 0, 0, d, &win->within_ms);
    bad |= sim_jcheck_time(c, w, "late", 0, 0, d, &win->late_ms);
    if (!bad && win->within_ms < win->from_ms) {
        sim_jcheck_error(c, "within", "must not be earlier than from");
        bad = -1;
    }
    if (win->late_ms < 0)
        win->late_ms = win->within_ms;
    else if (!bad && win->late_ms < win->within_ms) {
        sim_jcheck_error(c, "late", "must not be earlier than within");
        bad = -1;
    }
    sim_jcheck_pop(c);
    return bad;
}

/* "match": one pattern or a list of up to SIM_MAX_ALTS alternatives. */
static int check_alts(struct ctx *x, const json_t *obj, struct sim_match *alt, int *nalt)
{
    struct sim_jcheck *c = &x->c;
    json_t *m = json_object_get(obj, "match");
    *nalt = 0;
    if (!m) {
        sim_jcheck_error(c, "match", "required");
        return -1;
    }
    sim_jcheck_push_key(c, "match");
    int bad = 0;
    if (json_is_array(m)) {
        if (json_array_size(m) < 1 || json_array_size(m) > SIM_MAX_ALTS) {
            sim_jcheck_error(c, NULL, "must be a pattern or a list of 1 to %d patterns",
                             SIM_MAX_ALTS);
            bad = -1;
        } else {
            for (size_t i = 0; i < json_array_size(m); i++) {
                sim_jcheck_push_index(c, (int)i);
                bad |= sim_match_check(c, json_array_get(m, i), &x->s->names, &alt[i]);
                sim_jcheck_pop(c);
            }
            *nalt = (int)json_array_size(m);
        }
    } else {
        bad |= sim_match_check(c, m, &x->s->names, &alt[0]);
        *nalt = 1;
    }
    sim_jcheck_pop(c);
    return bad;
}

static int check_expected(struct ctx *x, const json_t *e, int index, struct sim_expect *ex)
{
    static const char *const keys[] = {"id",          "title",    "match",    "window",  "points",
                                       "late_points", "critical", "feedback", "comment", NULL};
    struct sim_jcheck *c = &x->c;
    memset(ex, 0, sizeof(*ex));
    ex->rubric = -1;
    if (sim_jcheck_object(c, e))
        return -1;
    int bad = sim_jcheck_keys(c, e, keys);
    bad |= sim_jcheck_id(c, e, "id", 1, &ex->id);
    bad |= sim_jcheck_text(c, e, "title", 1, SIM_TITLE_MAX, &ex->title);
    bad |= sim_jcheck_text(c, e, "feedback", 1, SIM_TEXT_MAX, &ex->feedback);
    bad |= check_alts(x, e, ex->alt, &ex->nalt);
    bad |= check_window(x, e, &ex->win, index);
    ex->points = 1;
    bad |= sim_jcheck_int(c, e, "points", 0, 1, 20, &ex->points);
    ex->late_points = ex->points / 2;
    bad |= sim_jcheck_int(c, e, "late_points", 0, 0, 20, &ex->late_points);
    if (!bad && ex->late_points > ex->points) {
        sim_jcheck_error(c, "late_points", "must not be more than points");
        bad = -1;
    }
    bad |= sim_jcheck_bool(c, e, "critical", 0, &ex->critical);
    return bad;
}

/* "rubric": the id of a rubric item, into its index (rubric items are parsed before). */
static int rubric_ref(struct ctx *x, const json_t *obj, int *out)
{
    const char *id = NULL;
    *out = -1;
    if (sim_jcheck_id(&x->c, obj, "rubric", 0, &id))
        return -1;
    if (!id)
        return 0;
    for (int i = 0; i < x->s->nrubric; i++)
        if (strcmp(x->s->rubric[i].id, id) == 0) {
            *out = i;
            return 0;
        }
    sim_jcheck_error(&x->c, "rubric", "no rubric item has the id \"%s\"", id);
    return -1;
}

static int check_forbidden(struct ctx *x, const json_t *f, struct sim_forbid *fb)
{
    static const char *const keys[] = {"id",       "title",    "match",   "unless",
                                       "window",   "critical", "penalty", "rubric",
                                       "feedback", "comment",  NULL};
    struct sim_jcheck *c = &x->c;
    memset(fb, 0, sizeof(*fb));
    fb->rubric = -1;
    if (sim_jcheck_object(c, f))
        return -1;
    int bad = sim_jcheck_keys(c, f, keys);
    bad |= sim_jcheck_id(c, f, "id", 1, &fb->id);
    bad |= sim_jcheck_text(c, f, "title", 1, SIM_TITLE_MAX, &fb->title);
    bad |= sim_jcheck_text(c, f, "feedback", 1, SIM_TEXT_MAX, &fb->feedback);
    bad |= check_alts(x, f, fb->alt, &fb->nalt);
    json_t *un;
    bad |= list_of(c, f, "unless", 0, 0, SIM_MAX_UNLESS, &un);
    sim_jcheck_push_key(c, "unless");
    for (size_t i = 0; un && i < json_array_size(un); i++) {
        sim_jcheck_push_index(c, (int)i);
        if (expected_ref(x, json_array_get(un, i), &fb->unless[fb->nunless]))
            bad = -1;
        else
            fb->nunless++;
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    fb->has_window = json_object_get(f, "window") != NULL;
    bad |= check_window(x, f, &fb->win, -1);
    bad |= sim_jcheck_bool(c, f, "critical", 0, &fb->critical);
    bad |= sim_jcheck_int(c, f, "penalty", 0, 0, 20, &fb->penalty);
    bad |= rubric_ref(x, f, &fb->rubric);
    if (!bad && fb->penalty > 0 && fb->rubric < 0) {
        sim_jcheck_error(c, "rubric", "required with a penalty (the rubric item it lowers)");
        bad = -1;
    }
    if (!bad && !fb->critical && fb->penalty == 0) {
        sim_jcheck_error(c, "penalty", "a forbidden action that is not critical needs a penalty");
        bad = -1;
    }
    return bad;
}

static int check_order(struct ctx *x, const json_t *o, struct sim_order *od)
{
    static const char *const keys[] = {"first",  "then",     "critical", "penalty",
                                       "rubric", "feedback", "comment",  NULL};
    struct sim_jcheck *c = &x->c;
    memset(od, 0, sizeof(*od));
    od->first = od->then = od->rubric = -1;
    if (sim_jcheck_object(c, o))
        return -1;
    int bad = sim_jcheck_keys(c, o, keys);
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "then" : "first";
        json_t *v = json_object_get(o, key);
        sim_jcheck_push_key(c, key);
        if (!v) {
            sim_jcheck_error(c, NULL, "required");
            bad = -1;
        } else {
            bad |= expected_ref(x, v, k ? &od->then : &od->first);
        }
        sim_jcheck_pop(c);
    }
    if (!bad && od->first == od->then) {
        sim_jcheck_error(c, "then", "must differ from first");
        bad = -1;
    }
    bad |= sim_jcheck_text(c, o, "feedback", 1, SIM_TEXT_MAX, &od->feedback);
    bad |= sim_jcheck_bool(c, o, "critical", 0, &od->critical);
    bad |= sim_jcheck_int(c, o, "penalty", 0, 0, 20, &od->penalty);
    bad |= rubric_ref(x, o, &od->rubric);
    if (!bad && od->penalty > 0 && od->rubric < 0) {
        sim_jcheck_error(c, "rubric", "required with a penalty (the rubric item it lowers)");
        bad = -1;
    }
    if (!bad && !od->critical && od->penalty == 0) {
        sim_jcheck_error(c, "penalty", "an order that is not critical needs a penalty");
        bad = -1;
    }
    return bad;
}

static int check_rubric(struct ctx *x, const json_t *r, struct sim_rubric *rb)
{
    static const char *const keys[] = {"id", "title", "cfitems", "expected", "comment", NULL};
    struct sim_jcheck *c = &x->c;
    memset(rb, 0, sizeof(*rb));
    if (sim_jcheck_object(c, r))
        return -1;
    int bad = sim_jcheck_keys(c, r, keys);
    bad |= sim_jcheck_id(c, r, "id", 1, &rb->id);
    bad |= sim_jcheck_text(c, r, "title", 1, SIM_TITLE_MAX, &rb->title);
    json_t *cf, *ex;
    bad |= list_of(c, r, "cfitems", 1, 1, SIM_MAX_CFITEMS, &cf);
    sim_jcheck_push_key(c, "cfitems");
    for (size_t i = 0; cf && i < json_array_size(cf); i++) {
        json_t *v = json_array_get(cf, i);
        const char *u = json_is_string(v) ? json_string_value(v) : "";
        sim_jcheck_push_index(c, (int)i);
        if (!uuid_valid(u)) {
            sim_jcheck_error(c, NULL, "must be a CFItem identifier (a lowercase UUID)");
            bad = -1;
        } else if (x->known && !x->known(u, x->known_ctx)) {
            sim_jcheck_error(c, NULL, "\"%s\" is not an item of a bundled framework", u);
            bad = -1;
        } else if (find_id(rb->cfitem, rb->ncf, u) >= 0) {
            sim_jcheck_error(c, NULL, "\"%s\" is listed twice", u);
            bad = -1;
        } else {
            rb->cfitem[rb->ncf++] = u;
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    bad |= list_of(c, r, "expected", 1, 1, SIM_MAX_RUBRIC_ITEMS, &ex);
    sim_jcheck_push_key(c, "expected");
    for (size_t i = 0; ex && i < json_array_size(ex); i++) {
        int k;
        sim_jcheck_push_index(c, (int)i);
        if (expected_ref(x, json_array_get(ex, i), &k)) {
            bad = -1;
        } else if (x->s->exp[k].rubric >= 0) {
            sim_jcheck_error(c, NULL, "\"%s\" already belongs to rubric item \"%s\"",
                             x->s->exp[k].id, x->s->rubric[x->s->exp[k].rubric].id);
            bad = -1;
        } else {
            x->s->exp[k].rubric = x->s->nrubric;
            rb->expected[rb->nexp++] = k;
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    return bad;
}

/* ---------------------------------------------------------------- settings */

static int check_settings(struct ctx *x, const json_t *root)
{
    static const char *const keys[] = {
        "walk_s", "ack_s", "morse_cutoffs", "responders", "start_with", "end_on_transfer", NULL};
    static const char *const rkeys[] = {"arrive", NULL};
    struct sim_jcheck *c = &x->c;
    struct sim_scenario *s = x->s;
    static const int64_t ack[SIM_NPRIOS] = SIM_ACK_MS_DEFAULT;
    memcpy(s->ack_ms, ack, sizeof(s->ack_ms));
    s->walk_ms = 20000;
    s->arrive_ms[SIM_RESP_NURSE] = 5 * 60 * 1000;
    s->arrive_ms[SIM_RESP_DOCTOR] = -1;
    s->arrive_ms[SIM_RESP_FAMILY] = -1;
    s->arrive_ms[SIM_RESP_EMERGENCY] = 12 * 60 * 1000;
    s->end_on_transfer = 1;
    s->start_with = -1;
    struct morse_cutoffs co = MORSE_CUTOFFS_DEFAULT;
    s->cutoffs = co;
    json_t *st;
    if (object_of(c, root, "settings", 0, &st))
        return -1;
    if (!st)
        return 0;
    sim_jcheck_push_key(c, "settings");
    int bad = sim_jcheck_keys(c, st, keys);
    int walk = 20;
    bad |= sim_jcheck_int(c, st, "walk_s", 0, 0, 600, &walk);
    s->walk_ms = walk * 1000;
    bad |= sim_jcheck_bool(c, st, "end_on_transfer", 0, &s->end_on_transfer);
    json_t *a;
    bad |= object_of(c, st, "ack_s", 0, &a);
    if (a) {
        static const char *const pkeys[] = {"low", "normal", "high", "urgent", NULL};
        sim_jcheck_push_key(c, "ack_s");
        bad |= sim_jcheck_keys(c, a, pkeys);
        for (int p = 0; p < SIM_NPRIOS; p++) {
            int sec = (int)(s->ack_ms[p] / 1000);
            bad |= sim_jcheck_int(c, a, pkeys[p], 0, 10, 3600, &sec);
            s->ack_ms[p] = (int64_t)sec * 1000;
        }
        sim_jcheck_pop(c);
    }
    json_t *m;
    bad |= object_of(c, st, "morse_cutoffs", 0, &m);
    if (m) {
        static const char *const mkeys[] = {"moderate", "high", NULL};
        sim_jcheck_push_key(c, "morse_cutoffs");
        bad |= sim_jcheck_keys(c, m, mkeys);
        bad |= sim_jcheck_int(c, m, "moderate", 1, 1, MORSE_MAX, &s->cutoffs.moderate);
        bad |= sim_jcheck_int(c, m, "high", 1, 1, MORSE_MAX, &s->cutoffs.high);
        if (!bad && morse_cutoffs_validate(&s->cutoffs)) {
            sim_jcheck_error(c, "high", "must not be below moderate");
            bad = -1;
        }
        sim_jcheck_pop(c);
    }
    json_t *r;
    bad |= object_of(c, st, "responders", 0, &r);
    if (r) {
        sim_jcheck_push_key(c, "responders");
        static const char *const who[] = {"nurse", "doctor", "family", "emergency", NULL};
        bad |= sim_jcheck_keys(c, r, who);
        for (int k = 0; k < SIM_NRESPONDERS; k++) {
            json_t *o;
            bad |= object_of(c, r, who[k], 0, &o);
            if (!o)
                continue;
            sim_jcheck_push_key(c, who[k]);
            bad |= sim_jcheck_keys(c, o, rkeys);
            json_t *arr = json_object_get(o, "arrive");
            if (json_is_null(arr))
                s->arrive_ms[k] = -1;
            else
                bad |= sim_jcheck_time(c, o, "arrive", 1, 0, 2 * 3600 * 1000, &s->arrive_ms[k]);
            sim_jcheck_pop(c);
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    return bad;
}

/* ---------------------------------------------------------------- the whole */

/* Reports a cycle of "done:" anchors among the expected actions. */
static int check_cycles(struct ctx *x, const json_t *exps)
{
    struct sim_scenario *s = x->s;
    for (int i = 0; i < s->nexp; i++) {
        int k = i, steps = 0;
        while (s->exp[k].win.anchor == SIM_ANCHOR_DONE && steps <= s->nexp) {
            k = s->exp[k].win.ref;
            steps++;
            if (k == i) {
                sim_jcheck_push_key(&x->c, "expected");
                sim_jcheck_push_index(&x->c, i);
                sim_jcheck_push_key(&x->c, "window");
                sim_jcheck_error(&x->c, "after",
                                 "the \"done:\" anchors go round in a circle back to \"%s\"",
                                 s->exp[i].id);
                sim_jcheck_pop(&x->c);
                sim_jcheck_pop(&x->c);
                sim_jcheck_pop(&x->c);
                (void)exps;
                return -1;
            }
        }
    }
    return 0;
}

static int check_scenario(struct ctx *x, const json_t *root)
{
    static const char *const keys[] = {"format",    "id",       "version",  "title",     "summary",
                                       "briefing",  "levels",   "tags",     "clock",     "settings",
                                       "residents", "timeline", "expected", "forbidden", "order",
                                       "rubric",    "debrief",  "pass",     "comment",   NULL};
    static const char *const clock_keys[] = {"start", "duration", "night_from", "night_to", NULL};
    struct sim_jcheck *c = &x->c;
    struct sim_scenario *s = x->s;
    int bad = sim_jcheck_keys(c, root, keys);
    const char *format = NULL;
    bad |= sim_jcheck_str(c, root, "format", 1, 64, &format);
    if (format && strcmp(format, SIM_SCENARIO_FORMAT) != 0) {
        sim_jcheck_error(c, "format", "must be \"%s\"", SIM_SCENARIO_FORMAT);
        bad = -1;
    }
    bad |= sim_jcheck_id(c, root, "id", 1, &s->id);
    bad |= sim_jcheck_int(c, root, "version", 1, 1, 1000000, &s->version);
    bad |= sim_jcheck_text(c, root, "title", 1, SIM_TITLE_MAX, &s->title);
    bad |= sim_jcheck_text(c, root, "summary", 1, SIM_TEXT_MAX, &s->summary);
    bad |= sim_jcheck_text(c, root, "briefing", 1, SIM_TEXT_MAX, &s->briefing);
    json_t *lv, *tags;
    bad |= list_of(c, root, "levels", 0, 0, 5, &lv);
    sim_jcheck_push_key(c, "levels");
    for (size_t i = 0; lv && i < json_array_size(lv); i++) {
        json_t *v = json_array_get(lv, i);
        sim_jcheck_push_index(c, (int)i);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5) {
            sim_jcheck_error(c, NULL, "must be a level of 养老护理员 from 1 to 5");
            bad = -1;
        } else {
            s->levels |= 1u << json_integer_value(v);
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    bad |= list_of(c, root, "tags", 0, 0, 16, &tags);
    sim_jcheck_push_key(c, "tags");
    for (size_t i = 0; tags && i < json_array_size(tags); i++) {
        json_t *v = json_array_get(tags, i);
        sim_jcheck_push_index(c, (int)i);
        if (!json_is_string(v) || !sim_id_valid(json_string_value(v))) {
            sim_jcheck_error(c, NULL, "must be an id (lowercase letters, digits, '-', '_')");
            bad = -1;
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);

    json_t *clock;
    s->night_from_s = 21 * 3600;
    s->night_to_s = 7 * 3600;
    if (object_of(c, root, "clock", 1, &clock))
        return -1;
    sim_jcheck_push_key(c, "clock");
    bad |= sim_jcheck_keys(c, clock, clock_keys);
    bad |= time_of_day(c, clock, "start", 1, &s->start_clock_s);
    if (sim_jcheck_time(c, clock, "duration", 1, 60 * 1000, SIM_MAX_DURATION_MS, &s->duration_ms))
        return -1; /* everything else is checked against it */
    bad |= time_of_day(c, clock, "night_from", 0, &s->night_from_s);
    bad |= time_of_day(c, clock, "night_to", 0, &s->night_to_s);
    sim_jcheck_pop(c);
    s->names.duration_ms = s->duration_ms;
    s->names.scenario = s->id;
    bad |= check_settings(x, root);

    /* Residents, then the names they make, then their tasks. */
    json_t *res;
    if (list_of(c, root, "residents", 1, 1, SIM_MAX_RESIDENTS, &res))
        return -1;
    sim_jcheck_push_key(c, "residents");
    for (size_t i = 0; i < json_array_size(res); i++) {
        struct sim_resident_spec *rs = &s->res[s->nres];
        sim_jcheck_push_index(c, (int)i);
        int b = check_resident(x, json_array_get(res, i), rs);
        if (rs->id && resident_index(s, rs->id) >= 0) {
            sim_jcheck_error(c, "id", "\"%s\" is used twice", rs->id);
            b = -1;
        }
        sim_jcheck_pop(c);
        if (!rs->id) {
            bad = -1;
            continue;
        }
        /* A resident with other problems still counts as a name, so references check. */
        s->names.resident[s->nres] = rs->id;
        s->nres++;
        bad |= b;
    }
    s->names.nres = s->nres;
    json_t *st = json_object_get(root, "settings");
    if (json_is_object(st) && json_object_get(st, "start_with")) {
        sim_jcheck_pop(c);
        sim_jcheck_push_key(c, "settings");
        bad |= resident_ref(x, st, "start_with", 0, &s->start_with);
        sim_jcheck_pop(c);
        sim_jcheck_push_key(c, "residents");
    }
    for (int i = 0; i < s->nres; i++) {
        sim_jcheck_push_index(c, i);
        bad |= check_tasks(x, json_array_get(res, (size_t)i), &s->res[i]);
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);

    json_t *tl;
    bad |= list_of(c, root, "timeline", 0, 0, SIM_MAX_TIMELINE, &tl);
    sim_jcheck_push_key(c, "timeline");
    for (size_t i = 0; tl && i < json_array_size(tl); i++) {
        struct sim_event_spec *ev = &s->ev[s->nevents];
        sim_jcheck_push_index(c, (int)i);
        int b = check_event(x, json_array_get(tl, i), ev);
        if (!b && ev->id) {
            for (int k = 0; k < s->nevents; k++)
                if (s->ev[k].id && strcmp(s->ev[k].id, ev->id) == 0) {
                    sim_jcheck_error(c, "id", "\"%s\" is used twice", ev->id);
                    b = -1;
                }
        }
        if (!b && s->nevents > 0 && ev->at_ms < s->ev[s->nevents - 1].at_ms) {
            sim_jcheck_error(c, "at",
                             "is earlier than the event before: list events in time order");
            b = -1;
        }
        sim_jcheck_pop(c);
        if (!b)
            s->nevents++;
        bad |= b;
    }
    sim_jcheck_pop(c);

    /* Expected actions: their ids first, so windows and the rest may refer to any of them. */
    json_t *ex;
    if (list_of(c, root, "expected", 1, 1, SIM_MAX_EXPECTED, &ex))
        return -1;
    for (size_t i = 0; i < json_array_size(ex); i++) {
        json_t *id = json_object_get(json_array_get(ex, i), "id");
        x->exp_ids[x->nexp_ids++] = json_is_string(id) && sim_id_valid(json_string_value(id))
                                        ? json_string_value(id)
                                        : NULL;
    }
    sim_jcheck_push_key(c, "expected");
    for (size_t i = 0; i < json_array_size(ex); i++) {
        sim_jcheck_push_index(c, (int)i);
        struct sim_expect *e = &s->exp[i];
        int b = check_expected(x, json_array_get(ex, i), (int)i, e);
        if (e->id && find_id(x->exp_ids, (int)i, e->id) >= 0) {
            sim_jcheck_error(c, "id", "\"%s\" is used twice", e->id);
            b = -1;
        }
        bad |= b;
        sim_jcheck_pop(c);
    }
    s->nexp = (int)json_array_size(ex);
    sim_jcheck_pop(c);
    if (!bad)
        bad |= check_cycles(x, ex);

    json_t *rb;
    if (list_of(c, root, "rubric", 1, 1, SIM_MAX_RUBRIC, &rb))
        return -1;
    sim_jcheck_push_key(c, "rubric");
    for (size_t i = 0; i < json_array_size(rb); i++) {
        sim_jcheck_push_index(c, (int)i);
        struct sim_rubric *r = &s->rubric[s->nrubric];
        int b = check_rubric(x, json_array_get(rb, i), r);
        for (int k = 0; r->id && k < s->nrubric; k++)
            if (strcmp(s->rubric[k].id, r->id) == 0) {
                sim_jcheck_error(c, "id", "\"%s\" is used twice", r->id);
                b = -1;
            }
        sim_jcheck_pop(c);
        if (r->id)
            s->nrubric++;
        bad |= b;
    }
    sim_jcheck_pop(c);
    if (!bad) {
        sim_jcheck_push_key(c, "expected");
        for (int i = 0; i < s->nexp; i++)
            if (s->exp[i].rubric < 0) {
                sim_jcheck_push_index(c, i);
                sim_jcheck_error(c, "id", "\"%s\" belongs to no rubric item", s->exp[i].id);
                sim_jcheck_pop(c);
                bad = -1;
            }
        sim_jcheck_pop(c);
    }

    json_t *fb, *od, *db, *pass;
    bad |= list_of(c, root, "forbidden", 0, 0, SIM_MAX_FORBIDDEN, &fb);
    sim_jcheck_push_key(c, "forbidden");
    for (size_t i = 0; fb && i < json_array_size(fb); i++) {
        sim_jcheck_push_index(c, (int)i);
        struct sim_forbid *f = &s->forbid[s->nforbid];
        int b = check_forbidden(x, json_array_get(fb, i), f);
        for (int k = 0; f->id && k < s->nforbid; k++)
            if (strcmp(s->forbid[k].id, f->id) == 0) {
                sim_jcheck_error(c, "id", "\"%s\" is used twice", f->id);
                b = -1;
            }
        sim_jcheck_pop(c);
        if (!b)
            s->nforbid++;
        bad |= b;
    }
    sim_jcheck_pop(c);
    bad |= list_of(c, root, "order", 0, 0, SIM_MAX_ORDER, &od);
    sim_jcheck_push_key(c, "order");
    for (size_t i = 0; od && i < json_array_size(od); i++) {
        sim_jcheck_push_index(c, (int)i);
        int b = check_order(x, json_array_get(od, i), &s->order[s->norder]);
        sim_jcheck_pop(c);
        if (!b)
            s->norder++;
        bad |= b;
    }
    sim_jcheck_pop(c);
    bad |= list_of(c, root, "debrief", 1, 1, SIM_MAX_DEBRIEF, &db);
    sim_jcheck_push_key(c, "debrief");
    for (size_t i = 0; db && i < json_array_size(db); i++) {
        static const char *const dkeys[] = {"title", "text", NULL};
        json_t *d = json_array_get(db, i);
        sim_jcheck_push_index(c, (int)i);
        if (sim_jcheck_object(c, d)) {
            bad = -1;
        } else {
            struct sim_debrief *dd = &s->debrief[s->ndebrief];
            int b = sim_jcheck_keys(c, d, dkeys);
            b |= sim_jcheck_text(c, d, "title", 1, SIM_TITLE_MAX, &dd->title);
            b |= sim_jcheck_text(c, d, "text", 1, SIM_TEXT_MAX, &dd->text);
            if (!b)
                s->ndebrief++;
            bad |= b;
        }
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    if (object_of(c, root, "pass", 1, &pass))
        return -1;
    static const char *const pkeys[] = {"percent", NULL};
    sim_jcheck_push_key(c, "pass");
    bad |= sim_jcheck_keys(c, pass, pkeys);
    bad |= sim_jcheck_int(c, pass, "percent", 1, 1, 100, &s->pass_percent);
    sim_jcheck_pop(c);
    return bad;
}

int sim_scenario_parse(const char *text, size_t len, sim_item_known_fn known, void *ctx,
                       struct sim_scenario **out, struct sim_errors *errs)
{
    *out = NULL;
    json_t *root;
    if (sim_jcheck_parse(text, len, SIM_SCENARIO_MAX_BYTES, errs, &root))
        return -1;
    struct ctx *x = cc_calloc(1, sizeof(*x));
    struct sim_scenario *s = cc_calloc(1, sizeof(*s));
    if (!x || !s) {
        cc_free(x);
        cc_free(s);
        json_decref(root);
        sim_errors_add(errs, 0, "$", "out of memory");
        return -1;
    }
    s->root = root;
    x->s = s;
    x->known = known;
    x->known_ctx = ctx;
    sim_jcheck_init(&x->c, text, len, errs);
    int bad = check_scenario(x, root);
    cc_free(x);
    if (bad || errs->n) {
        if (!errs->n)
            sim_errors_add(errs, 1, "$", "invalid scenario");
        sim_errors_sort(errs);
        sim_scenario_free(&s);
        return -1;
    }
    *out = s;
    return 0;
}

void sim_scenario_free(struct sim_scenario **s)
{
    if (!*s)
        return;
    json_decref((*s)->root);
    cc_free(*s);
    *s = NULL;
}
