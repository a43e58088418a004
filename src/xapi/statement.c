#include "xapi/statement.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json.h"
#include "xapi/validate.h"

#include "util/banned.h"

/*
 * One validation: the version, where we are and where a problem goes. Every
 * checker returns XAPI_OK or XAPI_ERR_INVALID (XAPI_ERR_NOMEM at worst); on
 * success it leaves the path as it found it, on a problem where the problem
 * is (P holds the rendered copy and validation stops).
 */
struct check {
    enum xapi_version v;
    struct xapi_path path;
    struct xapi_problem *p;
};

static int problem(struct check *c, const char *msg, const char *arg)
{
    return xapi_problem_set(c->p, &c->path, msg, arg);
}

/* The problem "is required" for the missing property KEY of the current object. */
static int missing(struct check *c, const char *key)
{
    xapi_path_key(&c->path, key);
    return problem(c, "xapi_required", NULL);
}

static int want_object(struct check *c, const json_t *v)
{
    return json_is_object(v) ? XAPI_OK : xapi_value_problem(v, &c->path, c->p, "xapi_not_object");
}

/* ------------------------------------------------------- simple values */

enum kind {
    K_STRING,
    K_IRI,
    K_IRL,
    K_UUID,
    K_LANG_TAG,
    K_TIMESTAMP,
    K_DURATION,
    K_BOOL,
    K_NUMBER,
};

static int value_check(struct check *c, const json_t *v, enum kind kind)
{
    if (kind == K_BOOL)
        return json_is_boolean(v) ? XAPI_OK
                                  : xapi_value_problem(v, &c->path, c->p, "xapi_not_boolean");
    if (kind == K_NUMBER)
        return json_is_number(v) ? XAPI_OK
                                 : xapi_value_problem(v, &c->path, c->p, "xapi_not_number");
    const char *s;
    int rc = xapi_string_check(v, &c->path, c->p, &s);
    if (rc)
        return rc;
    switch (kind) {
    case K_IRI:
        return xapi_iri_valid(s) ? XAPI_OK : problem(c, "xapi_iri", NULL);
    case K_IRL:
        return xapi_iri_valid(s) ? XAPI_OK : problem(c, "xapi_irl", NULL);
    case K_UUID:
        return xapi_uuid_valid(s) ? XAPI_OK : problem(c, "xapi_uuid", NULL);
    case K_LANG_TAG:
        return xapi_lang_tag_valid(s) ? XAPI_OK : problem(c, "xapi_lang_tag", NULL);
    case K_TIMESTAMP:
        if (xapi_timestamp_valid(s, c->v))
            return XAPI_OK;
        return problem(c, c->v == XAPI_V20 ? "xapi_timestamp_20" : "xapi_timestamp_103", NULL);
    case K_DURATION:
        return xapi_duration_valid(s) ? XAPI_OK : problem(c, "xapi_duration", NULL);
    default:
        return XAPI_OK;
    }
}

/* The property KEY of OBJ, when present (or REQUIRED), is a value of KIND. */
static int field(struct check *c, const json_t *obj, const char *key, enum kind kind, int required)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return required ? missing(c, key) : XAPI_OK;
    size_t mark = xapi_path_key(&c->path, key);
    int rc = value_check(c, v, kind);
    if (rc == XAPI_OK)
        xapi_path_pop(&c->path, mark);
    return rc;
}

/* A string property that must be one of VALUES (NULL-ended); *OUT gets it. */
static int field_enum(struct check *c, const json_t *obj, const char *key,
                      const char *const *values, const char *list, const char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return XAPI_OK;
    size_t mark = xapi_path_key(&c->path, key);
    const char *s;
    int rc = xapi_string_check(v, &c->path, c->p, &s);
    if (rc)
        return rc;
    for (const char *const *a = values; *a; a++) {
        if (strcmp(*a, s) == 0) {
            *out = *a;
            xapi_path_pop(&c->path, mark);
            return XAPI_OK;
        }
    }
    return problem(c, "xapi_enum", list);
}

