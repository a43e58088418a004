/*
 * Unit tests of checkoff/: the bundled checklists (as embedded in this
 * binary), the validation of checklist files, the outcome rule, recording
 * (row + xAPI statement, idempotent by UUID), enrolment and tenancy refusals,
 * the history and the competency alignments. A migrated SQLite file per test
 * with two colleges, A and B.
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
#include "checkoff/checkoff.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/embedded.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "xapi/record.h"
#include "xapi/statements.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define UUID1 "6f1c2a44-3b7e-4c1d-9a55-0e2f7d8c9b01"
#define UUID2 "6f1c2a44-3b7e-4c1d-9a55-0e2f7d8c9b02"
#define T0    "2026-11-29T09:00:00+08:00"
#define T1    "2026-11-29T09:06:30+08:00"

static char tmpdir[] = "/tmp/cc_test_checkoff_XXXXXX";

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    log_set_level(LOG_LEVEL_OFF);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------- bundled content */

/* Does S hold a CJK ideograph (U+3400..U+9FFF)? */
static int has_cjk(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c == 0xE3 ? c[1] >= 0x90 : (*c >= 0xE4 && *c <= 0xE9))
            return 1;
    return 0;
}

/* Does S hold a Latin letter? */
static int has_latin(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
            return 1;
    return 0;
}

static void bilingual(const struct checkoff_text *t, const char *what, const char *id)
{
    if (!t->en || !t->zh || !has_latin(t->en) || !has_cjk(t->zh) || strcmp(t->en, t->zh) == 0)
        fail_msg("%s: %s is not in both languages", id, what);
}

/* The CFItem identifiers of every bundled framework, as a JSON object used as a set. */
static json_t *framework_items(size_t *frameworks)
{
    json_t *set = json_object();
    *frameworks = 0;
    for (size_t i = 0; i < content_files_count; i++) {
        const char *path = content_files[i].path;
        size_t len = strlen(path);
        if (strncmp(path, "/frameworks/", 12) != 0 || strcmp(path + len - 5, ".json") != 0)
            continue;
        json_t *doc =
            json_loadb((const char *)content_files[i].data, content_files[i].size, 0, NULL);
        if (!doc)
            fail_msg("%s is not JSON", path);
        (*frameworks)++;
        size_t j;
        json_t *item;
        json_array_foreach (json_object_get(doc, "CFItems"), j, item)
            json_object_set_new(set, json_string_value(json_object_get(item, "identifier")),
                                json_true());
        json_decref(doc);
    }
    return set;
}

/*
 * Every bundled checklist parses, is bilingual, has a critical step and
 * items; every item is a CFItem of a bundled framework. The frameworks are
 * another helper's content: when this tree has none, the item check says so
 * and checks the form of the identifiers only.
 */
static void bundled_checklists_are_valid(void **state)
{
    const struct checkoff_catalog *c;
    char why[512];
    if (checkoff_bundled(&c, why, sizeof(why)))
        fail_msg("bundled checklists: %s", why);
    assert_true(c->n >= 14);
    size_t frameworks;
    json_t *items = framework_items(&frameworks);
    if (!frameworks)
        print_message("no content/frameworks/ in this tree: items checked for form only\n");
    int nnaap = 0, cn = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct checkoff_list *l = &c->lists[i];
        bilingual(&l->title, "the title", l->id);
        bilingual(&l->description, "the description", l->id);
        assert_true(l->version >= 1);
        assert_true(l->ncritical >= 1);
        assert_true(l->nsteps >= 5); /* with the opening and closing steps of a real procedure */
        assert_true(l->nitems >= 1);
        nnaap += strcmp(l->source, "NNAAP") == 0;
        cn += strcmp(l->source, "养老护理员") == 0;
        size_t critical = 0;
        for (size_t s = 0; s < l->nsteps; s++) {
            bilingual(&l->steps[s].text, l->steps[s].id, l->id);
            critical += (size_t)l->steps[s].critical;
        }
        assert_int_equal(critical, l->ncritical);
        for (size_t k = 0; k < l->nitems; k++) {
            assert_int_equal(strlen(l->items[k]), 36);
            if (frameworks && !json_object_get(items, l->items[k]))
                fail_msg("%s: item %s is in no bundled framework", l->id, l->items[k]);
        }
        char want[200];
        snprintf(want, sizeof(want), CHECKOFF_ACTIVITY_PREFIX "%s", l->id);
        assert_string_equal(l->activity, want);
        assert_ptr_equal(checkoff_find(c, l->id), l);
        if (i > 0)
            assert_true(strcmp(c->lists[i - 1].id, l->id) < 0);
    }
    /* The issue asks for both traditions, and for these skills by name. */
    assert_true(nnaap >= 8);
    assert_true(cn >= 2);
    static const char *const wanted[] = {"hand-hygiene",
                                         "radial-pulse",
                                         "manual-blood-pressure",
                                         "electronic-blood-pressure",
                                         "transfer-gait-belt",
                                         "position-on-side",
                                         "feeding",
                                         "mouth-care",
                                         "ppe-gown-gloves",
                                         "vital-signs-cn",
                                         "pressure-injury-prevention"};
    for (size_t i = 0; i < N_ELEMS(wanted); i++)
        if (!checkoff_find(c, wanted[i]))
            fail_msg("no checklist %s", wanted[i]);
    assert_null(checkoff_find(c, "no-such-skill"));
    assert_null(checkoff_find(c, NULL));
    json_decref(items);
}

/* ------------------------------------------------------ file validation */

#define FW_ITEM  "11111111-2222-4333-8444-555555555555"
#define FW_OTHER "11111111-2222-4333-8444-666666666666"

static const char framework[] =
    "{\"CFDocument\":{\"identifier\":\"11111111-2222-4333-8444-000000000000\"},"
    "\"CFItems\":[{\"identifier\":\"" FW_ITEM "\"}]}";

