#include "competency/evidence.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

#define ADL              "http://adlnet.gov/expapi/verbs/"
#define CMI5_SATISFIED   "https://w3id.org/xapi/adl/verbs/satisfied"
#define VERB_VOIDED      ADL "voided"
#define CFITEM_IRI_CHARS (sizeof(MASTERY_ITEM_IRI) - 1)

/* What a verb says on its own, when the result says nothing. */
enum verb_meaning { VERB_NOTHING, VERB_PASS, VERB_FAIL, VERB_DID };

static enum verb_meaning verb_meaning(const char *verb)
{
    static const struct {
        const char *id;
        enum verb_meaning meaning;
    } table[] = {
        {ADL "passed", VERB_PASS},  {ADL "mastered", VERB_PASS},   {CMI5_SATISFIED, VERB_PASS},
        {ADL "failed", VERB_FAIL},  {ADL "completed", VERB_DID},   {ADL "attempted", VERB_DID},
        {ADL "answered", VERB_DID}, {ADL "experienced", VERB_DID}, {ADL "progressed", VERB_DID},
    };
    for (size_t i = 0; verb && i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(verb, table[i].id) == 0)
            return table[i].meaning;
    return VERB_NOTHING;
}

/* X in [0, 1] as thousandths, rounded half up; clamped. */
static int thousandths(double x)
{
    if (!(x > 0)) /* also NaN */
        return 0;
    if (x >= 1)
        return 1000;
    return (int)(x * 1000.0 + 0.5);
}

void mastery_score_statement(const json_t *st, struct mastery_score *out)
{
    memset(out, 0, sizeof(*out));
    const char *verb = json_string_value(json_object_get(json_object_get(st, "verb"), "id"));
    if (!verb || strcmp(verb, VERB_VOIDED) == 0)
        return;
    const json_t *result = json_object_get(st, "result");
    const json_t *score = json_object_get(result, "score");
    const json_t *success = json_object_get(result, "success");
    const json_t *scaled = json_object_get(score, "scaled");
    const json_t *raw = json_object_get(score, "raw");
    const json_t *min = json_object_get(score, "min");
    const json_t *max = json_object_get(score, "max");
    enum verb_meaning meaning = verb_meaning(verb);
    int have = 1;
    if (json_is_number(scaled)) {
        out->score = thousandths(json_number_value(scaled));
    } else if (json_is_number(raw) && json_is_number(min) && json_is_number(max) &&
               json_number_value(max) > json_number_value(min)) {
        double lo = json_number_value(min), hi = json_number_value(max);
        out->score = thousandths((json_number_value(raw) - lo) / (hi - lo));
    } else if (json_is_boolean(success)) {
        out->score = json_is_true(success) ? 1000 : 0;
    } else if (meaning == VERB_PASS || meaning == VERB_FAIL) {
        out->score = meaning == VERB_PASS ? 1000 : 0;
    } else {
        have = 0;
    }
    if (!have) {
        out->kind = meaning == VERB_DID ? MASTERY_UNSCORED : MASTERY_NO_EVIDENCE;
        return;
    }
    out->kind = MASTERY_SCORED;
    if (json_is_boolean(success))
        out->passed = json_is_true(success);
    else if (meaning == VERB_PASS || meaning == VERB_FAIL)
        out->passed = meaning == VERB_PASS;
    else
        out->passed = out->score >= MASTERY_PASS_SCORE;
}

static int newer(const struct mastery_result *a, int64_t at, int64_t seq)
{
    return a->at > at || (a->at == at && a->seq > seq);
}

int mastery_window_add(struct mastery_window *w, const struct mastery_result *r)
{
    int pos = 0;
    while (pos < w->n && newer(&w->r[pos], r->at, r->seq))
        pos++;
    if (pos >= MASTERY_WINDOW)
        return 0;
    int keep = w->n < MASTERY_WINDOW ? w->n : MASTERY_WINDOW - 1;
    memmove(&w->r[pos + 1], &w->r[pos], (size_t)(keep - pos) * sizeof(w->r[0]));
    w->r[pos] = *r;
    w->n = keep + 1;
    return 1;
}

