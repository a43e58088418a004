#include "credential/achievement.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/account.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/statements.h"
#include "util/banned.h"

/* ------------------------------------------------------------ images */

/* Whether S holds NEEDLE, ASCII case ignored. */
static int has_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (strncasecmp(s, needle, n) == 0)
            return 1;
    return 0;
}

int achievement_svg_ok(const char *svg)
{
    size_t n = svg ? strlen(svg) : 0;
    if (!n || n > ACH_IMAGE_MAX || !utf8_valid(svg, n))
        return 0;
    const char *s = svg;
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    if (strncmp(s, "<?xml", 5) == 0) {
        s = strstr(s, "?>");
        if (!s)
            return 0;
        s += 2;
        while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
            s++;
    }
    if (strncmp(s, "<svg", 4) != 0 || !strstr(s, "</svg>"))
        return 0;
    static const char *const banned[] = {
        "<script",    "javascript:", "<foreignobject", "<!doctype", "<!entity", "<iframe",
        "<embed",     "<object",     "@import",        "url(http",  "url(//",   "href=\"http",
        "href='http", "href=\"//",   "href='//",       "data:text", "<use",
    };
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
        if (has_ci(s, banned[i]))
            return 0;
    /* Event attributes: whitespace, "on", letters, optional spaces, "=". */
    for (const char *c = s; *c; c++) {
        if (!(c[0] == ' ' || c[0] == '\n' || c[0] == '\t' || c[0] == '\r' || c[0] == '/'))
            continue;
        if ((c[1] | 32) != 'o' || (c[2] | 32) != 'n')
            continue;
        const char *e = c + 3;
        while (isalpha((unsigned char)*e))
            e++;
        while (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r')
            e++;
        if (e > c + 3 && *e == '=')
            return 0;
    }
    return 1;
}

/* Appends S to B with the five XML characters escaped. */
static int xml_text(struct buf *b, const char *s)
{
    int err = 0;
    for (; *s && !err; s++) {
        switch (*s) {
        case '&':
            err = buf_adds(b, "&amp;");
            break;
        case '<':
            err = buf_adds(b, "&lt;");
            break;
        case '>':
            err = buf_adds(b, "&gt;");
            break;
        case '"':
            err = buf_adds(b, "&quot;");
            break;
        case '\'':
            err = buf_adds(b, "&#39;");
            break;
        default:
            err = buf_addc(b, *s);
        }
    }
    return err;
}

/* The first MAX characters of S (UTF-8) into OUT, with "…" when cut. */
static void cut(const char *s, size_t max, char *out, size_t size)
{
    size_t chars = 0, i = 0;
    while (s[i] && chars < max) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    if (!s[i] || i + 4 > size) {
        utf8_copy(out, size, s);
        if (s[i])
            utf8_copy(out, size - 4 > i ? i + 1 : size - 4, s);
        return;
    }
    memcpy(out, s, i);
    memcpy(out + i, "\xE2\x80\xA6", 4);
}

char *achievement_svg(const char *code, const char *name_en, const char *name_zh, int level)
{
    /* Calm colours with white text of at least 4.5:1 contrast; by level, else a neutral blue. */
    static const char *const fills[] = {"#1d4ed8", "#1d4ed8", "#0f766e", "#1d4ed8", "#7c2d12"};
    static const char *const rings[] = {"#93c5fd", "#93c5fd", "#5eead4", "#93c5fd", "#fdba74"};
    int k = level >= 2 && level <= 4 ? level : 0;
    /* Large enough to read at 88 px: the code, else a short name, and a few Chinese characters. */
    int coded = code && *code;
    char en[64], zh[64];
    cut(coded ? code : name_en ? name_en : "", coded ? 12 : 10, en, sizeof(en));
    cut(name_zh ? name_zh : "", 5, zh, sizeof(zh));
    /* A code such as "NA.S01" may repeat at the start of the Chinese name: show what follows. */
    if (coded && name_zh && strncmp(name_zh, code, strlen(code)) == 0) {
        const char *rest = name_zh + strlen(code);
        while (*rest == ' ')
            rest++;
        cut(rest, 5, zh, sizeof(zh));
    }
    struct buf b;
    buf_init(&b, ACH_IMAGE_MAX);
    int err = buf_addf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 200\" "
                           "width=\"200\" height=\"200\" role=\"img\" aria-label=\"");
    err = err || xml_text(&b, name_en ? name_en : "");
    err = err || buf_addf(&b,
                          "\"><circle cx=\"100\" cy=\"100\" r=\"96\" fill=\"%s\"/>"
                          "<circle cx=\"100\" cy=\"100\" r=\"84\" fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"6\"/>"
                          "<g fill=\"#ffffff\" text-anchor=\"middle\" font-family=\"system-ui, "
                          "'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', "
                          "sans-serif\" font-weight=\"700\">",
                          fills[k], rings[k]);
    for (int i = 0; i < k - 1 && !err; i++)
        err = buf_addf(&b,
                       "<path d=\"M%d 40 l5 10 11 1 -8 8 2 11 -10 -6 -10 6 2 -11 -8 -8 11 -1z\"/>",
                       k - 1 == 1   ? 100
                       : k - 1 == 2 ? 85 + 30 * i
                                    : 70 + 30 * i);
    err = err || buf_addf(&b, "<text x=\"100\" y=\"%d\" font-size=\"%d\">", zh[0] ? 112 : 118,
                          coded ? 32 : 26);
    err = err || xml_text(&b, en);
    err = err || buf_adds(&b, "</text><text x=\"100\" y=\"150\" font-size=\"24\">");
    err = err || xml_text(&b, zh);
    err = err || buf_adds(&b, "</text></g></svg>");
    if (err) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* ------------------------------------------------------------ CASE items */

const char *achievement_case_text(const json_t *item, const char *lang, const char *field)
{
    const json_t *tr = json_object_get(json_object_get(item, "extensions"), ACH_TRANSLATIONS);
    const char *s = json_string_value(json_object_get(json_object_get(tr, lang), field));
    if (s && *s)
        return s;
    /* No translation: the item's own text, in its document's language. */
    return json_string_value(json_object_get(item, field));
}

json_t *achievement_item(struct store *db, const char *id, int *err)
{
    struct store_stmt *st;
    *err = 0;
    if (store_prepare(db,
                      "SELECT i.json, d.identifier, d.json FROM case_items i"
                      " JOIN case_documents d ON d.identifier = i.document_id"
                      " WHERE i.identifier = ?",
                      &st)) {
        *err = BADGE_ERR_STORE;
        return NULL;
    }
    store_bind_text(st, 1, id);
    int rc = store_step(st);
    json_t *out = NULL;
    if (rc == STORE_ROW) {
        json_t *item = json_loads(store_col_text(st, 0), 0, NULL);
        json_t *doc = json_loads(store_col_text(st, 2), 0, NULL);
        const char *code = json_string_value(json_object_get(item, "humanCodingScheme"));
        const char *uri = json_string_value(json_object_get(item, "uri"));
        out = json_pack("{s:s,s:s?,s:{s:s?,s:s?},s:{s:s?,s:s?},s:s?,s:{s:s,s:{s:s?,s:s?}}}",
                        "identifier", id, "human_coding", code, "statement", "en",
                        achievement_case_text(item, "en", "fullStatement"), "zh-CN",
                        achievement_case_text(item, "zh-CN", "fullStatement"), "short", "en",
                        achievement_case_text(item, "en", "abbreviatedStatement"), "zh-CN",
                        achievement_case_text(item, "zh-CN", "abbreviatedStatement"), "uri", uri,
                        "framework", "identifier", store_col_text(st, 1), "title", "en",
                        achievement_case_text(doc, "en", "title"), "zh-CN",
                        achievement_case_text(doc, "zh-CN", "title"));
        json_decref(item);
        json_decref(doc);
        if (!out)
            *err = BADGE_ERR_NOMEM;
    } else if (rc < 0) {
        *err = BADGE_ERR_STORE;
    }
    store_finish(st);
    return out;
}

/* ------------------------------------------------------------ checks */

static int text_ok(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    if (!s || !*s || !utf8_valid(s, strlen(s)) || utf8_length(s) > max)
        return 0;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t' && *c != '\r')
            return 0;
    return 1;
}

/* Checks the bilingual object FIELD of IN ({"en", "zh-CN"}); REQUIRED when creating. */
static int check_pair(const json_t *in, const char *field, size_t max, int required,
                      struct badge_problem *p, const char *msg)
{
    const json_t *v = json_object_get(in, field);
    if (!v)
        return required ? badge_problem(p, field, "field_required") : 0;
    if (!json_is_object(v) || !text_ok(json_object_get(v, "en"), max) ||
        !text_ok(json_object_get(v, "zh-CN"), max))
        return badge_problem(p, field, msg);
    return 0;
}

/* Checks a list of CFItem ids (1..ACH_ITEMS_MAX unless EMPTY_OK, each stored, no repeats). */
static int check_items(struct store *db, const json_t *v, int empty_ok, const char *field,
                       struct badge_problem *p)
{
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n > ACH_ITEMS_MAX || (!n && !empty_ok))
        return badge_problem(p, field, "achievement_items");
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_array_get(v, i));
        if (!id || strlen(id) != 36)
            return badge_problem(p, field, "achievement_item_unknown");
        for (size_t j = 0; j < i; j++)
            if (strcmp(id, json_string_value(json_array_get(v, j))) == 0)
                return badge_problem(p, field, "achievement_items");
        int err;
        json_t *a = achievement_item(db, id, &err);
        if (err)
            return err;
        if (!a)
            return badge_problem(p, field, "achievement_item_unknown");
        json_decref(a);
    }
    return 0;
}

