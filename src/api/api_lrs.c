/*
 * Administering the LRS from the platform (session auth, admins): its clients
 * (/api/lrs/clients) and a statement browser (/api/lrs/statements).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "competency/mastery.h"
#include "credential/award_worker.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "xapi/client.h"
#include "xapi/erase.h"
#include "xapi/record.h"
#include "xapi/statements.h"
#include "xapi/validate.h"
#include "util/banned.h"

#define ADMIN HTTP_ROLE(AUTH_ROLE_ADMIN)

static json_t *client_json(const struct xapi_client *c)
{
    char names[160];
    xapi_scope_names(c->scopes, names, sizeof(names));
    json_t *scopes = json_array();
    for (char *w = names; *w;) {
        size_t n = strcspn(w, " ");
        json_array_append_new(scopes, json_stringn(w, n));
        w += n;
        while (*w == ' ')
            w++;
    }
    return json_pack("{s:I, s:s, s:s, s:o, s:s, s:b}", "id", (json_int_t)c->id, "name", c->name,
                     "key", c->key, "scopes", scopes, "created_at", c->created_at, "revoked",
                     c->revoked);
}

static int append_client(void *ctx, const struct xapi_client *c)
{
    return json_array_append_new(ctx, client_json(c)) ? XAPI_ERR_NOMEM : 0;
}

void api_lrs_clients_list(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *list = json_array();
    if (xapi_client_list(req->db, req->session.user.institution_id, append_client, list)) {
        json_decref(list);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200, json_pack("{s:o}", "clients", list));
}

void api_lrs_clients_create(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    json_t *body = http_json_body_or_reply(req);
    if (!body)
        return;
    const char *name = json_get_str(body, "name");
    json_t *list = json_object_get(body, "scopes"), *v;
    unsigned scopes = 0;
    size_t i;
    int ok = json_is_array(list) && json_array_size(list) > 0;
    json_array_foreach (list, i, v) {
        unsigned s = json_is_string(v) ? xapi_scope_parse(json_string_value(v)) : 0;
        ok = ok && s;
        scopes |= s;
    }
    struct xapi_client c;
    char secret[SECRET_TOKEN_LEN + 1];
    if (!name || !*name) {
        http_reply_error(req, 422, "invalid_field", "field_required", "name");
    } else if (!ok) {
        http_reply_error(req, 422, "invalid_field", "lrs_scopes_invalid", "scopes");
    } else {
        int err =
            xapi_client_create(req->db, req->session.user.institution_id, name, scopes, &c, secret);
        if (err == XAPI_ERR_INVALID)
            http_reply_error(req, 422, "invalid_field", "lrs_client_name_length", "name");
        else if (err)
            http_reply_error(req, 500, "internal", "internal", NULL);
        else
            http_reply_json(req, 201,
                            json_pack("{s:o, s:s}", "client", client_json(&c), "secret", secret));
    }
    json_decref(body);
}

void api_lrs_clients_revoke(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    int64_t id = http_param_id_or_reply(req, 0);
    if (!id)
        return;
    int err = xapi_client_revoke(req->db, req->session.user.institution_id, id);
    if (err == XAPI_ERR_NOT_FOUND)
        http_reply_error(req, 404, "not_found", "not_found", NULL);
    else if (err)
        http_reply_error(req, 500, "internal", "internal", NULL);
    else
        http_reply_empty(req, 204);
}

static int append_statement(void *ctx, int64_t seq, const char *text)
{
    json_t **state = ctx;
    json_t *st = json_loads(text, 0, NULL);
    if (!st || json_array_append_new(state[0], st))
        return XAPI_ERR_NOMEM;
    json_integer_set(state[1], seq);
    return 0;
}

void api_lrs_statements(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN | HTTP_ROLE(AUTH_ROLE_TEACHER)))
        return;
    struct xapi_query q = {0};
    char key[600], since[32], until[32];
    const char *agent = http_query(req, "agent");
    const struct auth_user *me = &req->session.user;
    int teacher = me->role == AUTH_ROLE_TEACHER, allowed = !teacher;
    if (agent) {
        json_t *a;
        struct xapi_problem p;
        if (json_read(agent, strlen(agent), JSON_MAX_DEPTH, 1, &a) ||
            xapi_agent_validate(a, XAPI_V20, "agent", &p) || xapi_agent_key(a, key, sizeof(key))) {
            json_decref(a);
            http_reply_error(req, 400, "bad_request", "bad_request", "agent");
            return;
        }
        /*
         * A teacher reads the records of the students of their own classes
         * only; the agent (validated: one identifier) must be such a
         * student's platform account.
         */
        const json_t *account = json_object_get(a, "account");
        const char *home = json_get_str(account, "homePage");
        const char *login = home && strcmp(home, XAPI_PLATFORM_HOMEPAGE) == 0
                                ? json_get_str(account, "name")
                                : NULL;
        if (teacher && login &&
            auth_class_teaches(req->db, me->institution_id, me->id, login, &allowed)) {
            json_decref(a);
            http_reply_error(req, 500, "internal", "internal", NULL);
            return;
        }
        json_decref(a);
        q.agent = key;
    }
    if (!allowed) {
        http_reply_error(req, 403, "forbidden", "lrs_not_your_student", "agent");
        return;
    }
    q.verb = http_query(req, "verb");
    q.activity = http_query(req, "activity");
    q.related_activities = q.activity != NULL;
    q.related_agents = 0;
    const char *times[2] = {http_query(req, "since"), http_query(req, "until")};
    char *bufs[2] = {since, until};
    for (int i = 0; i < 2; i++) {
        int64_t ms;
        if (!times[i])
            continue;
        if (time_parse_iso8601(times[i], &ms)) {
            http_reply_error(req, 400, "bad_request", "bad_request", i ? "until" : "since");
            return;
        }
        time_format_ms(ms, bufs[i]);
    }
    q.since = times[0] ? since : NULL;
    q.until = times[1] ? until : NULL;
    const char *after = http_query(req, "after");
    q.after = after ? strtoll(after, NULL, 10) : 0;
    q.limit = 50;
    json_t *state[2] = {json_array(), json_integer(0)};
    int more = 0;
    int err = xapi_statements_query(req->db, req->session.user.institution_id, &q, append_statement,
                                    state, &more);
    if (err) {
        json_decref(state[0]);
        json_decref(state[1]);
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    json_t *reply = json_pack("{s:o}", "statements", state[0]);
    if (more)
        json_object_set(reply, "after", state[1]);
    json_decref(state[1]);
    http_reply_json(req, 200, reply);
}