/* A language map: an object from RFC 5646 tags to strings. */
static int lang_map_check(struct check *c, const json_t *map)
{
    if (!json_is_object(map))
        return xapi_value_problem(map, &c->path, c->p, "xapi_lang_map");
    const char *tag;
    json_t *text;
    json_object_foreach ((json_t *)map, tag, text) {
        size_t mark = xapi_path_entry(&c->path, tag);
        if (!xapi_lang_tag_valid(tag))
            return problem(c, "xapi_lang_tag", NULL);
        const char *s;
        int rc = xapi_string_check(text, &c->path, c->p, &s);
        if (rc)
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    return XAPI_OK;
}

/* Extensions: an object whose keys are IRIs; the values are anything, null included. */
static int extensions_check(struct check *c, const json_t *ext)
{
    if (!json_is_object(ext))
        return xapi_value_problem(ext, &c->path, c->p, "xapi_not_object");
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)ext, key, value) {
        if (!xapi_iri_valid(key)) {
            xapi_path_entry(&c->path, key);
            return problem(c, "xapi_extension_key", NULL);
        }
    }
    return XAPI_OK;
}

/* Runs CHECK on the property KEY of OBJ when it is present. */
static int member(struct check *c, const json_t *obj, const char *key,
                  int (*check)(struct check *, const json_t *))
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return XAPI_OK;
    size_t mark = xapi_path_key(&c->path, key);
    int rc = check(c, v);
    if (rc == XAPI_OK)
        xapi_path_pop(&c->path, mark);
    return rc;
}

static int keys(struct check *c, const json_t *obj, const char *const *allowed, const char *kind)
{
    return xapi_keys_check(obj, allowed, NULL, kind, &c->path, c->p);
}

/* -------------------------------------------------------- agents, groups */

static int agent_or_group(struct check *c, const json_t *a)
{
    return xapi_agent_check(a, c->v, &c->path, c->p);
}

/*
 * An Agent or Group whose role demands one kind: WANT is "Agent" (objectType
 * absent or "Agent") or "Group" (objectType "Group", which a Group must say).
 */
static int agent_of_kind(struct check *c, const json_t *a, const char *want)
{
    if (!json_is_object(a))
        return xapi_value_problem(a, &c->path, c->p, "xapi_not_object");
    const json_t *type = json_object_get(a, "objectType");
    const char *t = json_string_value(type);
    int group = strcmp(want, "Group") == 0;
    if (group ? !t || strcmp(t, "Group") != 0 : t && strcmp(t, "Agent") != 0) {
        xapi_path_key(&c->path, "objectType");
        if (type && !t)
            return xapi_value_problem(type, &c->path, c->p, "xapi_not_string");
        return problem(c, group ? "xapi_must_be_group" : "xapi_must_be_agent", NULL);
    }
    return agent_or_group(c, a);
}

static int group_check(struct check *c, const json_t *a)
{
    return agent_of_kind(c, a, "Group");
}

/*
 * The authority: an Agent, or (OAuth 1.0) an anonymous Group of exactly two
 * Agents, the consumer application and the user.
 */
static int authority_check(struct check *c, const json_t *a)
{
    int rc = agent_or_group(c, a);
    if (rc)
        return rc;
    const char *type = json_string_value(json_object_get(a, "objectType"));
    if (!type || strcmp(type, "Group") != 0)
        return XAPI_OK;
    static const char *const ifis[] = {"mbox", "mbox_sha1sum", "openid", "account"};
    for (int i = 0; i < 4; i++)
        if (json_object_get(a, ifis[i]))
            return problem(c, "xapi_authority_identified", NULL);
    size_t n = json_array_size(json_object_get(a, "member"));
    if (n != 2) {
        char count[24];
        snprintf(count, sizeof(count), "%zu", n);
        xapi_path_key(&c->path, "member");
        return problem(c, "xapi_authority_members", count);
    }
    return XAPI_OK;
}

/* ------------------------------------------------------------- activity */

static const char *const interaction_types[] = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other",        NULL};

static const char *const component_lists[] = {"choices", "scale", "source", "target", "steps"};

/*
 * Whether the interaction component list LIST may be used with TYPE (the
 * table "supported interaction component list(s)" of the specification).
 */
static int list_allowed(const char *type, const char *list)
{
    if (strcmp(list, "choices") == 0)
        return strcmp(type, "choice") == 0 || strcmp(type, "sequencing") == 0;
    if (strcmp(list, "scale") == 0)
        return strcmp(type, "likert") == 0;
    if (strcmp(list, "source") == 0 || strcmp(list, "target") == 0)
        return strcmp(type, "matching") == 0;
    return strcmp(type, "performance") == 0; /* steps */
}

struct component_id {
    const char *id;
    size_t index;
};