static int check_input(struct store *db, const json_t *in, int create, struct badge_problem *p)
{
    int err;
    if (!json_is_object(in))
        return badge_problem(p, "", "achievement_body");
    if ((err = check_pair(in, "name", ACH_NAME_MAX, create, p, "achievement_name")) ||
        (err = check_pair(in, "description", ACH_TEXT_MAX, create, p, "achievement_text")) ||
        (err = check_pair(in, "criteria", ACH_TEXT_MAX, create, p, "achievement_text")))
        return err;
    const json_t *image = json_object_get(in, "image");
    if (image && !json_is_null(image) && !achievement_svg_ok(json_string_value(image)))
        return badge_problem(p, "image", "achievement_image");
    const json_t *al = json_object_get(in, "alignments");
    if (al && (err = check_items(db, al, 1, "alignments", p)))
        return err;
    const json_t *rule = json_object_get(in, "rule");
    if (rule && !json_is_null(rule)) {
        const json_t *level = json_object_get(rule, "level");
        if (!json_is_object(rule) || !json_is_integer(level) || json_integer_value(level) < 2 ||
            json_integer_value(level) > 4)
            return badge_problem(p, "rule.level", "achievement_rule_level");
        if ((err = check_items(db, json_object_get(rule, "items"), 0, "rule.items", p)))
            return err;
    }
    const json_t *days = json_object_get(in, "validity_days");
    if (days && !json_is_null(days) &&
        (!json_is_integer(days) || json_integer_value(days) < 1 ||
         json_integer_value(days) > ACH_VALIDITY_MAX))
        return badge_problem(p, "validity_days", "achievement_validity");
    return 0;
}

