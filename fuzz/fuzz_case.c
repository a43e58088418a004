/*
 * Fuzzes the CASE package importer on an in-memory SQLite database: every
 * input is checked and imported (all or nothing); the report must stay
 * within its bounds with known messages; a package that imports must export,
 * import again and export to the same bytes (the lossless round trip), and is
 * removed again so that each input starts from an empty database.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "competency/case.h"
#include "competency/messages.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static struct store *db;

static int64_t count(const char *sql)
{
    struct store_stmt *st;
    CHECK(store_prepare(db, sql, &st) == STORE_OK);
    CHECK(store_step(st) == STORE_ROW);
    int64_t n = store_col_int(st, 0);
    store_finish(st);
    return n;
}

static int64_t stored(void)
{
    return count(
        "SELECT (SELECT COUNT(*) FROM case_documents) + (SELECT COUNT(*) FROM case_items)"
        " + (SELECT COUNT(*) FROM case_associations)"
        " + (SELECT COUNT(*) FROM case_definitions) + (SELECT COUNT(*) FROM case_rubrics)");
}

static void check_report(const struct case_report *r)
{
    CHECK(r->nerrors <= CASE_REPORT_MAX && r->nerrors <= r->total_errors);
    CHECK(r->nwarnings <= CASE_REPORT_MAX && r->nwarnings <= r->total_warnings);
    for (size_t i = 0; i < r->nerrors + r->nwarnings; i++) {
        const struct case_problem *p =
            i < r->nerrors ? &r->errors[i] : &r->warnings[i - r->nerrors];
        /* Every message is one of the module's, in both languages. */
        CHECK(competency_message(p->msg, LANG_EN) != p->msg);
        CHECK(competency_message(p->msg, LANG_ZH) != p->msg);
        char text[800];
        case_problem_text(p, LANG_ZH, text, sizeof(text));
    }
    json_t *j = case_report_json(r, LANG_EN);
    CHECK(j);
    json_decref(j);
}

static char *export_text(const char *id)
{
    json_t *pkg;
    CHECK(case_package_export(db, id, &pkg) == CASE_OK);
    struct buf b;
    buf_init(&b, 64u << 20);
    CHECK(json_write(pkg, &b) == 0);
    json_decref(pkg);
    return buf_detach(&b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db) {
        log_set_level(LOG_LEVEL_OFF);
        CHECK(store_open("sqlite::memory:", &db) == STORE_OK);
        CHECK(store_migrate(db) == STORE_OK);
    }
    struct case_report r;
    case_report_init(&r);
    int err = case_package_import(db, (const char *)data, size, 0, 0, &r);
    CHECK(err == CASE_OK || err == CASE_ERR_INVALID);
    CHECK((err == CASE_OK) == (r.total_errors == 0));
    CHECK((err == CASE_OK) == (r.imported == 1));
    check_report(&r);
    if (err) {
        CHECK(stored() == 0); /* nothing half done */
        case_report_release(&r);
        return 0;
    }
    char id[37];
    memcpy(id, r.document, sizeof(id));
    CHECK(case_uuid_valid(id));
    CHECK(count("SELECT COUNT(*) FROM case_items") == (int64_t)r.items);
    case_report_release(&r);

    /* The round trip: what went in comes out, and comes out the same again. */
    char *e1 = export_text(id);
    case_report_init(&r);
    CHECK(case_package_import(db, e1, strlen(e1), 0, 0, &r) == CASE_OK);
    CHECK(!r.created && r.item_changes.created == 0 && r.item_changes.removed == 0);
    case_report_release(&r);
    char *e2 = export_text(id);
    CHECK(strcmp(e1, e2) == 0);
    free(e1);
    free(e2);

    json_t *tree;
    CHECK(case_tree(db, id, &tree) == CASE_OK);
    json_decref(tree);
    CHECK(case_document_remove(db, id, 0) == CASE_OK);
    CHECK(stored() == 0);
    return 0;
}
