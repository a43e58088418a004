/* Items: the DigComp table, reading and checking items and banks, answers and their scoring. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literacy/item.h"
#include "literacy/messages.h"
#include "util/alloc.h"
#include "util/embedded.h"
#include "util/utf8.h"
#include "util/banned.h"

/* The identifiers are those of content/frameworks/digcomp-2.2.json (test_literacy checks). */
const struct literacy_digcomp literacy_areas[LITERACY_AREAS] = {
    {"DC.1", 1, "fac1a7bb-fb89-571c-8c76-2bec271b4cca", "Information and data literacy",
     "信息与数据素养"},
    {"DC.2", 2, "2b01715b-d9d3-5564-a5bf-b09b76cccd5d", "Communication and collaboration",
     "沟通与协作"},
    {"DC.3", 3, "b28e6305-e010-5987-84d9-61acfe95e713", "Digital content creation", "数字内容创作"},
    {"DC.4", 4, "2e5fd21c-4219-5ca3-a647-75f58944b1c8", "Safety", "安全"},
    {"DC.5", 5, "bf3ce85a-7579-5624-98d1-11f326dd12df", "Problem solving", "问题解决"},
};

const struct literacy_digcomp literacy_competences[LITERACY_COMPETENCES] = {
    {"DC.1.1", 1, "6cac551e-bc1b-5975-93e7-3183d99d2838",
     "Browsing, searching and filtering data, information and digital content",
     "浏览、搜索和过滤数据、信息和数字内容"},
    {"DC.1.2", 1, "ab26d58e-2811-50c6-83c2-db465a57e832",
     "Evaluating data, information and digital content", "评价数据、信息和数字内容"},
    {"DC.1.3", 1, "eb676a1d-c92d-5173-8a98-4c154fd8f569",
     "Managing data, information and digital content", "管理数据、信息和数字内容"},
    {"DC.2.1", 2, "54ab9af7-9395-5436-a3c0-81d4fa82e813",
     "Interacting through digital technologies", "通过数字技术进行互动"},
    {"DC.2.2", 2, "7d437967-b4ed-510a-9c2c-4e6ede36867a", "Sharing through digital technologies",
     "通过数字技术进行分享"},
    {"DC.2.3", 2, "62a3749a-1a4a-5d7e-a8cc-b0d691c7fbdf",
     "Engaging in citizenship through digital technologies", "通过数字技术参与公民活动"},
    {"DC.2.4", 2, "7bf509ee-60ed-5be9-8221-7dff04ec7fdf",
     "Collaborating through digital technologies", "通过数字技术进行协作"},
    {"DC.2.5", 2, "20acbcb6-8bcd-5cfb-b855-bfdb56566fb8", "Netiquette", "网络礼仪"},
    {"DC.2.6", 2, "c2ab888b-4524-5fcc-afaf-07aa5f58355c", "Managing digital identity",
     "管理数字身份"},
    {"DC.3.1", 3, "66db59b7-ec0f-5595-9b18-7d40d10d9391", "Developing digital content",
     "开发数字内容"},
    {"DC.3.2", 3, "126c602b-495b-59e6-9e1f-91a28c9a5f29",
     "Integrating and re-elaborating digital content", "整合和再加工数字内容"},
    {"DC.3.3", 3, "00df9b25-ddf9-5d3e-a11b-9180160b5088", "Copyright and licences", "版权和许可"},
    {"DC.3.4", 3, "20954437-877c-5915-863f-87040c3ec369", "Programming", "编程"},
    {"DC.4.1", 4, "89feac96-b632-5672-81a5-1fe118b529e9", "Protecting devices", "保护设备"},
    {"DC.4.2", 4, "2d7ff1d9-5f8a-59d5-af72-318577d77341", "Protecting personal data and privacy",
     "保护个人数据和隐私"},
    {"DC.4.3", 4, "a3f10c5a-2e7b-5cf1-bea2-45f597a464f8", "Protecting health and well-being",
     "保护健康和福祉"},
    {"DC.4.4", 4, "e105255c-cd11-5068-b688-4ef034b9d4ba", "Protecting the environment", "保护环境"},
    {"DC.5.1", 5, "9b42a475-03d6-52e8-afa3-2bd7ad26f84d", "Solving technical problems",
     "解决技术问题"},
    {"DC.5.2", 5, "646d11d6-a10d-556b-bfa3-0453884a1cc6",
     "Identifying needs and technological responses", "识别需求和技术应对方案"},
    {"DC.5.3", 5, "e29506d5-c13c-5ed5-b9af-411e67d66037", "Creatively using digital technology",
     "创造性地使用数字技术"},
    {"DC.5.4", 5, "417e15c7-eb93-503c-b526-347cf6c41001", "Identifying digital competence gaps",
     "识别数字能力差距"},
};

int literacy_competence_index(const char *code)
{
    for (int i = 0; code && i < LITERACY_COMPETENCES; i++)
        if (strcmp(code, literacy_competences[i].code) == 0)
            return i;
    return -1;
}