/* ------------------------------------------------------------ storage */

static const char *pair(const json_t *in, const char *field, const char *lang)
{
    return json_string_value(json_object_get(json_object_get(in, field), lang));
}

/* Replaces the rule items of achievement ID by ITEMS. */
static int store_rule_items(struct store *db, int64_t institution, int64_t id, const json_t *items)
{
    struct store_stmt *st;
    if (store_prepare(db, "DELETE FROM achievement_rule_items WHERE achievement_id = ?", &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    store_finish(st);
    if (rc)
        return BADGE_ERR_STORE;
    size_t i;
    const json_t *v;
    json_array_foreach (items, i, v) {
        if (store_prepare(db,
                          "INSERT INTO achievement_rule_items (achievement_id, institution_id,"
                          " item) VALUES (?, ?, ?)",
                          &st))
            return BADGE_ERR_STORE;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, institution);
        store_bind_text(st, 3, json_string_value(v));
        rc = store_step(st);
        store_finish(st);
        if (rc)
            return BADGE_ERR_STORE;
    }
    return BADGE_OK;
}

/* The first item's code and the rule's level, for a generated image. */
static char *generated_image(struct store *db, const char *name_en, const char *name_zh,
                             const json_t *alignments, const json_t *rule)
{
    const json_t *items = json_object_get(rule, "items");
    const char *first =
        json_string_value(json_array_get(json_array_size(items) ? items : alignments, 0));
    char code[32] = "";
    if (first) {
        int err;
        json_t *a = achievement_item(db, first, &err);
        const char *c = json_string_value(json_object_get(a, "human_coding"));
        if (c && strlen(c) < sizeof(code))
            snprintf(code, sizeof(code), "%s", c);
        json_decref(a);
    }
    return achievement_svg(code, name_en, name_zh,
                           (int)json_integer_value(json_object_get(rule, "level")));
}

int achievement_create(struct store *db, int64_t institution, int64_t user, const json_t *in,
                       json_t **out, struct badge_problem *p)
{
    *out = NULL;
    int err = check_input(db, in, 1, p);
    if (err)
        return err;
    const json_t *al = json_object_get(in, "alignments");
    const json_t *rule = json_object_get(in, "rule");
    const json_t *image = json_object_get(in, "image");
    const json_t *days = json_object_get(in, "validity_days");
    json_t *empty = json_array();
    char *svg = json_is_string(image) ? NULL
                                      : generated_image(db, pair(in, "name", "en"),
                                                        pair(in, "name", "zh-CN"), al, rule);
    char *al_text = json_dumps(al ? al : empty, JSON_COMPACT);
    json_decref(empty);
    if ((!svg && !json_is_string(image)) || !al_text) {
        cc_free(svg);
        free(al_text);
        return BADGE_ERR_NOMEM;
    }
    char uuid[37], uuid_zh[37], now[21];
    xapi_uuid(uuid);
    xapi_uuid(uuid_zh);
    time_iso8601(time_now(), now);
    int64_t id = 0;
    err = BADGE_ERR_STORE;
    struct store_stmt *st;
    if (store_begin(db))
        goto done;
    if (store_prepare(db,
                      "INSERT INTO achievements (institution_id, uuid, uuid_zh, name_en, name_zh,"
                      " description_en, description_zh, criteria_en, criteria_zh, image,"
                      " image_generated, alignments, rule_level, validity_days, rule_dirty,"
                      " created_by, created_at, updated_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      &st))
        goto rollback;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, uuid);
    store_bind_text(st, 3, uuid_zh);
    store_bind_text(st, 4, pair(in, "name", "en"));
    store_bind_text(st, 5, pair(in, "name", "zh-CN"));
    store_bind_text(st, 6, pair(in, "description", "en"));
    store_bind_text(st, 7, pair(in, "description", "zh-CN"));
    store_bind_text(st, 8, pair(in, "criteria", "en"));
    store_bind_text(st, 9, pair(in, "criteria", "zh-CN"));
    store_bind_text(st, 10, svg ? svg : json_string_value(image));
    store_bind_int(st, 11, svg ? 1 : 0);
    store_bind_text(st, 12, al_text);
    if (json_is_object(rule))
        store_bind_int(st, 13, json_integer_value(json_object_get(rule, "level")));
    else
        store_bind_text(st, 13, NULL);
    if (json_is_integer(days))
        store_bind_int(st, 14, json_integer_value(days));
    else
        store_bind_text(st, 14, NULL);
    store_bind_int(st, 15, json_is_object(rule) ? 1 : 0);
    store_bind_int(st, 16, user);
    store_bind_text(st, 17, now);
    store_bind_text(st, 18, now);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        id = store_col_int(st, 0);
        rc = store_step(st);
    }
    store_finish(st);
    if (rc || !id)
        goto rollback;
    if (json_is_object(rule) &&
        store_rule_items(db, institution, id, json_object_get(rule, "items")))
        goto rollback;
    if (store_commit(db))
        goto rollback;
    err = achievement_get(db, institution, id, out);
    goto done;
rollback:
    store_rollback(db);
done:
    cc_free(svg);
    free(al_text);
    return err;
}

int achievement_update(struct store *db, int64_t institution, int64_t id, const json_t *in,
                       json_t **out, struct badge_problem *p)
{
    *out = NULL;
    json_t *cur;
    int err = achievement_get(db, institution, id, &cur);
    if (err)
        return err;
    if ((err = check_input(db, in, 0, p))) {
        json_decref(cur);
        return err;
    }
    /* The merged achievement: what is submitted over what is stored. */
    json_t *m = json_deep_copy(cur);
    const char *keys[] = {"name", "description", "criteria"};
    for (int i = 0; m && i < 3; i++)
        if (json_object_get(in, keys[i]))
            json_object_set(m, keys[i], json_object_get(in, keys[i]));
    json_t *al_ids = json_array(), *rule_ids = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(cur, "alignments"), i, v)
        json_array_append(al_ids, json_object_get(v, "identifier"));
    json_t *old_rule = json_object_get(cur, "rule");
    json_array_foreach (json_object_get(old_rule, "items"), i, v)
        json_array_append(rule_ids, json_object_get(v, "identifier"));
    const json_t *al =
        json_object_get(in, "alignments") ? json_object_get(in, "alignments") : al_ids;
    json_t *old_rule_in =
        json_is_object(old_rule)
            ? json_pack("{s:O,s:O}", "level", json_object_get(old_rule, "level"), "items", rule_ids)
            : json_null();
    const json_t *rule = json_object_get(in, "rule") ? json_object_get(in, "rule") : old_rule_in;
    int rule_changed = json_object_get(in, "rule") && !json_equal((json_t *)rule, old_rule_in);
    const json_t *image = json_object_get(in, "image");
    int generated = json_is_true(json_object_get(cur, "image_generated"));
    char *svg = NULL;
    const char *image_text = json_string_value(json_object_get(cur, "image"));
    if (json_is_string(image)) {
        image_text = json_string_value(image);
        generated = 0;
    } else if (json_is_null(image) || generated) {
        /* Generated images follow the name and the rule. */
        svg = generated_image(db, pair(m, "name", "en"), pair(m, "name", "zh-CN"), al, rule);
        image_text = svg;
        generated = 1;
    }
    const json_t *days = json_object_get(in, "validity_days")
                             ? json_object_get(in, "validity_days")
                             : json_object_get(cur, "validity_days");
    char *al_text = json_dumps(al, JSON_COMPACT);
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    err = BADGE_ERR_NOMEM;
    if (!m || !al_ids || !rule_ids || !old_rule_in || !al_text || !image_text)
        goto done;
    err = BADGE_ERR_STORE;
    if (store_begin(db))
        goto done;
    if (store_prepare(db,
                      "UPDATE achievements SET name_en = ?, name_zh = ?, description_en = ?,"
                      " description_zh = ?, criteria_en = ?, criteria_zh = ?, image = ?,"
                      " image_generated = ?, alignments = ?, rule_level = ?, validity_days = ?,"
                      " rule_dirty = CASE WHEN ? THEN 1 ELSE rule_dirty END, updated_at = ?"
                      " WHERE institution_id = ? AND id = ?",
                      &st))
        goto rollback;
    store_bind_text(st, 1, pair(m, "name", "en"));
    store_bind_text(st, 2, pair(m, "name", "zh-CN"));
    store_bind_text(st, 3, pair(m, "description", "en"));
    store_bind_text(st, 4, pair(m, "description", "zh-CN"));
    store_bind_text(st, 5, pair(m, "criteria", "en"));
    store_bind_text(st, 6, pair(m, "criteria", "zh-CN"));
    store_bind_text(st, 7, image_text);
    store_bind_int(st, 8, generated);
    store_bind_text(st, 9, al_text);
    if (json_is_object(rule))
        store_bind_int(st, 10, json_integer_value(json_object_get(rule, "level")));
    else
        store_bind_text(st, 10, NULL);
    if (json_is_integer(days))
        store_bind_int(st, 11, json_integer_value(days));
    else
        store_bind_text(st, 11, NULL);
    store_bind_int(st, 12, rule_changed && json_is_object(rule));
    store_bind_text(st, 13, now);
    store_bind_int(st, 14, institution);
    store_bind_int(st, 15, id);
    int rc = store_step(st);
    store_finish(st);
    if (rc)
        goto rollback;
    if (rule_changed) {
        json_t *empty = json_array();
        rc = store_rule_items(db, institution, id,
                              json_is_object(rule) ? json_object_get(rule, "items") : empty);
        json_decref(empty);
        if (rc)
            goto rollback;
    }
    if (store_commit(db))
        goto rollback;
    err = achievement_get(db, institution, id, out);
    goto done;
rollback:
    store_rollback(db);
done:
    json_decref(cur);
    json_decref(m);
    json_decref(al_ids);
    json_decref(rule_ids);
    json_decref(old_rule_in);
    cc_free(svg);
    free(al_text);
    return err;
}

