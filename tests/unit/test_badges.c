/*
 * Badges (src/credential/ issuer, achievement, award, status, award_worker): the
 * Bitstring Status List encoding against hand-computed vectors, award rules
 * applied by the worker from attainment statements (exactly once, corrections),
 * key rotation keeping old credentials verifiable, the revocation check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "auth/account.h"
#include "credential/achievement.h"
#include "credential/award.h"
#include "credential/award_worker.h"
#include "credential/issuer.h"
#include "credential/keystore.h"
#include "credential/messages.h"
#include "credential/qr.h"
#include "credential/status.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "xapi/record.h"
#include "xapi/statements.h"

#define BASE   "https://campus.example.edu"
#define ITEM_A "0f5e1a3c-1111-4a4a-8a8a-000000000001"
#define ITEM_B "0f5e1a3c-1111-4a4a-8a8a-000000000002"
#define DOC_ID "0f5e1a3c-1111-4a4a-8a8a-0000000000d0"

/* ---------------------------------------------------------------- status list encoding */

static void bits_are_most_significant_first(void **state)
{
    unsigned char b[STATUS_LIST_BYTES] = {0};
    status_bit_set(b, 0, 1);
    status_bit_set(b, 7, 1);
    status_bit_set(b, 8, 1);
    status_bit_set(b, STATUS_LIST_BITS - 1, 1);
    /* Worked by hand: bit 0 is 0x80 of byte 0, bit 7 is 0x01, bit 8 is 0x80 of byte 1. */
    assert_int_equal(b[0], 0x81);
    assert_int_equal(b[1], 0x80);
    assert_int_equal(b[STATUS_LIST_BYTES - 1], 0x01);
    assert_true(status_bit_get(b, 7));
    assert_false(status_bit_get(b, 6));
    status_bit_set(b, 7, 0);
    assert_int_equal(b[0], 0x80);
}

static void encoded_list_round_trips_and_matches_the_specification(void **state)
{
    /*
     * The W3C Bitstring Status List example: 131,072 bits, all clear,
     * GZIP-compressed and multibase base64url encoded.
     */
    const char *spec = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
    unsigned char *bits;
    size_t n;
    assert_int_equal(status_decode(spec, &bits, &n), STATUS_OK);
    assert_int_equal(n, STATUS_LIST_BYTES);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(bits[i], 0);
    cc_free(bits);

    unsigned char list[STATUS_LIST_BYTES] = {0};
    status_bit_set(list, 1234, 1);
    char *enc;
    assert_int_equal(status_encode(list, sizeof(list), &enc), STATUS_OK);
    assert_int_equal(enc[0], 'u');
    assert_null(strchr(enc, '='));
    assert_null(strchr(enc, '+'));
    assert_null(strchr(enc, '/'));
    /* "H4sI": base64 of the GZIP magic 1f 8b 08. */
    assert_memory_equal(enc + 1, "H4sI", 4);
    assert_int_equal(status_decode(enc, &bits, &n), STATUS_OK);
    assert_int_equal(n, STATUS_LIST_BYTES);
    assert_memory_equal(bits, list, n);
    assert_true(status_bit_get(bits, 1234));
    cc_free(bits);
    cc_free(enc);
}