static int component_id_cmp(const void *a, const void *b)
{
    const struct component_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The problem "repeats an id" at the component I of the list at hand. */
static int component_id_problem(struct check *c, size_t i)
{
    xapi_path_index(&c->path, i);
    xapi_path_key(&c->path, "id");
    return problem(c, "xapi_component_id_duplicate", NULL);
}

/*
 * The ids of the components in LIST (all strings, already checked) are
 * distinct; the first component that repeats an earlier id is the problem.
 * Short lists, the usual case, are compared pairwise without allocating;
 * long ones are sorted so that hostile input stays O(n log n).
 */
static int component_ids_distinct(struct check *c, const json_t *list)
{
    size_t n = json_array_size(list);
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            const char *id = json_get_str(json_array_get(list, i), "id");
            for (size_t j = 0; j < i; j++)
                if (strcmp(id, json_get_str(json_array_get(list, j), "id")) == 0)
                    return component_id_problem(c, i);
        }
        return XAPI_OK;
    }
    struct component_id *ids = cc_malloc(n * sizeof(*ids));
    if (!ids)
        return XAPI_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        ids[i].id = json_get_str(json_array_get(list, i), "id");
        ids[i].index = i;
    }
    /* Sorted by id, then position: each repeat follows the use before it. */
    qsort(ids, n, sizeof(*ids), component_id_cmp);
    size_t first_repeat = SIZE_MAX;
    for (size_t i = 1; i < n; i++)
        if (strcmp(ids[i - 1].id, ids[i].id) == 0 && ids[i].index < first_repeat)
            first_repeat = ids[i].index;
    cc_free(ids);
    return first_repeat == SIZE_MAX ? XAPI_OK : component_id_problem(c, first_repeat);
}