int literacy_area_parse(const char *code)
{
    for (int i = 0; code && i < LITERACY_AREAS; i++)
        if (strcmp(code, literacy_areas[i].code) == 0)
            return i + 1;
    return 0;
}

int literacy_problem_set(struct literacy_problem *p, int err, const char *where, const char *msg,
                         const char *arg)
{
    snprintf(p->where, sizeof(p->where), "%s", where ? where : "");
    p->msg = msg;
    snprintf(p->arg, sizeof(p->arg), "%s", arg ? arg : "");
    return err;
}

void literacy_report_add(struct literacy_report *r, const struct literacy_problem *p)
{
    if (r->n < LITERACY_REPORT_MAX)
        r->list[r->n++] = *p;
    r->total++;
}

/* ---- Reading items ---- */

/* A problem at BASE.FIELD (FIELD may be ""). */
static int bad(struct literacy_problem *p, const char *base, const char *field, const char *msg,
               const char *arg)
{
    char where[sizeof(p->where)];
    /* A place longer than the room is cut short; the message still says what is wrong. */
    if (snprintf(where, sizeof(where), "%s%s%s", base, *field ? "." : "", field) < 0)
        where[0] = 0;
    return literacy_problem_set(p, LITERACY_ERR_INVALID, where, msg, arg);
}

/* Fails when OBJ has a member not in ALLOWED (NULL-terminated). */
static int keys_only(const json_t *obj, const char *const *allowed, const char *base,
                     const char *field, struct literacy_problem *p)
{
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)obj, key, v) {
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(key, *a) == 0;
        if (!known) {
            char arg[48];
            snprintf(arg, sizeof(arg), "%.40s", key);
            return bad(p, base, field, "lit_unknown_member", arg);
        }
    }
    return LITERACY_OK;
}

/* A string without NUL, valid UTF-8, 1..MAX characters, no control characters but line ends. */
static const char *text_value(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) != json_string_length(v) || !utf8_valid(s, strlen(s)))
        return NULL;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if ((*c < 0x20 && *c != '\n') || *c == 0x7f)
            return NULL;
    return utf8_length(s) <= max ? s : NULL;
}

static int read_text(const json_t *v, size_t max, const char *base, const char *field,
                     struct literacy_text *out, struct literacy_problem *p)
{
    char arg[16];
    snprintf(arg, sizeof(arg), "%zu", max);
    if (!json_is_object(v) || json_object_size(v) != 2)
        return bad(p, base, field, "lit_text", arg);
    out->en = text_value(json_object_get(v, "en"), max);
    out->zh = text_value(json_object_get(v, "zh-CN"), max);
    if (!out->en || !out->zh)
        return bad(p, base, field, "lit_text", arg);
    return LITERACY_OK;
}

/* 1..MAX of a-z, 0-9 and '-', starting with a letter or digit. */
static int choice_id_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* "dl-1.1-003": dl-, the competence without "DC.", '-', three digits. */
static int item_id_ok(const char *s, const char *competence)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 10 || strncmp(s, "dl-", 3) != 0 || s[6] != '-')
        return 0;
    for (int i = 7; i < 10; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return competence ? strncmp(s + 3, competence + 3, 3) == 0 : 1;
}

static const char *const CN_LITERACIES[] = {"信息意识", "计算思维", "数字化学习与创新",
                                            "信息社会责任", NULL};
static const char *const CONTEXTS[] = {"platform", "dashboard",      "telehealth", "privacy",
                                       "scam",     "resident-phone", "records",    "teamwork",
                                       "devices",  "general",        NULL};
static const char *const TYPES[] = {"single", "multiple", "ordering", "screen", NULL};
static const char *const SCREEN_KINDS[] = {"phone", "tablet", "desktop", "message-list", NULL};
static const char *const ROLES[] = {"row", "button", "toggle", "message", "link", NULL};

/* The index of S in the NULL-terminated LIST, or -1. */
static int one_of(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return i;
    return -1;
}

const char *literacy_type_name(enum literacy_type t)
{
    return t >= LITERACY_SINGLE && t <= LITERACY_SCREEN ? TYPES[t] : "single";
}

int literacy_irt_read(const json_t *v, struct literacy_irt *out)
{
    static const char *const keys[] = {"model", "a", "b", NULL};
    struct literacy_problem scratch;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(v) || keys_only(v, keys, "", "", &scratch))
        return -1;
    const char *model = json_string_value(json_object_get(v, "model"));
    const json_t *a = json_object_get(v, "a"), *b = json_object_get(v, "b");
    if (!model || !json_is_number(a))
        return -1;
    out->a = json_number_value(a);
    if (!(out->a >= 0.1 && out->a <= 4.0))
        return -1;
    if (strcmp(model, "2pl") == 0) {
        out->model = LITERACY_MODEL_2PL;
        out->m = 1;
        if (!json_is_number(b))
            return -1;
        out->b[0] = json_number_value(b);
        return out->b[0] >= -6.0 && out->b[0] <= 6.0 ? 0 : -1;
    }
    if (strcmp(model, "grm") != 0 || !json_is_array(b) || json_array_size(b) < 1 ||
        json_array_size(b) > LITERACY_MAX_THRESHOLDS)
        return -1;
    out->model = LITERACY_MODEL_GRM;
    out->m = (int)json_array_size(b);
    for (int k = 0; k < out->m; k++) {
        const json_t *t = json_array_get(b, (size_t)k);
        if (!json_is_number(t))
            return -1;
        out->b[k] = json_number_value(t);
        if (!(out->b[k] >= -6.0 && out->b[k] <= 6.0) || (k > 0 && !(out->b[k] > out->b[k - 1])))
            return -1;
    }
    return 0;
}