static void bad_lists_are_refused(void **state)
{
    unsigned char *bits;
    size_t n;
    const char *bad[] = {"",
                         "u",
                         "zH4sI",
                         "u!!!!",
                         "uAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         /* zlib, not GZIP */ "ueJzLSM3JyQcABiwCFQ"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(status_decode(bad[i], &bits, &n), STATUS_ERR_INVALID);
    /* A bomb: 32 MiB of zeros compress to some 32 KiB; over the limit, refused. */
    size_t big = 32u << 20;
    unsigned char *zeros = calloc(1, big);
    char *enc;
    assert_int_equal(status_encode(zeros, big, &enc), STATUS_OK);
    free(zeros);
    assert_int_equal(status_decode(enc, &bits, &n), STATUS_ERR_INVALID);
    cc_free(enc);
    /* Junk after the GZIP member. */
    unsigned char one[16] = {1};
    assert_int_equal(status_encode(one, sizeof(one), &enc), STATUS_OK);
    size_t len = strlen(enc);
    char *junk = malloc(len + 8);
    snprintf(junk, len + 8, "%sAAAA", enc);
    assert_int_equal(status_decode(junk, &bits, &n), STATUS_ERR_INVALID);
    free(junk);
    cc_free(enc);
}

static void status_entries_are_read(void **state)
{
    struct status_entry e;
    char why[160];
    json_t *v = json_pack("{s:s,s:s,s:s,s:s}", "type", "BitstringStatusListEntry", "statusPurpose",
                          "revocation", "statusListIndex", "94567", "statusListCredential",
                          BASE "/credentials/status/1/1");
    assert_int_equal(status_entry_read(v, &e, why), 1);
    assert_int_equal(e.index, 94567);
    assert_string_equal(e.purpose, "revocation");
    json_object_set_new(v, "statusListIndex", json_string("12a"));
    assert_int_equal(status_entry_read(v, &e, why), -1);
    json_object_set_new(v, "statusListIndex", json_integer(7));
    assert_int_equal(status_entry_read(v, &e, why), 1);
    json_object_del(v, "statusListCredential");
    assert_int_equal(status_entry_read(v, &e, why), -1);
    json_object_set_new(v, "type", json_string("1EdTechRevocationList"));
    assert_int_equal(status_entry_read(v, &e, why), 0);
    json_decref(v);
}

/* ---------------------------------------------------------------- helpers with a database */

struct fixture {
    struct store *db;
    unsigned char seal[SEAL_KEY_BYTES];
    struct award_context ctx;
    int64_t inst, student, teacher;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct auth_problem p;
    int64_t ids[2];
    if (!f || store_open("sqlite::memory:", &f->db) || store_migrate(f->db) ||
        auth_institution_create(f->db, "Changsha Health Vocational College", "长沙健康职业学院",
                                "CN", &f->inst, &p))
        return -1;
    struct auth_new_user s = {"li.na", "李娜 Li Na", "student", "en", "correct-horse-9"};
    struct auth_new_user t = {"chen.jing", "陈静", "teacher", "zh-CN", "correct-horse-9"};
    struct auth_user u;
    if (auth_user_create(f->db, f->inst, &s, &u, &p))
        return -1;
    ids[0] = u.id;
    if (auth_user_create(f->db, f->inst, &t, &u, &p))
        return -1;
    ids[1] = u.id;
    f->student = ids[0];
    f->teacher = ids[1];
    randombytes_buf(f->seal, sizeof(f->seal));
    f->ctx = (struct award_context){f->db, f->seal, NULL, BASE};
    /* A framework of two items, as an import would store it. */
    const char *sql[] = {
        "INSERT INTO case_documents (identifier, uri, title, language, last_change, json,"
        " imported_at) VALUES ('" DOC_ID "', 'https://carecampus.org/case/CFDocuments/" DOC_ID
        "', 'Skills', 'en', '2026-01-01T00:00:00Z', '{\"title\":\"Skills\"}', "
        "'2026-01-01T00:00:00Z')",
        "INSERT INTO case_items (identifier, document_id, position, human_coding, item_type,"
        " full_statement, search_text, json) VALUES ('" ITEM_A "', '" DOC_ID
        "', 1, 'S.1', 'Skill', 'Hand hygiene', 'hand hygiene', '{\"identifier\":\"" ITEM_A
        "\",\"uri\":\"https://carecampus.org/case/CFItems/" ITEM_A
        "\",\"humanCodingScheme\":\"S.1\",\"fullStatement\":\"Hand hygiene\"}')",
        "INSERT INTO case_items (identifier, document_id, position, human_coding, item_type,"
        " full_statement, search_text, json) VALUES ('" ITEM_B "', '" DOC_ID
        "', 2, 'S.2', 'Skill', 'Safe transfer', 'safe transfer', '{\"identifier\":\"" ITEM_B
        "\",\"uri\":\"https://carecampus.org/case/CFItems/" ITEM_B
        "\",\"humanCodingScheme\":\"S.2\",\"fullStatement\":\"Safe transfer\"}')",
    };
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
        if (store_exec(f->db, sql[i]))
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

static int64_t make_achievement(struct fixture *f, int rule_level, const char *items_json)
{
    json_t *items = json_loads(items_json, 0, NULL);
    json_t *in = json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:O}", "name", "en", "Care basics",
                           "zh-CN", "护理基础", "description", "en", "d", "zh-CN", "描述",
                           "criteria", "en", "c", "zh-CN", "标准", "alignments", items);
    assert_non_null(in);
    if (rule_level)
        json_object_set_new(in, "rule",
                            json_pack("{s:i,s:O}", "level", rule_level, "items", items));
    json_decref(items);
    json_t *out;
    struct badge_problem p = {0};
    int err = achievement_create(f->db, f->inst, f->teacher, in, &out, &p);
    if (err)
        fail_msg("achievement_create: %d %s %s", err, p.field ? p.field : "", p.msg ? p.msg : "");
    json_decref(in);
    int64_t id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return id;
}

