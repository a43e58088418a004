/* Assignments of the live training: who must play which scenario, how, by when; who has. */
#include "sim/live_assign.h"

#include <stdio.h>
#include <string.h>

#include "auth/class.h"
#include "sim/live_store.h"
#include "sim/score.h"
#include "util/alloc.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

#define TEACHERS (1u << AUTH_ROLE_ADMIN | 1u << AUTH_ROLE_TEACHER)

int live_assignment_row(struct store *db, int64_t institution, int64_t id,
                        struct live_assignment *out)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT id, class_id, scenario, mode, opens_at, due_at, attempts"
                      " FROM training_assignments WHERE id = ? AND institution_id = ?",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, institution);
    int rc = store_step(st), err = SIM_LIVE_ERR_NOT_FOUND;
    if (rc == STORE_ROW) {
        memset(out, 0, sizeof(*out));
        out->id = store_col_int(st, 0);
        out->class_id = store_col_int(st, 1);
        snprintf(out->scenario, sizeof(out->scenario), "%s", store_col_text(st, 2));
        out->mode = sim_live_mode_parse(store_col_text(st, 3)) == SIM_LIVE_ASSESSMENT;
        err = time_parse_iso8601(store_col_text(st, 4), &out->opens_ms) ? SIM_LIVE_ERR_STORE : 0;
        if (!err && !store_col_is_null(st, 5) &&
            time_parse_iso8601(store_col_text(st, 5), &out->due_ms))
            err = SIM_LIVE_ERR_STORE;
        out->attempts = (int)store_col_int(st, 6);
    } else if (rc < 0) {
        err = SIM_LIVE_ERR_STORE;
    }
    store_finish(st);
    return err;
}

