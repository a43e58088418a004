/*
 * Unit tests of competency/: CASE 1.1 package validation (a table of hostile
 * packages, each a mutation of a valid one), import, replacement, the
 * lossless round trip, ownership, the readers (tree, item, search), the
 * provider shapes, bundled loading and alignments. Packages come from
 * tests/fixtures/case/, found beside this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "competency/alignment.h"
#include "competency/bundled.h"
#include "competency/case.h"
#include "competency/messages.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/log.h"
#include "util/utf8.h"

/* Identifiers of the fixtures (tests/fixtures/case/). */
#define DOC_A   "76a7364f-a13b-4463-bcef-9270880bee75"
#define ITEM_A  "93956fdc-e1e2-45d7-8bc0-f9375c4a125b" /* T.1 */
#define ITEM_A1 "7a2d1adc-faa8-42f5-9bca-d96c8bc90448" /* T.1.1 hand hygiene */
#define ITEM_A2 "e0203f40-4ab1-43f9-a697-d76855bb365f" /* T.1.2, gone in v2 */
#define ITEM_B  "2012dac2-7891-4373-8feb-10ba7f184893" /* T.2 */
#define ITEM_B1 "0b328c2e-4652-4635-a997-b91ce86f3490" /* T.2.1 */
#define ITEM_B2 "5b2b9e3c-0cc9-499c-94dc-63e0eeb048fe" /* T.2.2, new in v2 */
#define DOC_B   "e5096055-b3b2-40d1-bbbe-02e815aec33a"
#define ITEM_X1 "36703404-b9c0-4127-9054-a1f2e1556f25"
#define DOC_X   "f1c8ed82-f270-4021-b3e9-c347cf31d906"
#define ACT     "https://carecampus.org/xapi/activities/checkoffs/hand-hygiene"

struct fixture {
    struct store *db;
    int64_t inst_a, inst_b;
};

static char fixture_dir[1024];

/* The text of fixture NAME (free with free); *LEN its length. */
static char *slurp(const char *name, size_t *len)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    data[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return data;
}

static json_t *load_fixture(const char *name)
{
    size_t len;
    char *text = slurp(name, &len);
    json_t *v = json_loadb(text, len, 0, NULL);
    free(text);
    assert_non_null(v);
    return v;
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    char here[1024];
    snprintf(here, sizeof(here), "%s", __FILE__);
    snprintf(fixture_dir, sizeof(fixture_dir), "%s/../fixtures/case", dirname(here));
    return 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct auth_problem p;
    if (!f || store_open("sqlite::memory:", &f->db) || store_migrate(f->db) ||
        auth_institution_create(f->db, "Changsha Health Vocational College", "长沙健康职业学院",
                                "CN", &f->inst_a, &p) ||
        auth_institution_create(f->db, "Lakeside Community College", "湖畔社区学院", "US",
                                &f->inst_b, &p))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(&f->db);
    free(f);
    return 0;
}

static int64_t query_int(struct store *db, const char *sql)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t v = store_col_int(st, 0);
    store_finish(st);
    return v;
}

/* Every row of the framework tables, as one number that changes when any of them does. */
static int64_t fingerprint(struct store *db)
{
    return query_int(db, "SELECT (SELECT COUNT(*) FROM case_documents) * 1000000"
                         " + (SELECT COUNT(*) FROM case_items) * 10000"
                         " + (SELECT COUNT(*) FROM case_associations) * 100"
                         " + (SELECT COUNT(*) FROM case_definitions) * 10"
                         " + (SELECT COUNT(*) FROM case_rubrics)"
                         " + (SELECT COUNT(*) FROM competency_alignments) * 100000000");
}

/* Imports TEXT for OWNER; returns the error and leaves the report in R (release it). */
static int import_text(struct store *db, const char *text, size_t len, int64_t owner,
                       unsigned flags, struct case_report *r)
{
    case_report_init(r);
    return case_package_import(db, text, len, owner, flags, r);
}

static void import_fixture(struct store *db, const char *name, int64_t owner)
{
    size_t len;
    char *text = slurp(name, &len);
    struct case_report r;
    int err = import_text(db, text, len, owner, 0, &r);
    if (err) {
        char msg[800] = "";
        if (r.nerrors)
            case_problem_text(&r.errors[0], LANG_EN, msg, sizeof(msg));
        fail_msg("import %s: %d (%zu errors; %s)", name, err, r.total_errors, msg);
    }
    case_report_release(&r);
    free(text);
}

static char *dumps(const json_t *v)
{
    struct buf b;
    buf_init(&b, 64u << 20);
    assert_int_equal(json_write(v, &b), 0);
    return buf_detach(&b, NULL);
}

/* ------------------------------------------------------------ messages */

/* The printf conversions of S, in order ("s" for "%s"). */
static void conversions(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (*s == '%' && s[1]) {
            s++;
            if (*s != '%')
                out[n++] = *s;
        }
    out[n] = 0;
}

static void messages_sorted_and_translated(void **state)
{
    size_t n = 0;
    for (const char *id; (id = competency_message_id(n)); n++) {
        const char *prev = n ? competency_message_id(n - 1) : NULL;
        if (prev && strcmp(prev, id) >= 0)
            fail_msg("message table not sorted at %s", id);
        const char *en = competency_message(id, LANG_EN), *zh = competency_message(id, LANG_ZH);
        if (en == id || zh == id || !*en || !*zh || strcmp(en, zh) == 0)
            fail_msg("message %s: missing, empty or untranslated", id);
        char ce[8], cz[8];
        conversions(en, ce, sizeof(ce));
        conversions(zh, cz, sizeof(cz));
        if (strcmp(ce, cz) != 0 || (strcmp(ce, "") != 0 && strcmp(ce, "s") != 0))
            fail_msg("message %s: conversions en \"%s\", zh \"%s\"", id, ce, cz);
        if (!utf8_valid(en, strlen(en)) || !utf8_valid(zh, strlen(zh)))
            fail_msg("message %s: not UTF-8", id);
    }
    assert_true(n >= 40);
    assert_string_equal(competency_message("not_found", LANG_ZH), "未找到。");
}