/* DELETE /api/lrs/learners?agent=…: erase a learner's statements and documents (admins). */
void api_lrs_learner_erase(struct http_request *req)
{
    if (http_require_role_or_reply(req, ADMIN))
        return;
    const char *agent = http_query(req, "agent");
    char key[600];
    json_t *a = NULL;
    if (!agent || json_read(agent, strlen(agent), JSON_MAX_DEPTH, 1, &a) ||
        xapi_agent_key(a, key, sizeof(key))) {
        json_decref(a);
        http_reply_error(req, 400, "bad_request", "bad_request", "agent");
        return;
    }
    json_decref(a);
    struct xapi_erase_counts counts;
    int64_t inst = req->session.user.institution_id;
    /*
     * Mastery derived from the erased statements goes too: the learner's at
     * once, the rest recomputed (an erased statement may have counted for
     * others). Marked before as well, so that a crash in between still ends
     * in a recomputation. The award worker forgets the attainments it read
     * from erased statements.
     */
    if (mastery_invalidate(req->db, inst) ||
        xapi_erase_agent(req->db, inst, key, req->session.user.id, &counts) ||
        mastery_forget_learner(req->db, inst, key) || award_forget_erased(req->db, inst)) {
        http_reply_error(req, 500, "internal", "internal", NULL);
        return;
    }
    http_reply_json(req, 200,
                    json_pack("{s:I, s:I}", "statements", (json_int_t)counts.statements,
                              "documents", (json_int_t)counts.documents));
}