int achievement_generate(struct store *db, int64_t institution, int64_t user, const char *item,
                         int level, json_t **out, struct badge_problem *p)
{
    *out = NULL;
    if (level < 2 || level > 4)
        return badge_problem(p, "level", "achievement_rule_level");
    int err;
    json_t *a = item && strlen(item) == 36 ? achievement_item(db, item, &err) : NULL;
    if (!a)
        return item && strlen(item) == 36 && err
                   ? err
                   : badge_problem(p, "item", "achievement_item_unknown");
    /* The same item at the same level twice is one achievement. */
    struct store_stmt *st;
    int64_t existing = 0;
    if (store_prepare(db,
                      "SELECT a.id FROM achievements a JOIN achievement_rule_items r"
                      " ON r.achievement_id = a.id WHERE a.institution_id = ? AND r.item = ?"
                      " AND a.rule_level = ? AND a.archived = 0"
                      " AND (SELECT count(*) FROM achievement_rule_items x"
                      " WHERE x.achievement_id = a.id) = 1",
                      &st)) {
        json_decref(a);
        return BADGE_ERR_STORE;
    }
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, item);
    store_bind_int(st, 3, level);
    if (store_step(st) == STORE_ROW)
        existing = store_col_int(st, 0);
    store_finish(st);
    if (existing) {
        json_decref(a);
        err = achievement_get(db, institution, existing, out);
        return err ? err : BADGE_ERR_CONFLICT;
    }
    static const char *const level_en[] = {"", "", "developing", "proficient", "mastered"};
    static const char *const level_zh[] = {"", "", "发展中", "熟练", "精通"};
    const char *code = json_string_value(json_object_get(a, "human_coding"));
    const char *short_en = pair(a, "short", "en"), *short_zh = pair(a, "short", "zh-CN");
    const char *full_en = pair(a, "statement", "en"), *full_zh = pair(a, "statement", "zh-CN");
    if (!full_en)
        full_en = full_zh ? full_zh : item;
    if (!full_zh)
        full_zh = full_en;
    if (!short_en)
        short_en = full_en;
    if (!short_zh)
        short_zh = full_zh;
    char name_en[ACH_NAME_MAX * 4], name_zh[ACH_NAME_MAX * 4], s_en[400], s_zh[400];
    cut(short_en, 120, s_en, sizeof(s_en));
    cut(short_zh, 120, s_zh, sizeof(s_zh));
    snprintf(name_en, sizeof(name_en), "%s%s%s: %s", code ? code : "", code ? " " : "", s_en,
             level_en[level]);
    snprintf(name_zh, sizeof(name_zh), "%s%s%s：%s", code ? code : "", code ? " " : "", s_zh,
             level_zh[level]);
    char desc_en[ACH_TEXT_MAX * 2], desc_zh[ACH_TEXT_MAX * 2], crit_en[ACH_TEXT_MAX * 2],
        crit_zh[ACH_TEXT_MAX * 2], f_en[ACH_TEXT_MAX], f_zh[ACH_TEXT_MAX];
    const json_t *fw = json_object_get(json_object_get(a, "framework"), "title");
    const char *fwt_en = json_string_value(json_object_get(fw, "en"));
    const char *fwt_zh = json_string_value(json_object_get(fw, "zh-CN"));
    cut(full_en, 1500, f_en, sizeof(f_en));
    cut(full_zh, 1500, f_zh, sizeof(f_zh));
    snprintf(desc_en, sizeof(desc_en), "%s", f_en);
    snprintf(desc_zh, sizeof(desc_zh), "%s", f_zh);
    snprintf(crit_en, sizeof(crit_en),
             "Reach the level \"%s\" in the competency %s%s%s of %s, as CareCampus measures "
             "mastery from the learner's practice and assessment records.",
             level_en[level], code ? code : "", code ? " " : "", s_en,
             fwt_en ? fwt_en : "its framework");
    snprintf(crit_zh, sizeof(crit_zh),
             "在%s的能力 %s%s%s 上达到“%s”水平（由 CareCampus 根据学习者的练习和考核记录评定）。",
             fwt_zh ? fwt_zh : "其框架", code ? code : "", code ? " " : "", s_zh, level_zh[level]);
    json_t *in = json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:[s],s:{s:i,s:[s]}}", "name",
                           "en", name_en, "zh-CN", name_zh, "description", "en", desc_en, "zh-CN",
                           desc_zh, "criteria", "en", crit_en, "zh-CN", crit_zh, "alignments", item,
                           "rule", "level", level, "items", item);
    json_decref(a);
    if (!in)
        return BADGE_ERR_NOMEM;
    err = achievement_create(db, institution, user, in, out, p);
    json_decref(in);
    return err;
}