/* A good checklist "demo" with the replacements of FMT. */
static char *checklist_text(const char *id, const char *title, const char *items, const char *steps,
                            const char *extra)
{
    static char out[8][4096];
    static int next;
    char *b = out[next++ % 8];
    snprintf(b, sizeof(out[0]),
             "{\"id\":\"%s\",\"version\":1,\"title\":%s,"
             "\"description\":{\"en\":\"Demo skill\",\"zh-CN\":\"演示技能\"},"
             "\"source\":\"NNAAP\",\"items\":%s,\"steps\":%s%s}",
             id, title, items, steps, extra);
    return b;
}

#define GOOD_TITLE "{\"en\":\"Demo\",\"zh-CN\":\"演示\"}"
#define GOOD_ITEMS "[\"" FW_ITEM "\"]"
#define GOOD_STEPS                                                                                 \
    "[{\"id\":\"s1\",\"text\":{\"en\":\"One\",\"zh-CN\":\"一\"},\"critical\":false},"             \
    "{\"id\":\"s2\",\"text\":{\"en\":\"Two\",\"zh-CN\":\"二\"},\"critical\":true}]"

static int build_one(const char *path, const char *text, int with_framework,
                     struct checkoff_catalog **out, char *why, size_t size)
{
    struct embedded_file files[2] = {
        {"/checkoffs/x", (const unsigned char *)text, strlen(text)},
        {"/frameworks/demo.json", (const unsigned char *)framework, sizeof(framework) - 1},
    };
    files[0].path = path;
    return checkoff_catalog_build(files, with_framework ? 2 : 1, out, why, size);
}

static void good_file_builds(void **state)
{
    struct checkoff_catalog *c;
    char why[512];
    int err = build_one("/checkoffs/demo.json",
                        checklist_text("demo", GOOD_TITLE, GOOD_ITEMS, GOOD_STEPS, ""), 1, &c, why,
                        sizeof(why));
    if (err)
        fail_msg("good file refused: %s", why);
    assert_int_equal(c->n, 1);
    const struct checkoff_list *l = &c->lists[0];
    assert_string_equal(l->id, "demo");
    assert_int_equal(l->nsteps, 2);
    assert_int_equal(l->ncritical, 1);
    assert_string_equal(l->steps[1].text.zh, "二");
    assert_int_equal(checkoff_step_index(l, "s2"), 1);
    assert_int_equal(checkoff_step_index(l, "s9"), -1);
    checkoff_catalog_free(&c);
    assert_null(c);

    /* A README beside the checklists is not a checklist; no frameworks: items unchecked. */
    struct embedded_file files[2] = {
        {"/checkoffs/README.md", (const unsigned char *)"# notes", 7},
        {"/checkoffs/demo.json",
         (const unsigned char *)checklist_text("demo", GOOD_TITLE, "[\"" FW_OTHER "\"]", GOOD_STEPS,
                                               ""),
         0},
    };
    files[1].size = strlen((const char *)files[1].data);
    assert_int_equal(checkoff_catalog_build(files, 2, &c, why, sizeof(why)), CHECKOFF_OK);
    assert_int_equal(c->n, 1);
    checkoff_catalog_free(&c);
}