int live_enrolled(struct store *db, int64_t institution, int64_t class_id, int64_t user, int *yes)
{
    struct store_stmt *st;
    *yes = 0;
    if (store_prepare(db,
                      "SELECT 1 FROM enrolments WHERE class_id = ? AND user_id = ?"
                      " AND institution_id = ?",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, class_id);
    store_bind_int(st, 2, user);
    store_bind_int(st, 3, institution);
    int rc = store_step(st);
    *yes = rc == STORE_ROW;
    store_finish(st);
    return rc < 0 ? SIM_LIVE_ERR_STORE : SIM_LIVE_OK;
}

/* "upcoming", "open" or "closed" at NOW. */
static const char *state_of(const char *opens, const char *due, int64_t now)
{
    int64_t o = 0, d = 0;
    if (!time_parse_iso8601(opens, &o) && now < o)
        return "upcoming";
    if (due && *due && !time_parse_iso8601(due, &d) && now >= d)
        return "closed";
    return "open";
}

static json_t *scenario_json(const char *id)
{
    const struct sim_scenario *sc = sim_live_scenario(id);
    if (!sc)
        return json_pack("{s:s, s:n, s:n, s:n}", "id", id, "title", "version", "duration_ms");
    return json_pack("{s:s, s:o, s:i, s:I}", "id", id, "title", sim_text_json(&sc->title),
                     "version", sc->version, "duration_ms", (json_int_t)sc->duration_ms);
}

#define ASSIGNMENT_COLUMNS                                                                         \
    "a.id, a.class_id, c.name, c.teacher_id, a.scenario, a.mode, a.opens_at, a.due_at,"            \
    " a.attempts, a.created_at, a.created_by, u.name"
#define ASSIGNMENT_FROM                                                                            \
    " FROM training_assignments a JOIN classes c ON c.id = a.class_id"                             \
    " JOIN users u ON u.id = a.created_by"

/* An assignment from ASSIGNMENT_COLUMNS (and the class's teacher into *TEACHER). */
static json_t *assignment_json(struct store_stmt *st, int64_t *teacher)
{
    if (teacher)
        *teacher = store_col_int(st, 3);
    const char *due = store_col_is_null(st, 7) ? NULL : store_col_text(st, 7);
    return json_pack(
        "{s:I, s:{s:I, s:s}, s:o, s:s, s:s, s:o, s:i, s:s, s:s, s:{s:I, s:s}}", "id",
        (json_int_t)store_col_int(st, 0), "class", "id", (json_int_t)store_col_int(st, 1), "name",
        store_col_text(st, 2), "scenario", scenario_json(store_col_text(st, 4)), "mode",
        store_col_text(st, 5), "opens_at", store_col_text(st, 6), "due_at",
        due ? json_string(due) : json_null(), "attempts", (int)store_col_int(st, 8), "state",
        state_of(store_col_text(st, 6), due, time_now_ms()), "created_at", store_col_text(st, 9),
        "created_by", "id", (json_int_t)store_col_int(st, 10), "name", store_col_text(st, 11));
}

static int store_problem(struct sim_live_problem *p)
{
    return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
}

/* Normalises an ISO 8601 time into OUT; -1 when it is not one. */
static int parse_time(const char *s, char out[25], int64_t *ms)
{
    if (!s || strlen(s) > 64 || time_parse_iso8601(s, ms))
        return -1;
    time_format_ms(*ms, out);
    return 0;
}

int sim_live_assignment_create(struct store *db, const struct auth_user *caller,
                               const struct sim_live_assignment_new *in, json_t **out,
                               struct sim_live_problem *p)
{
    *out = NULL;
    if (!(TEACHERS & (1u << caller->role)))
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    struct auth_class c;
    int err = in->class_id > 0 ? auth_class_get(db, caller->institution_id, in->class_id, &c)
                               : AUTH_ERR_NOT_FOUND;
    if (err == AUTH_ERR_NOT_FOUND)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "class_id", "training_class_unknown", NULL);
    if (err)
        return store_problem(p);
    if (caller->role == AUTH_ROLE_TEACHER && c.teacher_id != caller->id)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, "class_id", "training_not_your_class", NULL);
    if (!in->scenario || !sim_live_scenario(in->scenario))
        return live_problem(p, SIM_LIVE_ERR_INVALID, "scenario", "training_scenario_unknown", NULL);
    int mode = sim_live_mode_parse(in->mode);
    if (mode < 0)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "mode", "training_mode_invalid", NULL);
    int64_t now = time_now_ms(), opens = now, due = 0;
    char opens_at[25], due_at[25];
    time_format_ms(now, opens_at);
    if (in->opens_at && parse_time(in->opens_at, opens_at, &opens))
        return live_problem(p, SIM_LIVE_ERR_INVALID, "opens_at", "training_time_invalid", NULL);
    if (in->due_at && parse_time(in->due_at, due_at, &due))
        return live_problem(p, SIM_LIVE_ERR_INVALID, "due_at", "training_time_invalid", NULL);
    if (in->due_at && due <= opens)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "due_at", "training_due_before_open", NULL);
    if (in->due_at && due <= now)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "due_at", "training_due_past", NULL);
    int attempts = in->attempts < 0 ? (mode == SIM_LIVE_ASSESSMENT ? 1 : 0) : in->attempts;
    if (attempts > SIM_LIVE_MAX_ATTEMPTS)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "attempts", "training_attempts_invalid", NULL);
    char created[25];
    time_format_ms(now, created);
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO training_assignments (institution_id, class_id, scenario, mode,"
                      " opens_at, due_at, attempts, created_by, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      &st))
        return store_problem(p);
    store_bind_int(st, 1, caller->institution_id);
    store_bind_int(st, 2, c.id);
    store_bind_text(st, 3, in->scenario);
    store_bind_text(st, 4, sim_live_mode_id(mode));
    store_bind_text(st, 5, opens_at);
    store_bind_text(st, 6, in->due_at ? due_at : NULL);
    store_bind_int(st, 7, attempts);
    store_bind_int(st, 8, caller->id);
    store_bind_text(st, 9, created);
    int rc = store_step(st);
    int64_t id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    if (rc == STORE_ROW)
        rc = store_step(st);
    store_finish(st);
    if (rc != STORE_OK || !id)
        return store_problem(p);
    return sim_live_assignment_get(db, caller, id, out, p);
}

/* The caller's own record of assignment ID: attempts, best score, passed, the session running. */
static json_t *mine_json(struct store *db, int64_t id, int64_t user, int allowed)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT COUNT(*), MAX(CASE WHEN status = 'ended' THEN score_percent END),"
                      " MAX(passed), MAX(CASE WHEN status <> 'ended' THEN uuid END)"
                      " FROM training_sessions WHERE assignment_id = ? AND user_id = ?",
                      &st))
        return NULL;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, user);
    json_t *o = NULL;
    if (store_step(st) == STORE_ROW) {
        int used = (int)store_col_int(st, 0);
        o = json_pack("{s:i, s:o, s:b, s:o, s:o}", "attempts", used, "best",
                      store_col_is_null(st, 1) ? json_null() : json_integer(store_col_int(st, 1)),
                      "passed", !store_col_is_null(st, 2) && store_col_int(st, 2) == 1, "running",
                      store_col_is_null(st, 3) ? json_null() : json_string(store_col_text(st, 3)),
                      "left",
                      allowed ? json_integer(used < allowed ? allowed - used : 0) : json_null());
    }
    store_finish(st);
    return o;
}

