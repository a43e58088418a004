#include "auth/import.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/class.h"
#include "auth/password.h"
#include "util/alloc.h"
#include "util/csv.h"
#include "util/utf8.h"
#include "util/banned.h"

enum column { COL_LOGIN, COL_NAME, COL_ROLE, COL_PASSWORD, COL_LANG, COL_CLASS, NCOLS };

static const char *const column_names[NCOLS] = {"login",    "name", "role",
                                                "password", "lang", "class"};

struct row {
    unsigned line;
    char *value[NCOLS];
    int64_t class_id;
    char hash[AUTH_PASSWORD_HASH_MAX];
};

void auth_import_report_init(struct auth_import_report *r)
{
    memset(r, 0, sizeof(*r));
}

void auth_import_report_release(struct auth_import_report *r)
{
    cc_free(r->user_ids);
    auth_import_report_init(r);
}

static struct auth_import_error *report(struct auth_import_report *r, unsigned line,
                                        const char *field, const char *msg)
{
    r->total_errors++;
    if (r->nerrors == AUTH_IMPORT_MAX_ERRORS)
        return &r->unlisted; /* counted, not listed */
    struct auth_import_error *e = &r->errors[r->nerrors++];
    memset(e, 0, sizeof(*e));
    e->line = line;
    e->field = field;
    e->msg = msg;
    return e;
}

static const char *csv_message(int err)
{
    switch (err) {
    case CSV_BAD_QUOTE:
        return "csv_bad_quote";
    case CSV_UNTERMINATED:
        return "csv_unterminated";
    case CSV_TOO_MANY_FIELDS:
        return "csv_too_many_fields";
    case CSV_FIELD_TOO_LONG:
        return "csv_field_too_long";
    case CSV_BAD_CHAR:
        return "csv_bad_char";
    default:
        return "internal";
    }
}