json_t *literacy_irt_json(const struct literacy_irt *irt)
{
    if (irt->model == LITERACY_MODEL_2PL)
        return json_pack("{s:s, s:f, s:f}", "model", "2pl", "a", irt->a, "b", irt->b[0]);
    json_t *b = json_array();
    for (int k = 0; b && k < irt->m; k++)
        json_array_append_new(b, json_real(irt->b[k]));
    return json_pack("{s:s, s:f, s:o}", "model", "grm", "a", irt->a, "b", b);
}

static int read_options(const json_t *v, const char *base, struct literacy_item *it,
                        struct literacy_problem *p)
{
    static const char *const keys[] = {"id", "text", NULL};
    char arg[16];
    snprintf(arg, sizeof(arg), "%d", LITERACY_MAX_OPTIONS);
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n < 2 || n > LITERACY_MAX_OPTIONS)
        return bad(p, base, "options", "lit_options", arg);
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(v, i);
        char field[32];
        snprintf(field, sizeof(field), "options[%zu]", i);
        if (!json_is_object(o))
            return bad(p, base, field, "lit_option", NULL);
        int err = keys_only(o, keys, base, field, p);
        if (err)
            return err;
        const char *id = json_string_value(json_object_get(o, "id"));
        char sub[48];
        snprintf(sub, sizeof(sub), "%s.id", field);
        if (!choice_id_ok(id, 16))
            return bad(p, base, sub, "lit_option_id", NULL);
        for (int j = 0; j < it->nchoices; j++)
            if (strcmp(it->choices[j], id) == 0)
                return bad(p, base, sub, "lit_choice_twice", id);
        struct literacy_text text;
        snprintf(sub, sizeof(sub), "%s.text", field);
        if ((err = read_text(json_object_get(o, "text"), LITERACY_OPTION_MAX, base, sub, &text, p)))
            return err;
        it->choices[it->nchoices++] = id;
    }
    return LITERACY_OK;
}

static int read_elements(const json_t *v, int depth, const char *base, const char *field,
                         struct literacy_item *it, struct literacy_problem *p)
{
    static const char *const keys[] = {"id", "role", "label", "detail", "children", NULL};
    char arg[16];
    snprintf(arg, sizeof(arg), "%d", LITERACY_MAX_SCREEN);
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n < 1 || n > LITERACY_MAX_SCREEN)
        return bad(p, base, field, "lit_elements", arg);
    if (depth > LITERACY_SCREEN_DEPTH) {
        snprintf(arg, sizeof(arg), "%d", LITERACY_SCREEN_DEPTH);
        return bad(p, base, field, "lit_screen_depth", arg);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(v, i);
        char here[sizeof(p->where)], sub[sizeof(p->where) + 16];
        snprintf(here, sizeof(here), "%s[%zu]", field, i);
        if (!json_is_object(e))
            return bad(p, base, here, "lit_element", NULL);
        int err = keys_only(e, keys, base, here, p);
        if (err)
            return err;
        const char *id = json_string_value(json_object_get(e, "id"));
        snprintf(sub, sizeof(sub), "%s.id", here);
        if (!choice_id_ok(id, 32))
            return bad(p, base, sub, "lit_element_id", NULL);
        for (int j = 0; j < it->nchoices; j++)
            if (strcmp(it->choices[j], id) == 0)
                return bad(p, base, sub, "lit_choice_twice", id);
        if (it->nchoices == LITERACY_MAX_CHOICES) {
            snprintf(arg, sizeof(arg), "%d", LITERACY_MAX_CHOICES);
            return bad(p, base, sub, "lit_screen_elements", arg);
        }
        int self = it->nchoices;
        it->choices[it->nchoices++] = id;
        snprintf(sub, sizeof(sub), "%s.role", here);
        if (one_of(json_string_value(json_object_get(e, "role")), ROLES) < 0)
            return bad(p, base, sub, "lit_element_role", NULL);
        struct literacy_text t;
        snprintf(sub, sizeof(sub), "%s.label", here);
        if ((err = read_text(json_object_get(e, "label"), LITERACY_LABEL_MAX, base, sub, &t, p)))
            return err;
        const json_t *detail = json_object_get(e, "detail");
        snprintf(sub, sizeof(sub), "%s.detail", here);
        if (detail && (err = read_text(detail, LITERACY_DETAIL_MAX, base, sub, &t, p)))
            return err;
        const json_t *children = json_object_get(e, "children");
        snprintf(sub, sizeof(sub), "%s.children", here);
        if (children && (err = read_elements(children, depth + 1, base, sub, it, p)))
            return err;
        it->nav[self] = children != NULL;
    }
    return LITERACY_OK;
}