static int components_check(struct check *c, const json_t *list)
{
    static const char *const component_keys[] = {"id", "description", NULL};
    if (!json_is_array(list))
        return xapi_value_problem(list, &c->path, c->p, "xapi_not_array");
    size_t i;
    json_t *comp;
    json_array_foreach (list, i, comp) {
        size_t mark = xapi_path_index(&c->path, i);
        int rc = want_object(c, comp);
        if (!rc)
            rc = keys(c, comp, component_keys, "Interaction Component");
        if (!rc)
            rc = field(c, comp, "id", K_STRING, 1);
        if (!rc)
            rc = member(c, comp, "description", lang_map_check);
        if (rc)
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    return component_ids_distinct(c, list);
}

static int string_array_check(struct check *c, const json_t *list)
{
    if (!json_is_array(list))
        return xapi_value_problem(list, &c->path, c->p, "xapi_not_array");
    size_t i;
    json_t *s;
    json_array_foreach (list, i, s) {
        if (!json_is_string(s)) {
            xapi_path_index(&c->path, i);
            return xapi_value_problem(s, &c->path, c->p, "xapi_not_string");
        }
    }
    return XAPI_OK;
}

static int definition_check(struct check *c, const json_t *d)
{
    static const char *const definition_keys[] = {"name",
                                                  "description",
                                                  "type",
                                                  "moreInfo",
                                                  "extensions",
                                                  "interactionType",
                                                  "correctResponsesPattern",
                                                  "choices",
                                                  "scale",
                                                  "source",
                                                  "target",
                                                  "steps",
                                                  NULL};
    int rc = want_object(c, d);
    if (!rc)
        rc = keys(c, d, definition_keys, "Activity Definition");
    if (!rc)
        rc = member(c, d, "name", lang_map_check);
    if (!rc)
        rc = member(c, d, "description", lang_map_check);
    if (!rc)
        rc = field(c, d, "type", K_IRI, 0);
    if (!rc)
        rc = field(c, d, "moreInfo", K_IRL, 0);
    if (!rc)
        rc = member(c, d, "extensions", extensions_check);
    const char *type = NULL;
    if (!rc)
        rc = field_enum(c, d, "interactionType", interaction_types,
                        "true-false, choice, fill-in, long-fill-in, matching, performance, "
                        "sequencing, likert, numeric, other",
                        &type);
    if (!rc)
        rc = member(c, d, "correctResponsesPattern", string_array_check);
    if (rc)
        return rc;
    int interaction = json_object_get(d, "correctResponsesPattern") != NULL;
    for (size_t i = 0; i < sizeof(component_lists) / sizeof(component_lists[0]); i++) {
        const char *list = component_lists[i];
        if (!json_object_get(d, list))
            continue;
        interaction = 1;
        if (type && !list_allowed(type, list)) {
            xapi_path_key(&c->path, list);
            return problem(c, "xapi_components_not_allowed", type);
        }
        if ((rc = member(c, d, list, components_check)))
            return rc;
    }
    if (interaction && !type) {
        xapi_path_key(&c->path, "interactionType");
        return problem(c, "xapi_interaction_type_required", NULL);
    }
    return XAPI_OK;
}

/* An Activity; its objectType, "Activity", may be left out. */
static int activity_check(struct check *c, const json_t *a)
{
    static const char *const activity_keys[] = {"objectType", "id", "definition", NULL};
    int rc = want_object(c, a);
    if (rc)
        return rc;
    const char *type;
    static const char *const activity_type[] = {"Activity", NULL};
    if ((rc = field_enum(c, a, "objectType", activity_type, "Activity", &type)))
        return rc;
    if ((rc = keys(c, a, activity_keys, "Activity")))
        return rc;
    if ((rc = field(c, a, "id", K_IRI, 1)))
        return rc;
    return member(c, a, "definition", definition_check);
}

/* A StatementRef: objectType "StatementRef" and a UUID id. */
static int statement_ref_check(struct check *c, const json_t *r)
{
    static const char *const ref_keys[] = {"objectType", "id", NULL};
    static const char *const ref_type[] = {"StatementRef", NULL};
    int rc = want_object(c, r);
    if (rc)
        return rc;
    const char *type;
    if ((rc = field_enum(c, r, "objectType", ref_type, "StatementRef", &type)))
        return rc;
    if (!type)
        return missing(c, "objectType");
    if ((rc = keys(c, r, ref_keys, "StatementRef")))
        return rc;
    return field(c, r, "id", K_UUID, 1);
}

/* --------------------------------------------------------------- result */

static int score_check(struct check *c, const json_t *s)
{
    static const char *const score_keys[] = {"scaled", "raw", "min", "max", NULL};
    int rc = want_object(c, s);
    if (!rc)
        rc = keys(c, s, score_keys, "Score");
    for (int i = 0; !rc && score_keys[i]; i++)
        rc = field(c, s, score_keys[i], K_NUMBER, 0);
    if (rc)
        return rc;
    const json_t *scaled = json_object_get(s, "scaled"), *raw = json_object_get(s, "raw");
    const json_t *min = json_object_get(s, "min"), *max = json_object_get(s, "max");
    if (scaled && (json_number_value(scaled) < -1 || json_number_value(scaled) > 1)) {
        xapi_path_key(&c->path, "scaled");
        return problem(c, "xapi_score_scaled", NULL);
    }
    if (min && max && json_number_value(max) <= json_number_value(min)) {
        xapi_path_key(&c->path, "max");
        return problem(c, "xapi_score_max", NULL);
    }
    if (raw && ((min && json_number_value(raw) < json_number_value(min)) ||
                (max && json_number_value(raw) > json_number_value(max)))) {
        xapi_path_key(&c->path, "raw");
        return problem(c, "xapi_score_raw", NULL);
    }
    return XAPI_OK;
}

static int result_check(struct check *c, const json_t *r)
{
    static const char *const result_keys[] = {"score",    "success",    "completion", "response",
                                              "duration", "extensions", NULL};
    int rc = want_object(c, r);
    if (!rc)
        rc = keys(c, r, result_keys, "Result");
    if (!rc)
        rc = member(c, r, "score", score_check);
    if (!rc)
        rc = field(c, r, "success", K_BOOL, 0);
    if (!rc)
        rc = field(c, r, "completion", K_BOOL, 0);
    if (!rc)
        rc = field(c, r, "response", K_STRING, 0);
    if (!rc)
        rc = field(c, r, "duration", K_DURATION, 0);
    if (!rc)
        rc = member(c, r, "extensions", extensions_check);
    return rc;
}

/* -------------------------------------------------------------- context */

/* A contextActivities value: one Activity (accepted, as the suite requires) or an array of them. */
static int context_activity_list(struct check *c, const json_t *list)
{
    if (json_is_object(list))
        return activity_check(c, list);
    if (!json_is_array(list))
        return xapi_value_problem(list, &c->path, c->p, "xapi_context_activities");
    size_t i;
    json_t *a;
    json_array_foreach (list, i, a) {
        size_t mark = xapi_path_index(&c->path, i);
        int rc = activity_check(c, a);
        if (rc)
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    return XAPI_OK;
}

static int context_activities_check(struct check *c, const json_t *ca)
{
    static const char *const ca_keys[] = {"parent", "grouping", "category", "other", NULL};
    int rc = want_object(c, ca);
    if (!rc)
        rc = keys(c, ca, ca_keys, "contextActivities");
    for (int i = 0; !rc && ca_keys[i]; i++)
        rc = member(c, ca, ca_keys[i], context_activity_list);
    return rc;
}

/* relevantTypes of a Context Agent or Group: one or more Activity type IRIs. */
static int relevant_types_check(struct check *c, const json_t *list)
{
    if (!json_is_array(list))
        return xapi_value_problem(list, &c->path, c->p, "xapi_not_array");
    if (json_array_size(list) == 0)
        return problem(c, "xapi_relevant_types_empty", NULL);
    size_t i;
    json_t *t;
    json_array_foreach (list, i, t) {
        size_t mark = xapi_path_index(&c->path, i);
        int rc = value_check(c, t, K_IRI);
        if (rc)
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    return XAPI_OK;
}

static int agent_only(struct check *c, const json_t *a)
{
    return agent_of_kind(c, a, "Agent");
}

/*
 * contextAgents / contextGroups (2.0): arrays of objects with objectType
 * TYPE ("contextAgent" / "contextGroup"), the agent or group under WHO, and
 * optional relevantTypes.
 */
static int context_party_list(struct check *c, const json_t *list, const char *type,
                              const char *who, const char *kind)
{
    const char *const party_keys[] = {"objectType", who, "relevantTypes", NULL};
    const char *const party_type[] = {type, NULL};
    if (!json_is_array(list))
        return xapi_value_problem(list, &c->path, c->p, "xapi_not_array");
    size_t i;
    json_t *party;
    json_array_foreach (list, i, party) {
        size_t mark = xapi_path_index(&c->path, i);
        const char *t;
        int rc = want_object(c, party);
        if (!rc)
            rc = field_enum(c, party, "objectType", party_type, type, &t);
        if (!rc && !t)
            rc = missing(c, "objectType");
        if (!rc)
            rc = keys(c, party, party_keys, kind);
        if (!rc && !json_object_get(party, who))
            rc = missing(c, who);
        if (!rc)
            rc = member(c, party, who, strcmp(who, "group") == 0 ? group_check : agent_only);
        if (!rc)
            rc = member(c, party, "relevantTypes", relevant_types_check);
        if (rc)
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    return XAPI_OK;
}

static int context_agents_check(struct check *c, const json_t *list)
{
    return context_party_list(c, list, "contextAgent", "agent", "Context Agent");
}

static int context_groups_check(struct check *c, const json_t *list)
{
    return context_party_list(c, list, "contextGroup", "group", "Context Group");
}

/* OBJECT_IS_ACTIVITY: whether the statement's object is an Activity (revision, platform). */
static int context_check(struct check *c, const json_t *ctx, int object_is_activity)
{
    static const char *const keys_103[] = {
        "registration", "instructor", "team",      "contextActivities", "revision",
        "platform",     "language",   "statement", "extensions",        NULL};
    static const char *const keys_20[] = {"registration",      "instructor",    "team",
                                          "contextActivities", "contextAgents", "contextGroups",
                                          "revision",          "platform",      "language",
                                          "statement",         "extensions",    NULL};
    int rc = want_object(c, ctx);
    if (rc)
        return rc;
    if (c->v != XAPI_V20) {
        /* Say why rather than only "not a property": these came with 2.0. */
        static const char *const new_in_20[] = {"contextAgents", "contextGroups"};
        for (int i = 0; i < 2; i++) {
            if (json_object_get(ctx, new_in_20[i])) {
                xapi_path_key(&c->path, new_in_20[i]);
                return problem(c, "xapi_property_v20", NULL);
            }
        }
    }
    if ((rc = keys(c, ctx, c->v == XAPI_V20 ? keys_20 : keys_103, "Context")))
        return rc;
    if ((rc = field(c, ctx, "registration", K_UUID, 0)) ||
        (rc = member(c, ctx, "instructor", agent_or_group)) ||
        (rc = member(c, ctx, "team", group_check)) ||
        (rc = member(c, ctx, "contextActivities", context_activities_check)) ||
        (rc = member(c, ctx, "contextAgents", context_agents_check)) ||
        (rc = member(c, ctx, "contextGroups", context_groups_check)) ||
        (rc = field(c, ctx, "revision", K_STRING, 0)) ||
        (rc = field(c, ctx, "platform", K_STRING, 0)) ||
        (rc = field(c, ctx, "language", K_LANG_TAG, 0)) ||
        (rc = member(c, ctx, "statement", statement_ref_check)) ||
        (rc = member(c, ctx, "extensions", extensions_check)))
        return rc;
    if (!object_is_activity) {
        static const char *const activity_only[] = {"revision", "platform"};
        for (int i = 0; i < 2; i++) {
            if (json_object_get(ctx, activity_only[i])) {
                xapi_path_key(&c->path, activity_only[i]);
                return problem(c, "xapi_context_activity_only", NULL);
            }
        }
    }
    return XAPI_OK;
}

/* ---------------------------------------------------------- attachments */

/* An Internet media type: type "/" subtype, each an RFC 7230 token, then optional parameters. */
static int media_type_valid(const char *s)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~";
    int part = 0;
    size_t n = 0;
    for (; *s && *s != ';' && *s != ' ' && *s != '\t'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '/') {
            if (part++ || n == 0)
                return 0;
            n = 0;
        } else if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                   (ch >= 'a' && ch <= 'z') || strchr(tchar, ch)) {
            n++;
        } else {
            return 0;
        }
    }
    if (part != 1 || n == 0)
        return 0;
    /* Then parameters, starting with ";": anything but control characters. */
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s && *s != ';')
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t')
            return 0;
    return 1;
}