/* Maps header fields to columns; -1 in MAP for a column the file lacks. */
static int read_header(struct csv_reader *csv, int map[NCOLS], struct auth_import_report *r)
{
    for (int c = 0; c < NCOLS; c++)
        map[c] = -1;
    int err = csv_next(csv);
    if (err == CSV_END) {
        report(r, 1, NULL, "csv_empty");
        return -1;
    }
    if (err < 0) {
        report(r, csv->line, NULL, csv_message(err));
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < csv->nfields; i++) {
        char name[32];
        const char *f = csv->field[i];
        while (*f == ' ')
            f++;
        size_t n = 0;
        for (; f[n] && f[n] != ' ' && n < sizeof(name) - 1; n++)
            name[n] = (char)tolower((unsigned char)f[n]);
        name[n] = 0;
        int c = 0;
        while (c < NCOLS && strcmp(name, column_names[c]))
            c++;
        if (c == NCOLS || map[c] >= 0) {
            struct auth_import_error *e = report(r, csv->row_line, NULL, "csv_unknown_column");
            if (utf8_valid(csv->field[i], strlen(csv->field[i])))
                utf8_copy(e->text, sizeof(e->text), csv->field[i]);
            else
                utf8_copy(e->text, sizeof(e->text), "?");
            bad = 1;
            continue;
        }
        map[c] = (int)i;
    }
    for (int c = 0; c <= COL_PASSWORD; c++) {
        if (map[c] < 0) {
            struct auth_import_error *e = report(r, csv->row_line, NULL, "csv_missing_column");
            utf8_copy(e->text, sizeof(e->text), column_names[c]);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

/* The name of the column at field index I of the file, or NULL. */
static const char *column_of(const int map[NCOLS], size_t i)
{
    for (int c = 0; c < NCOLS; c++)
        if (map[c] == (int)i)
            return column_names[c];
    return NULL;
}

static void free_rows(struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < NCOLS; c++)
            cc_free(rows[i].value[c]);
    cc_free(rows);
}

/* Checks one row against the rules and the database; reports what is wrong. */
static int check_row(struct store *db, int64_t institution, struct row *row, struct row *rows,
                     size_t before, struct auth_import_report *r)
{
    struct auth_new_user u = {row->value[COL_LOGIN], row->value[COL_NAME], row->value[COL_ROLE],
                              row->value[COL_LANG], row->value[COL_PASSWORD]};
    struct auth_problem p;
    if (!u.name || !*u.name) {
        report(r, row->line, "name", "field_required");
        return 0;
    }
    if (auth_user_validate(&u, &p)) {
        report(r, row->line, p.field, p.msg);
        return 0;
    }
    for (size_t i = 0; i < before; i++) {
        if (strcasecmp(rows[i].value[COL_LOGIN], u.login) == 0) {
            report(r, row->line, "login", "login_duplicate");
            return 0;
        }
    }
    int taken;
    if (auth_login_exists(db, u.login, &taken))
        return AUTH_ERR_STORE;
    if (taken) {
        report(r, row->line, "login", "login_taken");
        return 0;
    }
    const char *cls = row->value[COL_CLASS];
    if (cls && *cls) {
        if (strcmp(u.role, "student") != 0) {
            report(r, row->line, "class", "students_invalid");
            return 0;
        }
        int err = auth_class_find(db, institution, cls, &row->class_id);
        if (err == AUTH_ERR_NOT_FOUND)
            report(r, row->line, "class", "class_unknown");
        else if (err)
            return err;
    }
    return 0;
}

/* Writes the checked rows in one transaction. */
static int write_rows(struct store *db, int64_t institution, struct row *rows, size_t n,
                      struct auth_import_report *r)
{
    if (store_begin(db))
        return AUTH_ERR_STORE;
    int err = 0;
    for (size_t i = 0; i < n; i++) {
        struct row *row = &rows[i];
        struct auth_new_user u = {row->value[COL_LOGIN], row->value[COL_NAME], row->value[COL_ROLE],
                                  row->value[COL_LANG], NULL};
        struct auth_problem p;
        struct auth_user made;
        err = auth_user_insert(db, institution, &u, row->hash, &made, &p);
        if (err == AUTH_ERR_CONFLICT || err == AUTH_ERR_INVALID) {
            /* Someone took the login since the check: report it like any other row error. */
            report(r, row->line, p.field, p.msg);
            err = AUTH_ERR_INVALID;
        }
        if (err)
            goto fail;
        r->user_ids[r->nusers++] = made.id;
        if (row->class_id &&
            (err = auth_class_enrol(db, institution, row->class_id, &made.id, 1, 1, &p)))
            goto fail;
    }
    if (store_commit(db)) {
        err = AUTH_ERR_STORE;
        goto fail_committed;
    }
    return AUTH_OK;
fail:
    store_rollback(db);
fail_committed:
    r->nusers = 0;
    return err;
}

int auth_import_users_csv(struct store *db, int64_t institution, const char *data, size_t len,
                          struct auth_import_report *r)
{
    struct csv_reader csv;
    struct row *rows = NULL;
    size_t n = 0;
    int map[NCOLS], err = AUTH_OK;

    csv_init(&csv, data, len);
    if (read_header(&csv, map, r)) {
        err = AUTH_ERR_INVALID;
        goto done;
    }
    size_t header_fields = csv.nfields;
    rows = cc_calloc(AUTH_IMPORT_MAX_ROWS, sizeof(*rows));
    if (!rows) {
        err = AUTH_ERR_NOMEM;
        goto done;
    }
    for (;;) {
        int c = csv_next(&csv);
        if (c == CSV_END)
            break;
        if (c < 0) {
            /* The rest of the file cannot be read reliably after a broken quote. */
            report(r, csv.line, column_of(map, csv.nfields), csv_message(c));
            break;
        }
        if (n == AUTH_IMPORT_MAX_ROWS) {
            struct auth_import_error *e = report(r, csv.row_line, NULL, "csv_too_many_rows");
            e->arg[0] = AUTH_IMPORT_MAX_ROWS;
            break;
        }
        struct row *row = &rows[n];
        row->line = csv.row_line;
        if (csv.nfields != header_fields) {
            struct auth_import_error *e = report(r, row->line, NULL, "csv_column_count");
            e->arg[0] = (int)csv.nfields;
            e->arg[1] = (int)header_fields;
            continue;
        }
        int bad_text = 0;
        for (int col = 0; col < NCOLS && !bad_text; col++) {
            if (map[col] < 0)
                continue;
            const char *v = csv.field[map[col]];
            if (!utf8_valid(v, strlen(v))) {
                report(r, row->line, column_names[col], "csv_bad_utf8");
                bad_text = 1;
                break;
            }
            /* An empty optional cell means "the default". */
            if (col >= COL_LANG && !*v)
                continue;
            /* Spreadsheets pad cells; passwords are taken exactly as written. */
            if (col != COL_PASSWORD)
                while (*v == ' ')
                    v++;
            if (!(row->value[col] = cc_strdup(v))) {
                err = AUTH_ERR_NOMEM;
                goto done;
            }
            if (col != COL_PASSWORD) {
                char *e = row->value[col] + strlen(row->value[col]);
                while (e > row->value[col] && e[-1] == ' ')
                    *--e = 0;
            }
        }
        if (bad_text) {
            for (int col = 0; col < NCOLS; col++)
                cc_free(row->value[col]);
            memset(row, 0, sizeof(*row));
            continue;
        }
        if ((err = check_row(db, institution, row, rows, n, r)))
            goto done;
        n++;
    }
    if (n == 0 && r->total_errors == 0)
        report(r, 1, NULL, "csv_empty");
    if (r->total_errors) {
        err = AUTH_ERR_INVALID;
        goto done;
    }
    /* Argon2id is slow by design: hash before the transaction so writers are not held up. */
    for (size_t i = 0; i < n; i++) {
        if (auth_password_hash(rows[i].value[COL_PASSWORD], rows[i].hash)) {
            err = AUTH_ERR_NOMEM;
            goto done;
        }
    }
    if (!(r->user_ids = cc_calloc(n, sizeof(*r->user_ids)))) {
        err = AUTH_ERR_NOMEM;
        goto done;
    }
    err = write_rows(db, institution, rows, n, r);
done:
    if (rows)
        free_rows(rows, n + (n < AUTH_IMPORT_MAX_ROWS));
    csv_release(&csv);
    return err;
}