int achievement_archive(struct store *db, int64_t institution, int64_t id, int archived)
{
    char now[21];
    time_iso8601(time_now(), now);
    struct store_stmt *st;
    if (store_prepare(db,
                      "UPDATE achievements SET archived = ?, updated_at = ?,"
                      " rule_dirty = CASE WHEN ? = 0 AND rule_level IS NOT NULL THEN 1"
                      " ELSE rule_dirty END WHERE institution_id = ? AND id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, archived ? 1 : 0);
    store_bind_text(st, 2, now);
    store_bind_int(st, 3, archived ? 1 : 0);
    store_bind_int(st, 4, institution);
    store_bind_int(st, 5, id);
    int rc = store_step(st);
    store_finish(st);
    if (rc)
        return BADGE_ERR_STORE;
    return store_changes(db) ? BADGE_OK : BADGE_ERR_NOT_FOUND;
}

#define ACH_COLUMNS                                                                                \
    "a.id, a.uuid, a.uuid_zh, a.name_en, a.name_zh, a.description_en, a.description_zh,"           \
    " a.criteria_en, a.criteria_zh, a.image, a.image_generated, a.alignments, a.rule_level,"       \
    " a.validity_days, a.archived, a.created_at, a.updated_at,"                                    \
    " (SELECT count(*) FROM badge_awards w WHERE w.achievement_id = a.id)"

/* The API object of the current row of ST (ACH_COLUMNS); NULL with *ERR on failure. */
static json_t *read_row(struct store_stmt *st, int64_t *rule_level, int *err)
{
    *err = 0;
    *rule_level = store_col_is_null(st, 12) ? 0 : store_col_int(st, 12);
    json_t *ids = json_loads(store_col_text(st, 11), 0, NULL);
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:s,s:b,s:[],s:n,s:o,s:b,s:I,s:s,s:s}",
        "id", (json_int_t)store_col_int(st, 0), "uuid", store_col_text(st, 1), "uuid_zh",
        store_col_text(st, 2), "name", "en", store_col_text(st, 3), "zh-CN", store_col_text(st, 4),
        "description", "en", store_col_text(st, 5), "zh-CN", store_col_text(st, 6), "criteria",
        "en", store_col_text(st, 7), "zh-CN", store_col_text(st, 8), "image", store_col_text(st, 9),
        "image_generated", (int)store_col_int(st, 10), "alignments", "rule", "validity_days",
        store_col_is_null(st, 13) ? json_null() : json_integer(store_col_int(st, 13)), "archived",
        (int)store_col_int(st, 14), "awards", (json_int_t)store_col_int(st, 17), "created_at",
        store_col_text(st, 15), "updated_at", store_col_text(st, 16));
    if (!o)
        *err = BADGE_ERR_NOMEM;
    json_object_set_new(o, "_alignment_ids", ids ? ids : json_array());
    return o;
}

