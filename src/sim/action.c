#include "sim/action.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

static const char *const sbar_keys[SIM_NSBAR] = {"situation", "background", "assessment",
                                                 "recommendation"};

void sim_action_clear(struct sim_action *a)
{
    memset(a, 0, sizeof(*a));
    a->type = -1;
    a->at_ms = -1;
    a->resident = -1;
    for (int i = 0; i < SIM_NPARAMS; i++)
        a->param[i] = -1;
    a->sbar.news2 = -1;
}

/* The index of resident ID in NAMES; -1 after an error at KEY when it is unknown. */
static int resident_of(struct sim_jcheck *c, const json_t *obj, const char *key,
                       const struct sim_names *names, int required, int *out)
{
    const char *id = NULL;
    if (sim_jcheck_id(c, obj, key, required, &id))
        return -1;
    if (!id)
        return 0;
    for (int i = 0; i < names->nres; i++)
        if (strcmp(names->resident[i], id) == 0) {
            *out = i;
            return 0;
        }
    char list[300];
    size_t n = 0;
    list[0] = '\0';
    for (int i = 0; i < names->nres && n < sizeof(list); i++)
        n +=
            (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", names->resident[i]);
    sim_jcheck_error(c, key, "no resident \"%s\" in the scenario (residents: %s)", id, list);
    return -1;
}

static int drug_of(const struct sim_names *names, const char *s)
{
    for (int i = 0; i < names->ndrugs; i++)
        if (strcmp(names->drug[i], s) == 0)
            return i;
    return -1;
}

/* One value of PARAM from V (a string of its table, a medicine id, or a whole number). */
static int param_value(struct sim_jcheck *c, const char *key, int param, const json_t *v,
                       const struct sim_names *names, int *out)
{
    int table = sim_param_vocab(param);
    if (param == SIM_P_DRUG) {
        int k = json_is_string(v) ? drug_of(names, json_string_value(v)) : -1;
        if (k < 0) {
            sim_jcheck_error(c, key, "must be the id of a medicine of a resident of the scenario");
            return -1;
        }
        *out = k;
        return 0;
    }
    if (table >= 0) {
        sim_jcheck_push_key(c, key);
        int bad = sim_jcheck_enum_value(c, v, table, out);
        sim_jcheck_pop(c);
        return bad;
    }
    int lo, hi;
    sim_param_range(param, &lo, &hi);
    if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi) {
        *out = (int)json_integer_value(v);
        return 0;
    }
    sim_jcheck_error(c, key, "must be a whole number from %d to %d", lo, hi);
    return -1;
}

/* A list of fact ids into *OUT (a set). */
static int facts_of(struct sim_jcheck *c, const json_t *obj, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > SIM_NFACTS) {
        sim_jcheck_error(c, key, "must be a list of at most %d facts", SIM_NFACTS);
        return -1;
    }
    uint64_t set = 0;
    int bad = 0;
    sim_jcheck_push_key(c, key);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *f = json_array_get(v, i);
        int k = json_is_string(f) ? sim_vocab_find(SIM_VOCAB_FACT, json_string_value(f)) : -1;
        sim_jcheck_push_index(c, (int)i);
        if (k < 0) {
            (void)sim_jcheck_enum_value(c, f, SIM_VOCAB_FACT, &k);
            k = -1;
            bad = -1;
        } else if (set & (1ULL << k)) {
            sim_jcheck_error(c, NULL, "\"%s\" is listed twice", json_string_value(f));
            bad = -1;
        }
        sim_jcheck_pop(c);
        if (k >= 0)
            set |= 1ULL << k;
    }
    sim_jcheck_pop(c);
    *out = set;
    return bad;
}

/* A text that may be empty (NULL then), at most SIM_TEXT_MAX bytes. */
static int text_opt(struct sim_jcheck *c, const json_t *obj, const char *key, const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v) || json_string_length(v) > SIM_TEXT_MAX) {
        sim_jcheck_error(c, key, "must be a text of at most %d bytes", SIM_TEXT_MAX);
        return -1;
    }
    *out = json_string_length(v) ? json_string_value(v) : NULL;
    return 0;
}

