/*
 * Unit tests of auth/ against a migrated SQLite file: institutions, users,
 * logins, sessions, classes, tenancy, CSV import and the login rate limiter.
 *
 * Argon2id is slow by design (~0.1 s a hash), so the fixture's users share
 * one hash computed once, inserted with auth_user_insert; only the tests
 * about passwords hash or verify, a few times each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/account.h"
#include "auth/class.h"
#include "auth/import.h"
#include "auth/password.h"
#include "auth/ratelimit.h"
#include "auth/session.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/timeutil.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define PASSWORD   "password-123"

static char tmpdir[] = "/tmp/cc_test_auth_XXXXXX";
static char shared_hash[AUTH_PASSWORD_HASH_MAX]; /* of PASSWORD */

/* Two colleges, A and B, with a few users each. */
struct fixture {
    struct store *db;
    int64_t inst_a, inst_b;
    int64_t a_admin, a_teacher, a_teacher2, a_s1, a_s2, a_verifier;
    int64_t b_teacher, b_student;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    if (secret_init() || !mkdtemp(tmpdir))
        return -1;
    return auth_password_hash(PASSWORD, shared_hash);
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int64_t add_user(struct store *db, int64_t inst, const char *login, const char *name,
                        const char *role)
{
    struct auth_new_user u = {login, name, role, NULL, NULL};
    struct auth_user made;
    struct auth_problem p = {0};
    int err = auth_user_insert(db, inst, &u, shared_hash, &made, &p);
    if (err)
        fail_msg("cannot add user %s: %d %s", login, err, p.msg ? p.msg : "");
    return made.id;
}

static int setup(void **state)
{
    static int n;
    char url[600];
    snprintf(url, sizeof(url), "sqlite:%s/auth%d.sqlite", tmpdir, ++n);
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f || store_open(url, &f->db) || store_migrate(f->db))
        return -1;
    struct auth_problem p;
    if (auth_institution_create(f->db, "Changsha Health Vocational College", "长沙健康职业学院",
                                "CN", &f->inst_a, &p) ||
        auth_institution_create(f->db, "Lakeside Community College", "湖畔社区学院", "US",
                                &f->inst_b, &p))
        return -1;
    f->a_admin = add_user(f->db, f->inst_a, "a.admin", "Admin A", "admin");
    f->a_teacher = add_user(f->db, f->inst_a, "a.teacher", "陈静 Chen Jing", "teacher");
    f->a_teacher2 = add_user(f->db, f->inst_a, "a.teacher2", "Zhou Min", "teacher");
    f->a_s1 = add_user(f->db, f->inst_a, "a.s1", "Li Lei", "student");
    f->a_s2 = add_user(f->db, f->inst_a, "a.s2", "Han Meimei", "student");
    f->a_verifier = add_user(f->db, f->inst_a, "a.verifier", "Partner", "verifier");
    f->b_teacher = add_user(f->db, f->inst_b, "b.teacher", "Pat Teacher", "teacher");
    f->b_student = add_user(f->db, f->inst_b, "b.student", "Sam Student", "student");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(&f->db);
    free(f);
    return 0;
}

static int64_t query_int(struct store *db, const char *sql)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, sql, &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    int64_t v = store_col_int(st, 0);
    store_finish(st);
    return v;
}

static int64_t count_users(struct store *db)
{
    return query_int(db, "SELECT count(*) FROM users");
}

/* Collects what the list functions pass to their callbacks. */
struct seen {
    int n;
    int64_t id[64];
    int64_t inst[64];
    char name[64][AUTH_NAME_BYTES];
    int stop_after; /* return 7 from the callback after this many (0: never) */
};