/* Fills the alignments and rule of O (read_row's) from the CASE tables. */
static int complete(struct store *db, json_t *o, int64_t rule_level)
{
    json_t *ids = json_incref(json_object_get(o, "_alignment_ids"));
    json_object_del(o, "_alignment_ids");
    json_t *al = json_object_get(o, "alignments");
    size_t i;
    json_t *v;
    int err = 0;
    json_array_foreach (ids, i, v) {
        json_t *a = achievement_item(db, json_string_value(v), &err);
        if (err)
            break;
        if (a)
            json_array_append_new(al, a);
    }
    json_decref(ids);
    if (err || !rule_level)
        return err;
    json_t *items = json_array();
    struct store_stmt *st;
    if (!items || store_prepare(db,
                                "SELECT item FROM achievement_rule_items WHERE achievement_id = ?"
                                " ORDER BY item",
                                &st)) {
        json_decref(items);
        return BADGE_ERR_STORE;
    }
    store_bind_int(st, 1, json_integer_value(json_object_get(o, "id")));
    json_t *names = json_array();
    while (store_step(st) == STORE_ROW)
        json_array_append_new(names, json_string(store_col_text(st, 0)));
    store_finish(st);
    json_array_foreach (names, i, v) {
        json_t *a = achievement_item(db, json_string_value(v), &err);
        if (err)
            break;
        json_array_append_new(items, a ? a : json_pack("{s:O}", "identifier", v));
    }
    json_decref(names);
    json_object_set_new(o, "rule",
                        json_pack("{s:I,s:o}", "level", (json_int_t)rule_level, "items", items));
    return err;
}