static int read_screen(const json_t *v, const char *base, struct literacy_item *it,
                       struct literacy_problem *p)
{
    static const char *const keys[] = {"kind", "title", "elements", NULL};
    if (!json_is_object(v))
        return bad(p, base, "screen", "lit_screen", NULL);
    int err = keys_only(v, keys, base, "screen", p);
    if (err)
        return err;
    if (one_of(json_string_value(json_object_get(v, "kind")), SCREEN_KINDS) < 0)
        return bad(p, base, "screen.kind", "lit_screen_kind", NULL);
    struct literacy_text t;
    if ((err = read_text(json_object_get(v, "title"), LITERACY_LABEL_MAX, base, "screen.title", &t,
                         p)))
        return err;
    return read_elements(json_object_get(v, "elements"), 1, base, "screen.elements", it, p);
}

/* The index of choice ID in IT, or -1. */
static int choice_index(const struct literacy_item *it, const char *id)
{
    for (int i = 0; id && i < it->nchoices; i++)
        if (strcmp(it->choices[i], id) == 0)
            return i;
    return -1;
}

static int read_key(const json_t *v, const char *base, struct literacy_item *it,
                    struct literacy_problem *p)
{
    size_t n = json_array_size(v);
    if (!json_is_array(v) || n == 0 || n > (size_t)it->nchoices)
        return bad(p, base, "key", "lit_key", NULL);
    unsigned char seen[LITERACY_MAX_CHOICES] = {0};
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_array_get(v, i));
        int k = choice_index(it, id);
        if (!id)
            return bad(p, base, "key", "lit_key", NULL);
        if (k < 0)
            return bad(p, base, "key", "lit_key_unknown", id);
        if (seen[k]++)
            return bad(p, base, "key", "lit_key_twice", id);
        if (it->nav[k])
            return bad(p, base, "key", "lit_key_navigation", id);
        it->key[it->nkey++] = (unsigned char)k;
    }
    if (it->type == LITERACY_SINGLE && n != 1)
        return bad(p, base, "key", "lit_key_single", NULL);
    if (it->type == LITERACY_ORDERING && n != (size_t)it->nchoices)
        return bad(p, base, "key", "lit_key_order", NULL);
    return LITERACY_OK;
}

/* The scoring rule and the parameters must fit each other and the item. */
static int read_scoring(const json_t *scoring, const json_t *irt, const char *base,
                        struct literacy_item *it, struct literacy_problem *p)
{
    const char *s = json_string_value(scoring);
    if (!s || (strcmp(s, "dichotomous") != 0 && strcmp(s, "partial") != 0))
        return bad(p, base, "scoring", "lit_scoring", NULL);
    it->partial = strcmp(s, "partial") == 0;
    if (it->partial && it->type == LITERACY_SINGLE)
        return bad(p, base, "scoring", "lit_scoring_single", NULL);
    if (literacy_irt_read(irt, &it->irt_item))
        return bad(p, base, "irt", "lit_irt", NULL);
    if ((it->irt_item.model == LITERACY_MODEL_GRM) != it->partial)
        return bad(p, base, "irt.model", "lit_irt_model", NULL);
    int m = it->irt_item.m, reachable = 1;
    if (it->partial && (it->type == LITERACY_MULTIPLE || it->type == LITERACY_SCREEN))
        reachable = m <= it->nkey;
    if (it->partial && it->type == LITERACY_ORDERING)
        reachable = it->nchoices >= 3 && m <= it->nchoices - 1;
    if (!reachable) {
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", m);
        return bad(p, base, "irt.b", "lit_irt_categories", arg);
    }
    it->irt = it->irt_item;
    return LITERACY_OK;
}

