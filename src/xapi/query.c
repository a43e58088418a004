#include "xapi/query.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "xapi/xapi.h"
#include "util/banned.h"

/* The SQL of a page and its parameters, in order. */
struct sql {
    struct buf text;
    struct {
        const char *text; /* NULL: the integer */
        int64_t num;
    } bind[64];
    int nbind;
    int err;
};

static void add(struct sql *s, const char *text)
{
    if (!s->err && buf_adds(&s->text, text))
        s->err = XAPI_ERR_NOMEM;
}

/* Appends TEXT, whose one parameter is the text V. */
static void add_text(struct sql *s, const char *text, const char *v)
{
    add(s, text);
    if (s->nbind == (int)(sizeof(s->bind) / sizeof(s->bind[0]))) {
        s->err = XAPI_ERR_NOMEM;
        return;
    }
    s->bind[s->nbind].text = v;
    s->bind[s->nbind++].num = 0;
}

/* Appends TEXT, whose one parameter is the integer V. */
static void add_int(struct sql *s, const char *text, int64_t v)
{
    add(s, text);
    if (s->nbind == (int)(sizeof(s->bind) / sizeof(s->bind[0]))) {
        s->err = XAPI_ERR_NOMEM;
        return;
    }
    s->bind[s->nbind].text = NULL;
    s->bind[s->nbind++].num = v;
}

/* The index a page is read from: the filter that narrows the statements most. */
enum driver { BY_INSTITUTION, BY_AGENT, BY_ACTIVITY, BY_VERB, BY_REGISTRATION };

static enum driver pick_driver(const struct xapi_query *q)
{
    /*
     * A registration is one attempt; an activity as object, or an agent as
     * actor, a small part of the store; a related activity (a course) or
     * agent more; a verb the most.
     */
    if (q->registration)
        return BY_REGISTRATION;
    if (q->activity && !q->related_activities)
        return BY_ACTIVITY;
    if (q->agent && !q->related_agents)
        return BY_AGENT;
    if (q->activity)
        return BY_ACTIVITY;
    if (q->agent)
        return BY_AGENT;
    return q->verb ? BY_VERB : BY_INSTITUTION;
}

/* The statement bounds and seq bounds of a page. */
struct bounds {
    int64_t lo, hi; /* seq >= lo, seq <= hi (0: none) */
    int empty;      /* since/until leave nothing */
};

/*
 * The conditions of the filters on statement X's own index rows, X being
 * the seq the walk is at ("d.seq", "s.seq"); or, with CHAIN, on the member
 * of a chain that the chain row c names (c.member, with its verb and
 * registration in the row). Every condition is an index probe, so that a
 * statement that does not match is passed over without its row (2 KB of
 * text on a page of its own) being read.
 */
static void add_filters(struct sql *s, int64_t institution, const struct xapi_query *q,
                        const char *x, int chain)
{
    char text[256];
    const char *and = "";
    if (q->verb && chain) {
        add_text(s, "c.verb = ?", q->verb);
        and = " AND ";
    } else if (q->verb) {
        /* INDEXED BY: by the rowid SQLite would read the statement's row. */
        add_int(s,
                "EXISTS (SELECT 1 FROM xapi_statements v INDEXED BY xapi_statements_by_verb"
                " WHERE v.institution_id = ?",
                institution);
        snprintf(text, sizeof(text), " AND v.verb = ? AND v.seq = %s)", x);
        add_text(s, text, q->verb);
        and = " AND ";
    }
    if (q->registration && chain) {
        snprintf(text, sizeof(text), "%sc.registration = ?", and);
        add_text(s, text, q->registration);
        and = " AND ";
    } else if (q->registration) {
        snprintf(text, sizeof(text),
                 "%sEXISTS (SELECT 1 FROM xapi_statements r"
                 " INDEXED BY xapi_statements_by_registration WHERE r.institution_id = ?",
                 and);
        add_int(s, text, institution);
        snprintf(text, sizeof(text), " AND r.registration = ? AND r.seq = %s)", x);
        add_text(s, text, q->registration);
        and = " AND ";
    }
    if (q->agent) {
        snprintf(text, sizeof(text),
                 "%sEXISTS (SELECT 1 FROM xapi_statement_agents a WHERE a.agent = ?", and);
        add_text(s, text, q->agent);
        snprintf(text, sizeof(text), " AND a.institution_id = ? AND a.seq = %s AND a.direct %s)", x,
                 q->related_agents ? "< 2" : "= 1");
        add_int(s, text, institution);
        and = " AND ";
    }
    if (q->activity) {
        snprintf(text, sizeof(text),
                 "%sEXISTS (SELECT 1 FROM xapi_statement_activities t WHERE t.activity = ?", and);
        add_text(s, text, q->activity);
        snprintf(text, sizeof(text), " AND t.institution_id = ? AND t.seq = %s AND t.direct %s)", x,
                 q->related_activities ? "< 2" : "= 1");
        add_int(s, text, institution);
    }
}