/* Each bad file is refused with a message that names the file and the problem. */
static void bad_files_are_refused(void **state)
{
    static const struct {
        const char *path;
        const char *text;
        const char *why;
    } cases[] = {
        {"/checkoffs/demo.json", "{\"id\": \"demo\",", "checkoffs/demo.json: not valid JSON (line"},
        {"/checkoffs/demo.json", "[1]", "must hold one JSON object"},
        {"/checkoffs/other.json", NULL, "must be the file's name"},
        {"/checkoffs/sub/demo.json", NULL, "directly in checkoffs/"},
        {"/checkoffs/.json", NULL, "the file name must be"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        struct checkoff_catalog *c = NULL;
        char why[512] = "";
        const char *text = cases[i].text
                               ? cases[i].text
                               : checklist_text("demo", GOOD_TITLE, GOOD_ITEMS, GOOD_STEPS, "");
        int err = build_one(cases[i].path, text, 1, &c, why, sizeof(why));
        if (err != CHECKOFF_ERR_INVALID || !strstr(why, cases[i].why) || c)
            fail_msg("case %zu: err %d, why \"%s\", want \"%s\"", i, err, why, cases[i].why);
    }
    static const struct {
        const char *title, *items, *steps, *extra, *why;
    } fields[] = {
        {"{\"en\":\"Demo\"}", GOOD_ITEMS, GOOD_STEPS, "", "title: the zh-CN text is missing"},
        {"{\"en\":\"\",\"zh-CN\":\"演示\"}", GOOD_ITEMS, GOOD_STEPS, "", "the en text is missing"},
        {"{\"en\":\"D\",\"zh-CN\":\"演\",\"fr\":\"D\"}", GOOD_ITEMS, GOOD_STEPS, "",
         "unknown member \"fr\""},
        {"\"Demo\"", GOOD_ITEMS, GOOD_STEPS, "", "title must be an object"},
        {"{\"en\":\"A\\u0007B\",\"zh-CN\":\"演\"}", GOOD_ITEMS, GOOD_STEPS, "",
         "control characters"},
        {GOOD_TITLE, GOOD_ITEMS, GOOD_STEPS, ",\"critcal\":true", "unknown member \"critcal\""},
        {GOOD_TITLE, "[]", GOOD_STEPS, "", "items must be a list of 1 to"},
        {GOOD_TITLE, "[\"11111111-2222-4333-8444-55555555555A\"]", GOOD_STEPS, "",
         "lower-case UUID"},
        {GOOD_TITLE, "[\"" FW_OTHER "\"]", GOOD_STEPS, "", "is not an item of any bundled"},
        {GOOD_TITLE, "[\"" FW_ITEM "\",\"" FW_ITEM "\"]", GOOD_STEPS, "", "listed twice"},
        {GOOD_TITLE, GOOD_ITEMS, "[]", "", "steps must be a list of 1 to"},
        {GOOD_TITLE, GOOD_ITEMS,
         "[{\"id\":\"s1\",\"text\":{\"en\":\"One\",\"zh-CN\":\"一\"},\"critical\":false}]", "",
         "no step is marked critical"},
        {GOOD_TITLE, GOOD_ITEMS,
         "[{\"id\":\"s1\",\"text\":{\"en\":\"One\",\"zh-CN\":\"一\"},\"critical\":true},"
         "{\"id\":\"s1\",\"text\":{\"en\":\"Two\",\"zh-CN\":\"二\"},\"critical\":true}]",
         "", "steps[1].id \"s1\" is used twice"},
        {GOOD_TITLE, GOOD_ITEMS,
         "[{\"id\":\"S 1\",\"text\":{\"en\":\"One\",\"zh-CN\":\"一\"},\"critical\":true}]", "",
         "steps[0].id must be"},
        {GOOD_TITLE, GOOD_ITEMS,
         "[{\"id\":\"s1\",\"text\":{\"en\":\"One\",\"zh-CN\":\"一\"},\"critical\":1}]", "",
         "steps[0].critical must be true or false"},
        {GOOD_TITLE, GOOD_ITEMS, "[{\"id\":\"s1\",\"text\":{\"en\":\"One\"},\"critical\":true}]",
         "", "steps[0].text: the zh-CN text is missing"},
    };
    for (size_t i = 0; i < N_ELEMS(fields); i++) {
        struct checkoff_catalog *c = NULL;
        char why[512] = "";
        int err = build_one("/checkoffs/demo.json",
                            checklist_text("demo", fields[i].title, fields[i].items,
                                           fields[i].steps, fields[i].extra),
                            1, &c, why, sizeof(why));
        if (err != CHECKOFF_ERR_INVALID || !strstr(why, fields[i].why) ||
            strncmp(why, "checkoffs/demo.json: ", 21) != 0)
            fail_msg("field case %zu: err %d, why \"%s\", want \"%s\"", i, err, why, fields[i].why);
    }
    /* The version and the source. */
    const char *bad_version =
        "{\"id\":\"demo\",\"version\":0,\"title\":" GOOD_TITLE ",\"description\":" GOOD_TITLE
        ",\"source\":\"NNAAP\",\"items\":" GOOD_ITEMS ",\"steps\":" GOOD_STEPS "}";
    const char *bad_source =
        "{\"id\":\"demo\",\"version\":2,\"title\":" GOOD_TITLE ",\"description\":" GOOD_TITLE
        ",\"source\":\"\",\"items\":" GOOD_ITEMS ",\"steps\":" GOOD_STEPS "}";
    struct checkoff_catalog *c = NULL;
    char why[512];
    assert_int_equal(build_one("/checkoffs/demo.json", bad_version, 1, &c, why, sizeof(why)),
                     CHECKOFF_ERR_INVALID);
    assert_non_null(strstr(why, "version must be"));
    assert_int_equal(build_one("/checkoffs/demo.json", bad_source, 1, &c, why, sizeof(why)),
                     CHECKOFF_ERR_INVALID);
    assert_non_null(strstr(why, "source must be"));
    /* A framework that is not JSON is named too. */
    struct embedded_file files[] = {{"/frameworks/broken.json", (const unsigned char *)"{", 1}};
    assert_int_equal(checkoff_catalog_build(files, 1, &c, why, sizeof(why)), CHECKOFF_ERR_INVALID);
    assert_non_null(strstr(why, "frameworks/broken.json: not valid JSON"));
}

/* Building fails cleanly (no leak, no crash, an error) whichever allocation of ours fails. */
static void build_survives_allocation_failures(void **state)
{
    const char *text = checklist_text("demo", GOOD_TITLE, GOOD_ITEMS, GOOD_STEPS, "");
    int failed = 0, succeeded = 0;
    for (long n = 1; n < 40; n++) {
        struct checkoff_catalog *c = NULL;
        char why[512];
        cc_alloc_fail_after(n);
        int err = build_one("/checkoffs/demo.json", text, 1, &c, why, sizeof(why));
        cc_alloc_fail_after(0);
        if (err) {
            assert_null(c);
            failed++;
        } else {
            assert_int_equal(c->n, 1);
            checkoff_catalog_free(&c);
            succeeded++;
        }
    }
    assert_true(failed > 0);
    assert_true(succeeded > 0);
}

/* ---------------------------------------------------------- outcome rule */

static void outcome_rule_table(void **state)
{
    /* Ten steps, steps 2 and 7 (0-based 1, 6) critical. */
    struct checkoff_step steps[10];
    memset(steps, 0, sizeof(steps));
    steps[1].critical = steps[6].critical = 1;
    struct checkoff_list l = {.steps = steps, .nsteps = 10, .ncritical = 2};
    static const struct {
        const char *ticks; /* '1' ticked */
        int passed;
        size_t ticked, critical_missed;
    } cases[] = {
        {"1111111111", 1, 10, 0}, /* everything */
        {"1111111100", 1, 8, 0},  /* 80 %, both critical: the cut score exactly */
        {"1111111000", 0, 7, 0},  /* 70 %: below the cut score */
        {"1011111111", 0, 9, 1},  /* 90 % but a critical step missed */
        {"1111110111", 0, 9, 1},  /* the other critical step */
        {"0100001000", 0, 2, 0},  /* only the critical steps */
        {"0000000000", 0, 0, 2},  /* nothing */
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        unsigned char t[10];
        for (int k = 0; k < 10; k++)
            t[k] = cases[i].ticks[k] == '1';
        struct checkoff_outcome o;
        checkoff_outcome(&l, t, &o);
        if (o.passed != cases[i].passed || o.ticked != cases[i].ticked || o.total != 10 ||
            o.critical_missed != cases[i].critical_missed || o.critical_total != 2)
            fail_msg("case %s: passed %d ticked %zu critical missed %zu", cases[i].ticks, o.passed,
                     o.ticked, o.critical_missed);
    }
    /* Six steps: 5 of 6 (83 %) passes, 4 of 6 (67 %) does not. */
    l.nsteps = 6;
    unsigned char five[6] = {1, 1, 1, 1, 1, 0}, four[6] = {1, 1, 1, 1, 0, 0};
    struct checkoff_outcome o;
    checkoff_outcome(&l, five, &o);
    assert_true(o.passed);
    checkoff_outcome(&l, four, &o);
    assert_false(o.passed);
}

/* ------------------------------------------------------------- recording */

struct fixture {
    struct store *db;
    const struct checkoff_catalog *cat;
    int64_t inst_a, inst_b, class_a;
    struct auth_user admin, teacher, teacher2, s1, s2, verifier, b_teacher, b_student;
};

static void add_user(struct fixture *f, int64_t inst, const char *login, const char *name,
                     const char *role, struct auth_user *out)
{
    struct auth_new_user u = {login, name, role, NULL, NULL};
    struct auth_problem p = {0};
    if (auth_user_insert(f->db, inst, &u, "$argon2id$unused", out, &p))
        fail_msg("cannot add user %s", login);
}

static int setup(void **state)
{
    static int n;
    char url[600];
    snprintf(url, sizeof(url), "sqlite:%s/checkoff%d.sqlite", tmpdir, ++n);
    struct fixture *f = calloc(1, sizeof(*f));
    char why[512];
    if (!f || store_open(url, &f->db) || store_migrate(f->db) ||
        checkoff_bundled(&f->cat, why, sizeof(why)))
        return -1;
    struct auth_problem p;
    if (auth_institution_create(f->db, "Changsha Health Vocational College", "长沙健康职业学院",
                                "CN", &f->inst_a, &p) ||
        auth_institution_create(f->db, "Lakeside Community College", "湖畔社区学院", "US",
                                &f->inst_b, &p))
        return -1;
    add_user(f, f->inst_a, "a.admin", "周敏 Zhou Min", "admin", &f->admin);
    add_user(f, f->inst_a, "a.teacher", "陈静 Chen Jing", "teacher", &f->teacher);
    add_user(f, f->inst_a, "a.teacher2", "刘伟 Liu Wei", "teacher", &f->teacher2);
    add_user(f, f->inst_a, "a.s1", "王芳 Wang Fang", "student", &f->s1);
    add_user(f, f->inst_a, "a.s2", "李娜 Li Na", "student", &f->s2);
    add_user(f, f->inst_a, "a.verifier", "Partner", "verifier", &f->verifier);
    add_user(f, f->inst_b, "b.teacher", "Pat Teacher", "teacher", &f->b_teacher);
    add_user(f, f->inst_b, "b.student", "Sam Student", "student", &f->b_student);
    struct auth_class c;
    if (auth_class_create(f->db, f->inst_a, "Care 2026", f->teacher.id, &c, &p) ||
        auth_class_enrol(f->db, f->inst_a, c.id, &f->s1.id, 1, 0, &p))
        return -1;
    f->class_a = c.id;
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

static int64_t rows(struct fixture *f)
{
    return query_int(f->db, "SELECT count(*) FROM checkoff_results");
}

static int64_t statements(struct fixture *f)
{
    return query_int(f->db, "SELECT count(*) FROM xapi_statements");
}

/* A hand-hygiene check-off of student S1 with the given ticks. */
static struct checkoff_submission submission(struct fixture *f, const char *const *ticked, size_t n)
{
    return (struct checkoff_submission){
        UUID1, f->s1.id, "hand-hygiene", 1, ticked, n, "Good friction; rinse again next time.",
        T0,    T1};
}

static const char *const all_but_s9[] = {"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s10"};

static json_t *stored_statement(struct fixture *f, int64_t inst, const char *id)
{
    char *text = NULL;
    assert_int_equal(xapi_statement_get(f->db, inst, id, 0, 0, &text), 0);
    assert_non_null(text);
    json_t *st = json_loads(text, 0, NULL);
    cc_free(text);
    assert_non_null(st);
    return st;
}

static const char *str_at(const json_t *root, const char *path)
{
    const json_t *v = root;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *k = buf, *next; k && v; k = next) {
        next = strchr(k, '|');
        if (next)
            *next++ = 0;
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
    }
    return json_string_value(v);
}

static void record_writes_row_and_statement(void **state)
{
    struct fixture *f = *state;
    struct checkoff_submission s = submission(f, all_but_s9, N_ELEMS(all_but_s9));
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed = -1;
    int err = checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p);
    if (err)
        fail_msg("record: %d %s %s", err, p.field ? p.field : "-", p.msg ? p.msg : "-");
    assert_int_equal(replayed, 0);
    assert_true(r.passed);
    assert_int_equal(r.steps_total, 10);
    assert_int_equal(r.steps_ticked, 9);
    assert_int_equal(json_array_size(r.missed), 1);
    assert_string_equal(json_string_value(json_array_get(r.missed, 0)), "s9");
    assert_int_equal(json_array_size(r.critical_missed), 0);
    assert_string_equal(r.started_at, "2026-11-29T01:00:00.000Z");
    assert_string_equal(r.ended_at, "2026-11-29T01:06:30.000Z");
    assert_string_equal(r.student_login, "a.s1");
    assert_string_equal(r.teacher_name, "陈静 Chen Jing");
    checkoff_result_release(&r);
    assert_int_equal(rows(f), 1);
    assert_int_equal(statements(f), 1);

    /* The statement: who, what, how it went, who watched, what it is evidence for. */
    json_t *st = stored_statement(f, f->inst_a, UUID1);
    assert_string_equal(str_at(st, "id"), UUID1);
    assert_string_equal(str_at(st, "actor|account|name"), "a.s1");
    assert_string_equal(str_at(st, "actor|account|homePage"),
                        "https://lrs.carecampus.invalid/users");
    assert_string_equal(str_at(st, "actor|name"), "王芳 Wang Fang");
    assert_string_equal(str_at(st, "verb|id"), CHECKOFF_VERB_PASSED);
    assert_string_equal(str_at(st, "object|id"), CHECKOFF_ACTIVITY_PREFIX "hand-hygiene");
    assert_string_equal(str_at(st, "object|definition|type"), CHECKOFF_ACTIVITY_TYPE);
    assert_string_equal(str_at(st, "object|definition|name|zh-CN"), "手卫生（洗手）");
    assert_non_null(str_at(st, "object|definition|description|en"));
    json_t *result = json_object_get(st, "result");
    assert_true(json_is_true(json_object_get(result, "success")));
    json_t *score = json_object_get(result, "score");
    assert_int_equal(json_integer_value(json_object_get(score, "raw")), 9);
    assert_int_equal(json_integer_value(json_object_get(score, "min")), 0);
    assert_int_equal(json_integer_value(json_object_get(score, "max")), 10);
    assert_true(json_real_value(json_object_get(score, "scaled")) > 0.899 &&
                json_real_value(json_object_get(score, "scaled")) < 0.901);
    assert_string_equal(str_at(result, "response"), "Good friction; rinse again next time.");
    assert_string_equal(str_at(result, "duration"), "PT390S");
    json_t *ext = json_object_get(result, "extensions");
    assert_int_equal(json_array_size(json_object_get(ext, CHECKOFF_EXT_TICKED)), 9);
    assert_string_equal(str_at(ext, CHECKOFF_EXT_MISSED "|0"), "s9");
    assert_int_equal(json_array_size(json_object_get(ext, CHECKOFF_EXT_CRITICAL)), 0);
    json_t *ctx = json_object_get(st, "context");
    assert_string_equal(str_at(ctx, "instructor|account|name"), "a.teacher");
    assert_string_equal(str_at(ctx, "contextActivities|category|0|id"),
                        CHECKOFF_SOURCE_PREFIX "nnaap");
    const struct checkoff_list *l = checkoff_find(f->cat, "hand-hygiene");
    json_t *cf = json_object_get(json_object_get(ctx, "extensions"), CHECKOFF_EXT_CFITEMS);
    assert_int_equal(json_array_size(cf), l->nitems);
    for (size_t i = 0; i < l->nitems; i++)
        assert_string_equal(json_string_value(json_array_get(cf, i)), l->items[i]);
    assert_string_equal(str_at(st, "timestamp"), "2026-11-29T01:06:30.000Z");
    json_decref(st);

    /* And the activity counts for the checklist's items in this college. */
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM competency_alignments WHERE"
                                      " activity LIKE '%/checkoffs/hand-hygiene'"
                                      " AND source = 'content' AND institution_id = 1"),
                     (int64_t)l->nitems);
}