/* Records an attainment of LOGIN in ITEM at LEVEL as the mastery engine publishes it; its id. */
static void attain(struct fixture *f, const char *login, const char *item, int level, char id[37])
{
    char obj[128];
    snprintf(obj, sizeof(obj), AWARD_ITEM_IRI "%s", item);
    json_t *s =
        json_pack("{s:o,s:{s:s},s:{s:s,s:s},s:{s:{s:i}}}", "actor", xapi_user_agent(login, login),
                  "verb", "id", AWARD_VERB_ATTAINED, "object", "objectType", "Activity", "id", obj,
                  "result", "extensions", AWARD_EXT_LEVEL, level);
    struct xapi_problem p;
    assert_int_equal(xapi_record(f->db, f->inst, s, id, &p), 0);
    json_decref(s);
}

static int64_t count(struct store *db, const char *sql)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, sql, &st), 0);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t n = store_col_int(st, 0);
    store_finish(st);
    return n;
}

/* Verifies the stored credential of award ID with the server's own resolver. */
static int verify_award(struct fixture *f, int64_t id, struct cred_report *rep)
{
    json_t *a;
    assert_int_equal(award_get(f->db, f->inst, BASE, id, &a), 0);
    char *text = json_dumps(json_object_get(a, "credential"), JSON_COMPACT);
    json_decref(a);
    struct resolver r;
    struct issuer_lookup l;
    resolver_init(&r);
    issuer_resolver_init(&r, &l, f->db, BASE);
    int err = cred_verify(text, strlen(text), &r, time_now_ms(), rep);
    resolver_release(&r);
    free(text);
    return err;
}

/* ---------------------------------------------------------------- rules and the worker */

