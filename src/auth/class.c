#include "auth/class.h"

#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/banned.h"

#define CLASS_SELECT                                                                               \
    "SELECT c.id, c.institution_id, c.teacher_id, c.name, t.name,"                                 \
    " (SELECT count(*) FROM enrolments e WHERE e.class_id = c.id)"                                 \
    " FROM classes c JOIN users t ON t.id = c.teacher_id"

static void read_class(struct store_stmt *st, struct auth_class *c)
{
    c->id = store_col_int(st, 0);
    c->institution_id = store_col_int(st, 1);
    c->teacher_id = store_col_int(st, 2);
    utf8_copy(c->name, sizeof(c->name), store_col_text(st, 3));
    utf8_copy(c->teacher_name, sizeof(c->teacher_name), store_col_text(st, 4));
    c->student_count = store_col_int(st, 5);
}

static int invalid(struct auth_problem *p, const char *field, const char *msg)
{
    p->field = field;
    p->msg = msg;
    return AUTH_ERR_INVALID;
}

/* 0 when user ID of INSTITUTION has ROLE; else AUTH_ERR_INVALID with FIELD and MSG. */
static int check_role(struct store *db, int64_t institution, int64_t id, enum auth_role role,
                      struct auth_problem *p, const char *field, const char *msg)
{
    struct auth_user u;
    int err = auth_user_get(db, institution, id, &u);
    if (err == AUTH_ERR_NOT_FOUND || (!err && u.role != role))
        return invalid(p, field, msg);
    return err;
}

int auth_class_create(struct store *db, int64_t institution, const char *name, int64_t teacher_id,
                      struct auth_class *out, struct auth_problem *p)
{
    if (!name || !*name)
        return invalid(p, "name", "field_required");
    if (!auth_name_ok(name, AUTH_NAME_MAX))
        return invalid(p, "name", "class_name_length");
    int err = check_role(db, institution, teacher_id, AUTH_ROLE_TEACHER, p, "teacher_id",
                         "teacher_invalid");
    if (err)
        return err;
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO classes (institution_id, name, teacher_id, created_at)"
                      " VALUES (?, ?, ?, ?) RETURNING id",
                      &st))
        return AUTH_ERR_STORE;
    char now[21];
    time_iso8601(time_now(), now);
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, name);
    store_bind_int(st, 3, teacher_id);
    store_bind_text(st, 4, now);
    int64_t id = 0;
    err = store_step(st);
    if (err == STORE_ROW) {
        id = store_col_int(st, 0);
        err = store_step(st);
    }
    store_finish(st);
    if (err == STORE_CONSTRAINT) {
        invalid(p, "name", "class_name_taken");
        return AUTH_ERR_CONFLICT;
    }
    if (err)
        return AUTH_ERR_STORE;
    return out ? auth_class_get(db, institution, id, out) : AUTH_OK;
}