static void missing_critical_step_fails_with_failed_verb(void **state)
{
    struct fixture *f = *state;
    /* s5 (lather 20 s) is critical: 9 of 10 steps, still failed. */
    static const char *const ticked[] = {"s1", "s2", "s3", "s4", "s6", "s7", "s8", "s9", "s10"};
    struct checkoff_submission s = submission(f, ticked, N_ELEMS(ticked));
    s.comment = NULL;
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p),
                     CHECKOFF_OK);
    assert_false(r.passed);
    assert_string_equal(json_string_value(json_array_get(r.critical_missed, 0)), "s5");
    assert_string_equal(r.comment, "");
    checkoff_result_release(&r);
    json_t *st = stored_statement(f, f->inst_a, UUID1);
    assert_string_equal(str_at(st, "verb|id"), CHECKOFF_VERB_FAILED);
    json_t *result = json_object_get(st, "result");
    assert_true(json_is_false(json_object_get(result, "success")));
    assert_null(json_object_get(result, "response"));
    assert_string_equal(str_at(result, "extensions|" CHECKOFF_EXT_CRITICAL "|0"), "s5");
    json_decref(st);
}

static void resubmission_is_idempotent(void **state)
{
    struct fixture *f = *state;
    struct checkoff_submission s = submission(f, all_but_s9, N_ELEMS(all_but_s9));
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p), 0);
    char recorded[25];
    snprintf(recorded, sizeof(recorded), "%s", r.recorded_at);
    checkoff_result_release(&r);

    /* Again, with the ticks in another order, the uuid in capitals and the time in UTC. */
    static const char *const shuffled[] = {"s10", "s8", "s7", "s6", "s5", "s4", "s3", "s2", "s1"};
    struct checkoff_submission again = submission(f, shuffled, N_ELEMS(shuffled));
    again.uuid = "6F1C2A44-3B7E-4C1D-9A55-0E2F7D8C9B01";
    again.ended_at = "2026-11-29T01:06:30Z";
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &again, &r, &replayed, &p), 0);
    assert_int_equal(replayed, 1);
    assert_string_equal(r.recorded_at, recorded);
    assert_true(r.passed);
    checkoff_result_release(&r);
    assert_int_equal(rows(f), 1);
    assert_int_equal(statements(f), 1);

    /* The same id with other content is a conflict and stores nothing. */
    static const char *const fewer[] = {"s1", "s2"};
    struct checkoff_submission other = submission(f, fewer, N_ELEMS(fewer));
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &other, &r, &replayed, &p),
                     CHECKOFF_ERR_CONFLICT);
    assert_string_equal(p.msg, "checkoff_id_conflict");
    struct checkoff_submission comment = submission(f, all_but_s9, N_ELEMS(all_but_s9));
    comment.comment = "different";
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &comment, &r, &replayed, &p),
                     CHECKOFF_ERR_CONFLICT);
    /* Another recorder (the administrator) with the same id: not the same check-off. */
    assert_int_equal(checkoff_record(f->db, f->cat, &f->admin, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_CONFLICT);
    assert_int_equal(rows(f), 1);
    assert_int_equal(statements(f), 1);

    /* An LRS statement that already has the id (sent by someone else) is a conflict too. */
    const char *foreign = "{\"id\":\"" UUID2 "\",\"actor\":{\"mbox\":\"mailto:x@example.com\"},"
                          "\"verb\":{\"id\":\"http://example.com/v\"},"
                          "\"object\":{\"id\":\"http://example.com/a\"}}";
    json_t *fst = json_loads(foreign, 0, NULL);
    char id[37];
    struct xapi_problem xp;
    assert_int_equal(xapi_record(f->db, f->inst_a, fst, id, &xp), 0);
    json_decref(fst);
    struct checkoff_submission second = submission(f, all_but_s9, N_ELEMS(all_but_s9));
    second.uuid = UUID2;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &second, &r, &replayed, &p),
                     CHECKOFF_ERR_CONFLICT);
    assert_int_equal(rows(f), 1);
    assert_int_equal(statements(f), 2);
}