int literacy_item_read(const json_t *v, const char *where, struct literacy_item *it,
                       struct literacy_problem *p)
{
    static const char *const keys[] = {
        "id",   "version", "competence", "cfitem",  "level", "cn_literacy", "context", "type",
        "stem", "options", "key",        "scoring", "irt",   "feedback",    "screen",  NULL};
    memset(it, 0, sizeof(*it));
    if (!json_is_object(v))
        return bad(p, where, "", "lit_item", NULL);
    char base[sizeof(p->where)];
    const char *id = json_string_value(json_object_get(v, "id"));
    if (!item_id_ok(id, NULL))
        return bad(p, where, "id", "lit_id", NULL);
    snprintf(base, sizeof(base), "%s (%s)", where, id);
    int err = keys_only(v, keys, base, "", p);
    if (err)
        return err;
    it->id = id;
    it->json = (json_t *)v;
    const json_t *version = json_object_get(v, "version");
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > LITERACY_VERSION_MAX)
        return bad(p, base, "version", "lit_version", NULL);
    it->version = json_integer_value(version);
    const char *competence = json_string_value(json_object_get(v, "competence"));
    it->competence = literacy_competence_index(competence);
    if (it->competence < 0)
        return bad(p, base, "competence", "lit_competence", NULL);
    it->area = literacy_competences[it->competence].area;
    if (!item_id_ok(id, competence))
        return bad(p, base, "id", "lit_id_competence", competence);
    const char *cfitem = json_string_value(json_object_get(v, "cfitem"));
    if (!cfitem || strcmp(cfitem, literacy_competences[it->competence].cfitem) != 0)
        return bad(p, base, "cfitem", "lit_cfitem", literacy_competences[it->competence].cfitem);
    const json_t *level = json_object_get(v, "level");
    if (!json_is_integer(level) || json_integer_value(level) < 1 || json_integer_value(level) > 8)
        return bad(p, base, "level", "lit_level", NULL);
    it->level = (int)json_integer_value(level);
    it->cn_literacy = json_string_value(json_object_get(v, "cn_literacy"));
    if (one_of(it->cn_literacy, CN_LITERACIES) < 0)
        return bad(p, base, "cn_literacy", "lit_cn_literacy", NULL);
    it->context = json_string_value(json_object_get(v, "context"));
    if (one_of(it->context, CONTEXTS) < 0)
        return bad(p, base, "context", "lit_context", NULL);
    int type = one_of(json_string_value(json_object_get(v, "type")), TYPES);
    if (type < 0)
        return bad(p, base, "type", "lit_type", NULL);
    it->type = (enum literacy_type)type;
    if ((err =
             read_text(json_object_get(v, "stem"), LITERACY_STEM_MAX, base, "stem", &it->stem, p)))
        return err;
    const json_t *options = json_object_get(v, "options"), *screen = json_object_get(v, "screen");
    if (it->type == LITERACY_SCREEN) {
        if (options)
            return bad(p, base, "options", "lit_options_screen", NULL);
        if ((err = read_screen(screen, base, it, p)))
            return err;
    } else {
        if (screen)
            return bad(p, base, "screen", "lit_screen_only", NULL);
        if ((err = read_options(options, base, it, p)))
            return err;
    }
    if ((err = read_key(json_object_get(v, "key"), base, it, p)) ||
        (err = read_scoring(json_object_get(v, "scoring"), json_object_get(v, "irt"), base, it, p)))
        return err;
    return read_text(json_object_get(v, "feedback"), LITERACY_FEEDBACK_MAX, base, "feedback",
                     &it->feedback, p);
}

/* ---- Presenting ---- */

/* splitmix64: the deterministic generator of shuffles. */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

json_t *literacy_item_present(const struct literacy_item *it, uint64_t shuffle_seed)
{
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:O}", "id", it->id, "version",
                          (json_int_t)it->version, "type", literacy_type_name(it->type),
                          "competence", literacy_competences[it->competence].code, "area",
                          literacy_areas[it->area - 1].code, "context", it->context, "stem",
                          json_object_get(it->json, "stem"));
    if (!o)
        return NULL;
    if (it->type == LITERACY_SCREEN) {
        json_object_set_new(o, "screen", json_deep_copy(json_object_get(it->json, "screen")));
        json_object_set_new(o, "selections", json_integer(it->nkey));
        return o;
    }
    const json_t *options = json_object_get(it->json, "options");
    int order[LITERACY_MAX_OPTIONS] = {0};
    for (int i = 0; i < it->nchoices; i++)
        order[i] = i;
    if (it->type == LITERACY_ORDERING) {
        uint64_t s = shuffle_seed;
        for (int i = it->nchoices - 1; i > 0; i--) {
            int j = (int)(mix(&s) % (uint64_t)(i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        /* Never shown in the right order: that would give the answer away. */
        int same = 1;
        for (int i = 0; same && i < it->nchoices; i++)
            same = order[i] == it->key[i];
        if (same) {
            int first = order[0];
            for (int i = 0; i + 1 < it->nchoices; i++)
                order[i] = order[i + 1];
            order[it->nchoices - 1] = first;
        }
    }
    json_t *list = json_array();
    for (int i = 0; list && i < it->nchoices; i++) {
        const json_t *opt = json_array_get(options, (size_t)order[i]);
        json_array_append_new(list, json_pack("{s:O, s:O}", "id", json_object_get(opt, "id"),
                                              "text", json_object_get(opt, "text")));
    }
    json_object_set_new(o, "options", list);
    return o;
}

/* ---- Answers ---- */

int literacy_answer_read(const struct literacy_item *it, const json_t *answer,
                         struct literacy_answer *out, struct literacy_problem *p)
{
    memset(out, 0, sizeof(*out));
    size_t n = json_array_size(answer);
    if (!json_is_array(answer) || n > (size_t)it->nchoices)
        return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer", "literacy_answer_shape",
                                    NULL);
    unsigned char seen[LITERACY_MAX_CHOICES] = {0};
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(answer, i);
        const char *id = json_string_value(v);
        if (!id || strlen(id) != json_string_length(v))
            return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer", "literacy_answer_shape",
                                        NULL);
        int k = choice_index(it, id);
        if (k < 0 || it->nav[k]) {
            char arg[40];
            snprintf(arg, sizeof(arg), "\"%.32s\"", id);
            return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer",
                                        "literacy_answer_unknown", arg);
        }
        if (seen[k]++)
            return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer", "literacy_answer_twice",
                                        id);
        out->sel[out->n++] = (unsigned char)k;
    }
    if (it->type == LITERACY_SINGLE && n != 1)
        return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer", "literacy_answer_single",
                                    NULL);
    if (it->type == LITERACY_ORDERING && n != (size_t)it->nchoices)
        return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer", "literacy_answer_order",
                                    NULL);
    if (n == 0)
        return literacy_problem_set(p, LITERACY_ERR_INVALID, "answer", "literacy_answer_empty",
                                    NULL);
    return LITERACY_OK;
}