static void uuid_table(void **state)
{
    static const struct {
        const char *s;
        int ok;
    } cases[] = {
        {"76a7364f-a13b-4463-bcef-9270880bee75", 1},
        {"00000000-0000-0000-0000-000000000000", 1},
        {"76A7364F-A13B-4463-BCEF-9270880BEE75", 0}, /* CASE's pattern is lowercase */
        {"76a7364fa13b4463bcef9270880bee75", 0},
        {"{76a7364f-a13b-4463-bcef-9270880bee75}", 0},
        {"76a7364f-a13b-4463-bcef-9270880bee7", 0},
        {"76a7364f-a13b-4463-bcef-9270880bee755", 0},
        {"76a7364g-a13b-4463-bcef-9270880bee75", 0},
        {"76a7364f_a13b-4463-bcef-9270880bee75", 0},
        {"", 0},
        {NULL, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (case_uuid_valid(cases[i].s) != cases[i].ok)
            fail_msg("case_uuid_valid(%s) != %d", cases[i].s ? cases[i].s : "NULL", cases[i].ok);
}

/* ------------------------------------------------------------ importing */

static void valid_framework_imports(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char *text = slurp("framework.json", &len);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, len, f->inst_a, 0, &r), CASE_OK);
    assert_int_equal(r.total_errors, 0);
    assert_int_equal(r.total_warnings, 0);
    assert_true(r.imported);
    assert_true(r.created);
    assert_string_equal(r.document, DOC_A);
    assert_string_equal(r.title, "基础照护测试框架");
    assert_int_equal(r.items, 5);
    assert_int_equal(r.associations, 6);
    assert_int_equal(r.definitions, 2);
    assert_int_equal(r.rubrics, 1);
    assert_int_equal(r.item_changes.created, 5);
    assert_int_equal(r.association_changes.created, 6);
    json_t *j = case_report_json(&r, LANG_ZH);
    assert_true(json_is_true(json_object_get(j, "valid")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "changes"), "document")), "created");
    json_decref(j);
    case_report_release(&r);
    assert_int_equal(fingerprint(f->db), 1000000 + 5 * 10000 + 6 * 100 + 2 * 10 + 1);
    assert_int_equal(
        query_int(f->db,
                  "SELECT owner_institution_id FROM case_documents WHERE identifier = '" DOC_A "'"),
        f->inst_a);
    /* The search text holds both languages, lower case. */
    assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM case_items WHERE search_text LIKE"
                                      " '%hand hygiene%' AND search_text LIKE '%手卫生%'"),
                     1);

    /* Checking only writes nothing, and says the same. */
    assert_int_equal(import_text(f->db, text, len, f->inst_a, CASE_IMPORT_CHECK, &r), CASE_OK);
    assert_false(r.imported);
    assert_false(r.created);
    case_report_release(&r);
    free(text);
}

static void round_trip_is_lossless(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", 0);
    json_t *original = load_fixture("framework.json"), *e1, *e2;
    assert_int_equal(case_package_export(f->db, DOC_A, &e1), CASE_OK);
    /* Everything that came in goes out: objects, order, extensions, rubrics. */
    assert_true(json_equal(original, e1));
    char *t1 = dumps(e1);
    struct case_report r;
    assert_int_equal(import_text(f->db, t1, strlen(t1), 0, 0, &r), CASE_OK);
    assert_false(r.created);
    assert_int_equal(r.item_changes.updated, 5);
    assert_int_equal(r.item_changes.created + r.item_changes.removed, 0);
    case_report_release(&r);
    assert_int_equal(case_package_export(f->db, DOC_A, &e2), CASE_OK);
    char *t2 = dumps(e2);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    json_decref(original);
    json_decref(e1);
    json_decref(e2);

    /* A crosswalk (no items, no definitions) too. */
    import_fixture(f->db, "crosswalk.json", 0);
    original = load_fixture("crosswalk.json");
    assert_int_equal(case_package_export(f->db, DOC_X, &e1), CASE_OK);
    assert_true(json_equal(original, e1));
    json_decref(original);
    json_decref(e1);
    assert_int_equal(case_package_export(f->db, "0b328c2e-4652-4635-a997-000000000000", &e1),
                     CASE_ERR_NOT_FOUND);
    assert_int_equal(case_package_export(f->db, "not a uuid", &e1), CASE_ERR_NOT_FOUND);
}

static void reimport_replaces(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", f->inst_a);
    int created;
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, ITEM_A1, "admin", &created),
                     CASE_OK);
    assert_int_equal(
        competency_alignment_add(f->db, f->inst_a, ACT "/2", ITEM_A2, "admin", &created), CASE_OK);
    size_t len;
    char *text = slurp("framework-v2.json", &len);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, len, f->inst_a, 0, &r), CASE_OK);
    assert_false(r.created);
    assert_int_equal(r.item_changes.created, 1);
    assert_int_equal(r.item_changes.updated, 4);
    assert_int_equal(r.item_changes.removed, 1);
    assert_int_equal(r.association_changes.created, 1);
    assert_int_equal(r.association_changes.removed, 2); /* A2's isChildOf and precedes */
    case_report_release(&r);
    free(text);
    assert_int_equal(
        query_int(f->db, "SELECT COUNT(*) FROM case_items WHERE identifier = '" ITEM_A2 "'"), 0);
    assert_int_equal(
        query_int(f->db, "SELECT COUNT(*) FROM case_items WHERE identifier = '" ITEM_B2 "'"), 1);
    /* The alignment to the removed item went with it; the other stays. */
    assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM competency_alignments"), 1);
    assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM case_items WHERE full_statement LIKE"
                                      " '%六步洗手法%'"),
                     1);
    assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM case_documents"), 1);
}

/* ------------------------------------------------------------ hostile packages */

#define ROOT(v, k)     json_object_get((v), (k))
#define ITEM(v, i)     json_array_get(ROOT((v), "CFItems"), (i))
#define ASSOC(v, i)    json_array_get(ROOT((v), "CFAssociations"), (i))
#define SET(o, k, val) json_object_set_new((o), (k), (val))