static int check_sbar(struct sim_jcheck *c, const json_t *obj, struct sim_sbar *out)
{
    static const char *const keys[] = {"situation", "background", "assessment", "recommendation",
                                       "facts",     "news2",      NULL};
    json_t *v = json_object_get(obj, "sbar");
    sim_jcheck_push_key(c, "sbar");
    int bad = sim_jcheck_object(c, v);
    if (!bad) {
        bad |= sim_jcheck_keys(c, v, keys);
        for (int i = 0; i < SIM_NSBAR; i++)
            bad |= text_opt(c, v, sbar_keys[i], &out->part[i]);
        bad |= facts_of(c, v, "facts", &out->facts);
        bad |= sim_jcheck_int(c, v, "news2", 0, 0, 20, &out->news2);
    }
    sim_jcheck_pop(c);
    return bad;
}

/* The members every action and pattern may have, before its parameters. */
static int is_common(const char *key, int scripted)
{
    return strcmp(key, "type") == 0 || strcmp(key, "resident") == 0 ||
           strcmp(key, "comment") == 0 || (scripted && strcmp(key, "at") == 0);
}

int sim_action_check(struct sim_jcheck *c, const json_t *obj, const struct sim_names *names,
                     int scripted, struct sim_action *out)
{
    sim_action_clear(out);
    if (sim_jcheck_object(c, obj))
        return -1;
    int type = -1, bad = 0;
    if (sim_jcheck_enum(c, obj, "type", 1, SIM_VOCAB_ACTION, &type))
        return -1;
    out->type = type;
    if (scripted)
        bad |= sim_jcheck_time(c, obj, "at", 1, 0, names->duration_ms, &out->at_ms);
    const char *comment = NULL;
    bad |= sim_jcheck_str(c, obj, "comment", 0, SIM_TEXT_MAX, &comment);
    bad |= resident_of(c, obj, "resident", names, sim_action_needs_resident(type), &out->resident);

    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)obj, key, v) {
        if (is_common(key, scripted))
            continue;
        if (type == SIM_ACTION_CALL && strcmp(key, "sbar") == 0) {
            out->has_sbar = 1;
            bad |= check_sbar(c, obj, &out->sbar);
            continue;
        }
        if (type == SIM_ACTION_DOCUMENT && strcmp(key, "facts") == 0) {
            bad |= facts_of(c, obj, "facts", &out->facts);
            continue;
        }
        if (type == SIM_ACTION_DOCUMENT && strcmp(key, "text") == 0) {
            bad |= text_opt(c, obj, "text", &out->text);
            continue;
        }
        int p = sim_vocab_find(SIM_VOCAB_PARAM, key);
        if (p < 0 || !sim_param_allowed(type, p)) {
            sim_jcheck_error(c, key, p < 0 ? "unknown field" : "not a parameter of %s",
                             sim_vocab_id(SIM_VOCAB_ACTION, type));
            bad = -1;
            continue;
        }
        bad |= param_value(c, key, p, v, names, &out->param[p]);
    }
    for (int p = 0; p < SIM_NPARAMS; p++)
        if (sim_param_allowed(type, p) == 2 &&
            !json_object_get(obj, sim_vocab_id(SIM_VOCAB_PARAM, p))) {
            sim_jcheck_error(c, sim_vocab_id(SIM_VOCAB_PARAM, p), "required");
            bad = -1;
        }
    if ((type == SIM_ACTION_ACKNOWLEDGE || type == SIM_ACTION_DISMISS) &&
        !json_object_get(obj, "alert") && !json_object_get(obj, "alert_id")) {
        sim_jcheck_error(c, NULL, "%s needs \"alert\" (a kind) or \"alert_id\" (a number)",
                         sim_vocab_id(SIM_VOCAB_ACTION, type));
        bad = -1;
    }
    return bad ? -1 : 0;
}