/* A SHA-2 digest in hexadecimal: SHA-224, 256, 384 or 512. */
static int sha2_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return 0;
    }
    return n == 56 || n == 64 || n == 96 || n == 128;
}

static int attachment_check(struct check *c, const json_t *a)
{
    static const char *const attachment_keys[] = {
        "usageType", "display", "description", "contentType", "length", "sha2", "fileUrl", NULL};
    int rc = want_object(c, a);
    if (!rc)
        rc = keys(c, a, attachment_keys, "Attachment");
    if (!rc)
        rc = field(c, a, "usageType", K_IRI, 1);
    if (!rc && !json_object_get(a, "display"))
        rc = missing(c, "display");
    if (!rc)
        rc = member(c, a, "display", lang_map_check);
    if (!rc)
        rc = member(c, a, "description", lang_map_check);
    if (!rc)
        rc = field(c, a, "contentType", K_STRING, 1);
    if (!rc)
        rc = field(c, a, "length", K_NUMBER, 1);
    if (!rc)
        rc = field(c, a, "sha2", K_STRING, 1);
    if (!rc)
        rc = field(c, a, "fileUrl", K_IRL, 0);
    if (rc)
        return rc;
    if (!media_type_valid(json_get_str(a, "contentType"))) {
        xapi_path_key(&c->path, "contentType");
        return problem(c, "xapi_content_type", NULL);
    }
    /* An integer; 27.0 is the same number in JSON, so an integral real passes. */
    const json_t *len = json_object_get(a, "length");
    double d = json_number_value(len);
    if (d < 0 || (json_is_real(len) && (d > 9e15 || d != (double)(long long)d))) {
        xapi_path_key(&c->path, "length");
        return problem(c, "xapi_length", NULL);
    }
    if (!sha2_valid(json_get_str(a, "sha2"))) {
        xapi_path_key(&c->path, "sha2");
        return problem(c, "xapi_sha2", NULL);
    }
    return XAPI_OK;
}