static void m_items_not_array(json_t *p)
{
    SET(p, "CFItems", json_string("none"));
}
static void m_item_not_object(json_t *p)
{
    json_array_set_new(ROOT(p, "CFItems"), 0, json_integer(7));
}
static void m_statement_number(json_t *p)
{
    SET(ITEM(p, 1), "fullStatement", json_integer(42));
}
static void m_statement_empty(json_t *p)
{
    SET(ITEM(p, 1), "fullStatement", json_string(""));
}
static void m_title_missing(json_t *p)
{
    json_object_del(ROOT(p, "CFDocument"), "title");
}
static void m_no_document(json_t *p)
{
    json_object_del(p, "CFDocument");
}
static void m_document_array(json_t *p)
{
    SET(p, "CFDocument", json_array());
}
static void m_sequence_string(json_t *p)
{
    SET(ASSOC(p, 1), "sequenceNumber", json_string("1"));
}
static void m_sequence_huge(json_t *p)
{
    SET(ASSOC(p, 1), "sequenceNumber", json_integer(1LL << 40));
}
static void m_case_version(json_t *p)
{
    SET(ROOT(p, "CFDocument"), "caseVersion", json_string("1.0"));
}
static void m_assoc_type(json_t *p)
{
    SET(ASSOC(p, 5), "associationType", json_string("isParentOf"));
}
static void m_changed_when(json_t *p)
{
    SET(ITEM(p, 0), "lastChangeDateTime", json_string("yesterday"));
}
static void m_date_only(json_t *p)
{
    SET(ROOT(p, "CFDocument"), "lastChangeDateTime", json_string("2026-11-29"));
}
static void m_status_date(json_t *p)
{
    SET(ITEM(p, 0), "statusStartDate", json_string("2026-13-01"));
}
static void m_uri(json_t *p)
{
    SET(ITEM(p, 2), "uri", json_string("not a uri"));
}
static void m_link_uuid(json_t *p)
{
    SET(ROOT(ITEM(p, 1), "CFItemTypeURI"), "identifier", json_string("Skill"));
}
static void m_origin_missing(json_t *p)
{
    json_object_del(ASSOC(p, 2), "originNodeURI");
}
static void m_levels(json_t *p)
{
    SET(ROOT(ITEM(p, 1), "extensions"), "https://carecampus.org/ns/case#levels",
        json_pack("[i]", 0));
}
static void m_levels_twice(json_t *p)
{
    SET(ROOT(ITEM(p, 1), "extensions"), "https://carecampus.org/ns/case#levels",
        json_pack("[i,i]", 3, 3));
}
static void m_critical(json_t *p)
{
    SET(ROOT(ITEM(p, 1), "extensions"), "https://carecampus.org/ns/case#critical",
        json_string("yes"));
}
static void m_translations(json_t *p)
{
    SET(ROOT(ITEM(p, 1), "extensions"), "https://carecampus.org/ns/case#translations",
        json_string("en"));
}
static void m_translation_text(json_t *p)
{
    SET(ROOT(ROOT(ROOT(ITEM(p, 1), "extensions"), "https://carecampus.org/ns/case#translations"),
             "en"),
        "fullStatement", json_integer(1));
}
static void m_unknown_member(json_t *p)
{
    SET(p, "CFPackage", json_object());
}
static void m_definition_kind(json_t *p)
{
    SET(ROOT(p, "CFDefinitions"), "CFThings", json_array());
}
static void m_definition_field(json_t *p)
{
    json_object_del(json_array_get(ROOT(ROOT(p, "CFDefinitions"), "CFItemTypes"), 0),
                    "hierarchyCode");
}
static void m_rubric_level(json_t *p)
{
    SET(json_array_get(
            ROOT(json_array_get(ROOT(json_array_get(ROOT(p, "CFRubrics"), 0), "CFRubricCriteria"),
                                0),
                 "CFRubricCriterionLevels"),
            1),
        "score", json_string("high"));
}
static void m_extensions_array(json_t *p)
{
    SET(p, "extensions", json_array());
}
static void m_uuid_upper(json_t *p)
{
    SET(ITEM(p, 0), "identifier", json_string("93956FDC-E1E2-45D7-8BC0-F9375C4A125B"));
}
static void m_uuid_short(json_t *p)
{
    SET(ITEM(p, 0), "identifier", json_string("1234"));
}
static void m_doc_uuid(json_t *p)
{
    SET(ROOT(p, "CFDocument"), "identifier", json_string("{" DOC_A "}"));
}
static void m_uuid_number(json_t *p)
{
    SET(ASSOC(p, 0), "identifier", json_integer(1));
}
static void m_dup_items(json_t *p)
{
    SET(ITEM(p, 1), "identifier", json_string(ITEM_A));
}
static void m_dup_assoc_item(json_t *p)
{
    SET(ASSOC(p, 3), "identifier", json_string(ITEM_B1));
}
static void m_dup_doc(json_t *p)
{
    SET(ITEM(p, 4), "identifier", json_string(DOC_A));
}
static void m_dup_definition(json_t *p)
{
    json_t *types = ROOT(ROOT(p, "CFDefinitions"), "CFItemTypes");
    SET(json_array_get(types, 1), "identifier",
        json_string(json_string_value(ROOT(json_array_get(types, 0), "identifier"))));
}
static void m_dup_rubric(json_t *p)
{
    SET(json_array_get(ROOT(p, "CFRubrics"), 0), "identifier", json_string(ITEM_A1));
}