int literacy_score(const struct literacy_item *it, const struct literacy_answer *a)
{
    int m = it->irt.m;
    if (it->type == LITERACY_SINGLE)
        return a->n == 1 && a->sel[0] == it->key[0];
    if (it->type == LITERACY_ORDERING) {
        int right = 0, n = it->nchoices;
        for (int i = 0; i < a->n && i < n; i++)
            right += a->sel[i] == it->key[i];
        if (right == n && a->n == n)
            return m;
        return it->partial ? right * m / (n - 1) : 0;
    }
    unsigned char in_key[LITERACY_MAX_CHOICES] = {0};
    for (int i = 0; i < it->nkey; i++)
        in_key[it->key[i]] = 1;
    int correct = 0, wrong = 0;
    for (int i = 0; i < a->n; i++) {
        if (in_key[a->sel[i]])
            correct++;
        else
            wrong++;
    }
    if (!it->partial)
        return correct == it->nkey && wrong == 0;
    int c = correct - wrong;
    return c < 0 ? 0 : (c > m ? m : c);
}

json_t *literacy_answer_json(const struct literacy_item *it, const struct literacy_answer *a)
{
    json_t *list = json_array();
    for (int i = 0; list && i < a->n; i++)
        json_array_append_new(list, json_string(it->choices[a->sel[i]]));
    return list;
}

/* ---- The bank ---- */

void literacy_bank_init(struct literacy_bank *b)
{
    memset(b, 0, sizeof(*b));
}

void literacy_bank_release(struct literacy_bank *b)
{
    cc_free(b->items);
    json_decref(b->docs);
    memset(b, 0, sizeof(*b));
}

int literacy_bank_add(struct literacy_bank *b, const struct literacy_item *it)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct literacy_item *items = cc_realloc(b->items, cap * sizeof(*items));
        if (!items)
            return LITERACY_ERR_NOMEM;
        b->items = items;
        b->cap = cap;
    }
    b->items[b->n++] = *it;
    return LITERACY_OK;
}

int literacy_bank_read_json(struct literacy_bank *b, json_t *doc, const char *file, int allow_state,
                            struct literacy_report *r)
{
    static const char *const keys[] = {"area", "items", NULL};
    static const char *const keys_state[] = {"area", "items", "state", NULL};
    struct literacy_problem p;
    if (!b->docs && !(b->docs = json_array())) {
        json_decref(doc);
        return LITERACY_ERR_NOMEM;
    }
    if (json_array_append_new(b->docs, doc))
        return LITERACY_ERR_NOMEM;
    const json_t *items = json_object_get(doc, "items");
    if (!json_is_object(doc) || !json_is_array(items)) {
        literacy_problem_set(&p, LITERACY_ERR_INVALID, file, "lit_not_bank", NULL);
        literacy_report_add(r, &p);
        return LITERACY_ERR_INVALID;
    }
    if (keys_only(doc, allow_state ? keys_state : keys, file, "", &p)) {
        literacy_report_add(r, &p);
        return LITERACY_ERR_INVALID;
    }
    const json_t *area_v = json_object_get(doc, "area");
    int area = area_v ? literacy_area_parse(json_string_value(area_v)) : 0;
    if (area_v && !area) {
        literacy_problem_set(&p, LITERACY_ERR_INVALID, file, "lit_area", NULL);
        literacy_report_add(r, &p);
        return LITERACY_ERR_INVALID;
    }
    if (b->n + json_array_size(items) > LITERACY_BANK_MAX) {
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", LITERACY_BANK_MAX);
        literacy_problem_set(&p, LITERACY_ERR_INVALID, file, "lit_too_many", arg);
        literacy_report_add(r, &p);
        return LITERACY_ERR_INVALID;
    }
    size_t before = r->total, i;
    json_t *v;
    json_array_foreach (items, i, v) {
        char where[96];
        struct literacy_item it;
        snprintf(where, sizeof(where), "%s%sitems[%zu]", file, *file ? ": " : "", i);
        int err = literacy_item_read(v, where, &it, &p);
        if (!err && area && it.area != area) {
            char base[sizeof(where) + LITERACY_ID_MAX + 4];
            snprintf(base, sizeof(base), "%s (%s)", where, it.id);
            err = bad(&p, base, "competence", "lit_area_mismatch", literacy_areas[area - 1].code);
        }
        if (err == LITERACY_ERR_INVALID)
            literacy_report_add(r, &p);
        else if (err || (err = literacy_bank_add(b, &it)))
            return err;
    }
    return r->total > before ? LITERACY_ERR_INVALID : LITERACY_OK;
}