/* A statement stored whose row was not (a failure between the two): the retry completes it. */
static void retry_after_half_recorded_completes(void **state)
{
    struct fixture *f = *state;
    struct checkoff_submission s = submission(f, all_but_s9, N_ELEMS(all_but_s9));
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p), 0);
    checkoff_result_release(&r);
    assert_int_equal(store_exec(f->db, "DELETE FROM checkoff_results"), 0);
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p), 0);
    assert_int_equal(replayed, 0);
    checkoff_result_release(&r);
    assert_int_equal(rows(f), 1);
    assert_int_equal(statements(f), 1);
}

static void enrolment_and_tenancy_are_enforced(void **state)
{
    struct fixture *f = *state;
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed;
    struct checkoff_submission s = submission(f, all_but_s9, N_ELEMS(all_but_s9));

    /* A student of the college who is in none of the teacher's classes. */
    s.student = f->s2.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    assert_string_equal(p.msg, "checkoff_not_your_student");
    assert_string_equal(p.field, "student_id");
    /* Another teacher of the same college, for the first teacher's student. */
    s.student = f->s1.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher2, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    /* A student of another college: the same answer as for any stranger. */
    s.student = f->b_student.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    assert_int_equal(checkoff_record(f->db, f->cat, &f->b_teacher, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN); /* B's teacher teaches no class */
    /* A teacher is not a student. */
    s.student = f->teacher2.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    /* Students and verifiers do not record check-offs. */
    s.student = f->s1.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->s1, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    assert_int_equal(checkoff_record(f->db, f->cat, &f->verifier, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    /* The administrator: any student of the college, and only a student. */
    s.student = f->b_student.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->admin, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_INVALID);
    assert_string_equal(p.msg, "checkoff_student_invalid");
    s.student = f->teacher.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->admin, &s, &r, &replayed, &p),
                     CHECKOFF_ERR_INVALID);
    assert_int_equal(rows(f), 0);
    assert_int_equal(statements(f), 0);
    s.student = f->s2.id;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->admin, &s, &r, &replayed, &p), 0);
    checkoff_result_release(&r);
    assert_int_equal(rows(f), 1);
    /* The row belongs to the administrator's college. */
    assert_int_equal(query_int(f->db, "SELECT institution_id FROM checkoff_results"), f->inst_a);
}