static json_t *child_of(const char *id, const char *child, const char *parent)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:s}", "identifier", id,
                     "uri", "https://example.org/a", "associationType", "isChildOf",
                     "originNodeURI", "title", "c", "identifier", child, "uri",
                     "https://example.org/c", "destinationNodeURI", "title", "p", "identifier",
                     parent, "uri", "https://example.org/p", "lastChangeDateTime",
                     "2026-11-01T00:00:00+00:00");
}
static void m_cycle(json_t *p)
{
    json_array_append_new(ROOT(p, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000001", ITEM_A, ITEM_A1));
}
static void m_self(json_t *p)
{
    json_array_append_new(ROOT(p, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000002", ITEM_B1, ITEM_B1));
}
static void m_long_cycle(json_t *p)
{
    /* B under T.1.1 and T.1 under T.2.1: T.1 -> T.2.1 -> T.2 -> T.1.1 -> T.1. */
    json_array_append_new(ROOT(p, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000003", ITEM_B, ITEM_A1));
    json_array_append_new(ROOT(p, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000004", ITEM_A, ITEM_B1));
}
static void m_dangling_origin(json_t *p)
{
    json_array_append_new(ROOT(p, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000005",
                                   "bbbbbbbb-0000-4000-8000-000000000000", ITEM_A));
}
static void m_dangling_parent(json_t *p)
{
    json_array_append_new(ROOT(p, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000006", ITEM_A2,
                                   "bbbbbbbb-0000-4000-8000-000000000000"));
}
static void m_huge_string(json_t *p)
{
    char *s = malloc(70001);
    memset(s, 'x', 70000);
    s[70000] = 0;
    SET(ITEM(p, 1), "notes", json_string(s));
    free(s);
}
static void m_huge_extension_key(json_t *p)
{
    char *s = malloc(70001);
    memset(s, 'k', 70000);
    s[70000] = 0;
    SET(ROOT(ITEM(p, 0), "extensions"), s, json_true());
    free(s);
}
static void m_long_code(json_t *p)
{
    char s[300];
    memset(s, '1', 299);
    s[299] = 0;
    SET(ITEM(p, 0), "humanCodingScheme", json_string(s));
}
static void m_too_many_items(json_t *p)
{
    json_t *items = json_array();
    for (int i = 0; i <= CASE_MAX_ITEMS; i++)
        json_array_append_new(items, json_object());
    SET(p, "CFItems", items);
}

/* Warnings only: the package still imports. */
static void w_unknown_property(json_t *p)
{
    SET(ITEM(p, 0), "colour", json_string("blue"));
}
static void w_variant(json_t *p)
{
    SET(json_array_get(ROOT(p, "CFRubrics"), 0), "identifier",
        json_string("93956fdc-e1e2-45d7-0bc0-f9375c4a125b"));
}
static void w_no_zh(json_t *p)
{
    json_object_del(
        ROOT(ROOT(ITEM(p, 2), "extensions"), "https://carecampus.org/ns/case#translations"),
        "zh-CN");
}
static void w_other_lang(json_t *p)
{
    SET(ROOT(ROOT(ITEM(p, 2), "extensions"), "https://carecampus.org/ns/case#translations"), "fr",
        json_pack("{s:s}", "fullStatement", "Soins de bouche"));
}
static void w_type_unknown(json_t *p)
{
    SET(ITEM(p, 0), "CFItemType", json_string("Chapter"));
}
static void w_orphan(json_t *p)
{
    json_array_remove(ROOT(p, "CFAssociations"), 4);
}
static void w_language(json_t *p)
{
    SET(ROOT(p, "CFDocument"), "language", json_string("chinese simplified"));
}

static const struct hostile {
    const char *name;
    void (*mutate)(json_t *);
    const char *path; /* where the first problem of its kind must be */
    const char *msg;
    int warning; /* 1: a warning, and the package imports */
} hostile[] = {
    {"CFItems not an array", m_items_not_array, "CFItems", "case_not_array", 0},
    {"an item not an object", m_item_not_object, "CFItems[0]", "case_not_object", 0},
    {"fullStatement a number", m_statement_number, "CFItems[1].fullStatement", "case_not_string",
     0},
    {"fullStatement empty", m_statement_empty, "CFItems[1].fullStatement", "case_empty", 0},
    {"document without title", m_title_missing, "CFDocument.title", "case_required", 0},
    {"no CFDocument", m_no_document, "CFDocument", "case_required", 0},
    {"CFDocument an array", m_document_array, "CFDocument", "case_not_object", 0},
    {"sequenceNumber a string", m_sequence_string, "CFAssociations[1].sequenceNumber",
     "case_not_int32", 0},
    {"sequenceNumber past int32", m_sequence_huge, "CFAssociations[1].sequenceNumber",
     "case_not_int32", 0},
    {"caseVersion 1.0", m_case_version, "CFDocument.caseVersion", "case_version", 0},
    {"unknown associationType", m_assoc_type, "CFAssociations[5].associationType",
     "case_association_type", 0},
    {"lastChangeDateTime not a date", m_changed_when, "CFItems[0].lastChangeDateTime",
     "case_datetime", 0},
    {"lastChangeDateTime a date alone", m_date_only, "CFDocument.lastChangeDateTime",
     "case_datetime", 0},
    {"statusStartDate month 13", m_status_date, "CFItems[0].statusStartDate", "case_date", 0},
    {"uri not a URI", m_uri, "CFItems[2].uri", "case_uri", 0},
    {"LinkURI identifier not a UUID", m_link_uuid, "CFItems[1].CFItemTypeURI.identifier",
     "case_uuid", 0},
    {"association without origin", m_origin_missing, "CFAssociations[2].originNodeURI",
     "case_required", 0},
    {"level 0", m_levels, "CFItems[1].extensions[\"https://carecampus.org/ns/case#levels\"]",
     "case_levels", 0},
    {"level twice", m_levels_twice,
     "CFItems[1].extensions[\"https://carecampus.org/ns/case#levels\"]", "case_levels", 0},
    {"critical a string", m_critical,
     "CFItems[1].extensions[\"https://carecampus.org/ns/case#critical\"]", "case_not_boolean", 0},
    {"translations a string", m_translations,
     "CFItems[1].extensions[\"https://carecampus.org/ns/case#translations\"]", "case_not_object",
     0},
    {"a translation a number", m_translation_text,
     "CFItems[1].extensions[\"https://carecampus.org/ns/case#translations\"].en.fullStatement",
     "case_not_string", 0},
    {"unknown package member", m_unknown_member, "CFPackage", "case_unknown_member", 0},
    {"unknown definition kind", m_definition_kind, "CFDefinitions.CFThings", "case_unknown_member",
     0},
    {"item type without hierarchyCode", m_definition_field,
     "CFDefinitions.CFItemTypes[0].hierarchyCode", "case_required", 0},
    {"rubric level score a string", m_rubric_level,
     "CFRubrics[0].CFRubricCriteria[0].CFRubricCriterionLevels[1].score", "case_not_number", 0},
    {"package extensions an array", m_extensions_array, "extensions", "case_not_object", 0},
    {"identifier in capitals", m_uuid_upper, "CFItems[0].identifier", "case_uuid", 0},
    {"identifier 1234", m_uuid_short, "CFItems[0].identifier", "case_uuid", 0},
    {"document identifier in braces", m_doc_uuid, "CFDocument.identifier", "case_uuid", 0},
    {"identifier a number", m_uuid_number, "CFAssociations[0].identifier", "case_not_string", 0},
    {"two items, one identifier", m_dup_items, "CFItems[1].identifier", "case_duplicate_id", 0},
    {"association with an item's identifier", m_dup_assoc_item, "CFAssociations[3].identifier",
     "case_duplicate_id", 0},
    {"item with the document's identifier", m_dup_doc, "CFItems[4].identifier", "case_duplicate_id",
     0},
    {"two item types, one identifier", m_dup_definition, "CFDefinitions.CFItemTypes[1].identifier",
     "case_duplicate_id", 0},
    {"rubric with an item's identifier", m_dup_rubric, "CFRubrics[0].identifier",
     "case_duplicate_id", 0},
    {"cycle of two", m_cycle, "CFAssociations[1]", "case_child_cycle", 0},
    {"item its own parent", m_self, "CFAssociations[6]", "case_child_cycle", 0},
    {"cycle of four", m_long_cycle, "CFAssociations[1]", "case_child_cycle", 0},
    {"isChildOf from outside", m_dangling_origin, "CFAssociations[6].originNodeURI.identifier",
     "case_child_origin", 0},
    {"isChildOf to nowhere", m_dangling_parent, "CFAssociations[6].destinationNodeURI.identifier",
     "case_child_destination", 0},
    {"a 70,000-byte string", m_huge_string, "CFItems[1].notes", "case_string_too_long", 0},
    {"a 70,000-byte key", m_huge_extension_key, "CFItems[0].extensions", "case_key_too_long", 0},
    {"a 299-byte human code", m_long_code, "CFItems[0].humanCodingScheme", "case_code_too_long", 0},
    {"50,001 items", m_too_many_items, "CFItems", "case_too_many", 0},
    {"unknown property", w_unknown_property, "CFItems[0].colour", "case_unknown_property", 1},
    {"UUID of another variant", w_variant, "CFRubrics[0].identifier", "case_uuid_variant", 1},
    {"no Chinese text", w_no_zh,
     "CFItems[2].extensions[\"https://carecampus.org/ns/case#translations\"]",
     "case_translation_missing", 1},
    {"a French text", w_other_lang,
     "CFItems[2].extensions[\"https://carecampus.org/ns/case#translations\"].fr",
     "case_translation_lang", 1},
    {"undefined item type", w_type_unknown, "CFItems[0].CFItemType", "case_item_type_unknown", 1},
    {"item outside the tree", w_orphan, "CFItems[4]", "case_item_not_in_tree", 1},
    {"language not a tag", w_language, "CFDocument.language", "case_language", 1},
};

static const struct case_problem *find_problem(const struct case_report *r, int warning,
                                               const char *msg)
{
    const struct case_problem *list = warning ? r->warnings : r->errors;
    size_t n = warning ? r->nwarnings : r->nerrors;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].msg, msg) == 0)
            return &list[i];
    return NULL;
}

static void hostile_packages_change_nothing(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework-b.json", 0);
    int64_t before = fingerprint(f->db);
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        const struct hostile *h = &hostile[i];
        json_t *pkg = load_fixture("framework.json");
        h->mutate(pkg);
        char *text = dumps(pkg);
        struct case_report r;
        int err = import_text(f->db, text, strlen(text), f->inst_a, 0, &r);
        const struct case_problem *p = find_problem(&r, h->warning, h->msg);
        if (!p) {
            char first[800] = "";
            if (r.nerrors)
                case_problem_text(&r.errors[0], LANG_EN, first, sizeof(first));
            fail_msg("%s: no %s %s (err %d, %zu errors, first: %s)", h->name,
                     h->warning ? "warning" : "error", h->msg, err, r.total_errors, first);
        }
        if (strcmp(p->path, h->path) != 0)
            fail_msg("%s: %s at \"%s\", expected \"%s\"", h->name, h->msg, p->path, h->path);
        if (h->warning) {
            if (err != CASE_OK || !r.imported)
                fail_msg("%s: a warning stopped the import (%d)", h->name, err);
            assert_int_equal(case_document_remove(f->db, DOC_A, f->inst_a), CASE_OK);
        } else if (err != CASE_ERR_INVALID || r.imported) {
            fail_msg("%s: imported (%d)", h->name, err);
        }
        /* Every message renders in both languages, with its path. */
        char en[800], zh[800];
        case_problem_text(p, LANG_EN, en, sizeof(en));
        case_problem_text(p, LANG_ZH, zh, sizeof(zh));
        assert_true(strstr(en, h->path) == en || !h->path[0]);
        assert_string_not_equal(en, zh);
        if (fingerprint(f->db) != before)
            fail_msg("%s: the database changed", h->name);
        case_report_release(&r);
        free(text);
        json_decref(pkg);
    }
}

/* Files that are not packages at all. */
static void unreadable_files(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"", "case_bad_json"},
        {"{\"CFDocument\": {", "case_bad_json"},
        {"{\"CFDocument\": {}, \"CFDocument\": {}}", "case_bad_json"},
        {"{\"CFDocument\": {\"title\": \"\xff\xfe\"}}", "case_bad_json"},
        {"{\"CFDocument\": {\"title\": \"a\\u0000b\"}}", "case_bad_json"},
        {"[{\"CFDocument\": {}}]", "case_not_package"},
        {"\"CFDocument\"", "case_not_package"},
        {"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
         "case_too_deep"},
        {"{\"CFItems\": []}", "case_required"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct case_report r;
        assert_int_equal(import_text(f->db, cases[i].text, strlen(cases[i].text), 0, 0, &r),
                         CASE_ERR_INVALID);
        if (!r.nerrors || strcmp(r.errors[0].msg, cases[i].msg) != 0)
            fail_msg("case %zu: %s, expected %s", i, r.nerrors ? r.errors[0].msg : "nothing",
                     cases[i].msg);
        json_t *j = case_report_json(&r, LANG_EN);
        assert_false(json_is_true(json_object_get(j, "valid")));
        assert_true(json_is_null(json_object_get(j, "changes")));
        json_decref(j);
        case_report_release(&r);
    }
    /* Past 32 MiB nothing is read: the size alone refuses it. */
    size_t big = CASE_MAX_BYTES + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, big, 0, 0, &r), CASE_ERR_INVALID);
    assert_string_equal(r.errors[0].msg, "case_too_big");
    assert_string_equal(r.errors[0].arg, "33554433");
    case_report_release(&r);
    free(text);
    assert_int_equal(fingerprint(f->db), 0);
}

/* Many problems: all counted, the first CASE_REPORT_MAX listed. */
static void report_is_bounded(void **state)
{
    struct fixture *f = *state;
    json_t *pkg = load_fixture("framework.json");
    json_t *items = json_array();
    for (int i = 0; i < 500; i++)
        json_array_append_new(items, json_pack("{s:i}", "identifier", i));
    json_object_set_new(pkg, "CFItems", items);
    char *text = dumps(pkg);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, strlen(text), 0, 0, &r), CASE_ERR_INVALID);
    assert_int_equal(r.nerrors, CASE_REPORT_MAX);
    assert_true(r.total_errors >= 500 * 4); /* identifier, fullStatement, uri, lastChangeDateTime */
    json_t *j = case_report_json(&r, LANG_EN);
    assert_int_equal(json_array_size(json_object_get(j, "errors")), CASE_REPORT_MAX);
    assert_int_equal(json_integer_value(json_object_get(j, "error_count")),
                     (json_int_t)r.total_errors);
    json_decref(j);
    case_report_release(&r);
    free(text);
    json_decref(pkg);
}