static int attachments_check(struct check *c, const json_t *list)
{
    if (!json_is_array(list))
        return xapi_value_problem(list, &c->path, c->p, "xapi_not_array");
    size_t i;
    json_t *a;
    json_array_foreach (list, i, a) {
        size_t mark = xapi_path_index(&c->path, i);
        int rc = attachment_check(c, a);
        if (rc)
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    return XAPI_OK;
}

/* ------------------------------------------------------------ statement */

static int verb_check(struct check *c, const json_t *verb)
{
    static const char *const verb_keys[] = {"id", "display", NULL};
    int rc = want_object(c, verb);
    if (!rc)
        rc = keys(c, verb, verb_keys, "Verb");
    if (!rc)
        rc = field(c, verb, "id", K_IRI, 1);
    if (!rc)
        rc = member(c, verb, "display", lang_map_check);
    return rc;
}

/* "1.0", "1.0.N"; with 2.0 also "2.0", "2.0.N". */
static int version_valid(const char *s, enum xapi_version v)
{
    if (strncmp(s, "1.0", 3) != 0 && (v != XAPI_V20 || strncmp(s, "2.0", 3) != 0))
        return 0;
    s += 3;
    if (!*s)
        return 1;
    if (*s++ != '.' || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

enum object_kind { OBJ_ACTIVITY, OBJ_AGENT, OBJ_GROUP, OBJ_STATEMENT_REF, OBJ_SUBSTATEMENT };

static int statement_check(struct check *c, const json_t *st, int sub);

/* The object of a statement (SUB: of a SubStatement); its kind goes to *KIND. */
static int object_check(struct check *c, const json_t *o, int sub, enum object_kind *kind)
{
    static const char *const types[] = {"Activity",     "Agent",        "Group",
                                        "StatementRef", "SubStatement", NULL};
    int rc = want_object(c, o);
    if (rc)
        return rc;
    const char *type;
    if ((rc = field_enum(c, o, "objectType", types,
                         "Activity, Agent, Group, StatementRef, SubStatement", &type)))
        return rc;
    *kind = OBJ_ACTIVITY;
    for (int i = 0; type && types[i]; i++)
        if (type == types[i])
            *kind = (enum object_kind)i;
    if (!type) {
        /* An Agent or Group as object must say so; name that rather than "id is required". */
        static const char *const agent_keys[] = {"mbox", "mbox_sha1sum", "openid", "account",
                                                 "member"};
        for (int i = 0; i < 5; i++) {
            if (json_object_get(o, agent_keys[i])) {
                xapi_path_key(&c->path, "objectType");
                return problem(c, "xapi_object_type_required", NULL);
            }
        }
    }
    switch (*kind) {
    case OBJ_ACTIVITY:
        return activity_check(c, o);
    case OBJ_AGENT:
    case OBJ_GROUP:
        return agent_or_group(c, o);
    case OBJ_STATEMENT_REF:
        return statement_ref_check(c, o);
    case OBJ_SUBSTATEMENT:
        if (sub) {
            xapi_path_key(&c->path, "objectType");
            return problem(c, "xapi_substatement_nested", NULL);
        }
        return statement_check(c, o, 1);
    }
    return XAPI_OK;
}

/* A statement, or with SUB a SubStatement (no id, stored, version, authority). */
static int statement_check(struct check *c, const json_t *st, int sub)
{
    static const char *const statement_keys[] = {"id",        "actor",   "verb",        "object",
                                                 "result",    "context", "timestamp",   "stored",
                                                 "authority", "version", "attachments", NULL};
    static const char *const substatement_keys[] = {"objectType", "actor",       "verb",
                                                    "object",     "result",      "context",
                                                    "timestamp",  "attachments", NULL};
    int rc = want_object(c, st);
    if (rc)
        return rc;
    if (sub) {
        static const char *const not_in_sub[] = {"id", "stored", "version", "authority"};
        for (int i = 0; i < 4; i++) {
            if (json_object_get(st, not_in_sub[i])) {
                xapi_path_key(&c->path, not_in_sub[i]);
                return problem(c, "xapi_substatement_property", NULL);
            }
        }
    }
    /*
     * A 2.0 statement may say "timestamp": null for "no timestamp": the 2.0
     * suite sends that and expects the LRS to set timestamp to stored.
     */
    const char *nullable = !sub && c->v == XAPI_V20 ? "timestamp" : NULL;
    if ((rc = xapi_keys_check(st, sub ? substatement_keys : statement_keys, nullable,
                              sub ? "SubStatement" : "Statement", &c->path, c->p)))
        return rc;
    static const char *const required[] = {"actor", "verb", "object"};
    for (int i = 0; i < 3; i++)
        if (!json_object_get(st, required[i]))
            return missing(c, required[i]);

    if ((rc = field(c, st, "id", K_UUID, 0)) || (rc = member(c, st, "actor", agent_or_group)) ||
        (rc = member(c, st, "verb", verb_check)))
        return rc;
    enum object_kind kind;
    const json_t *object = json_object_get(st, "object");
    size_t mark = xapi_path_key(&c->path, "object");
    if ((rc = object_check(c, object, sub, &kind)))
        return rc;
    xapi_path_pop(&c->path, mark);
    if ((rc = member(c, st, "result", result_check)))
        return rc;
    const json_t *context = json_object_get(st, "context");
    if (context) {
        mark = xapi_path_key(&c->path, "context");
        if ((rc = context_check(c, context, kind == OBJ_ACTIVITY)))
            return rc;
        xapi_path_pop(&c->path, mark);
    }
    if ((!json_is_null(json_object_get(st, "timestamp")) &&
         (rc = field(c, st, "timestamp", K_TIMESTAMP, 0))) ||
        (rc = field(c, st, "stored", K_TIMESTAMP, 0)) ||
        (rc = member(c, st, "authority", authority_check)) ||
        (rc = member(c, st, "attachments", attachments_check)))
        return rc;
    const json_t *version = json_object_get(st, "version");
    if (version) {
        const char *s;
        mark = xapi_path_key(&c->path, "version");
        if ((rc = xapi_string_check(version, &c->path, c->p, &s)))
            return rc;
        if (!version_valid(s, c->v))
            return problem(c, "xapi_statement_version",
                           c->v == XAPI_V20 ? "1.0, 1.0.x, 2.0, 2.0.x" : "1.0, 1.0.x");
        xapi_path_pop(&c->path, mark);
    }
    /* A voiding statement names the statement it voids. */
    const char *verb_id = json_get_str(json_object_get(st, "verb"), "id");
    if (!sub && kind != OBJ_STATEMENT_REF && strcmp(verb_id, XAPI_VERB_VOIDED) == 0) {
        xapi_path_key(&c->path, "object");
        xapi_path_key(&c->path, "objectType");
        return problem(c, "xapi_voiding_object", NULL);
    }
    return XAPI_OK;
}

/* Validates ST, the statement INDEX of a batch (SIZE_MAX: alone). */
static int statement_at(const json_t *st, enum xapi_version v, size_t index, struct xapi_problem *p)
{
    struct check c = {.v = v, .p = p};
    xapi_path_init(&c.path, "");
    if (index != SIZE_MAX)
        xapi_path_index(&c.path, index);
    return statement_check(&c, st, 0);
}

int xapi_statement_validate(const json_t *st, enum xapi_version v, struct xapi_problem *p)
{
    assert(p);
    return statement_at(st, v, SIZE_MAX, p);
}

struct batch_id {
    unsigned char uuid[16];
    size_t index;
};

static int batch_id_cmp(const void *a, const void *b)
{
    const struct batch_id *x = a, *y = b;
    int c = memcmp(x->uuid, y->uuid, sizeof(x->uuid));
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The statements of the valid batch LIST do not share an id. */
static int batch_ids_distinct(const json_t *list, struct xapi_problem *p)
{
    size_t n = json_array_size(list), count = 0;
    if (n < 2)
        return XAPI_OK;
    struct batch_id *ids = cc_malloc(n * sizeof(*ids));
    if (!ids)
        return XAPI_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *id = json_get_str(json_array_get(list, i), "id");
        if (id && xapi_uuid_parse(id, ids[count].uuid) == 0)
            ids[count++].index = i;
    }
    qsort(ids, count, sizeof(*ids), batch_id_cmp);
    /*
     * Sorted by id, then by position: each repeat follows the use before it.
     * Report the repeat that comes first in the batch.
     */
    size_t first = 0, second = SIZE_MAX;
    for (size_t i = 1; i < count; i++) {
        if (memcmp(ids[i - 1].uuid, ids[i].uuid, sizeof(ids[i].uuid)) == 0 &&
            ids[i].index < second) {
            second = ids[i].index;
            first = ids[i - 1].index;
        }
    }
    cc_free(ids);
    if (second == SIZE_MAX)
        return XAPI_OK;
    char arg[32];
    snprintf(arg, sizeof(arg), "[%zu]", first);
    struct xapi_path path;
    xapi_path_init(&path, "");
    xapi_path_index(&path, second);
    xapi_path_key(&path, "id");
    return xapi_problem_set(p, &path, "xapi_batch_duplicate_id", arg);
}

int xapi_statements_validate(const json_t *body, enum xapi_version v, struct xapi_problem *p)
{
    assert(p);
    if (json_is_object(body))
        return statement_at(body, v, SIZE_MAX, p);
    if (!json_is_array(body))
        return xapi_problem_set(p, NULL, "xapi_statements_body", NULL);
    size_t i;
    json_t *st;
    json_array_foreach (body, i, st) {
        int rc = statement_at(st, v, i, p);
        if (rc)
            return rc;
    }
    return batch_ids_distinct(body, p);
}