/* A pattern's parameter: a value, a list of values or a {"min","max"} range. */
static int match_param(struct sim_jcheck *c, const char *key, int param, const json_t *v,
                       const struct sim_names *names, struct sim_match_param *out)
{
    out->param = param;
    out->mode = SIM_MATCH_SET;
    out->set = 0;
    int numeric = sim_param_vocab(param) < 0 && param != SIM_P_DRUG;
    if (numeric && json_is_object(v)) {
        static const char *const keys[] = {"min", "max", NULL};
        int lo, hi;
        sim_param_range(param, &lo, &hi);
        out->mode = SIM_MATCH_RANGE;
        out->min = lo;
        out->max = hi;
        sim_jcheck_push_key(c, key);
        int bad = sim_jcheck_keys(c, v, keys);
        bad |= sim_jcheck_int(c, v, "min", 0, lo, hi, &out->min);
        bad |= sim_jcheck_int(c, v, "max", 0, lo, hi, &out->max);
        if (!bad && out->min > out->max) {
            sim_jcheck_error(c, NULL, "min is greater than max");
            bad = -1;
        }
        sim_jcheck_pop(c);
        return bad;
    }
    if (numeric) {
        out->mode = SIM_MATCH_RANGE;
        if (param_value(c, key, param, v, names, &out->min))
            return -1;
        out->max = out->min;
        return 0;
    }
    if (!json_is_array(v)) {
        int k;
        if (param_value(c, key, param, v, names, &k))
            return -1;
        out->set = 1ULL << k;
        return 0;
    }
    if (json_array_size(v) == 0 || json_array_size(v) > 64) {
        sim_jcheck_error(c, key, "must be a value or a list of 1 to 64 values");
        return -1;
    }
    int bad = 0;
    sim_jcheck_push_key(c, key);
    for (size_t i = 0; i < json_array_size(v); i++) {
        int k;
        sim_jcheck_push_index(c, (int)i);
        json_t *e = json_array_get(v, i);
        if (param == SIM_P_DRUG) {
            k = json_is_string(e) ? drug_of(names, json_string_value(e)) : -1;
            if (k < 0)
                sim_jcheck_error(c, NULL,
                                 "must be the id of a medicine of a resident of the scenario");
        } else if (sim_jcheck_enum_value(c, e, sim_param_vocab(param), &k)) {
            k = -1;
        }
        if (k < 0)
            bad = -1;
        else
            out->set |= 1ULL << k;
        sim_jcheck_pop(c);
    }
    sim_jcheck_pop(c);
    return bad;
}

int sim_match_check(struct sim_jcheck *c, const json_t *obj, const struct sim_names *names,
                    struct sim_match *out)
{
    memset(out, 0, sizeof(*out));
    out->type = -1;
    out->resident = -1;
    if (sim_jcheck_object(c, obj))
        return -1;
    int type = -1, bad = 0;
    if (sim_jcheck_enum(c, obj, "type", 1, SIM_VOCAB_ACTION, &type))
        return -1;
    out->type = type;
    bad |= resident_of(c, obj, "resident", names, 0, &out->resident);
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)obj, key, v) {
        if (is_common(key, 0))
            continue;
        if (type == SIM_ACTION_CALL && strcmp(key, "sbar") == 0) {
            static const char *const keys[] = {"complete", "news2_correct", "facts", NULL};
            sim_jcheck_push_key(c, key);
            int b = sim_jcheck_object(c, v);
            if (!b) {
                b |= sim_jcheck_keys(c, v, keys);
                b |= sim_jcheck_bool(c, v, "complete", 0, &out->sbar_complete);
                b |= sim_jcheck_bool(c, v, "news2_correct", 0, &out->sbar_news2_correct);
                b |= facts_of(c, v, "facts", &out->sbar_facts);
            }
            sim_jcheck_pop(c);
            bad |= b;
            continue;
        }
        if (type == SIM_ACTION_DOCUMENT && strcmp(key, "facts") == 0) {
            bad |= facts_of(c, obj, "facts", &out->facts);
            continue;
        }
        if (type == SIM_ACTION_SCORE_NEWS2 && strcmp(key, "correct") == 0) {
            bad |= sim_jcheck_bool(c, obj, "correct", 0, &out->sbar_news2_correct);
            continue;
        }
        int p = sim_vocab_find(SIM_VOCAB_PARAM, key);
        if (p < 0 || !sim_param_allowed(type, p)) {
            sim_jcheck_error(c, key, p < 0 ? "unknown field" : "not a parameter of %s",
                             sim_vocab_id(SIM_VOCAB_ACTION, type));
            bad = -1;
            continue;
        }
        if (out->np == SIM_MAX_MATCH_PARAM) {
            sim_jcheck_error(c, key, "a pattern has at most %d parameters", SIM_MAX_MATCH_PARAM);
            bad = -1;
            continue;
        }
        bad |= match_param(c, key, p, v, names, &out->p[out->np++]);
    }
    return bad ? -1 : 0;
}