/* ------------------------------------------------------------ owners and other frameworks */

static void owners_and_identifiers(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char *text = slurp("framework.json", &len);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, len, f->inst_a, 0, &r), CASE_OK);
    case_report_release(&r);
    int64_t before = fingerprint(f->db);

    /* Another college, or the installation, may not replace it. */
    int64_t others[] = {f->inst_b, 0};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(import_text(f->db, text, len, others[i], 0, &r), CASE_ERR_INVALID);
        const struct case_problem *p = find_problem(&r, 0, "case_document_not_yours");
        assert_non_null(p);
        assert_string_equal(p->path, "CFDocument.identifier");
        case_report_release(&r);
    }
    /* A framework of its own that reuses an item's identifier. */
    json_t *pkg = load_fixture("framework.json");
    json_object_set_new(json_object_get(pkg, "CFDocument"), "identifier",
                        json_string("aaaaaaaa-1111-4222-8333-444444444444"));
    json_array_clear(json_object_get(pkg, "CFAssociations"));
    json_object_del(pkg, "CFRubrics");
    char *other = dumps(pkg);
    assert_int_equal(import_text(f->db, other, strlen(other), f->inst_b, 0, &r), CASE_ERR_INVALID);
    const struct case_problem *p = find_problem(&r, 0, "case_id_taken");
    assert_non_null(p);
    assert_string_equal(p->path, "CFItems[0].identifier");
    assert_string_equal(p->arg, "基础照护测试框架");
    case_report_release(&r);
    free(other);
    json_decref(pkg);
    assert_int_equal(fingerprint(f->db), before);

    /* Removing: only the owner. */
    assert_int_equal(case_document_remove(f->db, DOC_A, f->inst_b), CASE_ERR_FORBIDDEN);
    assert_int_equal(case_document_remove(f->db, DOC_A, 0), CASE_ERR_FORBIDDEN);
    assert_int_equal(case_document_remove(f->db, DOC_B, f->inst_a), CASE_ERR_NOT_FOUND);
    int created;
    assert_int_equal(competency_alignment_add(f->db, f->inst_b, ACT, ITEM_A1, "admin", &created),
                     CASE_OK);
    assert_int_equal(case_document_remove(f->db, DOC_A, f->inst_a), CASE_OK);
    assert_int_equal(fingerprint(f->db),
                     0); /* items, associations, rubrics, alignments: all gone */

    /* Bundled frameworks: no college replaces them, nobody removes them. */
    assert_int_equal(import_text(f->db, text, len, f->inst_a, CASE_IMPORT_BUNDLED, &r), CASE_OK);
    case_report_release(&r);
    assert_int_equal(import_text(f->db, text, len, f->inst_a, 0, &r), CASE_ERR_INVALID);
    assert_non_null(find_problem(&r, 0, "case_document_bundled"));
    case_report_release(&r);
    assert_int_equal(case_document_remove(f->db, DOC_A, 0), CASE_ERR_BUNDLED);
    assert_int_equal(case_document_remove(f->db, DOC_A, f->inst_a), CASE_ERR_BUNDLED);
    free(text);
}