static int see_user(void *ctx, const struct auth_user *u)
{
    struct seen *s = ctx;
    if (s->n < 64) {
        s->id[s->n] = u->id;
        s->inst[s->n] = u->institution_id;
        snprintf(s->name[s->n], sizeof(s->name[0]), "%s", u->name);
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after ? 7 : 0;
}

static int see_class(void *ctx, const struct auth_class *c)
{
    struct seen *s = ctx;
    if (s->n < 64) {
        s->id[s->n] = c->id;
        s->inst[s->n] = c->institution_id;
        snprintf(s->name[s->n], sizeof(s->name[0]), "%s", c->name);
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after ? 7 : 0;
}

/* N copies of the UTF-8 character C (in one of 32 rotating buffers). */
static char *repeat(const char *c, size_t n)
{
    static char bufs[32][2048];
    static int next;
    char *out = bufs[next++ % 32];
    size_t len = strlen(c), k = 0;
    for (size_t i = 0; i < n && k + len < sizeof(bufs[0]); i++, k += len)
        memcpy(out + k, c, len);
    out[k] = 0;
    return out;
}

/* --------------------------------------------------------- institutions */

static void institution_create_validates(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *en, *zh, *country, *field;
    } bad[] = {
        {"X", "某", "cn", "country"},   {"X", "某", "C", "country"},
        {"X", "某", "CHN", "country"},  {"X", "某", NULL, "country"},
        {"X", "某", "", "country"},     {"X", "某", "C1", "country"},
        {"X", "某", "中国", "country"}, {"", "某", "CN", "name_en"},
        {NULL, "某", "CN", "name_en"},  {"X", "", "CN", "name_zh"},
        {"X", NULL, "CN", "name_zh"},   {"A\nB", "某", "CN", "name_en"},
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        struct auth_problem p = {0};
        int64_t id = -1;
        int err = auth_institution_create(f->db, bad[i].en, bad[i].zh, bad[i].country, &id, &p);
        if (err != AUTH_ERR_INVALID || !p.field || strcmp(p.field, bad[i].field) != 0 || !p.msg)
            fail_msg("institution case %zu: err %d field %s", i, err, p.field ? p.field : "-");
    }
    struct auth_problem p = {0};
    int64_t id;
    assert_int_equal(auth_institution_create(f->db, repeat("a", 201), "z", "US", &id, &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.field, "name_en");
    assert_string_equal(p.msg, "institution_name_length");
    assert_int_equal(auth_institution_create(f->db, "z", repeat("院", 201), "US", &id, &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.msg, "institution_name_length");

    int64_t n;
    assert_int_equal(auth_institution_count(f->db, &n), AUTH_OK);
    assert_int_equal(n, 2);

    /* 200 characters in either language are fine, and read back as written. */
    assert_int_equal(
        auth_institution_create(f->db, repeat("a", 200), repeat("院", 200), "GB", &id, &p),
        AUTH_OK);
    struct auth_institution inst;
    assert_int_equal(auth_institution_get(f->db, id, &inst), AUTH_OK);
    assert_int_equal(inst.id, id);
    assert_string_equal(inst.name_en, repeat("a", 200));
    assert_string_equal(inst.name_zh, repeat("院", 200));
    assert_string_equal(inst.country, "GB");
    assert_int_equal(auth_institution_count(f->db, &n), AUTH_OK);
    assert_int_equal(n, 3);

    assert_int_equal(auth_institution_get(f->db, f->inst_a, &inst), AUTH_OK);
    assert_string_equal(inst.name_zh, "长沙健康职业学院");
    assert_string_equal(inst.country, "CN");
    assert_int_equal(auth_institution_get(f->db, 9999, &inst), AUTH_ERR_NOT_FOUND);
}

/* ---------------------------------------------------------------- users */

struct validate_case {
    const char *login, *name, *role, *lang, *password;
    const char *field, *msg; /* NULL: valid */
};

static void user_validate_table(void **state)
{
    const char *ok_pw = "12345678";
    const struct validate_case cases[] = {
        /* login */
        {NULL, "N", "student", NULL, ok_pw, "login", "field_required"},
        {"", "N", "student", NULL, ok_pw, "login", "field_required"},
        {"ab", "N", "student", NULL, ok_pw, "login", "login_format"},
        {"abc", "N", "student", NULL, ok_pw, NULL, NULL},
        {repeat("a", 64), "N", "student", NULL, ok_pw, NULL, NULL},
        {repeat("b", 65), "N", "student", NULL, ok_pw, "login", "login_format"},
        {"Wang.Fang", "N", "student", NULL, ok_pw, NULL, NULL},
        {"WANG_FANG-2.x", "N", "student", NULL, ok_pw, NULL, NULL},
        {"wang fang", "N", "student", NULL, ok_pw, "login", "login_format"},
        {"wang@fang", "N", "student", NULL, ok_pw, "login", "login_format"},
        {"王芳王芳", "N", "student", NULL, ok_pw, "login", "login_format"},
        {"abc\n", "N", "student", NULL, ok_pw, "login", "login_format"},
        {"ab+c", "N", "student", NULL, ok_pw, "login", "login_format"},
        /* name: counted in characters */
        {"abc", NULL, "student", NULL, ok_pw, NULL, NULL},
        {"abc", "", "student", NULL, ok_pw, NULL, NULL},
        {"abc", repeat("a", 100), "student", NULL, ok_pw, NULL, NULL},
        {"abc", repeat("a", 101), "student", NULL, ok_pw, "name", "name_length"},
        {"abc", repeat("王", 100), "student", NULL, ok_pw, NULL, NULL},
        {"abc", repeat("王", 101), "student", NULL, ok_pw, "name", "name_length"},
        {"abc", repeat("😀", 100), "student", NULL, ok_pw, NULL, NULL},
        {"abc", "a\tb", "student", NULL, ok_pw, "name", "name_length"},
        {"abc", "a\nb", "student", NULL, ok_pw, "name", "name_length"},
        {"abc", "a\x7f", "student", NULL, ok_pw, "name", "name_length"},
        /* role */
        {"abc", "N", NULL, NULL, ok_pw, "role", "field_required"},
        {"abc", "N", "", NULL, ok_pw, "role", "field_required"},
        {"abc", "N", "root", NULL, ok_pw, "role", "role_invalid"},
        {"abc", "N", "students", NULL, ok_pw, "role", "role_invalid"},
        {"abc", "N", "admin", NULL, ok_pw, NULL, NULL},
        {"abc", "N", "teacher", NULL, ok_pw, NULL, NULL},
        {"abc", "N", "verifier", NULL, ok_pw, NULL, NULL},
        /* lang */
        {"abc", "N", "student", "", ok_pw, "lang", "lang_invalid"},
        {"abc", "N", "student", "en", ok_pw, NULL, NULL},
        {"abc", "N", "student", "zh-CN", ok_pw, NULL, NULL},
        {"abc", "N", "student", "zh", ok_pw, "lang", "lang_invalid"},
        {"abc", "N", "student", "fr", ok_pw, "lang", "lang_invalid"},
        /* password: 8..256 characters */
        {"abc", "N", "student", NULL, NULL, "password", "field_required"},
        {"abc", "N", "student", NULL, "", "password", "field_required"},
        {"abc", "N", "student", NULL, "1234567", "password", "password_length"},
        {"abc", "N", "student", NULL, repeat("p", 256), NULL, NULL},
        {"abc", "N", "student", NULL, repeat("p", 257), "password", "password_length"},
        {"abc", "N", "student", NULL, repeat("密", 8), NULL, NULL},
        {"abc", "N", "student", NULL, repeat("密", 7), "password", "password_length"},
        {"abc", "N", "student", NULL, repeat("密", 256), NULL, NULL},
        {"abc", "N", "student", NULL, repeat("密", 257), "password", "password_length"},
        /* the first bad field is the one reported */
        {"x", repeat("a", 101), "root", "fr", "", "login", "login_format"},
        {"abc", "N", "root", "fr", "", "role", "role_invalid"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const struct validate_case *c = &cases[i];
        struct auth_new_user u = {c->login, c->name, c->role, c->lang, c->password};
        struct auth_problem p = {"untouched", "untouched"};
        int err = auth_user_validate(&u, &p);
        if (!c->field) {
            if (err != AUTH_OK)
                fail_msg("case %zu (login %.20s): rejected: %s %s", i, c->login ? c->login : "-",
                         p.field, p.msg);
        } else if (err != AUTH_ERR_INVALID || strcmp(p.field, c->field) != 0 ||
                   strcmp(p.msg, c->msg) != 0) {
            fail_msg("case %zu (login %.20s): got %d %s %s, want %s %s", i,
                     c->login ? c->login : "-", err, p.field, p.msg, c->field, c->msg);
        }
    }
    /* The problem may be NULL. */
    struct auth_new_user u = {"x", NULL, "student", NULL, ok_pw};
    assert_int_equal(auth_user_validate(&u, NULL), AUTH_ERR_INVALID);
}

/* A name must be UTF-8 text: the API serialises names as JSON strings. */
static void user_validate_rejects_invalid_utf8(void **state)
{
    const char *names[] = {"Jos\xe9", "\xff\xfe", "ab\xc0\xaf", "\xe4\xb8", "\xed\xa0\x80x"};
    for (size_t i = 0; i < N_ELEMS(names); i++) {
        struct auth_new_user u = {"abc", names[i], "student", NULL, "12345678"};
        struct auth_problem p = {0};
        if (auth_user_validate(&u, &p) != AUTH_ERR_INVALID || strcmp(p.field, "name") != 0)
            fail_msg("name %zu (invalid UTF-8) accepted", i);
    }
}

static void role_names(void **state)
{
    for (int r = AUTH_ROLE_ADMIN; r <= AUTH_ROLE_VERIFIER; r++)
        assert_int_equal(auth_role_parse(auth_role_name((enum auth_role)r)), r);
    assert_string_equal(auth_role_name(AUTH_ROLE_STUDENT), "student");
    assert_int_equal(auth_role_parse(NULL), -1);
    assert_int_equal(auth_role_parse("Admin"), -1);
}

static void user_create_and_duplicate(void **state)
{
    struct fixture *f = *state;
    struct auth_new_user u = {"Wang.Fang", "王芳 Wang Fang", "student", "zh-CN", "secret-pass"};
    struct auth_user made;
    struct auth_problem p = {0};
    int64_t before = count_users(f->db);
    assert_int_equal(auth_user_create(f->db, f->inst_a, &u, &made, &p), AUTH_OK);
    assert_true(made.id > 0);
    assert_int_equal(made.institution_id, f->inst_a);
    assert_string_equal(made.login, "wang.fang"); /* lower-cased */
    assert_string_equal(made.name, "王芳 Wang Fang");
    assert_int_equal(made.role, AUTH_ROLE_STUDENT);
    assert_string_equal(made.lang, "zh-CN");
    assert_int_equal(strlen(made.created_at), 20);

    /* The password is stored as an Argon2id hash, never as the text. */
    struct store_stmt *st;
    assert_int_equal(store_prepare(f->db, "SELECT password_hash FROM users WHERE id = ?", &st),
                     STORE_OK);
    store_bind_int(st, 1, made.id);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_non_null(strstr(store_col_text(st, 0), "$argon2id$"));
    assert_null(strstr(store_col_text(st, 0), "secret-pass"));
    store_finish(st);

    /* Logins are global: the same login (in any case) in another college conflicts. */
    struct auth_new_user dup = {"WANG.FANG", "Other", "teacher", NULL, "other-pass"};
    memset(&p, 0, sizeof(p));
    assert_int_equal(auth_user_create(f->db, f->inst_b, &dup, &made, &p), AUTH_ERR_CONFLICT);
    assert_string_equal(p.field, "login");
    assert_string_equal(p.msg, "login_taken");
    assert_int_equal(count_users(f->db), before + 1);

    int yes = -1;
    assert_int_equal(auth_login_exists(f->db, "Wang.FANG", &yes), AUTH_OK);
    assert_int_equal(yes, 1);
    assert_int_equal(auth_login_exists(f->db, "nobody.here", &yes), AUTH_OK);
    assert_int_equal(yes, 0);
    assert_int_equal(auth_login_exists(f->db, "x", &yes), AUTH_OK); /* malformed: not taken */
    assert_int_equal(yes, 0);

    /* An invalid user is rejected before anything is hashed or written. */
    struct auth_new_user bad = {"ok.login", "N", "student", NULL, "short"};
    assert_int_equal(auth_user_create(f->db, f->inst_a, &bad, &made, &p), AUTH_ERR_INVALID);
    assert_string_equal(p.field, "password");
    assert_int_equal(count_users(f->db), before + 1);
}

static void user_defaults(void **state)
{
    struct fixture *f = *state;
    struct auth_new_user u = {"No.Name", NULL, "teacher", NULL, NULL};
    struct auth_user made;
    struct auth_problem p;
    assert_int_equal(auth_user_insert(f->db, f->inst_a, &u, shared_hash, &made, &p), AUTH_OK);
    assert_string_equal(made.name, "no.name"); /* the login */
    assert_string_equal(made.lang, "en");
    struct auth_user got;
    assert_int_equal(auth_user_get(f->db, f->inst_a, made.id, &got), AUTH_OK);
    assert_string_equal(got.login, "no.name");
    assert_string_equal(got.name, "no.name");
    assert_int_equal(got.role, AUTH_ROLE_TEACHER);
    assert_string_equal(got.created_at, made.created_at);
    /* NULL OUT is allowed. */
    struct auth_new_user v = {"no.out", "N", "student", NULL, NULL};
    assert_int_equal(auth_user_insert(f->db, f->inst_a, &v, shared_hash, NULL, &p), AUTH_OK);
}

static void user_list_get_update(void **state)
{
    struct fixture *f = *state;
    struct seen s = {0};
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, NULL, see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 6);
    /* By role (admin, teacher, student, verifier), then name. */
    const int64_t order[] = {f->a_admin, f->a_teacher2, f->a_teacher,
                             f->a_s2,    f->a_s1,       f->a_verifier};
    for (int i = 0; i < 6; i++)
        assert_int_equal(s.id[i], order[i]);

    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, AUTH_ROLE_STUDENT, NULL, see_user, &s),
                     AUTH_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.name[0], "Han Meimei");

    /* Q: a substring of login or name, case-insensitive; "" means all. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, "LEI", see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.id[0], f->a_s1);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, "teacher", see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, "陈静", see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 1);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, AUTH_ROLE_TEACHER, "", see_user, &s),
                     AUTH_OK);
    assert_int_equal(s.n, 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, "%", see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 0); /* no wildcards */

    /* Stops when the callback says so, and returns what it returned. */
    memset(&s, 0, sizeof(s));
    s.stop_after = 2;
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, NULL, see_user, &s), 7);
    assert_int_equal(s.n, 2);

    struct auth_user u;
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    assert_string_equal(u.login, "a.s1");
    assert_string_equal(u.name, "Li Lei");
    assert_int_equal(auth_user_get(f->db, f->inst_a, 99999, &u), AUTH_ERR_NOT_FOUND);

    struct auth_problem p = {0};
    assert_int_equal(auth_user_update(f->db, f->inst_a, f->a_s1, "李雷", "zh-CN", &p), AUTH_OK);
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    assert_string_equal(u.name, "李雷");
    assert_string_equal(u.lang, "zh-CN");
    assert_int_equal(auth_user_update(f->db, f->inst_a, f->a_s1, NULL, "en", &p), AUTH_OK);
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    assert_string_equal(u.name, "李雷"); /* NULL: unchanged */
    assert_string_equal(u.lang, "en");
    assert_int_equal(auth_user_update(f->db, f->inst_a, f->a_s1, "Li", NULL, &p), AUTH_OK);
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    assert_string_equal(u.name, "Li");
    assert_string_equal(u.lang, "en");

    assert_int_equal(auth_user_update(f->db, f->inst_a, f->a_s1, NULL, "fr", &p), AUTH_ERR_INVALID);
    assert_string_equal(p.field, "lang");
    assert_int_equal(auth_user_update(f->db, f->inst_a, f->a_s1, "", NULL, &p), AUTH_ERR_INVALID);
    assert_string_equal(p.field, "name");
    assert_int_equal(auth_user_update(f->db, f->inst_a, f->a_s1, repeat("王", 101), NULL, &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.msg, "name_length");
    assert_int_equal(auth_user_update(f->db, f->inst_a, 99999, "X", NULL, &p), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    assert_string_equal(u.name, "Li");
}

/* --------------------------------------------------------------- logins */

static void login_right_wrong_unknown(void **state)
{
    struct fixture *f = *state;
    struct auth_user u;
    memset(&u, 0, sizeof(u));
    assert_int_equal(auth_login(f->db, "a.s1", PASSWORD, &u), AUTH_OK);
    assert_int_equal(u.id, f->a_s1);
    assert_int_equal(u.institution_id, f->inst_a);
    assert_int_equal(u.role, AUTH_ROLE_STUDENT);
    assert_string_equal(u.login, "a.s1");

    assert_int_equal(auth_login(f->db, "A.S1", PASSWORD, &u), AUTH_OK); /* case-folded */
    assert_int_equal(auth_login(f->db, "a.s1", "password-124", &u), AUTH_ERR_BAD_PASSWORD);
    assert_int_equal(auth_login(f->db, "nobody.here", PASSWORD, &u), AUTH_ERR_BAD_PASSWORD);
    /* These need no hashing. */
    assert_int_equal(auth_login(f->db, "a.s1", "", &u), AUTH_ERR_BAD_PASSWORD);
    assert_int_equal(auth_login(f->db, "a.s1", NULL, &u), AUTH_ERR_BAD_PASSWORD);
    assert_int_equal(auth_login(f->db, "a.s1", repeat("p", 1025), &u), AUTH_ERR_BAD_PASSWORD);
}

static void change_password(void **state)
{
    struct fixture *f = *state;
    struct auth_user u;
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_teacher, &u), AUTH_OK);
    struct auth_problem p = {0};

    assert_int_equal(auth_user_change_password(f->db, &u, NULL, "new-password-1", &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.field, "current");
    assert_string_equal(p.msg, "field_required");
    assert_int_equal(auth_user_change_password(f->db, &u, PASSWORD, "short", &p), AUTH_ERR_INVALID);
    assert_string_equal(p.field, "new");
    assert_string_equal(p.msg, "password_length");
    assert_int_equal(auth_user_change_password(f->db, &u, PASSWORD, "", &p), AUTH_ERR_INVALID);
    assert_string_equal(p.field, "new");

    memset(&p, 0, sizeof(p));
    assert_int_equal(auth_user_change_password(f->db, &u, "not-the-password", "new-password-1", &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.field, "current");
    assert_string_equal(p.msg, "password_wrong");

    assert_int_equal(auth_user_change_password(f->db, &u, PASSWORD, "new-password-1", &p), AUTH_OK);
    struct auth_user again;
    assert_int_equal(auth_login(f->db, "a.teacher", "new-password-1", &again), AUTH_OK);
    assert_int_equal(auth_login(f->db, "a.teacher", PASSWORD, &again), AUTH_ERR_BAD_PASSWORD);
    /* Nobody else's password changed. */
    assert_int_equal(query_int(f->db, "SELECT count(DISTINCT password_hash) FROM users"), 2);
}

/* ------------------------------------------------------------- sessions */

static void session_create_resolve_end(void **state)
{
    struct fixture *f = *state;
    struct auth_user u;
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    char token[SECRET_TOKEN_LEN + 1];
    struct auth_session s;
    assert_int_equal(auth_session_create(f->db, &u, token, &s), AUTH_OK);
    assert_int_equal(strlen(token), SECRET_TOKEN_LEN);
    assert_int_equal(strlen(s.csrf), SECRET_TOKEN_LEN);
    assert_string_not_equal(s.csrf, token);
    char hash[SECRET_SHA256_HEX_LEN + 1];
    secret_sha256_hex(token, strlen(token), hash);
    assert_string_equal(s.token_hash, hash);

    /* Only the hash is stored. */
    struct store_stmt *st;
    assert_int_equal(store_prepare(f->db, "SELECT token_hash FROM sessions", &st), STORE_OK);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_string_equal(store_col_text(st, 0), hash);
    store_finish(st);

    struct auth_session r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(auth_session_resolve(f->db, token, &r), AUTH_OK);
    assert_int_equal(r.user.id, f->a_s1);
    assert_int_equal(r.user.institution_id, f->inst_a);
    assert_int_equal(r.user.role, AUTH_ROLE_STUDENT);
    assert_string_equal(r.user.login, "a.s1");
    assert_string_equal(r.user.name, "Li Lei");
    assert_string_equal(r.csrf, s.csrf);
    assert_string_equal(r.token_hash, s.token_hash);

    /* A wrong token of the right length, a wrong length, none. */
    char wrong[SECRET_TOKEN_LEN + 1];
    snprintf(wrong, sizeof(wrong), "%s", token);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    assert_int_equal(auth_session_resolve(f->db, wrong, &r), AUTH_ERR_NOT_FOUND);
    char longer[SECRET_TOKEN_LEN + 2];
    snprintf(longer, sizeof(longer), "%sx", token);
    assert_int_equal(auth_session_resolve(f->db, longer, &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, "", &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, NULL, &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, hash, &r), AUTH_ERR_NOT_FOUND);

    /* Two sessions of one user are independent. */
    char token2[SECRET_TOKEN_LEN + 1];
    struct auth_session s2;
    assert_int_equal(auth_session_create(f->db, &u, token2, &s2), AUTH_OK);
    assert_string_not_equal(token, token2);
    assert_string_not_equal(s.csrf, s2.csrf);

    assert_int_equal(auth_session_end(f->db, s.token_hash), AUTH_OK);
    assert_int_equal(auth_session_resolve(f->db, token, &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, token2, &r), AUTH_OK);
    assert_int_equal(auth_session_end(f->db, s.token_hash), AUTH_OK); /* again: harmless */
}

static void session_end_others(void **state)
{
    struct fixture *f = *state;
    struct auth_user u, other;
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s2, &other), AUTH_OK);
    char t[3][SECRET_TOKEN_LEN + 1], to[SECRET_TOKEN_LEN + 1];
    struct auth_session s[3], so, r;
    for (int i = 0; i < 3; i++)
        assert_int_equal(auth_session_create(f->db, &u, t[i], &s[i]), AUTH_OK);
    assert_int_equal(auth_session_create(f->db, &other, to, &so), AUTH_OK);

    assert_int_equal(auth_session_end_others(f->db, u.id, s[1].token_hash), AUTH_OK);
    assert_int_equal(auth_session_resolve(f->db, t[0], &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, t[1], &r), AUTH_OK);
    assert_int_equal(auth_session_resolve(f->db, t[2], &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, to, &r), AUTH_OK); /* another user's */

    assert_int_equal(auth_session_end_others(f->db, u.id, NULL), AUTH_OK);
    assert_int_equal(auth_session_resolve(f->db, t[1], &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_session_resolve(f->db, to, &r), AUTH_OK);
}