static void rules_award_once_when_every_item_is_attained(void **state)
{
    struct fixture *f = *state;
    int64_t ach = make_achievement(f, 3, "[\"" ITEM_A "\",\"" ITEM_B "\"]");
    char id[37];
    int64_t read, issued;
    attain(f, "li.na", ITEM_A, 3, id);
    attain(f, "li.na", ITEM_B, 2, id);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(read, 2);
    assert_int_equal(issued, 0); /* developing in B is not proficient */
    attain(f, "li.na", ITEM_B, 4, id);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(issued, 1);
    /* Again, and more attainments: still one. */
    attain(f, "li.na", ITEM_A, 4, id);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(issued, 0);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(read, 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM badge_awards"), 1);
    /* The earned statement is recorded, and the evidence names the attainments. */
    assert_int_equal(count(f->db, "SELECT count(*) FROM xapi_statements WHERE verb ="
                                  " 'http://id.tincanapi.com/verb/earned'"),
                     1);
    json_t *list;
    assert_int_equal(award_list(f->db, f->inst, BASE, ach, 0, &list), 0);
    assert_int_equal(json_array_size(list), 1);
    int64_t award = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
    json_decref(list);
    json_t *a;
    assert_int_equal(award_get(f->db, f->inst, BASE, award, &a), 0);
    json_t *ev = json_object_get(json_object_get(a, "credential"), "evidence");
    assert_int_equal(json_array_size(ev), 2);
    json_decref(a);
}

static void corrections_lower_levels_and_voids_take_them_back(void **state)
{
    struct fixture *f = *state;
    make_achievement(f, 3, "[\"" ITEM_A "\"]");
    char first[37], second[37];
    int64_t read, issued;
    attain(f, "li.na", ITEM_A, 3, first);
    attain(f, "li.na", ITEM_A, 2, second); /* a correction: the level stands at 2 now */
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(issued, 0);
    /* Voiding the correction brings back the level before it. */
    json_t *v = json_pack("{s:o,s:{s:s},s:{s:s,s:s}}", "actor",
                          xapi_user_agent("chen.jing", "chen.jing"), "verb", "id",
                          AWARD_VERB_VOIDED, "object", "objectType", "StatementRef", "id", second);
    struct xapi_problem p;
    assert_int_equal(xapi_record(f->db, f->inst, v, NULL, &p), 0);
    json_decref(v);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM badge_attainments WHERE voided = 1"), 1);
    /* Levels rise only with new attainments: the next one (at 3) earns the badge. */
    attain(f, "li.na", ITEM_A, 3, first);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(issued, 1);
}

static void a_changed_rule_applies_to_what_was_attained(void **state)
{
    struct fixture *f = *state;
    char id[37];
    int64_t read, issued;
    attain(f, "li.na", ITEM_B, 4, id);
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(issued, 0); /* no rule yet */
    make_achievement(f, 4, "[\"" ITEM_B "\"]");
    assert_int_equal(award_worker_step(&f->ctx, f->inst, 100, &read, &issued), 0);
    assert_int_equal(issued, 1);
}

/* ---------------------------------------------------------------- rotation and revocation */

static void rotation_keeps_old_credentials_verifiable(void **state)
{
    struct fixture *f = *state;
    int64_t ach = make_achievement(f, 0, "[\"" ITEM_A "\"]");
    struct award_request req = {
        .achievement = ach, .user = f->student, .awarded_by = f->teacher, .source = "manual"};
    struct badge_problem p = {0};
    int64_t old_award, new_award;
    assert_int_equal(award_issue(&f->ctx, f->inst, &req, 0, &old_award, &p), 0);
    int number;
    char why[CRED_WHY_SIZE];
    assert_int_equal(keystore_rotate(f->db, f->seal, f->inst, &number, why), 0);
    assert_int_equal(number, 2);
    assert_int_equal(award_issue(&f->ctx, f->inst, &req, 0, &new_award, &p), 0);
    struct cred_report rep;
    assert_int_equal(verify_award(f, old_award, &rep), 0);
    assert_non_null(strstr(rep.method, "#key-1"));
    cred_report_release(&rep);
    assert_int_equal(verify_award(f, new_award, &rep), 0);
    assert_non_null(strstr(rep.method, "#key-2"));
    cred_report_release(&rep);
    /* Both keys are in the DID document, the old one marked as ended. */
    json_t *doc;
    assert_int_equal(issuer_did_document(f->db, BASE, f->inst, &doc), 0);
    json_t *vm = json_object_get(doc, "verificationMethod");
    assert_int_equal(json_array_size(vm), 2);
    assert_non_null(json_object_get(json_array_get(vm, 0), "activeUntil"));
    assert_null(json_object_get(json_array_get(vm, 1), "activeUntil"));
    assert_string_equal(json_string_value(json_object_get(doc, "id")),
                        "did:web:campus.example.edu:institutions:1");
    json_decref(doc);
}

static void revocation_is_seen_by_the_verifier(void **state)
{
    struct fixture *f = *state;
    int64_t ach = make_achievement(f, 0, "[\"" ITEM_A "\"]");
    struct award_request req = {
        .achievement = ach, .user = f->student, .awarded_by = f->teacher, .source = "manual"};
    struct badge_problem p = {0};
    int64_t award;
    assert_int_equal(award_issue(&f->ctx, f->inst, &req, 0, &award, &p), 0);
    struct cred_report rep;
    assert_int_equal(verify_award(f, award, &rep), 0);
    assert_int_equal(rep.checks[CRED_CHECK_STATUS].result, CRED_CHECK_PASSED);
    cred_report_release(&rep);
    assert_int_equal(award_revoke(&f->ctx, f->inst, award, f->teacher, "wrong learner", 1, &p), 0);
    assert_int_equal(verify_award(f, award, &rep), CRED_ERR_REVOKED);
    assert_int_equal(rep.checks[CRED_CHECK_SIGNATURE].result, CRED_CHECK_PASSED);
    cred_report_release(&rep);
    assert_int_equal(award_revoke(&f->ctx, f->inst, award, f->teacher, "again", 1, &p),
                     BADGE_ERR_CONFLICT);
    assert_int_equal(award_revoke(&f->ctx, f->inst, award, f->teacher, "", 0, &p),
                     BADGE_ERR_INVALID);
    assert_int_equal(award_revoke(&f->ctx, f->inst, award, f->teacher, "it was hers", 0, &p), 0);
    assert_int_equal(verify_award(f, award, &rep), 0);
    cred_report_release(&rep);
    assert_int_equal(
        count(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'credential.%'"), 2);
    /* Offline without the list: unavailable, not passed. */
    json_t *a;
    assert_int_equal(award_get(f->db, f->inst, BASE, award, &a), 0);
    char *text = json_dumps(json_object_get(a, "credential"), JSON_COMPACT);
    json_decref(a);
    struct resolver r;
    struct issuer_lookup l;
    resolver_init(&r);
    issuer_resolver_init(&r, &l, f->db, BASE);
    r.status_lookup = NULL;
    assert_int_equal(cred_verify(text, strlen(text), &r, time_now_ms(), &rep),
                     CRED_ERR_STATUS_UNAVAILABLE);
    cred_report_release(&rep);
    resolver_release(&r);
    free(text);
    /* Another institution's list does not say anything of ours: a student of no college. */
    req.user = 9999;
    assert_int_equal(award_issue(&f->ctx, f->inst, &req, 0, &award, &p), BADGE_ERR_INVALID);
    assert_string_equal(p.field, "user");
}

/* ---------------------------------------------------------------- small things */

static void images_and_messages(void **state)
{
    assert_true(
        achievement_svg_ok("<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"/></svg>"));
    assert_true(achievement_svg_ok("<?xml version=\"1.0\"?>\n<svg><g/></svg>"));
    const char *bad[] = {"<svg><script>alert(1)</script></svg>",
                         "<svg onload=\"x()\"></svg>",
                         "<svg><a href=\"javascript:x()\">x</a></svg>",
                         "<html></html>",
                         "<svg><image href=\"https://tracker.example/p.png\"/></svg>",
                         "<!DOCTYPE svg [<!ENTITY x \"y\">]><svg></svg>",
                         "<svg><foreignObject></foreignObject></svg>",
                         "<svg>"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (achievement_svg_ok(bad[i]))
            fail_msg("accepted %s", bad[i]);
    char *svg = achievement_svg("NA.S01", "NA.S01 Hand <hygiene> & more", "NA.S01 手卫生", 4);
    assert_non_null(svg);
    assert_true(achievement_svg_ok(svg));
    assert_non_null(strstr(svg, "&lt;hygiene&gt; &amp;"));
    cc_free(svg);
    char *qr = qr_svg(BASE "/verify/0f5e1a3c-1111-4a4a-8a8a-000000000001");
    assert_non_null(qr);
    assert_memory_equal(qr, "<svg", 4);
    cc_free(qr);
    assert_null(qr_svg(""));
    for (size_t i = 1; credential_message_id(i); i++)
        assert_true(strcmp(credential_message_id(i - 1), credential_message_id(i)) < 0);
    assert_string_equal(credential_message("award_reason", LANG_EN),
                        "Give the reason, from 1 to 500 characters.");
    char did[RESOLVER_ID_MAX];
    issuer_web_did("https://Campus.Example.edu:8443/cc", did);
    assert_string_equal(did, "did:web:campus.example.edu%3A8443:cc");
    assert_true(issuer_base_ok("https://campus.example.edu"));
    assert_false(issuer_base_ok("https://campus.example.edu/"));
    assert_false(issuer_base_ok("ftp://campus.example.edu"));
    assert_false(issuer_base_ok("https://user@campus.example.edu"));
}

int main(void)
{
    log_set_level(LOG_LEVEL_OFF);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bits_are_most_significant_first),
        cmocka_unit_test(encoded_list_round_trips_and_matches_the_specification),
        cmocka_unit_test(bad_lists_are_refused),
        cmocka_unit_test(status_entries_are_read),
        cmocka_unit_test_setup_teardown(rules_award_once_when_every_item_is_attained, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(corrections_lower_levels_and_voids_take_them_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_changed_rule_applies_to_what_was_attained, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rotation_keeps_old_credentials_verifiable, setup, teardown),
        cmocka_unit_test_setup_teardown(revocation_is_seen_by_the_verifier, setup, teardown),
        cmocka_unit_test(images_and_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