void mastery_window_format(const struct mastery_window *w, char *out, size_t size)
{
    size_t len = 0;
    if (!size)
        return;
    out[0] = 0;
    for (int i = 0; i < w->n && len < size; i++) {
        int n =
            snprintf(out + len, size - len, "%s%lld:%lld:%d:%d", i ? "," : "",
                     (long long)w->r[i].at, (long long)w->r[i].seq, w->r[i].score, w->r[i].passed);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

void mastery_window_parse(const char *s, struct mastery_window *w)
{
    memset(w, 0, sizeof(*w));
    while (s && *s && w->n < MASTERY_WINDOW) {
        long long at, seq;
        int score, passed, used = 0;
        if (sscanf(s, "%lld:%lld:%d:%d%n", &at, &seq, &score, &passed, &used) != 4)
            break;
        w->r[w->n++] = (struct mastery_result){at, seq, score, passed};
        s += used;
        if (*s == ',')
            s++;
    }
}

int mastery_window_has(const struct mastery_window *w, int64_t at, int64_t seq)
{
    for (int i = 0; i < w->n; i++)
        if (w->r[i].at == at && w->r[i].seq == seq)
            return 1;
    return 0;
}

int mastery_own_level(int64_t evidence, int64_t passed, const struct mastery_window *w)
{
    if (evidence <= 0)
        return MASTERY_NOT_STARTED;
    int64_t sum = 0;
    int all_passed = w->n > 0;
    for (int i = 0; i < w->n; i++) {
        sum += w->r[i].score;
        all_passed = all_passed && w->r[i].passed;
    }
    /* Means are compared exactly: sum >= threshold * n. */
    int64_t n = w->n;
    if (passed >= MASTERY_MASTERED_PASSES && n == MASTERY_WINDOW && all_passed &&
        sum >= MASTERY_MASTERED_MEAN * n)
        return MASTERY_MASTERED;
    if (passed >= MASTERY_PROFICIENT_PASSES && n > 0 && w->r[0].passed &&
        sum >= MASTERY_PROFICIENT_MEAN * n)
        return MASTERY_PROFICIENT;
    if (passed >= 1 || (n > 0 && sum >= MASTERY_DEVELOPING_MEAN * n))
        return MASTERY_DEVELOPING;
    return MASTERY_BEGINNING;
}

int mastery_rollup_level(int64_t sum, int64_t started, int64_t nchildren)
{
    if (started <= 0 || nchildren <= 0)
        return MASTERY_NOT_STARTED;
    int64_t mean = sum / nchildren;
    if (mean < MASTERY_BEGINNING)
        return MASTERY_BEGINNING;
    return mean > MASTERY_LEVEL_MAX ? MASTERY_LEVEL_MAX : (int)mean;
}

int mastery_combined_level(int own, int rollup)
{
    return own > rollup ? own : rollup;
}

int mastery_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* S as a lower-case UUID in OUT; 0 when it is not a UUID in any case. */
static int uuid_lower(const char *s, char out[37])
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++)
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]);
    out[36] = 0;
    return mastery_is_uuid(out);
}

int mastery_statement_items(const json_t *st, mastery_item_fn fn, void *ctx)
{
    char id[37];
    const json_t *ext = json_object_get(
        json_object_get(json_object_get(st, "context"), "extensions"), MASTERY_EXT_CFITEMS);
    size_t i;
    const json_t *v;
    int rc;
    json_array_foreach (ext, i, v) {
        if (uuid_lower(json_string_value(v), id) && (rc = fn(ctx, id)))
            return rc;
    }
    const json_t *object = json_object_get(st, "object");
    const char *type = json_string_value(json_object_get(object, "objectType"));
    const char *oid = json_string_value(json_object_get(object, "id"));
    if ((!type || strcmp(type, "Activity") == 0) && oid &&
        strncmp(oid, MASTERY_ITEM_IRI, CFITEM_IRI_CHARS) == 0 &&
        uuid_lower(oid + CFITEM_IRI_CHARS, id) && (rc = fn(ctx, id)))
        return rc;
    return 0;
}