static void bad_inputs_store_nothing(void **state)
{
    struct fixture *f = *state;
    static char long_comment[2001 * 3 + 1], max_comment[2000 * 3 + 1];
    for (int i = 0; i < 2001; i++)
        memcpy(long_comment + 3 * i, "好", 3);
    for (int i = 0; i < 2000; i++)
        memcpy(max_comment + 3 * i, "好", 3);
    static const char *const unknown[] = {"s1", "s99"};
    static const char *const twice[] = {"s1", "s2", "s1"};
    static const char *const with_null[] = {"s1", NULL};
    struct {
        struct checkoff_submission s;
        int err;
        const char *field, *msg;
    } cases[] = {
        {{"not-a-uuid", 0, "hand-hygiene", 1, NULL, 0, NULL, T0, T1},
         CHECKOFF_ERR_INVALID,
         "id",
         "checkoff_id_invalid"},
        {{NULL, 0, "hand-hygiene", 1, NULL, 0, NULL, T0, T1},
         CHECKOFF_ERR_INVALID,
         "id",
         "checkoff_id_invalid"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, NULL, "yesterday", T1},
         CHECKOFF_ERR_INVALID,
         "started_at",
         "checkoff_time_invalid"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, NULL, T0, NULL},
         CHECKOFF_ERR_INVALID,
         "ended_at",
         "checkoff_time_invalid"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, NULL, T1, T0},
         CHECKOFF_ERR_INVALID,
         "ended_at",
         "checkoff_time_order"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, NULL, "2026-11-01T00:00:00Z",
          "2026-11-02T00:00:01Z"},
         CHECKOFF_ERR_INVALID,
         "ended_at",
         "checkoff_too_long"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, NULL, "2099-01-01T00:00:00Z",
          "2099-01-01T00:05:00Z"},
         CHECKOFF_ERR_INVALID,
         "ended_at",
         "checkoff_time_future"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, long_comment, T0, T1},
         CHECKOFF_ERR_INVALID,
         "comment",
         "checkoff_comment_length"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, "bad \xC3\x28 utf-8", T0, T1},
         CHECKOFF_ERR_INVALID,
         "comment",
         "checkoff_comment_invalid"},
        {{UUID1, 0, "hand-hygiene", 1, NULL, 0, "bell \x07", T0, T1},
         CHECKOFF_ERR_INVALID,
         "comment",
         "checkoff_comment_invalid"},
        {{UUID1, 0, "hand-hygiene", 1, with_null, 2, NULL, T0, T1},
         CHECKOFF_ERR_INVALID,
         "ticked",
         "checkoff_ticked_invalid"},
        {{UUID1, 0, "no-such-skill", 1, NULL, 0, NULL, T0, T1},
         CHECKOFF_ERR_NOT_FOUND,
         "checklist",
         "checkoff_unknown"},
        {{UUID1, 0, "hand-hygiene", 2, NULL, 0, NULL, T0, T1},
         CHECKOFF_ERR_CONFLICT,
         "version",
         "checkoff_version_changed"},
        {{UUID1, 0, "hand-hygiene", 1, unknown, 2, NULL, T0, T1},
         CHECKOFF_ERR_INVALID,
         "ticked",
         "checkoff_step_unknown"},
        {{UUID1, 0, "hand-hygiene", 1, twice, 3, NULL, T0, T1},
         CHECKOFF_ERR_INVALID,
         "ticked",
         "checkoff_step_twice"},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        struct checkoff_result r;
        struct checkoff_problem p = {0};
        int replayed;
        cases[i].s.student = f->s1.id;
        int err = checkoff_record(f->db, f->cat, &f->teacher, &cases[i].s, &r, &replayed, &p);
        if (err != cases[i].err || !p.field || strcmp(p.field, cases[i].field) ||
            strcmp(p.msg, cases[i].msg))
            fail_msg("case %zu: err %d field %s msg %s", i, err, p.field ? p.field : "-",
                     p.msg ? p.msg : "-");
        if (i == 13)
            assert_string_equal(p.arg, "s99");
    }
    assert_int_equal(rows(f), 0);
    assert_int_equal(statements(f), 0);
    /* 2000 characters (6000 bytes of Chinese) are allowed; nothing ticked is a failed check-off. */
    struct checkoff_submission ok = {UUID1, f->s1.id, "hand-hygiene", 1, NULL, 0, max_comment,
                                     T0,    T1};
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed;
    assert_int_equal(checkoff_record(f->db, f->cat, &f->teacher, &ok, &r, &replayed, &p), 0);
    assert_false(r.passed);
    assert_int_equal(utf8_length(r.comment), 2000);
    checkoff_result_release(&r);
}

