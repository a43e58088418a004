/*
 * Importing users from CSV: all rows or none. Every row is checked first and
 * every problem reported with its line; only a clean file is written, in one
 * transaction.
 */
#ifndef CC_AUTH_IMPORT_H
#define CC_AUTH_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "auth/account.h"

#define AUTH_IMPORT_MAX_ROWS   1000
#define AUTH_IMPORT_MAX_ERRORS 200

/* One problem: LINE of the file (the header is 1), the column, and a message id of util/i18n.h. */
struct auth_import_error {
    unsigned line;
    const char *field; /* NULL when about the whole row or file */
    const char *msg;
    int arg[2];    /* for the message's %d conversions */
    char text[48]; /* for its %s conversion */
};

struct auth_import_report {
    struct auth_import_error errors[AUTH_IMPORT_MAX_ERRORS];
    struct auth_import_error unlisted; /* where problems past the listed ones are written */
    size_t nerrors;                    /* how many are listed */
    size_t total_errors;               /* how many there were */
    int64_t *user_ids;                 /* the users created, in file order */
    size_t nusers;
};

/* Sets up an empty report; allocates nothing. */
void auth_import_report_init(struct auth_import_report *r);

/* Frees what the report holds. */
void auth_import_report_release(struct auth_import_report *r);

/*
 * Imports the CSV in DATA into INSTITUTION: columns login, name, role, password
 * (required) and lang, class (optional). Returns AUTH_OK with every user
 * created, or AUTH_ERR_INVALID with the problems in R and nothing changed.
 */
int auth_import_users_csv(struct store *db, int64_t institution, const char *data, size_t len,
                          struct auth_import_report *r) __attribute__((warn_unused_result));

#endif