int literacy_bank_read_file(struct literacy_bank *b, const char *data, size_t len, const char *file,
                            struct literacy_report *r)
{
    json_error_t e;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
    if (!doc) {
        struct literacy_problem p;
        char arg[sizeof(p.arg)];
        snprintf(arg, sizeof(arg), "line %d, column %d: %.60s", e.line, e.column, e.text);
        literacy_problem_set(&p, LITERACY_ERR_INVALID, file, "lit_bad_json", arg);
        literacy_report_add(r, &p);
        return LITERACY_ERR_INVALID;
    }
    return literacy_bank_read_json(b, doc, file, 0, r);
}

static int cmp_item(const void *a, const void *b)
{
    return strcmp(((const struct literacy_item *)a)->id, ((const struct literacy_item *)b)->id);
}

int literacy_bank_finish(struct literacy_bank *b, struct literacy_report *r)
{
    if (b->n > 1)
        qsort(b->items, b->n, sizeof(*b->items), cmp_item);
    int err = LITERACY_OK;
    for (size_t i = 1; i < b->n; i++)
        if (strcmp(b->items[i - 1].id, b->items[i].id) == 0) {
            struct literacy_problem p;
            literacy_problem_set(&p, LITERACY_ERR_INVALID, b->items[i].id, "lit_id_twice", NULL);
            literacy_report_add(r, &p);
            err = LITERACY_ERR_INVALID;
        }
    return err;
}

const struct literacy_item *literacy_bank_find(const struct literacy_bank *b, const char *id)
{
    size_t lo = 0, hi = b ? b->n : 0;
    while (id && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(id, b->items[mid].id);
        if (d == 0)
            return &b->items[mid];
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ---- Bundled content ---- */

static pthread_once_t bundled_once = PTHREAD_ONCE_INIT;
static struct literacy_bank bundled;
static struct literacy_resources bundled_resources;
static int bundled_err, resources_err;
static char bundled_why[512], resources_why[512];

static int is_items_file(const char *path)
{
    size_t n = strlen(path);
    return strncmp(path, "/literacy/items-", 16) == 0 && n > 21 &&
           strcmp(path + n - 5, ".json") == 0 && !strchr(path + 10, '/');
}

static void bundled_load(void)
{
    struct literacy_report *r = cc_calloc(1, sizeof(*r));
    literacy_bank_init(&bundled);
    if (!r) {
        bundled_err = resources_err = LITERACY_ERR_NOMEM;
        snprintf(bundled_why, sizeof(bundled_why), "out of memory");
        return;
    }
    for (size_t i = 0; i < content_files_count && !bundled_err; i++)
        if (is_items_file(content_files[i].path))
            bundled_err =
                literacy_bank_read_file(&bundled, (const char *)content_files[i].data,
                                        content_files[i].size, content_files[i].path + 1, r);
    if (!bundled_err)
        bundled_err = literacy_bank_finish(&bundled, r);
    if (bundled_err && r->n)
        literacy_problem_format(&r->list[0], LANG_EN, bundled_why, sizeof(bundled_why));
    else if (bundled_err)
        snprintf(bundled_why, sizeof(bundled_why), "out of memory");
    cc_free(r);
    const struct embedded_file *f =
        embedded_find(content_files, content_files_count, "/literacy/resources.json");
    if (f)
        resources_err = literacy_resources_read((const char *)f->data, f->size, &bundled_resources,
                                                resources_why, sizeof(resources_why));
}

int literacy_bundled(const struct literacy_bank **out, char *why, size_t why_size)
{
    pthread_once(&bundled_once, bundled_load);
    *out = &bundled;
    if (bundled_err && why)
        snprintf(why, why_size, "%s", bundled_why);
    return bundled_err;
}

int literacy_resources_bundled(const struct literacy_resources **out, char *why, size_t why_size)
{
    pthread_once(&bundled_once, bundled_load);
    *out = &bundled_resources;
    if (resources_err && why)
        snprintf(why, why_size, "literacy/resources.json: %s", resources_why);
    return resources_err;
}

/* ---- Resources ---- */

#define ACTIVITY_PREFIX "https://carecampus.org/xapi/activities/literacy/practice/"

static const char *const KINDS[] = {"practice", "reading", "video", "course", NULL};

/* An https:// address of at most 2048 bytes without spaces or control characters. */
static int url_ok(const char *s, const char *prefix)
{
    size_t n = s ? strlen(s) : 0;
    if (n <= strlen(prefix) || n > 2048 || strncmp(s, prefix, strlen(prefix)) != 0)
        return 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '<' || *c == '>')
            return 0;
    return 1;
}

/* 1..32 of a-z, 0-9, '.' and '-', starting with a letter or digit ("r-4.2-01"). */
static int resource_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= 32 && s[0] != '-' && s[0] != '.' &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n;
}