int sim_live_assignments(struct store *db, const struct auth_user *caller, int64_t class_id,
                         json_t **out, struct sim_live_problem *p)
{
    *out = NULL;
    if (caller->role == AUTH_ROLE_VERIFIER)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    int student = caller->role == AUTH_ROLE_STUDENT, teacher = caller->role == AUTH_ROLE_TEACHER;
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " ASSIGNMENT_COLUMNS ","
                      " (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = a.class_id),"
                      " (SELECT COUNT(DISTINCT s.user_id) FROM training_sessions s WHERE "
                      "s.assignment_id = a.id),"
                      " (SELECT COUNT(DISTINCT s.user_id) FROM training_sessions s"
                      "   WHERE s.assignment_id = a.id AND s.status = 'ended'),"
                      " (SELECT COUNT(DISTINCT s.user_id) FROM training_sessions s"
                      "   WHERE s.assignment_id = a.id AND s.passed = 1),"
                      " (SELECT COUNT(*) FROM training_sessions s"
                      "   WHERE s.assignment_id = a.id AND s.status <> 'ended')" ASSIGNMENT_FROM
                      " WHERE a.institution_id = ? AND (? = 0 OR c.teacher_id = ?) AND (? = 0 OR "
                      "a.class_id = ?)"
                      " AND (? = 0 OR a.class_id IN (SELECT e.class_id FROM enrolments e WHERE "
                      "e.user_id = ?))"
                      " ORDER BY a.due_at IS NULL, a.due_at, a.opens_at, a.id LIMIT ?",
                      &st))
        return store_problem(p);
    store_bind_int(st, 1, caller->institution_id);
    store_bind_int(st, 2, teacher);
    store_bind_int(st, 3, caller->id);
    store_bind_int(st, 4, class_id);
    store_bind_int(st, 5, class_id);
    store_bind_int(st, 6, student);
    store_bind_int(st, 7, caller->id);
    store_bind_int(st, 8, SIM_LIVE_LIST_MAX);
    json_t *list = json_array();
    int rc = STORE_OK;
    while (list && (rc = store_step(st)) == STORE_ROW) {
        json_t *a = assignment_json(st, NULL);
        if (!a || json_array_append_new(list, a)) {
            json_decref(list);
            list = NULL;
            break;
        }
        if (!student)
            json_object_set_new(a, "counts",
                                json_pack("{s:I, s:I, s:I, s:I, s:I}", "students",
                                          (json_int_t)store_col_int(st, 12), "started",
                                          (json_int_t)store_col_int(st, 13), "completed",
                                          (json_int_t)store_col_int(st, 14), "passed",
                                          (json_int_t)store_col_int(st, 15), "running",
                                          (json_int_t)store_col_int(st, 16)));
    }
    store_finish(st);
    if (!list || rc < 0) {
        json_decref(list);
        return store_problem(p);
    }
    /* A student's own record, once the list's query is done. */
    size_t i;
    json_t *a;
    json_array_foreach (student ? list : NULL, i, a) {
        json_t *mine = mine_json(db, json_integer_value(json_object_get(a, "id")), caller->id,
                                 (int)json_integer_value(json_object_get(a, "attempts")));
        if (!mine) {
            json_decref(list);
            return store_problem(p);
        }
        json_object_set_new(a, "mine", mine);
    }
    *out = list;
    return SIM_LIVE_OK;
}

/* Each student of the class with their record of assignment ID, and every session of it. */
static int progress_json(struct store *db, int64_t id, int64_t class_id, json_t *a)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT u.id, u.login, u.name, COUNT(s.id),"
                      " MAX(CASE WHEN s.status = 'ended' THEN s.score_percent END),"
                      " MAX(s.passed), MAX(s.ended_at),"
                      " MAX(CASE WHEN s.status <> 'ended' THEN s.uuid END)"
                      " FROM enrolments e JOIN users u ON u.id = e.user_id"
                      " LEFT JOIN training_sessions s ON s.assignment_id = ? AND s.user_id = u.id"
                      " WHERE e.class_id = ? GROUP BY u.id, u.login, u.name ORDER BY u.name, u.id",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, class_id);
    json_t *students = json_array();
    int rc = STORE_OK;
    while (students && (rc = store_step(st)) == STORE_ROW) {
        json_t *o = json_pack(
            "{s:I, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "id", (json_int_t)store_col_int(st, 0),
            "login", store_col_text(st, 1), "name", store_col_text(st, 2), "attempts",
            (int)store_col_int(st, 3), "best",
            store_col_is_null(st, 4) ? json_null() : json_integer(store_col_int(st, 4)), "passed",
            store_col_is_null(st, 5) ? json_null() : json_boolean(store_col_int(st, 5) == 1),
            "last_ended_at",
            store_col_is_null(st, 6) ? json_null() : json_string(store_col_text(st, 6)), "running",
            store_col_is_null(st, 7) ? json_null() : json_string(store_col_text(st, 7)));
        if (!o || json_array_append_new(students, o)) {
            json_decref(students);
            students = NULL;
        }
    }
    store_finish(st);
    if (!students || rc < 0) {
        json_decref(students);
        return SIM_LIVE_ERR_STORE;
    }
    json_object_set_new(a, "students", students);
    return SIM_LIVE_OK;
}