int achievement_get(struct store *db, int64_t institution, int64_t id, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " ACH_COLUMNS " FROM achievements a"
                      " WHERE a.institution_id = ? AND a.id = ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    int rc = store_step(st), err = BADGE_ERR_NOT_FOUND;
    int64_t level = 0;
    json_t *o = NULL;
    if (rc == STORE_ROW)
        o = read_row(st, &level, &err);
    else if (rc < 0)
        err = BADGE_ERR_STORE;
    store_finish(st);
    if (o && !err)
        err = complete(db, o, level);
    if (err) {
        json_decref(o);
        return err;
    }
    *out = o;
    return BADGE_OK;
}

int achievement_list(struct store *db, int64_t institution, int archived, json_t **out)
{
    *out = NULL;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " ACH_COLUMNS " FROM achievements a"
                      " WHERE a.institution_id = ? AND a.archived = ? ORDER BY a.id DESC LIMIT ?",
                      &st))
        return BADGE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, archived ? 1 : 0);
    store_bind_int(st, 3, ACH_LIST_MAX);
    json_t *list = json_array(), *levels = json_array();
    int rc, err = list && levels ? 0 : BADGE_ERR_NOMEM;
    while (!err && (rc = store_step(st)) == STORE_ROW) {
        int64_t level;
        json_t *o = read_row(st, &level, &err);
        if (o) {
            json_array_append_new(list, o);
            json_array_append_new(levels, json_integer(level));
        }
    }
    store_finish(st);
    if (!err && rc < 0)
        err = BADGE_ERR_STORE;
    size_t i;
    json_t *o;
    json_array_foreach (list, i, o) {
        if (err)
            break;
        err = complete(db, o, json_integer_value(json_array_get(levels, i)));
    }
    json_decref(levels);
    if (err) {
        json_decref(list);
        return err;
    }
    *out = list;
    return BADGE_OK;
}

