/* Loading the frameworks that come with CareCampus (competency/bundled.h). */
#include "competency/bundled.h"

#include <string.h>

#include "competency/case.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/banned.h"

static int is_package(const struct embedded_file *f)
{
    size_t n = strlen(f->path);
    return strncmp(f->path, "/frameworks/", 12) == 0 && n > 17 &&
           strcmp(f->path + n - 5, ".json") == 0;
}

/* What the file says of itself without a full check: its document, its date, whether it has items.
 */
struct peek {
    char id[64];
    int64_t changed; /* ms; -1 when the date is missing or malformed */
    int has_items;
};

static int peek(const struct embedded_file *f, struct peek *p)
{
    memset(p, 0, sizeof(*p));
    p->changed = -1;
    json_t *root = json_loadb((const char *)f->data, f->size, 0, NULL);
    if (!root)
        return -1;
    const json_t *doc = json_object_get(root, "CFDocument");
    const char *id = json_string_value(json_object_get(doc, "identifier"));
    const char *when = json_string_value(json_object_get(doc, "lastChangeDateTime"));
    if (id && strlen(id) < sizeof(p->id))
        memcpy(p->id, id, strlen(id) + 1);
    if (!when || time_parse_iso8601(when, &p->changed))
        p->changed = -1;
    p->has_items = json_array_size(json_object_get(root, "CFItems")) > 0;
    json_decref(root);
    return p->id[0] ? 0 : -1;
}

/* The stored document's lastChangeDateTime in ms: -1 when it is not stored (or unreadable). */
static int stored_change(struct store *db, const char *id, int64_t *ms)
{
    *ms = -1;
    struct store_stmt *st;
    if (store_prepare(db, "SELECT last_change FROM case_documents WHERE identifier = ?", &st))
        return CASE_ERR_STORE;
    store_bind_text(st, 1, id);
    int err = store_step(st);
    if (err == STORE_ROW && time_parse_iso8601(store_col_text(st, 0), ms))
        *ms = -1;
    store_finish(st);
    if (err == STORE_ROW && *ms < 0)
        *ms = 0; /* stored with a date we cannot read: any dated package is newer */
    return err < 0 ? CASE_ERR_STORE : CASE_OK;
}

static int load_one(struct store *db, const struct embedded_file *f, const struct peek *p,
                    struct case_bundled_result *r)
{
    int64_t stored;
    int err = stored_change(db, p->id, &stored);
    if (err)
        return err;
    if (stored >= 0 && p->changed <= stored) {
        r->current++;
        return CASE_OK;
    }
    struct case_report rep;
    case_report_init(&rep);
    err = case_package_import(db, (const char *)f->data, f->size, 0, CASE_IMPORT_BUNDLED, &rep);
    if (err == CASE_ERR_INVALID) {
        /* A broken file is a bug of the release: say where, keep the rest going. */
        char text[512] = "";
        if (rep.nerrors)
            case_problem_text(&rep.errors[0], LANG_EN, text, sizeof(text));
        LOG_ERROR("frameworks: %s not loaded (%zu errors; first: %s)", f->path + 1,
                  rep.total_errors, text);
        r->failed++;
        err = CASE_OK;
    } else if (!err) {
        LOG_INFO("frameworks: %s %s (%zu items, %zu associations)", f->path + 1,
                 rep.created ? "loaded" : "updated", rep.items, rep.associations);
        r->loaded++;
    }
    case_report_release(&rep);
    return err;
}

int case_bundled_load_files(struct store *db, const struct embedded_file *files, size_t count,
                            struct case_bundled_result *r)
{
    memset(r, 0, sizeof(*r));
    /* Frameworks first, so that crosswalks and alignments find the items they point at. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < count; i++) {
            const struct embedded_file *f = &files[i];
            struct peek p;
            if (!is_package(f))
                continue;
            if (peek(f, &p)) {
                if (pass == 0) {
                    LOG_ERROR("frameworks: %s is not a CASE package with a CFDocument identifier",
                              f->path + 1);
                    r->failed++;
                }
                continue;
            }
            if (p.has_items != (pass == 0))
                continue;
            int err = load_one(db, f, &p, r);
            if (err)
                return err;
        }
    }
    return CASE_OK;
}

int case_bundled_load(struct store *db, struct case_bundled_result *r)
{
    return case_bundled_load_files(db, content_files, content_files_count, r);
}