static int read_resource(const json_t *v, size_t i, struct literacy_resource *out, char *why,
                         size_t size)
{
    static const char *const keys[] = {"id",   "competence", "levels", "title", "description",
                                       "kind", "activity",   "url",    NULL};
    struct literacy_problem p;
    char where[40];
    snprintf(where, sizeof(where), "resources[%zu]", i);
    memset(out, 0, sizeof(*out));
    out->json = (json_t *)v;
    int err = !json_is_object(v) ? bad(&p, where, "", "lit_resource", NULL)
                                 : keys_only(v, keys, where, "", &p);
    out->id = json_string_value(json_object_get(v, "id"));
    out->competence =
        literacy_competence_index(json_string_value(json_object_get(v, "competence")));
    const json_t *levels = json_object_get(v, "levels");
    out->kind = json_string_value(json_object_get(v, "kind"));
    out->activity = json_string_value(json_object_get(v, "activity"));
    out->url = json_string_value(json_object_get(v, "url"));
    if (!err && !resource_id_ok(out->id))
        err = bad(&p, where, "id", "lit_resource_id", NULL);
    if (!err && out->competence < 0)
        err = bad(&p, where, "competence", "lit_competence", NULL);
    if (!err &&
        (!json_is_array(levels) || json_array_size(levels) == 0 || json_array_size(levels) > 8))
        err = bad(&p, where, "levels", "lit_resource_levels", NULL);
    for (size_t j = 0; !err && j < json_array_size(levels); j++) {
        const json_t *l = json_array_get(levels, j);
        if (!json_is_integer(l) || json_integer_value(l) < 1 || json_integer_value(l) > 8)
            err = bad(&p, where, "levels", "lit_resource_levels", NULL);
        else
            out->levels |= 1u << json_integer_value(l);
    }
    if (!err)
        err = read_text(json_object_get(v, "title"), LITERACY_LABEL_MAX, where, "title",
                        &out->title, &p);
    if (!err)
        err = read_text(json_object_get(v, "description"), LITERACY_FEEDBACK_MAX, where,
                        "description", &out->description, &p);
    if (!err && one_of(out->kind, KINDS) < 0)
        err = bad(&p, where, "kind", "lit_resource_kind", NULL);
    if (!err && !!out->activity == !!out->url)
        err = bad(&p, where, "", "lit_resource_target", NULL);
    if (!err && out->activity && !url_ok(out->activity, ACTIVITY_PREFIX))
        err = bad(&p, where, "activity", "lit_resource_activity", NULL);
    if (!err && out->url && !url_ok(out->url, "https://"))
        err = bad(&p, where, "url", "lit_resource_url", NULL);
    if (err)
        literacy_problem_format(&p, LANG_EN, why, size);
    return err;
}

int literacy_resources_read(const char *data, size_t len, struct literacy_resources *out, char *why,
                            size_t why_size)
{
    json_error_t e;
    memset(out, 0, sizeof(*out));
    out->doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
    const json_t *list = json_object_get(out->doc, "resources");
    if (!out->doc || !json_is_array(list) || json_object_size(out->doc) != 1) {
        if (!out->doc)
            snprintf(why, why_size, "not valid JSON (line %d: %s)", e.line, e.text);
        else
            snprintf(why, why_size, "the file must be {\"resources\": [...]}");
        literacy_resources_release(out);
        return LITERACY_ERR_INVALID;
    }
    size_t n = json_array_size(list);
    if (n && !(out->list = cc_calloc(n, sizeof(*out->list)))) {
        literacy_resources_release(out);
        return LITERACY_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        int err = read_resource(json_array_get(list, i), i, &out->list[i], why, why_size);
        for (size_t j = 0; !err && j < i; j++)
            if (strcmp(out->list[j].id, out->list[i].id) == 0) {
                snprintf(why, why_size, "resources[%zu].id: \"%s\" is used twice", i,
                         out->list[i].id);
                err = LITERACY_ERR_INVALID;
            }
        if (err) {
            literacy_resources_release(out);
            return err;
        }
        out->n++;
    }
    return LITERACY_OK;
}

void literacy_resources_release(struct literacy_resources *r)
{
    cc_free(r->list);
    json_decref(r->doc);
    memset(r, 0, sizeof(*r));
}