/* ------------------------------------------------------------ Open Badges */

json_t *achievement_ob3(const json_t *a, const char *lang)
{
    int zh = strcmp(lang, "zh-CN") == 0;
    const char *l = zh ? "zh-CN" : "en", *other = zh ? "en" : "zh-CN";
    char id[48], other_id[48];
    snprintf(id, sizeof(id), "urn:uuid:%s",
             json_string_value(json_object_get(a, zh ? "uuid_zh" : "uuid")));
    snprintf(other_id, sizeof(other_id), "urn:uuid:%s",
             json_string_value(json_object_get(a, zh ? "uuid" : "uuid_zh")));
    const char *svg = json_string_value(json_object_get(a, "image"));
    size_t n = strlen(svg);
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *uri = cc_malloc(b64 + 32);
    if (!uri)
        return NULL;
    int off = snprintf(uri, 32, "data:image/svg+xml;base64,");
    sodium_bin2base64(uri + off, b64, (const unsigned char *)svg, n,
                      sodium_base64_VARIANT_ORIGINAL);
    json_t *o =
        json_pack("{s:s,s:[s],s:s,s:s,s:{s:s},s:{s:s,s:s,s:s},s:s,s:[{s:s,s:[s],s:s}]}", "id", id,
                  "type", "Achievement", "name", pair(a, "name", l), "description",
                  pair(a, "description", l), "criteria", "narrative", pair(a, "criteria", l),
                  "image", "id", uri, "type", "Image", "caption", pair(a, "name", l), "inLanguage",
                  l, "related", "id", other_id, "type", "Related", "inLanguage", other);
    cc_free(uri);
    if (!o)
        return NULL;
    json_t *als = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(a, "alignments"), i, v) {
        const char *code = json_string_value(json_object_get(v, "human_coding"));
        const char *stmt = pair(v, "statement", l);
        const char *shortname = pair(v, "short", l);
        const char *uri_item = json_string_value(json_object_get(v, "uri"));
        const char *fw = json_string_value(
            json_object_get(json_object_get(json_object_get(v, "framework"), "title"), l));
        char target[1200];
        snprintf(target, sizeof(target), "%s%s%.1000s", code ? code : "", code ? " " : "",
                 shortname ? shortname
                 : stmt    ? stmt
                           : json_string_value(json_object_get(v, "identifier")));
        json_t *al = json_pack("{s:[s],s:s,s:s,s:s}", "type", "Alignment", "targetName", target,
                               "targetType", "CFItem", "targetUrl",
                               uri_item ? uri_item : "https://carecampus.org/case/CFItems/");
        if (!al)
            continue;
        if (stmt)
            json_object_set_new(al, "targetDescription", json_string(stmt));
        if (code)
            json_object_set_new(al, "targetCode", json_string(code));
        if (fw)
            json_object_set_new(al, "targetFramework", json_string(fw));
        json_array_append_new(als, al);
    }
    if (json_array_size(als))
        json_object_set(o, "alignment", als);
    json_decref(als);
    return o;
}
