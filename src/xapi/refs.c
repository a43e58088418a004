#include "xapi/refs.h"

#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "xapi/xapi.h"
#include "util/banned.h"

/* Runs SQL that returns no rows, with its NPARAMS parameters (1 or 2) set to A and B. */
static int run(struct store *db, const char *sql, int nparams, int64_t a, int64_t b)
{
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, a);
    if (nparams > 1)
        store_bind_int(st, 2, b);
    int err = store_step(st);
    store_finish(st);
    return err ? XAPI_ERR_STORE : XAPI_OK;
}

/* A statement of the chain: found by its id within the institution. */
struct member {
    int64_t seq;
    char target[40]; /* the id it targets in turn, or "" */
    int found;
};

static int find(struct store *db, int64_t institution, const char *id, struct member *m)
{
    struct store_stmt *st;
    m->found = 0;
    if (store_prepare(
            db, "SELECT seq, target FROM xapi_statements WHERE institution_id = ? AND id = ?", &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, id);
    int err = store_step(st);
    if (err == STORE_ROW) {
        m->found = 1;
        m->seq = store_col_int(st, 0);
        snprintf(m->target, sizeof(m->target), "%s", store_col_text(st, 1));
    }
    store_finish(st);
    return err < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

/* Indexes SEQ under member M: its chain row and a copy of its own agent and activity rows. */
static int add_member(struct store *db, int64_t seq, int64_t member)
{
    int err = run(db,
                  "INSERT INTO xapi_statement_chain (seq, member, institution_id, verb,"
                  " registration) SELECT ?, seq, institution_id, verb, registration"
                  " FROM xapi_statements WHERE seq = ? ON CONFLICT DO NOTHING",
                  2, seq, member);
    if (!err)
        err = run(db,
                  "INSERT INTO xapi_statement_agents (seq, institution_id, agent, direct)"
                  " SELECT ?, institution_id, agent, direct + 2 FROM xapi_statement_agents"
                  " WHERE seq = ? AND direct < 2 ON CONFLICT DO NOTHING",
                  2, seq, member);
    if (!err)
        err = run(db,
                  "INSERT INTO xapi_statement_activities (seq, institution_id, activity, direct)"
                  " SELECT ?, institution_id, activity, direct + 2 FROM xapi_statement_activities"
                  " WHERE seq = ? AND direct < 2 ON CONFLICT DO NOTHING",
                  2, seq, member);
    return err;
}

int xapi_refs_link(struct store *db, int64_t institution, int64_t seq, const char *target,
                   int fresh)
{
    int err = XAPI_OK;
    if (!fresh) {
        static const char *const clear[] = {
            "DELETE FROM xapi_statement_chain WHERE seq = ?",
            "DELETE FROM xapi_statement_agents WHERE seq = ? AND direct >= 2",
            "DELETE FROM xapi_statement_activities WHERE seq = ? AND direct >= 2",
        };
        for (int i = 0; i < 3 && !err; i++)
            err = run(db, clear[i], 1, seq, 0);
    }
    /*
     * Each statement targets one other, so the chain is a path; it may come
     * back on itself (a target stored after a statement that it targets in
     * turn), and stops where it does.
     */
    int64_t seen[XAPI_CHAIN_MAX + 1];
    size_t nseen = 0;
    seen[nseen++] = seq;
    char id[40];
    snprintf(id, sizeof(id), "%s", target ? target : "");
    for (int depth = 0; !err && id[0] && depth < XAPI_CHAIN_MAX; depth++) {
        struct member m;
        if ((err = find(db, institution, id, &m)) || !m.found)
            break;
        for (size_t i = 0; i < nseen; i++)
            if (seen[i] == m.seq)
                return XAPI_OK;
        seen[nseen++] = m.seq;
        if ((err = add_member(db, seq, m.seq)))
            break;
        snprintf(id, sizeof(id), "%s", m.target);
    }
    return err;
}

/* Appends V to the growing array *A (*N used, *CAP allocated) unless it is there. */
static int push(int64_t **a, size_t *n, size_t *cap, int64_t v)
{
    for (size_t i = 0; i < *n; i++)
        if ((*a)[i] == v)
            return XAPI_OK;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        int64_t *grown = cc_realloc(*a, c * sizeof(**a));
        if (!grown)
            return XAPI_ERR_NOMEM;
        *a = grown;
        *cap = c;
    }
    (*a)[(*n)++] = v;
    return XAPI_OK;
}

/* Collects into *A the seqs SQL selects with the integer V (and INSTITUTION) bound. */
static int collect(struct store *db, const char *sql, int64_t institution, int64_t v,
                   const char *text, int64_t **a, size_t *n, size_t *cap)
{
    struct store_stmt *st;
    if (store_prepare(db, sql, &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    if (text)
        store_bind_text(st, 2, text);
    else
        store_bind_int(st, 2, v);
    int err, rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if ((err = push(a, n, cap, store_col_int(st, 0)))) {
            store_finish(st);
            return err;
        }
    store_finish(st);
    return rc < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

int xapi_refs_relink(struct store *db, int64_t institution, const int64_t *seqs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct store_stmt *st;
        if (store_prepare(db,
                          "SELECT target FROM xapi_statements WHERE seq = ? AND institution_id = ?"
                          " AND target IS NOT NULL",
                          &st))
            return XAPI_ERR_STORE;
        store_bind_int(st, 1, seqs[i]);
        store_bind_int(st, 2, institution);
        char target[40] = "";
        int rc = store_step(st);
        if (rc == STORE_ROW)
            snprintf(target, sizeof(target), "%s", store_col_text(st, 0));
        store_finish(st);
        if (rc < 0)
            return XAPI_ERR_STORE;
        int err = rc == STORE_ROW ? xapi_refs_link(db, institution, seqs[i], target, 0) : XAPI_OK;
        if (err)
            return err;
    }
    return XAPI_OK;
}

int xapi_refs_arrived(struct store *db, int64_t institution, const char *id)
{
    int64_t *redo = NULL;
    size_t n = 0, cap = 0;
    /* The statements that target ID... */
    int err = collect(db, "SELECT seq FROM xapi_statements WHERE institution_id = ? AND target = ?",
                      institution, 0, id, &redo, &n, &cap);
    /* ...and those whose chains pass through one of them. */
    for (size_t i = 0, direct = n; !err && i < direct; i++)
        err = collect(
            db, "SELECT seq FROM xapi_statement_chain WHERE institution_id = ? AND member = ?",
            institution, redo[i], NULL, &redo, &n, &cap);
    if (!err)
        err = xapi_refs_relink(db, institution, redo, n);
    cc_free(redo);
    return err;
}

int xapi_refs_collect_agent(struct store *db, int64_t institution, const char *agent_key,
                            int64_t **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int err = collect(db,
                      "SELECT DISTINCT c.seq FROM xapi_statement_agents a"
                      " JOIN xapi_statement_chain c ON c.member = a.seq"
                      " WHERE a.institution_id = ? AND a.agent = ? AND a.direct < 2",
                      institution, 0, agent_key, out, n, &cap);
    if (err) {
        cc_free(*out);
        *out = NULL;
        *n = 0;
    }
    return err;
}