static void crosswalks(void **state)
{
    struct fixture *f = *state;
    /* Imported before the frameworks it links: warnings, not errors. */
    size_t len;
    char *text = slurp("crosswalk.json", &len);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, len, 0, 0, &r), CASE_OK);
    assert_int_equal(r.total_warnings, 6);
    assert_string_equal(r.warnings[0].msg, "case_endpoint_unknown");
    assert_string_equal(r.warnings[0].path, "CFAssociations[0].originNodeURI.identifier");
    case_report_release(&r);
    import_fixture(f->db, "framework.json", 0);
    import_fixture(f->db, "framework-b.json", 0);
    /* Again, with both frameworks there: only the one that points outside is left. */
    assert_int_equal(import_text(f->db, text, len, 0, 0, &r), CASE_OK);
    assert_int_equal(r.total_warnings, 1);
    assert_string_equal(r.warnings[0].arg, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    case_report_release(&r);
    free(text);

    /* Hand hygiene: the nurse-aide skill is an exact match, seen from the other side. */
    json_t *d;
    assert_int_equal(case_item_detail(f->db, f->inst_a, ITEM_A1, &d), CASE_OK);
    json_t *assoc = json_object_get(d, "associations");
    int exact = 0;
    size_t i;
    json_t *a;
    json_array_foreach (assoc, i, a) {
        if (strcmp(json_string_value(json_object_get(a, "type")), "exactMatchOf") != 0)
            continue;
        exact++;
        assert_string_equal(json_string_value(json_object_get(a, "direction")), "in");
        json_t *other = json_object_get(a, "other");
        assert_string_equal(json_string_value(json_object_get(other, "identifier")), ITEM_X1);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(other, "item"), "human_coding")),
            "NT.1");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(other, "document"), "identifier")),
            DOC_B);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(a, "source"), "identifier")), DOC_X);
    }
    assert_int_equal(exact, 1);
    /* T.1.1 precedes T.1.2 within its own framework. */
    json_array_foreach (assoc, i, a)
        if (strcmp(json_string_value(json_object_get(a, "type")), "precedes") == 0)
            assert_string_equal(json_string_value(json_object_get(a, "direction")), "out");
    assert_int_equal(json_array_size(json_object_get(d, "path")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(d, "path"), 0), "human_coding")),
                        "T.1");
    json_decref(d);

    /* The partial match carries its note in both languages. */
    assert_int_equal(case_item_detail(f->db, f->inst_a, ITEM_B1, &d), CASE_OK);
    a = json_array_get(json_object_get(d, "associations"), 0);
    assert_string_equal(json_string_value(json_object_get(a, "type")), "isRelatedTo");
    assert_non_null(strstr(json_string_value(json_object_get(a, "notes")), "60 seconds"));
    assert_non_null(
        strstr(json_string_value(json_object_get(
                   json_object_get(json_object_get(a, "translations"), "zh-CN"), "notes")),
               "节律"));
    json_decref(d);
    assert_int_equal(case_item_detail(f->db, f->inst_a, "ffffffff-ffff-4fff-bfff-ffffffffffff", &d),
                     CASE_ERR_NOT_FOUND);

    /* The crosswalk's own view: each end resolved where it is stored. */
    json_t *t;
    assert_int_equal(case_tree(f->db, DOC_X, &t), CASE_OK);
    json_t *links = json_object_get(t, "associations");
    assert_int_equal(json_array_size(links), 3);
    json_t *origin = json_object_get(json_array_get(links, 0), "origin");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(origin, "item"), "human_coding")),
        "NT.1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(origin, "document"), "identifier")),
        DOC_B);
    assert_true(
        json_is_null(json_object_get(json_object_get(json_array_get(links, 2), "origin"), "item")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(links, 2), "destination"), "title")),
                        "口腔清洁");
    json_decref(t);

    json_t *list;
    assert_int_equal(case_document_list(f->db, &list), CASE_OK);
    assert_int_equal(json_array_size(list), 3);
    /* Frameworks first, then the crosswalk. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "kind")),
                        "crosswalk");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "kind")),
                        "framework");
    json_decref(list);
}

/* ------------------------------------------------------------ reading */