/*
 * One part of the page: the statements the index of DRIVER yields (CHAIN:
 * its part in xapi_statement_chain, the statements that match through a
 * member), with the other conditions checked on each. The first column is
 * the walked index's seq, so that ordering by it is the walk's order.
 */
static void add_part(struct sql *s, int64_t institution, const struct xapi_query *q,
                     enum driver driver, int chain, const struct bounds *b)
{
    const char *d = "s";
    switch (driver) {
    case BY_AGENT:
        add_text(
            s,
            "SELECT d.seq, s.statement FROM xapi_statement_agents d CROSS JOIN xapi_statements s"
            " WHERE d.agent = ?",
            q->agent);
        add_int(s, " AND d.institution_id = ? AND s.seq = d.seq", institution);
        /* 1: the actor or object; 3: the actor or object of a member of its chain. */
        if (!q->related_agents)
            add(s, " AND d.direct % 2 = 1");
        d = "d";
        break;
    case BY_ACTIVITY:
        add_text(s,
                 "SELECT d.seq, s.statement FROM xapi_statement_activities d"
                 " CROSS JOIN xapi_statements s WHERE d.activity = ?",
                 q->activity);
        add_int(s, " AND d.institution_id = ? AND s.seq = d.seq", institution);
        if (!q->related_activities)
            add(s, " AND d.direct % 2 = 1");
        d = "d";
        break;
    case BY_VERB:
    case BY_REGISTRATION:
        if (chain) {
            add_int(s,
                    "SELECT d.seq, s.statement FROM xapi_statement_chain d"
                    " CROSS JOIN xapi_statements s WHERE d.institution_id = ? AND s.seq = d.seq",
                    institution);
            d = "d";
        } else {
            add_int(s,
                    "SELECT s.seq, s.statement FROM xapi_statements s WHERE s.institution_id = ?",
                    institution);
        }
        if (driver == BY_VERB)
            add_text(s, chain ? " AND d.verb = ?" : " AND s.verb = ?", q->verb);
        else
            add_text(s, chain ? " AND d.registration = ?" : " AND s.registration = ?",
                     q->registration);
        break;
    case BY_INSTITUTION:
        add_int(s, "SELECT s.seq, s.statement FROM xapi_statements s WHERE s.institution_id = ?",
                institution);
        break;
    }
    /* The bounds on the walked index's seq, so that the walk starts and ends there. */
    char text[160];
    if (q->after) {
        snprintf(text, sizeof(text), " AND %s.seq %s ?", d, q->ascending ? ">" : "<");
        add_int(s, text, q->after);
    }
    if (b->lo) {
        snprintf(text, sizeof(text), " AND %s.seq >= ?", d);
        add_int(s, text, b->lo);
    }
    if (b->hi) {
        snprintf(text, sizeof(text), " AND %s.seq <= ?", d);
        add_int(s, text, b->hi);
    }
    int filters = !!q->agent + !!q->verb + !!q->activity + !!q->registration;
    if (filters > 1) {
        /*
         * All the filters, on the statement itself or on one member of its
         * chain; before the conditions on the statement's row, so that its
         * row is read only when they hold.
         */
        add(s, " AND ((");
        snprintf(text, sizeof(text), "%s.seq", d);
        add_filters(s, institution, q, text, 0);
        snprintf(text, sizeof(text),
                 ") OR EXISTS (SELECT 1 FROM xapi_statement_chain c"
                 " WHERE c.seq = %s.seq AND ",
                 d);
        add(s, text);
        add_filters(s, institution, q, "c.member", 1);
        add(s, "))");
    }
    add(s, " AND s.voided = 0");
    if (q->since)
        add_text(s, " AND s.stored > ?", q->since);
    if (q->until)
        add_text(s, " AND s.stored <= ?", q->until);
    if (q->client_id)
        add_int(s, " AND s.client_id = ?", q->client_id);
}