/* -------------------------------------------------------------- history */

struct seen {
    int n;
    char uuid[8][37];
};

static int see(void *ctx, const struct checkoff_result *r)
{
    struct seen *s = ctx;
    if (s->n < 8)
        snprintf(s->uuid[s->n], sizeof(s->uuid[0]), "%s", r->uuid);
    s->n++;
    return 0;
}

static void record_as(struct fixture *f, const struct auth_user *who, const char *uuid,
                      int64_t student, const char *ended)
{
    struct checkoff_submission s = {uuid, student, "radial-pulse", 1, NULL, 0, NULL, T0, ended};
    struct checkoff_result r;
    struct checkoff_problem p = {0};
    int replayed;
    if (checkoff_record(f->db, f->cat, who, &s, &r, &replayed, &p))
        fail_msg("record %s: %s", uuid, p.msg ? p.msg : "-");
    checkoff_result_release(&r);
}

static void history_is_scoped_and_paged(void **state)
{
    struct fixture *f = *state;
    record_as(f, &f->teacher, "00000000-0000-4000-8000-000000000001", f->s1.id,
              "2026-11-29T01:10:00Z");
    record_as(f, &f->teacher, "00000000-0000-4000-8000-000000000002", f->s1.id,
              "2026-11-29T01:30:00Z");
    record_as(f, &f->admin, "00000000-0000-4000-8000-000000000003", f->s2.id,
              "2026-11-29T01:20:00Z");
    struct checkoff_problem p = {0};
    int more;
    struct seen s = {0};
    struct checkoff_filter all = {.limit = 100};

    /* The administrator sees all three, latest first. */
    assert_int_equal(checkoff_results(f->db, &f->admin, &all, see, &s, &more, &p), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.uuid[0], "00000000-0000-4000-8000-000000000002");
    assert_string_equal(s.uuid[1], "00000000-0000-4000-8000-000000000003");
    assert_false(more);
    /* Pages of one, following the cursor. */
    struct checkoff_filter page = {.limit = 1};
    memset(&s, 0, sizeof(s));
    assert_int_equal(checkoff_results(f->db, &f->admin, &page, see, &s, &more, &p), 0);
    assert_true(more);
    page.before = "00000000-0000-4000-8000-000000000002";
    assert_int_equal(checkoff_results(f->db, &f->admin, &page, see, &s, &more, &p), 0);
    page.before = "00000000-0000-4000-8000-000000000003";
    assert_int_equal(checkoff_results(f->db, &f->admin, &page, see, &s, &more, &p), 0);
    assert_false(more);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.uuid[2], "00000000-0000-4000-8000-000000000001");

    /* The teacher sees the students of their classes (S2 is in none). */
    memset(&s, 0, sizeof(s));
    assert_int_equal(checkoff_results(f->db, &f->teacher, &all, see, &s, &more, &p), 0);
    assert_int_equal(s.n, 2);
    struct checkoff_filter by_class = {.class_id = f->class_a, .limit = 100};
    memset(&s, 0, sizeof(s));
    assert_int_equal(checkoff_results(f->db, &f->teacher, &by_class, see, &s, &more, &p), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(checkoff_results(f->db, &f->teacher2, &by_class, see, &s, &more, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    assert_string_equal(p.msg, "checkoff_not_your_class");
    struct checkoff_filter by_s2 = {.student = f->s2.id, .limit = 100};
    assert_int_equal(checkoff_results(f->db, &f->teacher, &by_s2, see, &s, &more, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    struct checkoff_filter no_class = {.class_id = 999, .limit = 100};
    assert_int_equal(checkoff_results(f->db, &f->teacher, &no_class, see, &s, &more, &p),
                     CHECKOFF_ERR_NOT_FOUND);
    struct checkoff_filter other_list = {.checklist = "hand-hygiene", .limit = 100};
    memset(&s, 0, sizeof(s));
    assert_int_equal(checkoff_results(f->db, &f->teacher, &other_list, see, &s, &more, &p), 0);
    assert_int_equal(s.n, 0);

    /* A student sees their own and nobody else's; B sees nothing of A. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(checkoff_results(f->db, &f->s2, &all, see, &s, &more, &p), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.uuid[0], "00000000-0000-4000-8000-000000000003");
    struct checkoff_filter by_s1 = {.student = f->s1.id, .limit = 100};
    assert_int_equal(checkoff_results(f->db, &f->s2, &by_s1, see, &s, &more, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    assert_int_equal(checkoff_results(f->db, &f->s2, &by_class, see, &s, &more, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    struct auth_user b_admin = f->b_teacher;
    b_admin.role = AUTH_ROLE_ADMIN;
    memset(&s, 0, sizeof(s));
    assert_int_equal(checkoff_results(f->db, &b_admin, &all, see, &s, &more, &p), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(checkoff_results(f->db, &f->verifier, &all, see, &s, &more, &p),
                     CHECKOFF_ERR_FORBIDDEN);
    struct checkoff_filter zero = {.limit = 0};
    assert_int_equal(checkoff_results(f->db, &f->admin, &zero, see, &s, &more, &p),
                     CHECKOFF_ERR_INVALID);
}

/* ------------------------------------------------------------ alignments */

static void alignments_follow_the_bundle(void **state)
{
    struct fixture *f = *state;
    size_t items = 0;
    for (size_t i = 0; i < f->cat->n; i++)
        items += f->cat->lists[i].nitems;
    /* A stale content alignment of a check-off, and one an administrator made, beforehand. */
    assert_int_equal(store_exec(f->db,
                                "INSERT INTO competency_alignments VALUES (1,"
                                " 'https://carecampus.org/xapi/activities/checkoffs/gone',"
                                " 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'content', 'x'),"
                                " (1, 'https://carecampus.org/xapi/activities/checkoffs/"
                                "gone', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'admin', 'x'),"
                                " (1, 'https://example.com/sim', "
                                "'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'content', 'x')"),
                     0);
    assert_int_equal(checkoff_align(f->db, f->cat, 0), CHECKOFF_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM competency_alignments WHERE"
                                      " source = 'content' AND activity LIKE"
                                      " 'https://carecampus.org/xapi/activities/checkoffs/%'"),
                     (int64_t)(2 * items));
    assert_int_equal(
        query_int(f->db, "SELECT count(*) FROM competency_alignments WHERE source = 'admin'"), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM competency_alignments WHERE"
                                      " activity = 'https://example.com/sim'"),
                     1);
    /* Again: nothing changes. */
    assert_int_equal(checkoff_align(f->db, f->cat, 0), CHECKOFF_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM competency_alignments"),
                     (int64_t)(2 * items + 2));
    assert_int_equal(checkoff_align(f->db, f->cat, f->inst_b), CHECKOFF_OK);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM competency_alignments"),
                     (int64_t)(2 * items + 2));
}

/* ------------------------------------------------------------- messages */

static void messages_exist_in_both_languages(void **state)
{
    static const char *const ids[] = {
        "checkoff_comment_invalid", "checkoff_comment_length",  "checkoff_id_conflict",
        "checkoff_id_invalid",      "checkoff_not_your_class",  "checkoff_not_your_student",
        "checkoff_own_only",        "checkoff_step_twice",      "checkoff_step_unknown",
        "checkoff_student_invalid", "checkoff_ticked_invalid",  "checkoff_time_future",
        "checkoff_time_invalid",    "checkoff_time_order",      "checkoff_too_long",
        "checkoff_unknown",         "checkoff_version_changed", "checkoff_version_invalid",
    };
    for (size_t i = 0; i < N_ELEMS(ids); i++) {
        const char *en = i18n_text(ids[i], LANG_EN), *zh = i18n_text(ids[i], LANG_ZH);
        if (en == ids[i] || zh == ids[i] || !has_cjk(zh) || strcmp(en, zh) == 0)
            fail_msg("message %s is missing or untranslated", ids[i]);
        if ((strstr(en, "%s") != NULL) != (strstr(zh, "%s") != NULL))
            fail_msg("message %s: the placeholders differ", ids[i]);
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundled_checklists_are_valid),
        cmocka_unit_test(good_file_builds),
        cmocka_unit_test(bad_files_are_refused),
        cmocka_unit_test(build_survives_allocation_failures),
        cmocka_unit_test(outcome_rule_table),
        T(record_writes_row_and_statement),
        T(missing_critical_step_fails_with_failed_verb),
        T(resubmission_is_idempotent),
        T(retry_after_half_recorded_completes),
        T(enrolment_and_tenancy_are_enforced),
        T(bad_inputs_store_nothing),
        T(history_is_scoped_and_paged),
        T(alignments_follow_the_bundle),
        cmocka_unit_test(messages_exist_in_both_languages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