int sim_match_action(const struct sim_match *m, const struct sim_action *a)
{
    if (m->type != a->type)
        return 0;
    if (m->resident >= 0 && m->resident != a->resident)
        return 0;
    for (int i = 0; i < m->np; i++) {
        const struct sim_match_param *p = &m->p[i];
        int v = a->param[p->param];
        if (v < 0)
            return 0;
        if (p->mode == SIM_MATCH_SET ? !(p->set >> v & 1) : v < p->min || v > p->max)
            return 0;
    }
    if (m->sbar_complete && !a->sbar_complete)
        return 0;
    if (m->sbar_news2_correct && !a->news2_correct)
        return 0;
    if ((a->sbar.facts & m->sbar_facts) != m->sbar_facts)
        return 0;
    if ((a->facts & m->facts) != m->facts)
        return 0;
    return 1;
}

int sim_actions_parse(const char *text, size_t len, const struct sim_names *names,
                      struct sim_actions **out, struct sim_errors *errs)
{
    static const char *const keys[] = {"format", "scenario", "comment", "actions", NULL};
    *out = NULL;
    json_t *root;
    if (sim_jcheck_parse(text, len, SIM_ACTIONS_MAX_BYTES, errs, &root))
        return -1;
    struct sim_jcheck c;
    sim_jcheck_init(&c, text, len, errs);
    int bad = sim_jcheck_keys(&c, root, keys);
    const char *format = NULL, *scenario = NULL, *comment = NULL;
    bad |= sim_jcheck_str(&c, root, "format", 1, 64, &format);
    if (format && strcmp(format, SIM_ACTIONS_FORMAT) != 0) {
        sim_jcheck_error(&c, "format", "must be \"%s\"", SIM_ACTIONS_FORMAT);
        bad = -1;
    }
    bad |= sim_jcheck_str(&c, root, "comment", 0, SIM_TEXT_MAX, &comment);
    bad |= sim_jcheck_id(&c, root, "scenario", 1, &scenario);
    if (scenario && names->scenario && strcmp(scenario, names->scenario) != 0) {
        sim_jcheck_error(&c, "scenario", "is for scenario \"%s\", not \"%s\"", scenario,
                         names->scenario);
        bad = -1;
    }
    json_t *list = json_object_get(root, "actions");
    size_t n = json_is_array(list) ? json_array_size(list) : 0;
    if (!json_is_array(list) || n > SIM_MAX_ACTIONS) {
        sim_jcheck_error(&c, "actions", list ? "must be a list of at most %d actions" : "required",
                         SIM_MAX_ACTIONS);
        sim_errors_sort(errs);
        json_decref(root);
        return -1;
    }
    struct sim_actions *a = cc_calloc(1, sizeof(*a) + n * sizeof(a->a[0]));
    if (!a) {
        json_decref(root);
        sim_errors_add(errs, 0, "$", "out of memory");
        return -1;
    }
    a->root = root;
    a->n = n;
    sim_jcheck_push_key(&c, "actions");
    int64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        sim_jcheck_push_index(&c, (int)i);
        if (sim_action_check(&c, json_array_get(list, i), names, 1, &a->a[i]))
            bad = -1;
        else if (a->a[i].at_ms < last) {
            char t[32];
            sim_format_time(last, t, sizeof(t));
            sim_jcheck_error(&c, "at",
                             "is earlier than the action before (%s): times never go back", t);
            bad = -1;
        } else {
            last = a->a[i].at_ms;
        }
        sim_jcheck_pop(&c);
    }
    sim_jcheck_pop(&c);
    if (bad) {
        sim_errors_sort(errs);
        sim_actions_free(&a);
        return -1;
    }
    *out = a;
    return 0;
}

void sim_actions_free(struct sim_actions **a)
{
    if (!*a)
        return;
    json_decref((*a)->root);
    cc_free(*a);
    *a = NULL;
}