/* The first seq stored after SINCE (exclusive) or the last at or before UNTIL; 0 when none. */
static int seq_at(struct store *db, int64_t institution, const char *since, const char *until,
                  int64_t *seq)
{
    struct store_stmt *st;
    *seq = 0;
    if (store_prepare(db,
                      since ? "SELECT seq FROM xapi_statements WHERE institution_id = ?"
                              " AND stored > ? ORDER BY stored, seq LIMIT 1"
                            : "SELECT seq FROM xapi_statements WHERE institution_id = ?"
                              " AND stored <= ? ORDER BY stored DESC, seq DESC LIMIT 1",
                      &st))
        return XAPI_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, since ? since : until);
    int err = store_step(st);
    if (err == STORE_ROW)
        *seq = store_col_int(st, 0);
    store_finish(st);
    return err < 0 ? XAPI_ERR_STORE : XAPI_OK;
}

static int bounds_find(struct store *db, int64_t institution, const struct xapi_query *q,
                       struct bounds *b)
{
    memset(b, 0, sizeof(*b));
    int err = XAPI_OK;
    if (q->since && !(err = seq_at(db, institution, q->since, NULL, &b->lo)) && !b->lo)
        b->empty = 1;
    if (!err && q->until && !(err = seq_at(db, institution, NULL, q->until, &b->hi)) && !b->hi)
        b->empty = 1;
    return err;
}

int xapi_statements_query(struct store *db, int64_t institution, const struct xapi_query *query,
                          xapi_statement_fn fn, void *ctx, int *more)
{
    /* Registrations are stored in lower case: a UUID is the same in either. */
    struct xapi_query lower = *query;
    const struct xapi_query *q = &lower;
    char registration[40];
    if (query->registration) {
        size_t i = 0;
        for (; query->registration[i] && i < sizeof(registration) - 1; i++) {
            char c = query->registration[i];
            registration[i] = (char)(c >= 'A' && c <= 'F' ? c + 32 : c);
        }
        registration[i] = 0;
        lower.registration = registration;
    }
    *more = 0;
    struct bounds b;
    int err = bounds_find(db, institution, q, &b);
    if (err || b.empty)
        return err;
    struct sql s = {.nbind = 0, .err = 0};
    buf_init(&s.text, 16384);
    enum driver driver = pick_driver(q);
    const char *order = q->ascending ? " ORDER BY 1 ASC" : " ORDER BY 1 DESC";
    add_part(&s, institution, q, driver, 0, &b);
    /*
     * The verb and registration of a chain's members are in a table of their
     * own: the statements that match through one are a second walk, merged
     * with the first by seq (a compound SELECT whose parts are both in order).
     */
    if (driver == BY_VERB || driver == BY_REGISTRATION) {
        add(&s, " UNION ALL ");
        add_part(&s, institution, q, driver, 1, &b);
    }
    add(&s, order);
    if (s.err) {
        buf_release(&s.text);
        return s.err;
    }
    struct store_stmt *st;
    if (store_prepare(db, s.text.data, &st)) {
        buf_release(&s.text);
        return XAPI_ERR_STORE;
    }
    buf_release(&s.text);
    for (int i = 0; i < s.nbind; i++) {
        if (s.bind[i].text)
            store_bind_text(st, i + 1, s.bind[i].text);
        else
            store_bind_int(st, i + 1, s.bind[i].num);
    }
    /*
     * No LIMIT: the walk is in order, so SQLite reads only as far as the
     * page is stepped. A statement can come more than once (under several
     * index rows, or from both parts), always next to itself: it counts once.
     */
    int rc, count = 0, stop = 0;
    int64_t last = -1;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        int64_t seq = store_col_int(st, 0);
        if (seq == last)
            continue;
        last = seq;
        if (count++ == q->limit) {
            *more = 1;
            break;
        }
        stop = fn(ctx, seq, store_col_text(st, 1));
    }
    store_finish(st);
    if (stop)
        return stop;
    return rc < 0 ? XAPI_ERR_STORE : XAPI_OK;
}