/* The sessions of assignment ID (of USER only when not 0), newest first. */
static int sessions_json(struct store *db, int64_t institution, int64_t id, int64_t user, json_t *a)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " LIVE_ROW_COLUMNS " FROM training_sessions t JOIN users u"
                      " ON u.id = t.user_id WHERE t.institution_id = ? AND t.assignment_id = ?"
                      " AND (? = 0 OR t.user_id = ?) ORDER BY t.started_at DESC, t.id DESC LIMIT ?",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, id);
    store_bind_int(st, 3, user);
    store_bind_int(st, 4, user);
    store_bind_int(st, 5, SIM_LIVE_LIST_MAX);
    json_t *list = json_array();
    int rc = STORE_OK;
    while (list && (rc = store_step(st)) == STORE_ROW) {
        struct live_row r;
        live_row_read(st, &r);
        json_t *o = live_row_json(&r);
        if (!o || json_array_append_new(list, o)) {
            json_decref(list);
            list = NULL;
        }
    }
    store_finish(st);
    if (!list || rc < 0) {
        json_decref(list);
        return SIM_LIVE_ERR_STORE;
    }
    json_object_set_new(a, "sessions", list);
    return SIM_LIVE_OK;
}

int sim_live_assignment_get(struct store *db, const struct auth_user *caller, int64_t id,
                            json_t **out, struct sim_live_problem *p)
{
    *out = NULL;
    if (caller->role == AUTH_ROLE_VERIFIER)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " ASSIGNMENT_COLUMNS ASSIGNMENT_FROM
                      " WHERE a.id = ? AND a.institution_id = ?",
                      &st))
        return store_problem(p);
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, caller->institution_id);
    int rc = store_step(st);
    int64_t teacher = 0;
    json_t *a = rc == STORE_ROW ? assignment_json(st, &teacher) : NULL;
    int64_t class_id = rc == STORE_ROW ? store_col_int(st, 1) : 0;
    store_finish(st);
    if (rc < 0 || (rc == STORE_ROW && !a))
        return store_problem(p);
    if (rc != STORE_ROW)
        return live_problem(p, SIM_LIVE_ERR_NOT_FOUND, NULL, "training_assignment_unknown", NULL);
    int err = SIM_LIVE_OK;
    if (caller->role == AUTH_ROLE_STUDENT) {
        int yes = 0;
        if ((err = live_enrolled(db, caller->institution_id, class_id, caller->id, &yes)))
            goto fail;
        if (!yes) {
            json_decref(a);
            return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "training_assignment_not_yours",
                                NULL);
        }
        json_t *mine =
            mine_json(db, id, caller->id, (int)json_integer_value(json_object_get(a, "attempts")));
        if (!mine || json_object_set_new(a, "mine", mine)) {
            err = SIM_LIVE_ERR_STORE;
            goto fail;
        }
        if ((err = sessions_json(db, caller->institution_id, id, caller->id, a)))
            goto fail;
    } else {
        if (caller->role == AUTH_ROLE_TEACHER && teacher != caller->id) {
            json_decref(a);
            return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "training_not_your_class", NULL);
        }
        if ((err = progress_json(db, id, class_id, a)) ||
            (err = sessions_json(db, caller->institution_id, id, 0, a)))
            goto fail;
    }
    *out = a;
    return SIM_LIVE_OK;
fail:
    json_decref(a);
    return store_problem(p);
}

int sim_live_assignment_delete(struct store *db, const struct auth_user *caller, int64_t id,
                               struct sim_live_problem *p)
{
    if (!(TEACHERS & (1u << caller->role)))
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    struct live_assignment a;
    int err = live_assignment_row(db, caller->institution_id, id, &a);
    if (err == SIM_LIVE_ERR_NOT_FOUND)
        return live_problem(p, err, NULL, "training_assignment_unknown", NULL);
    if (err)
        return store_problem(p);
    struct auth_class c;
    if (auth_class_get(db, caller->institution_id, a.class_id, &c))
        return store_problem(p);
    if (caller->role == AUTH_ROLE_TEACHER && c.teacher_id != caller->id)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "training_not_your_class", NULL);
    /* Only an assignment nobody started: attempts are records of learning, never deleted. */
    struct store_stmt *st;
    if (store_prepare(
            db,
            "DELETE FROM training_assignments WHERE id = ? AND institution_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM training_sessions s WHERE s.assignment_id = ?)",
            &st))
        return store_problem(p);
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, caller->institution_id);
    store_bind_int(st, 3, id);
    int rc = store_step(st);
    store_finish(st);
    if (rc != STORE_OK)
        return store_problem(p);
    if (store_changes(db) == 0)
        return live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_assignment_started", NULL);
    return SIM_LIVE_OK;
}
