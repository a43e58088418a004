/*
 * Classes: a named group of students with one teacher, inside an institution.
 * Every function is scoped to the caller's institution.
 */
#ifndef CC_AUTH_CLASS_H
#define CC_AUTH_CLASS_H

#include <stddef.h>
#include <stdint.h>

#include "auth/account.h"

struct auth_class {
    int64_t id;
    int64_t institution_id;
    int64_t teacher_id;
    int64_t student_count;
    char name[AUTH_NAME_BYTES];
    char teacher_name[AUTH_NAME_BYTES];
};

/* Which classes auth_class_list returns. */
enum auth_class_scope {
    AUTH_CLASSES_ALL,        /* every class of the institution */
    AUTH_CLASSES_TAUGHT_BY,  /* the classes USER teaches */
    AUTH_CLASSES_ATTENDED_BY /* the classes USER is enrolled in */
};

typedef int (*auth_class_fn)(void *ctx, const struct auth_class *c);

/* Creates a class taught by TEACHER_ID (a teacher of INSTITUTION). */
int auth_class_create(struct store *db, int64_t institution, const char *name, int64_t teacher_id,
                      struct auth_class *out, struct auth_problem *p)
    __attribute__((warn_unused_result));

/* Calls FN for each class in SCOPE, sorted by name; stops when FN returns non-zero. */
int auth_class_list(struct store *db, int64_t institution, enum auth_class_scope scope,
                    int64_t user, auth_class_fn fn, void *ctx) __attribute__((warn_unused_result));

int auth_class_get(struct store *db, int64_t institution, int64_t id, struct auth_class *out)
    __attribute__((warn_unused_result));

/* The class of INSTITUTION named NAME. */
int auth_class_find(struct store *db, int64_t institution, const char *name, int64_t *id)
    __attribute__((warn_unused_result));

/* Calls FN for each student of class ID, sorted by name. */
int auth_class_students(struct store *db, int64_t institution, int64_t id, auth_user_fn fn,
                        void *ctx) __attribute__((warn_unused_result));

/*
 * Enrols the N users IDS (students of INSTITUTION) in class CLASS_ID; all or
 * none, in one transaction. Students already enrolled stay as they are.
 * With IN_TRANSACTION the caller holds the transaction.
 */
int auth_class_enrol(struct store *db, int64_t institution, int64_t class_id, const int64_t *ids,
                     size_t n, int in_transaction, struct auth_problem *p)
    __attribute__((warn_unused_result));

/* Does TEACHER teach a class of INSTITUTION that the student LOGIN is in? */
int auth_class_teaches(struct store *db, int64_t institution, int64_t teacher, const char *login,
                       int *yes) __attribute__((warn_unused_result));

/* Removes USER_ID from class CLASS_ID; AUTH_ERR_NOT_FOUND when not enrolled. */
int auth_class_unenrol(struct store *db, int64_t institution, int64_t class_id, int64_t user_id)
    __attribute__((warn_unused_result));

#endif
