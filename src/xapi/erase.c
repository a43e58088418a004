#include "xapi/erase.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "xapi/document.h"
#include "xapi/forward.h"
#include "xapi/refs.h"
#include "util/banned.h"

static int run(struct store *db, const char *sql, int64_t institution, const char *key,
               int64_t *changed)
{
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, key);
    int err = store_step(st);
    store_finish(st);
    if (changed)
        *changed = store_changes(db);
    return err ? XAPI_ERR_STORE : XAPI_OK;
}

int xapi_erase_agent(struct store *db, int64_t institution, const char *agent_key, int64_t by,
                     struct xapi_erase_counts *counts)
{
    memset(counts, 0, sizeof(*counts));
    if (store_begin(db))
        return XAPI_ERR_STORE;
    /*
     * The statements the learner appears in (their own index rows, direct 0
     * and 1; the rows with direct 2 and 3 are those of statements that only
     * target one). The index rows go with their statements (ON DELETE
     * CASCADE); the statements whose chains of StatementRefs pass through
     * one are redone, which takes the learner out of their copied rows.
     */
    int64_t *chained = NULL;
    size_t nchained = 0;
    int err = xapi_refs_collect_agent(db, institution, agent_key, &chained, &nchained);
    if (!err)
        err = run(db,
                  "DELETE FROM xapi_statements WHERE institution_id = ?1 AND seq IN (SELECT seq"
                  " FROM xapi_statement_agents WHERE institution_id = ?1 AND agent = ?2"
                  " AND direct < 2)",
                  institution, agent_key, &counts->statements);
    /* Erasing the newest statements frees their numbers: no forwarding cursor may stay past. */
    if (!err)
        err = xapi_forward_clamp(db);
    if (!err)
        err = xapi_refs_relink(db, institution, chained, nchained);
    cc_free(chained);
    if (!err) {
        struct store_stmt *st;
        err = store_prepare(db,
                            "SELECT count(*) FROM xapi_documents WHERE institution_id = ?"
                            " AND agent_key = ?",
                            &st)
                  ? XAPI_ERR_STORE
                  : XAPI_OK;
        if (!err) {
            store_bind_int(st, 1, institution);
            store_bind_text(st, 2, agent_key);
            if (store_step(st) == STORE_ROW)
                counts->documents = store_col_int(st, 0);
            store_finish(st);
            err = xapi_doc_erase_agent(db, institution, agent_key);
        }
    }
    if (!err) {
        char hash[SECRET_SHA256_HEX_LEN + 1], detail[256], now[21];
        secret_sha256_hex(agent_key, strlen(agent_key), hash);
        snprintf(detail, sizeof(detail),
                 "{\"agent_sha256\":\"%s\",\"statements\":%lld,\"documents\":%lld}", hash,
                 (long long)counts->statements, (long long)counts->documents);
        time_iso8601(time_now(), now);
        struct store_stmt *st;
        if (store_prepare(
                db,
                "INSERT INTO audit_log (institution_id, at, actor_user_id, action, detail)"
                " VALUES (?, ?, ?, 'erase_learner', ?)",
                &st)) {
            err = XAPI_ERR_STORE;
        } else {
            store_bind_int(st, 1, institution);
            store_bind_text(st, 2, now);
            if (by)
                store_bind_int(st, 3, by);
            else
                store_bind_text(st, 3, NULL);
            store_bind_text(st, 4, detail);
            err = store_step(st) ? XAPI_ERR_STORE : XAPI_OK;
            store_finish(st);
        }
    }
    if (err) {
        store_rollback(db);
        return err;
    }
    return store_commit(db) ? XAPI_ERR_STORE : XAPI_OK;
}