static void tree_in_order(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", 0);
    json_t *t;
    assert_int_equal(case_tree(f->db, DOC_A, &t), CASE_OK);
    static const struct {
        const char *code;
        int depth;
        int kids;
    } want[] = {{"T.1", 0, 1}, {"T.1.1", 1, 0}, {"T.1.2", 1, 0}, {"T.2", 0, 1}, {"T.2.1", 1, 0}};
    json_t *items = json_object_get(t, "items");
    assert_int_equal(json_array_size(items), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *row = json_array_get(items, i);
        assert_string_equal(json_string_value(json_object_get(row, "human_coding")), want[i].code);
        assert_int_equal(json_integer_value(json_object_get(row, "depth")), want[i].depth);
        assert_int_equal(json_is_true(json_object_get(row, "has_children")), want[i].kids);
    }
    json_t *a1 = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(a1, "parent")), ITEM_A);
    assert_true(json_is_true(json_object_get(a1, "critical")));
    assert_int_equal(json_array_size(json_object_get(a1, "levels")), 3);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(a1, "translations"), "en"), "abbreviatedStatement")),
        "Hand hygiene");
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "document"), "title")),
                        "基础照护测试框架");
    json_t *skill = json_object_get(json_object_get(t, "item_types"), "Skill");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(skill, "zh-CN"), "title")), "技能");
    assert_null(json_object_get(t, "associations")); /* a framework, not a crosswalk */
    json_decref(t);
    assert_int_equal(case_tree(f->db, DOC_B, &t), CASE_ERR_NOT_FOUND);

    /* Sibling order follows sequenceNumber, not the package: swap the numbers of T.1 and T.2. */
    json_t *pkg = load_fixture("framework.json");
    json_object_set_new(json_array_get(json_object_get(pkg, "CFAssociations"), 0), "sequenceNumber",
                        json_integer(3));
    /* And T.2.1 also under T.1 (a second parent): listed twice, its subtree once. */
    json_array_append_new(json_object_get(pkg, "CFAssociations"),
                          child_of("aaaaaaaa-0000-4000-8000-000000000009", ITEM_B1, ITEM_A));
    char *text = dumps(pkg);
    struct case_report r;
    assert_int_equal(import_text(f->db, text, strlen(text), 0, 0, &r), CASE_OK);
    case_report_release(&r);
    assert_int_equal(case_tree(f->db, DOC_A, &t), CASE_OK);
    items = json_object_get(t, "items");
    assert_int_equal(json_array_size(items), 6);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(items, 0), "human_coding")), "T.2");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(items, 2), "human_coding")), "T.1");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(items, 5), "human_coding")), "T.2.1");
    assert_true(json_is_true(json_object_get(json_array_get(items, 5), "repeat")));
    json_decref(t);
    free(text);
    json_decref(pkg);
}

static void search_both_languages(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", 0);
    import_fixture(f->db, "framework-b.json", 0);
    static const struct {
        const char *q, *doc;
        size_t n;
        const char *first;
    } cases[] = {
        {"hand hygiene", NULL, 2, "NT.1"}, /* by the framework's title: "Nurse…" before "基础…" */
        {"HAND   Hygiene", NULL, 2, "NT.1"},
        {"手卫生", NULL, 1, "T.1.1"},
        {"脉搏", NULL, 2, "NT.2"},
        {"radial pulse", DOC_B, 1, "NT.2"},
        {"t.2.1", NULL, 1, "T.2.1"},
        {"T.1", NULL, 4, "T.1"}, /* the exact code first, before T.1.1, T.1.2 and NT.1 */
        {"15 seconds", NULL, 1, "T.1.1"},
        {"100%", NULL, 0, NULL},
        {"a_b", NULL, 0, NULL},
        {"", NULL, 0, NULL},
        {"   ", NULL, 0, NULL},
        {"\xe3\x80\x80手卫生\xe3\x80\x80", NULL, 1, "T.1.1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *list;
        assert_int_equal(case_search(f->db, cases[i].q, cases[i].doc, 50, &list), CASE_OK);
        if (json_array_size(list) != cases[i].n)
            fail_msg("search \"%s\": %zu results, expected %zu", cases[i].q, json_array_size(list),
                     cases[i].n);
        if (cases[i].first)
            assert_string_equal(
                json_string_value(json_object_get(json_array_get(list, 0), "human_coding")),
                cases[i].first);
        json_decref(list);
    }
    json_t *list;
    assert_int_equal(case_search(f->db, "t", NULL, 2, &list), CASE_OK);
    assert_int_equal(json_array_size(list), 2);
    json_t *doc = json_object_get(json_array_get(list, 0), "document");
    assert_non_null(json_object_get(doc, "translations"));
    json_decref(list);
}

static void provider_shapes(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", 0);
    import_fixture(f->db, "framework-b.json", 0);
    json_t *v;
    int64_t total;
    assert_int_equal(case_provider_documents(f->db, CASE_SORT_TITLE, 0, 1, 0,
                                             "https://h/ims/case/v1p1", &v, &total),
                     CASE_OK);
    assert_int_equal(total, 2);
    json_t *docs = json_object_get(v, "CFDocuments");
    assert_int_equal(json_array_size(docs), 1);
    json_t *link = json_object_get(json_array_get(docs, 0), "CFPackageURI");
    assert_string_equal(json_string_value(json_object_get(link, "uri")),
                        "https://h/ims/case/v1p1/CFPackages/" DOC_B);
    json_decref(v);
    assert_int_equal(
        case_provider_documents(f->db, CASE_SORT_IDENTIFIER, 1, 10, 1, "x", &v, &total), CASE_OK);
    assert_int_equal(json_array_size(json_object_get(v, "CFDocuments")), 1);
    json_decref(v);

    assert_int_equal(case_provider_item(f->db, ITEM_A1, &v), CASE_OK);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(v, "CFDocumentURI"), "identifier")),
        DOC_A);
    assert_string_equal(json_string_value(json_object_get(v, "humanCodingScheme")), "T.1.1");
    json_decref(v);
    assert_int_equal(case_provider_item_associations(f->db, ITEM_A1, &v), CASE_OK);
    assert_int_equal(json_array_size(json_object_get(v, "CFAssociations")), 2);
    assert_non_null(json_object_get(v, "CFItem"));
    json_decref(v);
    assert_int_equal(case_provider_association(f->db, "1638c572-0ea9-4ef6-a63e-aae70fa8be4d", &v),
                     CASE_OK);
    assert_string_equal(json_string_value(json_object_get(v, "associationType")), "isChildOf");
    assert_non_null(json_object_get(v, "CFDocumentURI"));
    json_decref(v);
    assert_int_equal(case_provider_document(f->db, DOC_A, "b", &v), CASE_OK);
    json_decref(v);
    assert_int_equal(case_provider_document(f->db, ITEM_A1, "b", &v), CASE_ERR_NOT_FOUND);
    assert_int_equal(case_provider_item(f->db, DOC_A, &v), CASE_ERR_NOT_FOUND);
    assert_int_equal(case_provider_association(f->db, "nope", &v), CASE_ERR_NOT_FOUND);
    assert_int_equal(case_provider_item_associations(f->db, ITEM_X1 "0", &v), CASE_ERR_NOT_FOUND);
}

/* ------------------------------------------------------------ bundled content */