int auth_class_list(struct store *db, int64_t institution, enum auth_class_scope scope,
                    int64_t user, auth_class_fn fn, void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      CLASS_SELECT " WHERE c.institution_id = ?"
                                   " AND (? = 0 OR c.teacher_id = ?)"
                                   " AND (? = 0 OR EXISTS (SELECT 1 FROM enrolments e"
                                   "      WHERE e.class_id = c.id AND e.user_id = ?))"
                                   " ORDER BY c.name, c.id",
                      &st))
        return AUTH_ERR_STORE;
    int64_t teacher = scope == AUTH_CLASSES_TAUGHT_BY ? user : 0;
    int64_t student = scope == AUTH_CLASSES_ATTENDED_BY ? user : 0;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, teacher);
    store_bind_int(st, 3, teacher);
    store_bind_int(st, 4, student);
    store_bind_int(st, 5, student);
    int err, stop = 0;
    struct auth_class c;
    while (!stop && (err = store_step(st)) == STORE_ROW) {
        read_class(st, &c);
        stop = fn(ctx, &c);
    }
    store_finish(st);
    if (stop)
        return stop;
    return err < 0 ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_class_get(struct store *db, int64_t institution, int64_t id, struct auth_class *out)
{
    struct store_stmt *st;
    if (store_prepare(db, CLASS_SELECT " WHERE c.id = ? AND c.institution_id = ?", &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, institution);
    int err = store_step(st);
    if (err == STORE_ROW)
        read_class(st, out);
    store_finish(st);
    return err == STORE_ROW ? AUTH_OK : err == STORE_OK ? AUTH_ERR_NOT_FOUND : AUTH_ERR_STORE;
}

int auth_class_find(struct store *db, int64_t institution, const char *name, int64_t *id)
{
    struct store_stmt *st;
    if (store_prepare(db, "SELECT id FROM classes WHERE institution_id = ? AND name = ?", &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_text(st, 2, name);
    int err = store_step(st);
    if (err == STORE_ROW)
        *id = store_col_int(st, 0);
    store_finish(st);
    return err == STORE_ROW ? AUTH_OK : err == STORE_OK ? AUTH_ERR_NOT_FOUND : AUTH_ERR_STORE;
}

int auth_class_students(struct store *db, int64_t institution, int64_t id, auth_user_fn fn,
                        void *ctx)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "SELECT " AUTH_USER_COLUMNS
                      " FROM enrolments e JOIN users u ON u.id = e.user_id"
                      " WHERE e.class_id = ? AND e.institution_id = ? ORDER BY u.name, u.id",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, institution);
    int err, stop = 0;
    struct auth_user u;
    while (!stop && (err = store_step(st)) == STORE_ROW) {
        auth_user_read(st, 0, &u);
        stop = fn(ctx, &u);
    }
    store_finish(st);
    if (stop)
        return stop;
    return err < 0 ? AUTH_ERR_STORE : AUTH_OK;
}

static int enrol_one(struct store *db, int64_t institution, int64_t class_id, int64_t user,
                     const char *now, struct auth_problem *p)
{
    int err =
        check_role(db, institution, user, AUTH_ROLE_STUDENT, p, "user_ids", "students_invalid");
    if (err)
        return err;
    struct store_stmt *st;
    if (store_prepare(db,
                      "INSERT INTO enrolments (class_id, user_id, institution_id, enrolled_at)"
                      " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, class_id);
    store_bind_int(st, 2, user);
    store_bind_int(st, 3, institution);
    store_bind_text(st, 4, now);
    err = store_step(st);
    store_finish(st);
    return err ? AUTH_ERR_STORE : AUTH_OK;
}

int auth_class_enrol(struct store *db, int64_t institution, int64_t class_id, const int64_t *ids,
                     size_t n, int in_transaction, struct auth_problem *p)
{
    struct auth_class c;
    int err = auth_class_get(db, institution, class_id, &c);
    if (err)
        return err;
    if (!in_transaction && store_begin(db))
        return AUTH_ERR_STORE;
    char now[21];
    time_iso8601(time_now(), now);
    for (size_t i = 0; i < n; i++)
        if ((err = enrol_one(db, institution, class_id, ids[i], now, p)))
            goto fail;
    if (!in_transaction && store_commit(db))
        return AUTH_ERR_STORE;
    return AUTH_OK;
fail:
    if (!in_transaction)
        store_rollback(db);
    return err;
}

int auth_class_unenrol(struct store *db, int64_t institution, int64_t class_id, int64_t user_id)
{
    struct store_stmt *st;
    if (store_prepare(db,
                      "DELETE FROM enrolments WHERE class_id = ? AND user_id = ?"
                      " AND institution_id = ?",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, class_id);
    store_bind_int(st, 2, user_id);
    store_bind_int(st, 3, institution);
    int err = store_step(st);
    store_finish(st);
    if (err)
        return AUTH_ERR_STORE;
    return store_changes(db) ? AUTH_OK : AUTH_ERR_NOT_FOUND;
}

int auth_class_teaches(struct store *db, int64_t institution, int64_t teacher, const char *login,
                       int *yes)
{
    struct store_stmt *st;
    *yes = 0;
    if (store_prepare(db,
                      "SELECT 1 FROM enrolments e JOIN classes c ON c.id = e.class_id"
                      " JOIN users u ON u.id = e.user_id WHERE e.institution_id = ?"
                      " AND c.teacher_id = ? AND u.login = ? LIMIT 1",
                      &st))
        return AUTH_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, teacher);
    store_bind_text(st, 3, login);
    int err = store_step(st);
    *yes = err == STORE_ROW;
    store_finish(st);
    return err < 0 ? AUTH_ERR_STORE : AUTH_OK;
}