/* Moves column COL ("last_seen" or "created_at") of session HASH back by SECONDS. */
static void session_age(struct store *db, const char *hash, const char *col, int seconds)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE sessions SET %s = %s - %d WHERE token_hash = '%s'", col, col,
             seconds, hash);
    assert_int_equal(store_exec(db, sql), STORE_OK);
    assert_int_equal(store_changes(db), 1);
}

/* The last_seen of session HASH, or -1 when it is gone. */
static int64_t session_last_seen(struct store *db, const char *hash)
{
    struct store_stmt *st;
    assert_int_equal(store_prepare(db, "SELECT last_seen FROM sessions WHERE token_hash = ?", &st),
                     STORE_OK);
    store_bind_text(st, 1, hash);
    int64_t v = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
    store_finish(st);
    return v;
}

static void session_expiry(void **state)
{
    struct fixture *f = *state;
    struct auth_user u;
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->a_s1, &u), AUTH_OK);
    char t1[SECRET_TOKEN_LEN + 1], t2[SECRET_TOKEN_LEN + 1], t3[SECRET_TOKEN_LEN + 1];
    struct auth_session s1, s2, s3, r;
    assert_int_equal(auth_session_create(f->db, &u, t1, &s1), AUTH_OK);
    assert_int_equal(auth_session_create(f->db, &u, t2, &s2), AUTH_OK);
    assert_int_equal(auth_session_create(f->db, &u, t3, &s3), AUTH_OK);

    /* Idle for longer than AUTH_SESSION_IDLE_SECONDS: gone, and deleted. */
    session_age(f->db, s1.token_hash, "last_seen", AUTH_SESSION_IDLE_SECONDS + 10);
    assert_int_equal(auth_session_resolve(f->db, t1, &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(session_last_seen(f->db, s1.token_hash), -1);

    /* Older than AUTH_SESSION_MAX_SECONDS, though recently used: gone. */
    session_age(f->db, s2.token_hash, "created_at", AUTH_SESSION_MAX_SECONDS + 10);
    assert_int_equal(auth_session_resolve(f->db, t2, &r), AUTH_ERR_NOT_FOUND);
    assert_int_equal(session_last_seen(f->db, s2.token_hash), -1);

    /* Idle for a while, but less than the limit: valid, and last_seen moves to now. */
    session_age(f->db, s3.token_hash, "last_seen", AUTH_SESSION_IDLE_SECONDS - 120);
    assert_true(session_last_seen(f->db, s3.token_hash) < time_now() - 3600);
    assert_int_equal(auth_session_resolve(f->db, t3, &r), AUTH_OK);
    assert_true(session_last_seen(f->db, s3.token_hash) >= time_now() - 5);
    assert_int_equal(auth_session_resolve(f->db, t3, &r), AUTH_OK);
}

/* -------------------------------------------------------------- classes */

static int64_t make_class(struct fixture *f, int64_t inst, const char *name, int64_t teacher)
{
    struct auth_class c;
    struct auth_problem p = {0};
    int err = auth_class_create(f->db, inst, name, teacher, &c, &p);
    if (err)
        fail_msg("cannot create class %s: %d %s", name, err, p.msg ? p.msg : "");
    return c.id;
}

static void class_create_rules(void **state)
{
    struct fixture *f = *state;
    struct auth_class c;
    struct auth_problem p = {0};
    assert_int_equal(
        auth_class_create(f->db, f->inst_a, "Elderly Care 2026-1", f->a_teacher, &c, &p), AUTH_OK);
    assert_true(c.id > 0);
    assert_int_equal(c.institution_id, f->inst_a);
    assert_int_equal(c.teacher_id, f->a_teacher);
    assert_string_equal(c.name, "Elderly Care 2026-1");
    assert_string_equal(c.teacher_name, "陈静 Chen Jing");
    assert_int_equal(c.student_count, 0);

    /* The teacher must be a teacher of the same institution. */
    const int64_t not_teachers[] = {f->a_s1, f->a_admin, f->a_verifier, f->b_teacher, 99999};
    for (size_t i = 0; i < N_ELEMS(not_teachers); i++) {
        memset(&p, 0, sizeof(p));
        int err = auth_class_create(f->db, f->inst_a, "Another", not_teachers[i], &c, &p);
        if (err != AUTH_ERR_INVALID || strcmp(p.field, "teacher_id") != 0 ||
            strcmp(p.msg, "teacher_invalid") != 0)
            fail_msg("teacher %zu accepted: %d", i, err);
    }

    /* Names: required, at most 100 characters, unique within the institution. */
    assert_int_equal(auth_class_create(f->db, f->inst_a, "", f->a_teacher, &c, &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.field, "name");
    assert_string_equal(p.msg, "field_required");
    assert_int_equal(auth_class_create(f->db, f->inst_a, NULL, f->a_teacher, &c, &p),
                     AUTH_ERR_INVALID);
    assert_int_equal(auth_class_create(f->db, f->inst_a, repeat("班", 101), f->a_teacher, &c, &p),
                     AUTH_ERR_INVALID);
    assert_string_equal(p.msg, "class_name_length");
    assert_int_equal(auth_class_create(f->db, f->inst_a, "a\nb", f->a_teacher, &c, &p),
                     AUTH_ERR_INVALID);
    assert_int_equal(auth_class_create(f->db, f->inst_a, repeat("班", 100), f->a_teacher, &c, &p),
                     AUTH_OK);
    memset(&p, 0, sizeof(p));
    assert_int_equal(
        auth_class_create(f->db, f->inst_a, "Elderly Care 2026-1", f->a_teacher2, &c, &p),
        AUTH_ERR_CONFLICT);
    assert_string_equal(p.field, "name");
    assert_string_equal(p.msg, "class_name_taken");
    /* The same name in another institution is fine. */
    assert_int_equal(
        auth_class_create(f->db, f->inst_b, "Elderly Care 2026-1", f->b_teacher, &c, &p), AUTH_OK);
    assert_int_equal(c.institution_id, f->inst_b);
    assert_int_equal(auth_class_create(f->db, f->inst_a, "No out", f->a_teacher, NULL, &p),
                     AUTH_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM classes"), 4);

    int64_t id = 0;
    assert_int_equal(auth_class_find(f->db, f->inst_a, "No out", &id), AUTH_OK);
    assert_true(id > 0);
    assert_int_equal(auth_class_find(f->db, f->inst_a, "no out", &id), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_class_get(f->db, f->inst_a, 99999, &c), AUTH_ERR_NOT_FOUND);
}

static void class_list_scopes(void **state)
{
    struct fixture *f = *state;
    int64_t c1 = make_class(f, f->inst_a, "C1", f->a_teacher);
    int64_t c2 = make_class(f, f->inst_a, "C2", f->a_teacher2);
    int64_t c3 = make_class(f, f->inst_a, "C3", f->a_teacher);
    int64_t b1 = make_class(f, f->inst_b, "B1", f->b_teacher);
    struct auth_problem p;
    int64_t s1[] = {f->a_s1};
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c2, s1, 1, 0, &p), AUTH_OK);
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c3, s1, 1, 0, &p), AUTH_OK);
    int64_t both[] = {f->a_s1, f->a_s2};
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c1, both, 2, 0, &p), AUTH_OK);
    int64_t bs[] = {f->b_student};
    assert_int_equal(auth_class_enrol(f->db, f->inst_b, b1, bs, 1, 0, &p), AUTH_OK);

    struct seen s = {0};
    assert_int_equal(auth_class_list(f->db, f->inst_a, AUTH_CLASSES_ALL, 0, see_class, &s),
                     AUTH_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.id[0], c1);
    assert_int_equal(s.id[1], c2);
    assert_int_equal(s.id[2], c3);

    memset(&s, 0, sizeof(s));
    assert_int_equal(
        auth_class_list(f->db, f->inst_a, AUTH_CLASSES_TAUGHT_BY, f->a_teacher, see_class, &s),
        AUTH_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.id[0], c1);
    assert_int_equal(s.id[1], c3);

    memset(&s, 0, sizeof(s));
    assert_int_equal(
        auth_class_list(f->db, f->inst_a, AUTH_CLASSES_ATTENDED_BY, f->a_s2, see_class, &s),
        AUTH_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.id[0], c1);

    memset(&s, 0, sizeof(s));
    assert_int_equal(
        auth_class_list(f->db, f->inst_a, AUTH_CLASSES_ATTENDED_BY, f->a_s1, see_class, &s),
        AUTH_OK);
    assert_int_equal(s.n, 3);

    memset(&s, 0, sizeof(s));
    assert_int_equal(
        auth_class_list(f->db, f->inst_a, AUTH_CLASSES_TAUGHT_BY, f->a_s1, see_class, &s), AUTH_OK);
    assert_int_equal(s.n, 0);

    memset(&s, 0, sizeof(s));
    s.stop_after = 1;
    assert_int_equal(auth_class_list(f->db, f->inst_a, AUTH_CLASSES_ALL, 0, see_class, &s), 7);
    assert_int_equal(s.n, 1);

    struct auth_class c;
    assert_int_equal(auth_class_get(f->db, f->inst_a, c1, &c), AUTH_OK);
    assert_int_equal(c.student_count, 2);

    /* Students of a class, sorted by name. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_class_students(f->db, f->inst_a, c1, see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.name[0], "Han Meimei");
    assert_string_equal(s.name[1], "Li Lei");
}

static void class_enrol_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    int64_t c = make_class(f, f->inst_a, "Care", f->a_teacher);
    struct auth_problem p;
    struct auth_class got;

    /* One id that is not a student of this institution spoils the whole call. */
    const int64_t bad[][3] = {
        {f->a_s1, f->a_teacher, f->a_s2}, /* a teacher */
        {f->a_s1, f->a_s2, f->b_student}, /* another institution's student */
        {f->a_s1, 99999, f->a_s2},        /* nobody */
        {f->a_verifier, f->a_s1, f->a_s2},
    };
    for (size_t i = 0; i < N_ELEMS(bad); i++) {
        memset(&p, 0, sizeof(p));
        int err = auth_class_enrol(f->db, f->inst_a, c, bad[i], 3, 0, &p);
        if (err != AUTH_ERR_INVALID || strcmp(p.field, "user_ids") != 0 ||
            strcmp(p.msg, "students_invalid") != 0)
            fail_msg("enrol case %zu: %d", i, err);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM enrolments"), 0);
    }

    int64_t ok[] = {f->a_s1, f->a_s2};
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c, ok, 2, 0, &p), AUTH_OK);
    assert_int_equal(auth_class_get(f->db, f->inst_a, c, &got), AUTH_OK);
    assert_int_equal(got.student_count, 2);
    /* Already enrolled: stays as it is. */
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c, ok, 2, 0, &p), AUTH_OK);
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c, ok, 0, 0, &p), AUTH_OK);
    assert_int_equal(auth_class_get(f->db, f->inst_a, c, &got), AUTH_OK);
    assert_int_equal(got.student_count, 2);

    /* A class that does not exist. */
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, 99999, ok, 2, 0, &p), AUTH_ERR_NOT_FOUND);

    /* With IN_TRANSACTION the caller's rollback undoes it. */
    int64_t c2 = make_class(f, f->inst_a, "Care 2", f->a_teacher);
    assert_int_equal(store_begin(f->db), STORE_OK);
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, c2, ok, 2, 1, &p), AUTH_OK);
    store_rollback(f->db);
    assert_int_equal(auth_class_get(f->db, f->inst_a, c2, &got), AUTH_OK);
    assert_int_equal(got.student_count, 0);

    /* Unenrol. */
    assert_int_equal(auth_class_unenrol(f->db, f->inst_a, c, f->a_s1), AUTH_OK);
    assert_int_equal(auth_class_unenrol(f->db, f->inst_a, c, f->a_s1), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_class_unenrol(f->db, f->inst_a, c2, f->a_s2), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_class_unenrol(f->db, f->inst_a, c, f->a_teacher), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_class_get(f->db, f->inst_a, c, &got), AUTH_OK);
    assert_int_equal(got.student_count, 1);
}