static void bundled_loading(void **state)
{
    struct fixture *f = *state;
    size_t la, lb, lx, l2;
    char *a = slurp("framework.json", &la), *b = slurp("framework-b.json", &lb),
         *x = slurp("crosswalk.json", &lx), *v2 = slurp("framework-v2.json", &l2);
    /* Sorted by path as the build sorts them: the crosswalk first, yet loaded last. */
    struct embedded_file files[] = {
        {"/README.md", (const unsigned char *)"# content", 9},
        {"/checkoffs/hand-hygiene.json", (const unsigned char *)"{}", 2},
        {"/frameworks/a-crosswalk.json", (const unsigned char *)x, lx},
        {"/frameworks/b-framework.json", (const unsigned char *)b, lb},
        {"/frameworks/c-framework.json", (const unsigned char *)a, la},
    };
    struct case_bundled_result res;
    assert_int_equal(case_bundled_load_files(f->db, files, 0, &res), CASE_OK);
    assert_int_equal(res.loaded + res.current + res.failed, 0);
    assert_int_equal(case_bundled_load_files(f->db, files, 5, &res), CASE_OK);
    assert_int_equal(res.loaded, 3);
    assert_int_equal(res.failed, 0);
    assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM case_documents WHERE bundled = 1"
                                      " AND owner_institution_id IS NULL"),
                     3);
    /* Again: nothing newer, nothing done. */
    assert_int_equal(case_bundled_load_files(f->db, files, 5, &res), CASE_OK);
    assert_int_equal(res.current, 3);
    assert_int_equal(res.loaded, 0);
    /* A newer framework in the binary replaces the stored one. */
    files[4].data = (const unsigned char *)v2;
    files[4].size = l2;
    assert_int_equal(case_bundled_load_files(f->db, files, 5, &res), CASE_OK);
    assert_int_equal(res.loaded, 1);
    assert_int_equal(res.current, 2);
    assert_int_equal(
        query_int(f->db, "SELECT COUNT(*) FROM case_items WHERE identifier = '" ITEM_B2 "'"), 1);
    /* An older one does not. */
    files[4].data = (const unsigned char *)a;
    files[4].size = la;
    assert_int_equal(case_bundled_load_files(f->db, files, 5, &res), CASE_OK);
    assert_int_equal(res.loaded, 0);
    /* A broken file is counted and changes nothing. */
    int64_t before = fingerprint(f->db);
    static const char truncated[] = "{\"CFDocument\":",
                      bare[] = "{\"CFDocument\":{\"identifier\":"
                               "\"aaaaaaaa-1111-4222-8333-444444444444\"}}";
    struct embedded_file broken[] = {
        {"/frameworks/broken.json", (const unsigned char *)truncated, sizeof(truncated) - 1},
        {"/frameworks/bad.json", (const unsigned char *)bare, sizeof(bare) - 1},
    };
    assert_int_equal(case_bundled_load_files(f->db, broken, 2, &res), CASE_OK);
    assert_int_equal(res.failed, 2);
    assert_int_equal(fingerprint(f->db), before);
    free(a);
    free(b);
    free(x);
    free(v2);
    /* The binary's own content loads without a failure, whatever it holds. */
    assert_int_equal(case_bundled_load(f->db, &res), CASE_OK);
    assert_int_equal(res.failed, 0);
}

/* ------------------------------------------------------------ alignments */

static void alignments(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", 0);
    int created;
    assert_int_equal(
        competency_alignment_add(f->db, f->inst_a, "not an iri", ITEM_A1, "admin", &created),
        CASE_ERR_INVALID);
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, ITEM_A1, "robot", &created),
                     CASE_ERR_INVALID);
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, ITEM_X1, "admin", &created),
                     CASE_ERR_NOT_FOUND);
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, "x", "admin", &created),
                     CASE_ERR_NOT_FOUND);
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, ITEM_A1, "content", &created),
                     CASE_OK);
    assert_true(created);
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, ITEM_A1, "admin", &created),
                     CASE_OK);
    assert_false(created);
    assert_int_equal(competency_alignment_add(f->db, f->inst_a, ACT, ITEM_B1, "admin", &created),
                     CASE_OK);
    assert_int_equal(competency_alignment_add(f->db, f->inst_b, ACT, ITEM_A1, "admin", &created),
                     CASE_OK);
    json_t *list;
    assert_int_equal(competency_alignment_list(f->db, f->inst_a, ACT, NULL, &list), CASE_OK);
    assert_int_equal(json_array_size(list), 2);
    json_t *first = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(first, "source")), "content");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(first, "item"), "human_coding")),
        "T.1.1");
    json_decref(list);
    assert_int_equal(competency_alignment_list(f->db, f->inst_a, NULL, ITEM_A1, &list), CASE_OK);
    assert_int_equal(json_array_size(list), 1); /* college B's is not listed */
    json_decref(list);
    /* The item detail lists the college's activities for it. */
    json_t *d;
    assert_int_equal(case_item_detail(f->db, f->inst_b, ITEM_A1, &d), CASE_OK);
    assert_int_equal(json_array_size(json_object_get(d, "alignments")), 1);
    json_decref(d);
    assert_int_equal(competency_alignment_remove(f->db, f->inst_a, ACT, ITEM_A1), CASE_OK);
    assert_int_equal(competency_alignment_remove(f->db, f->inst_a, ACT, ITEM_A1),
                     CASE_ERR_NOT_FOUND);
    assert_int_equal(competency_alignment_remove(f->db, f->inst_a, ACT, ITEM_B1), CASE_OK);
    assert_int_equal(query_int(f->db, "SELECT COUNT(*) FROM competency_alignments"), 1);
    /* The LRS knows no activities yet. */
    assert_int_equal(competency_activity_list(f->db, f->inst_a, NULL, 10, &list), CASE_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    assert_int_equal(competency_activity_list(f->db, f->inst_a, "50%_off\\", 10, &list), CASE_OK);
    json_decref(list);
}

/* ------------------------------------------------------------ failures midway */

/* Whatever allocation fails during an import, the database is as before or fully imported. */
static void allocation_failures_leave_nothing_half_done(void **state)
{
    struct fixture *f = *state;
    import_fixture(f->db, "framework.json", 0);
    size_t len;
    char *text = slurp("framework-v2.json", &len);
    int64_t before = fingerprint(f->db);
    int done = 0;
    for (long n = 1; n < 2000 && !done; n++) {
        struct case_report r;
        case_report_init(&r);
        cc_alloc_fail_after(n);
        int err = case_package_import(f->db, text, len, 0, 0, &r);
        cc_alloc_fail_after(0);
        if (err == CASE_OK)
            done = 1;
        else if (fingerprint(f->db) != before)
            fail_msg("allocation %ld failed: error %d and the database changed", n, err);
        case_report_release(&r);
    }
    assert_true(done);
    assert_int_not_equal(fingerprint(f->db), before);
    free(text);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(messages_sorted_and_translated),
        cmocka_unit_test(uuid_table),
        cmocka_unit_test_setup_teardown(valid_framework_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(round_trip_is_lossless, setup, teardown),
        cmocka_unit_test_setup_teardown(reimport_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(hostile_packages_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(unreadable_files, setup, teardown),
        cmocka_unit_test_setup_teardown(report_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(owners_and_identifiers, setup, teardown),
        cmocka_unit_test_setup_teardown(crosswalks, setup, teardown),
        cmocka_unit_test_setup_teardown(tree_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(search_both_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(provider_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(bundled_loading, setup, teardown),
        cmocka_unit_test_setup_teardown(alignments, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_leave_nothing_half_done, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