/* -------------------------------------------------------------- tenancy */

static void tenancy(void **state)
{
    struct fixture *f = *state;
    int64_t a_class = make_class(f, f->inst_a, "A class", f->a_teacher);
    int64_t b_class = make_class(f, f->inst_b, "B class", f->b_teacher);
    struct auth_problem p;
    int64_t bs[] = {f->b_student}, as[] = {f->a_s1};
    assert_int_equal(auth_class_enrol(f->db, f->inst_b, b_class, bs, 1, 0, &p), AUTH_OK);

    /* Reads. */
    struct auth_user u;
    assert_int_equal(auth_user_get(f->db, f->inst_a, f->b_student, &u), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_user_get(f->db, f->inst_b, f->a_s1, &u), AUTH_ERR_NOT_FOUND);
    struct seen s = {0};
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, NULL, see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 6);
    for (int i = 0; i < s.n; i++)
        assert_int_equal(s.inst[i], f->inst_a);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_a, -1, "b.student", see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 0);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_user_list(f->db, f->inst_b, -1, NULL, see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 2);

    struct auth_class c;
    assert_int_equal(auth_class_get(f->db, f->inst_a, b_class, &c), AUTH_ERR_NOT_FOUND);
    int64_t id = 0;
    assert_int_equal(auth_class_find(f->db, f->inst_a, "B class", &id), AUTH_ERR_NOT_FOUND);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_class_list(f->db, f->inst_a, AUTH_CLASSES_ALL, 0, see_class, &s),
                     AUTH_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.id[0], a_class);
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        auth_class_list(f->db, f->inst_a, AUTH_CLASSES_TAUGHT_BY, f->b_teacher, see_class, &s),
        AUTH_OK);
    assert_int_equal(s.n, 0);
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        auth_class_list(f->db, f->inst_a, AUTH_CLASSES_ATTENDED_BY, f->b_student, see_class, &s),
        AUTH_OK);
    assert_int_equal(s.n, 0);
    memset(&s, 0, sizeof(s));
    assert_int_equal(auth_class_students(f->db, f->inst_a, b_class, see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 0);

    /* Changes. */
    assert_int_equal(auth_user_update(f->db, f->inst_a, f->b_student, "Hacked", "zh-CN", &p),
                     AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_user_get(f->db, f->inst_b, f->b_student, &u), AUTH_OK);
    assert_string_equal(u.name, "Sam Student");
    assert_string_equal(u.lang, "en");

    assert_int_equal(auth_class_enrol(f->db, f->inst_a, b_class, as, 1, 0, &p), AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_class_enrol(f->db, f->inst_a, a_class, bs, 1, 0, &p), AUTH_ERR_INVALID);
    assert_int_equal(auth_class_enrol(f->db, f->inst_b, b_class, as, 1, 0, &p), AUTH_ERR_INVALID);
    assert_int_equal(auth_class_unenrol(f->db, f->inst_a, b_class, f->b_student),
                     AUTH_ERR_NOT_FOUND);
    assert_int_equal(auth_class_create(f->db, f->inst_a, "Stolen", f->b_teacher, &c, &p),
                     AUTH_ERR_INVALID);

    /* B's data is as it was. */
    assert_int_equal(auth_class_get(f->db, f->inst_b, b_class, &c), AUTH_OK);
    assert_int_equal(c.student_count, 1);
    assert_int_equal(auth_class_get(f->db, f->inst_a, a_class, &c), AUTH_OK);
    assert_int_equal(c.student_count, 0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM enrolments"), 1);
}

/* ----------------------------------------------------------- CSV import */

/* Imports TEXT into A; the report in *R (release it). */
static int import(struct fixture *f, const char *text, struct auth_import_report *r)
{
    auth_import_report_init(r);
    return auth_import_users_csv(f->db, f->inst_a, text, strlen(text), r);
}

/* Checks error I of R. FIELD NULL: none expected. */
static void expect_error(const struct auth_import_report *r, size_t i, unsigned line,
                         const char *field, const char *msg)
{
    if (i >= r->nerrors)
        fail_msg("error %zu missing (%zu listed)", i, r->nerrors);
    const struct auth_import_error *e = &r->errors[i];
    if (e->line != line || strcmp(e->msg, msg) != 0 || (field == NULL) != (e->field == NULL) ||
        (field && strcmp(field, e->field) != 0))
        fail_msg("error %zu: line %u field %s msg %s; want line %u field %s msg %s", i, e->line,
                 e->field ? e->field : "-", e->msg, line, field ? field : "-", msg);
}

/* Nothing was written: the users and enrolments are as the fixture made them. */
static void expect_nothing_written(struct fixture *f, const struct auth_import_report *r)
{
    assert_int_equal(r->nusers, 0);
    assert_int_equal(count_users(f->db), 8);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM enrolments"), 0);
}

static void import_good_file(void **state)
{
    struct fixture *f = *state;
    int64_t cls = make_class(f, f->inst_a, "Care 2026", f->a_teacher);
    const char *csv = "\xEF\xBB\xBFlogin,name,role,password,lang,class\r\n"
                      "Li.Lei2,\"Li, Lei\",student,password-1,zh-CN,Care 2026\r\n"
                      "han.mm,\"Han \"\"Mei\"\" Meimei\",student,password-2,en,\r\n"
                      "  zhang.t , 张老师 ,teacher,password-3,,\r\n";
    struct auth_import_report r;
    int err = import(f, csv, &r);
    if (err)
        fail_msg("import failed: %d, %zu errors, first %s", err, r.nerrors,
                 r.nerrors ? r.errors[0].msg : "-");
    assert_int_equal(r.nusers, 3);
    assert_int_equal(r.total_errors, 0);

    struct auth_user u;
    assert_int_equal(auth_user_get(f->db, f->inst_a, r.user_ids[0], &u), AUTH_OK);
    assert_string_equal(u.login, "li.lei2");
    assert_string_equal(u.name, "Li, Lei");
    assert_string_equal(u.lang, "zh-CN");
    assert_int_equal(u.role, AUTH_ROLE_STUDENT);
    assert_int_equal(auth_user_get(f->db, f->inst_a, r.user_ids[1], &u), AUTH_OK);
    assert_string_equal(u.login, "han.mm");
    assert_string_equal(u.name, "Han \"Mei\" Meimei");
    assert_string_equal(u.lang, "en");
    assert_int_equal(auth_user_get(f->db, f->inst_a, r.user_ids[2], &u), AUTH_OK);
    assert_string_equal(u.login, "zhang.t");
    assert_string_equal(u.name, "张老师");
    assert_string_equal(u.lang, "en");
    assert_int_equal(u.role, AUTH_ROLE_TEACHER);

    /* The class column enrolled the first student only. */
    struct seen s = {0};
    assert_int_equal(auth_class_students(f->db, f->inst_a, cls, see_user, &s), AUTH_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.id[0], r.user_ids[0]);

    /* The password is the one in the file. */
    assert_int_equal(auth_login(f->db, "li.lei2", "password-1", &u), AUTH_OK);
    assert_int_equal(count_users(f->db), 11);
    auth_import_report_release(&r);
    assert_null(r.user_ids);
}

static void import_bad_rows_write_nothing(void **state)
{
    struct fixture *f = *state;
    const char *csv = "login,name,role,password\n"              /* 1 */
                      "ok.one,One,student,password-1\n"         /* 2 */
                      "bad.role,Two,janitor,password-2\n"       /* 3 */
                      "ok.three,Three,student,\"pass\n"         /* 4 */
                      "word-3\"\n"                              /* 5 */
                      "a.s1,Five,student,password-5\n"          /* 6: taken in A */
                      "b.student,Six,student,password-6\n"      /* 7: taken in B (global) */
                      "x,Seven,student,password-7\n"            /* 8 */
                      "ok.nine,Nine,student,short\n"            /* 9 */
                      "ok.ten,,student,password-10\n"           /* 10 */
                      "\n"                                      /* 11 */
                      "ok.twelve,Twelve,student,password-12\n"; /* 12 */
    struct auth_import_report r;
    assert_int_equal(import(f, csv, &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 6);
    assert_int_equal(r.nerrors, 6);
    expect_error(&r, 0, 3, "role", "role_invalid");
    expect_error(&r, 1, 6, "login", "login_taken");
    expect_error(&r, 2, 7, "login", "login_taken");
    expect_error(&r, 3, 8, "login", "login_format");
    expect_error(&r, 4, 9, "password", "password_length");
    expect_error(&r, 5, 10, "name", "field_required");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

static void import_duplicate_login_in_file(void **state)
{
    struct fixture *f = *state;
    const char *csv = "login,name,role,password\r\n"
                      "dup.user,One,student,password-1\r\n"
                      "other.user,Two,student,password-2\r\n"
                      "DUP.user,Three,student,password-3\r\n";
    struct auth_import_report r;
    assert_int_equal(import(f, csv, &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    expect_error(&r, 0, 4, "login", "login_duplicate");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

static void import_header_problems(void **state)
{
    struct fixture *f = *state;
    struct auth_import_report r;

    assert_int_equal(import(f, "login,name,role\nab.c,N,student\n", &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    expect_error(&r, 0, 1, NULL, "csv_missing_column");
    assert_string_equal(r.errors[0].text, "password");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);

    assert_int_equal(import(f, "name,role\n", &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 2);
    assert_string_equal(r.errors[0].text, "login");
    assert_string_equal(r.errors[1].text, "password");
    auth_import_report_release(&r);

    assert_int_equal(import(f, "login,name,role,password,email\nab.c,N,student,password-1,x\n", &r),
                     AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    expect_error(&r, 0, 1, NULL, "csv_unknown_column");
    assert_string_equal(r.errors[0].text, "email");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);

    assert_int_equal(import(f, "", &r), AUTH_ERR_INVALID);
    expect_error(&r, 0, 1, NULL, "csv_empty");
    auth_import_report_release(&r);

    assert_int_equal(import(f, "\xEF\xBB\xBF\r\n\r\n", &r), AUTH_ERR_INVALID);
    expect_error(&r, 0, 1, NULL, "csv_empty");
    auth_import_report_release(&r);

    assert_int_equal(import(f, "login,name,role,password\r\n", &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    expect_error(&r, 0, 1, NULL, "csv_empty");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);

    /* Columns in any order; optional ones may be absent. */
    assert_int_equal(import(f, "password,role,login\npassword-1,student,ab.c\n", &r),
                     AUTH_ERR_INVALID);
    expect_error(&r, 0, 1, NULL, "csv_missing_column");
    assert_string_equal(r.errors[0].text, "name");
    auth_import_report_release(&r);
}

static void import_column_count(void **state)
{
    struct fixture *f = *state;
    const char *csv = "login,name,role,password\n"
                      "ok.one,One,student,password-1\n"
                      "ok.two,Two,student\n"
                      "ok.three,Three,student,password-3,extra\n";
    struct auth_import_report r;
    assert_int_equal(import(f, csv, &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 2);
    expect_error(&r, 0, 3, NULL, "csv_column_count");
    assert_int_equal(r.errors[0].arg[0], 3);
    assert_int_equal(r.errors[0].arg[1], 4);
    expect_error(&r, 1, 4, NULL, "csv_column_count");
    assert_int_equal(r.errors[1].arg[0], 5);
    assert_int_equal(r.errors[1].arg[1], 4);
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

static void import_csv_syntax_error(void **state)
{
    struct fixture *f = *state;
    struct auth_import_report r;
    const char *csv = "login,name,role,password\n"
                      "ok.one,One,student,password-1\n"
                      "ok.two,Tw\"o,student,password-2\n"
                      "ok.three,Three,student,password-3\n";
    assert_int_equal(import(f, csv, &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    expect_error(&r, 0, 3, "name", "csv_bad_quote"); /* the column it is in */
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);

    assert_int_equal(import(f, "login,name,role,password\nok.one,\"One,student,password-1\n", &r),
                     AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    assert_string_equal(r.errors[0].msg, "csv_unterminated");
    assert_string_equal(r.errors[0].field, "name");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);

    const char nul[] = "login,name,role,password\nok.one,O\0ne,student,password-1\n";
    auth_import_report_init(&r);
    assert_int_equal(auth_import_users_csv(f->db, f->inst_a, nul, sizeof(nul) - 1, &r),
                     AUTH_ERR_INVALID);
    expect_error(&r, 0, 2, "name", "csv_bad_char");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

static void import_class_column_rules(void **state)
{
    struct fixture *f = *state;
    make_class(f, f->inst_a, "Care 2026", f->a_teacher);
    make_class(f, f->inst_b, "B only", f->b_teacher);
    const char *csv = "login,name,role,password,class\n"
                      "ok.one,One,student,password-1,Care 2026\n"
                      "ok.two,Two,teacher,password-2,Care 2026\n"
                      "ok.three,Three,student,password-3,No Such Class\n"
                      "ok.four,Four,student,password-4,B only\n";
    struct auth_import_report r;
    assert_int_equal(import(f, csv, &r), AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 3);
    expect_error(&r, 0, 3, "class", "students_invalid");
    expect_error(&r, 1, 4, "class", "class_unknown");
    expect_error(&r, 2, 5, "class", "class_unknown");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

/* Rows of valid users from FIRST on, for the row-count tests. */
static char *many_rows(int n, const char *role)
{
    size_t size = 64 + (size_t)n * 64;
    char *s = malloc(size);
    size_t k = (size_t)snprintf(s, size, "login,name,role,password\n");
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, size - k, "user.%04d,User %d,%s,password-%d\n", i, i, role, i);
    return s;
}

static void import_too_many_rows(void **state)
{
    struct fixture *f = *state;
    char *csv = many_rows(AUTH_IMPORT_MAX_ROWS + 1, "student");
    struct auth_import_report r;
    int err = import(f, csv, &r);
    free(csv);
    assert_int_equal(err, AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, 1);
    expect_error(&r, 0, AUTH_IMPORT_MAX_ROWS + 2, NULL, "csv_too_many_rows");
    assert_int_equal(r.errors[0].arg[0], AUTH_IMPORT_MAX_ROWS);
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

static void import_many_errors_are_counted(void **state)
{
    struct fixture *f = *state;
    char *csv = many_rows(AUTH_IMPORT_MAX_ERRORS + 50, "janitor");
    struct auth_import_report r;
    int err = import(f, csv, &r);
    free(csv);
    assert_int_equal(err, AUTH_ERR_INVALID);
    assert_int_equal(r.total_errors, AUTH_IMPORT_MAX_ERRORS + 50);
    assert_int_equal(r.nerrors, AUTH_IMPORT_MAX_ERRORS);
    expect_error(&r, 0, 2, "role", "role_invalid");
    expect_error(&r, AUTH_IMPORT_MAX_ERRORS - 1, AUTH_IMPORT_MAX_ERRORS + 1, "role",
                 "role_invalid");
    expect_nothing_written(f, &r);
    auth_import_report_release(&r);
}

/*
 * Spreadsheets often save CSV in a legacy encoding (Windows-1252, GBK). Such
 * a name is not UTF-8 and cannot be put in a JSON reply; the import must
 * report it rather than store it.
 */
static void import_rejects_non_utf8_name(void **state)
{
    struct fixture *f = *state;
    const char *csv = "login,name,role,password\n"
                      "jose.m,Jos\xe9 Mart\xednez,student,password-1\n";
    struct auth_import_report r;
    int err = import(f, csv, &r);
    int64_t users = count_users(f->db);
    size_t nerrors = r.nerrors;
    const char *field = nerrors ? r.errors[0].field : NULL;
    const char *msg = nerrors ? r.errors[0].msg : NULL;
    unsigned line = nerrors ? r.errors[0].line : 0;
    auth_import_report_release(&r);
    assert_int_equal(err, AUTH_ERR_INVALID);
    assert_int_equal(nerrors, 1);
    assert_int_equal(line, 2);
    assert_string_equal(field, "name");
    assert_string_equal(msg, "csv_bad_utf8");
    assert_int_equal(users, 8);
}

/* ------------------------------------------------------------ ratelimit */

static void ratelimit_counts_failures(void **state)
{
    struct auth_ratelimit *rl = auth_ratelimit_new(5, 900);
    assert_non_null(rl);
    int64_t t = 1800000000;
    assert_int_equal(auth_ratelimit_wait(rl, "u:li", t), 0);
    for (int i = 0; i < 4; i++) {
        auth_ratelimit_fail(rl, "u:li", t + i);
        assert_int_equal(auth_ratelimit_wait(rl, "u:li", t + i), 0);
    }
    auth_ratelimit_fail(rl, "u:li", t + 4);
    /* The window started at the first failure. */
    assert_int_equal(auth_ratelimit_wait(rl, "u:li", t + 4), 896);
    assert_int_equal(auth_ratelimit_wait(rl, "u:li", t + 100), 800);
    assert_true(auth_ratelimit_wait(rl, "u:li", t + 899) > 0);
    /* Other keys are not affected. */
    assert_int_equal(auth_ratelimit_wait(rl, "u:lu", t + 4), 0);
    assert_int_equal(auth_ratelimit_wait(rl, "u:l", t + 4), 0);
    assert_int_equal(auth_ratelimit_wait(rl, "", t + 4), 0);

    /* The window expires. */
    assert_int_equal(auth_ratelimit_wait(rl, "u:li", t + 900), 0);
    assert_int_equal(auth_ratelimit_wait(rl, "u:li", t + 5000), 0);
    /* After it, counting starts afresh. */
    auth_ratelimit_fail(rl, "u:li", t + 5000);
    assert_int_equal(auth_ratelimit_wait(rl, "u:li", t + 5000), 0);

    /* Clearing forgets the failures at once. */
    for (int i = 0; i < 10; i++)
        auth_ratelimit_fail(rl, "a:10.0.0.1", t);
    assert_true(auth_ratelimit_wait(rl, "a:10.0.0.1", t) > 0);
    auth_ratelimit_clear(rl, "a:10.0.0.1");
    assert_int_equal(auth_ratelimit_wait(rl, "a:10.0.0.1", t), 0);
    auth_ratelimit_clear(rl, "never.seen"); /* harmless */

    auth_ratelimit_free(&rl);
    assert_null(rl);
    auth_ratelimit_free(&rl);
}

static void ratelimit_many_keys(void **state)
{
    struct auth_ratelimit *rl = auth_ratelimit_new(3, 60);
    assert_non_null(rl);
    int64_t t = 1800000000;
    char key[64];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof(key), "a:192.0.%d.%d", i / 256, i % 256);
        auth_ratelimit_fail(rl, key, t + i / 1000);
        (void)auth_ratelimit_wait(rl, key, t + i / 1000);
    }
    /* A key failing now is still limited although the table is full of others. */
    for (int i = 0; i < 3; i++)
        auth_ratelimit_fail(rl, "u:target", t + 200);
    assert_true(auth_ratelimit_wait(rl, "u:target", t + 200) > 0);
    auth_ratelimit_free(&rl);
}

/* Keys are compared whole: a long key is limited like a short one. */
static void ratelimit_long_key(void **state)
{
    struct auth_ratelimit *rl = auth_ratelimit_new(5, 900);
    assert_non_null(rl);
    int64_t t = 1800000000;
    char key[200];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = 0;
    for (int i = 0; i < 5; i++)
        auth_ratelimit_fail(rl, key, t);
    int wait = auth_ratelimit_wait(rl, key, t);
    /* And two long keys that share a long prefix are different keys. */
    char other[200];
    snprintf(other, sizeof(other), "%s", key);
    other[150] = 'x';
    int wait_other = auth_ratelimit_wait(rl, other, t);
    auth_ratelimit_free(&rl);
    assert_int_equal(wait, 900);
    assert_int_equal(wait_other, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(institution_create_validates),
        cmocka_unit_test(user_validate_table),
        cmocka_unit_test(user_validate_rejects_invalid_utf8),
        cmocka_unit_test(role_names),
        T(user_create_and_duplicate),
        T(user_defaults),
        T(user_list_get_update),
        T(login_right_wrong_unknown),
        T(change_password),
        T(session_create_resolve_end),
        T(session_end_others),
        T(session_expiry),
        T(class_create_rules),
        T(class_list_scopes),
        T(class_enrol_all_or_nothing),
        T(tenancy),
        T(import_good_file),
        T(import_bad_rows_write_nothing),
        T(import_duplicate_login_in_file),
        T(import_header_problems),
        T(import_column_count),
        T(import_csv_syntax_error),
        T(import_class_column_rules),
        T(import_too_many_rows),
        T(import_many_errors_are_counted),
        T(import_rejects_non_utf8_name),
        cmocka_unit_test(ratelimit_counts_failures),
        cmocka_unit_test(ratelimit_many_keys),
        cmocka_unit_test(ratelimit_long_key),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
