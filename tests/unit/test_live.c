/*
 * Unit tests of the live training (sim/live*.c) and of the event-stream
 * format (http/sse.h): the checks of live actions with their fields and
 * messages; that a session stepped in any chunks of time, as the stepping
 * thread does, comes to the same result as its replay from the stored log
 * (what rebuilding a session after a restart relies on); the manager —
 * sessions started from assignments and for practice, the clock running only
 * with the trainee's page, pause, speed and hints by mode, the stream of
 * state and log events resumed after a sequence number, a second manager on
 * the same database rebuilding the session event for event, finishing and
 * the statements it writes. A migrated SQLite file per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/account.h"
#include "auth/class.h"
#include "http/sse.h"
#include "sim/catalog.h"
#include "sim/live.h"
#include "sim/live_assign.h"
#include "sim/rng.h"
#include "sim/session.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"

#define SCENARIO "false-alarm-loose-wearable"

static char tmpdir[] = "/tmp/cc_test_live_XXXXXX";

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

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static char *read_fixture(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/sim/%s", CC_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---------------------------------------------------------------- action checks */

static void action_checks(void **state)
{
    const struct sim_scenario *sc = sim_live_scenario(SCENARIO);
    assert_non_null(sc);
    static const struct {
        const char *json, *field, *msg;
    } bad[] = {
        {"[1]", NULL, "training_action_object"},
        {"{\"resident\": \"zhou\"}", "type", "training_action_type_missing"},
        {"{\"type\": \"fly\", \"resident\": \"zhou\"}", "type", "training_action_type_unknown"},
        {"{\"type\": 3, \"resident\": \"zhou\"}", "type", "training_action_type_unknown"},
        {"{\"type\": \"measure\", \"vital\": \"hr\"}", "resident",
         "training_action_resident_missing"},
        {"{\"type\": \"measure\", \"resident\": \"wang\", \"vital\": \"hr\"}", "resident",
         "training_action_resident_unknown"},
        {"{\"type\": \"measure\", \"resident\": \"zhou\"}", "vital", "training_action_required"},
        {"{\"type\": \"measure\", \"resident\": \"zhou\", \"vital\": \"pulse\"}", "vital",
         "training_action_value"},
        {"{\"type\": \"measure\", \"resident\": \"zhou\", \"vital\": \"hr\", \"flow_lpm\": 2}",
         "flow_lpm", "training_action_param"},
        {"{\"type\": \"measure\", \"resident\": \"zhou\", \"vital\": \"hr\", \"colour\": 2}",
         "colour", "training_action_field"},
        {"{\"type\": \"measure\", \"resident\": \"zhou\", \"vital\": \"hr\", \"at\": 60}", "at",
         "training_action_at"},
        {"{\"type\": \"give_fluids\", \"resident\": \"zhou\", \"ml\": 5000}", "ml",
         "training_action_range"},
        {"{\"type\": \"give_fluids\", \"resident\": \"zhou\", \"ml\": \"lots\"}", "ml",
         "training_action_range"},
        {"{\"type\": \"give_medication\", \"resident\": \"zhou\", \"drug\": \"nope\"}", "drug",
         "training_action_drug"},
        {"{\"type\": \"acknowledge\"}", "alert", "training_action_alert"},
        {"{\"type\": \"dismiss\", \"alert\": \"fall\"}", "reason", "training_action_required"},
        {"{\"type\": \"call\", \"resident\": \"zhou\", \"to\": \"nurse\", \"sbar\": 1}", "sbar",
         "training_action_sbar"},
        {"{\"type\": \"call\", \"resident\": \"zhou\", \"to\": \"nurse\", \"sbar\": {\"news2\": "
         "21}}",
         "sbar.news2", "training_action_range"},
        {"{\"type\": \"call\", \"resident\": \"zhou\", \"to\": \"nurse\", \"sbar\": {\"mood\": "
         "\"x\"}}",
         "sbar.mood", "training_action_field"},
        {"{\"type\": \"call\", \"resident\": \"zhou\", \"to\": \"nurse\", \"sbar\": {\"facts\": "
         "[\"x\"]}}",
         "sbar.facts", "training_action_fact"},
        {"{\"type\": \"document\", \"resident\": \"zhou\", \"about\": \"fall\", \"facts\": 3}",
         "facts", "training_action_facts"},
        {"{\"type\": \"document\", \"resident\": \"zhou\", \"about\": \"fall\", \"text\": 3}",
         "text", "training_action_text"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *a = json_loads(bad[i].json, 0, NULL);
        assert_non_null(a);
        struct sim_action act;
        struct sim_live_problem p = {0};
        int err = sim_live_action_check(sc, a, &act, &p);
        if (err != SIM_LIVE_ERR_INVALID || !p.msg || strcmp(p.msg, bad[i].msg) != 0 ||
            (bad[i].field ? !p.field || strcmp(p.field, bad[i].field) != 0 : p.field != NULL))
            fail_msg("%s: got %d %s %s", bad[i].json, err, p.msg ? p.msg : "-",
                     p.field ? p.field : "-");
        json_decref(a);
    }
    /* A text over the limit. */
    json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "type", "document", "resident", "zhou", "about",
                          "care", "text", "");
    char *big = malloc(SIM_TEXT_MAX + 2);
    memset(big, 'x', SIM_TEXT_MAX + 1);
    big[SIM_TEXT_MAX + 1] = 0;
    json_object_set_new(a, "text", json_string(big));
    struct sim_action act;
    struct sim_live_problem p = {0};
    assert_int_equal(sim_live_action_check(sc, a, &act, &p), SIM_LIVE_ERR_INVALID);
    assert_string_equal(p.msg, "training_action_text");
    free(big);
    json_decref(a);
}

/* Every action of every bundled scenario's scripted trainees is a valid live action. */
static void fixtures_pass_checks(void **state)
{
    const struct embedded_file *e;
    for (size_t n = 0; (e = sim_catalog_scenario_at(n)); n++) {
        char id[64];
        snprintf(id, sizeof(id), "%s", strrchr(e->path, '/') + 1);
        *strstr(id, ".json") = 0;
        const struct sim_scenario *sc = sim_live_scenario(id);
        assert_non_null(sc);
        for (int k = 0; k < 2; k++) {
            char name[128];
            snprintf(name, sizeof(name), "%s.%s.json", id, k ? "careless" : "good");
            char *text = read_fixture(name);
            assert_non_null(text);
            json_t *root = json_loads(text, 0, NULL);
            size_t i;
            json_t *a;
            json_array_foreach (json_object_get(root, "actions"), i, a) {
                json_object_del(a, "at");
                json_object_del(a, "comment");
                struct sim_action act;
                struct sim_live_problem p = {0};
                if (sim_live_action_check(sc, a, &act, &p))
                    fail_msg("%s action %zu: %s %s (%s)", name, i, p.msg, p.field ? p.field : "",
                             p.arg);
            }
            json_decref(root);
            free(text);
        }
    }
}

/* ---------------------------------------------------------------- stepping in chunks = replay */

struct done_action {
    int64_t t_ms;
    json_t *action;
};

/*
 * Plays SCENARIO's good trainee as a live session would: the clock moves in
 * uneven chunks (as wall time × speed with a jittery thread), and each action
 * is done when the clock has passed its time. Then replays what was done at
 * the times it was done, as rebuilding a session does, and compares the
 * whole results.
 */
static void chunked_equals_replay(void **state)
{
    const struct embedded_file *e;
    for (size_t n = 0; (e = sim_catalog_scenario_at(n)); n++) {
        char id[64];
        snprintf(id, sizeof(id), "%s", strrchr(e->path, '/') + 1);
        *strstr(id, ".json") = 0;
        const struct sim_scenario *sc = sim_live_scenario(id);
        char name[128];
        snprintf(name, sizeof(name), "%s.good.json", id);
        char *text = read_fixture(name);
        json_t *root = json_loads(text, 0, NULL);
        json_t *acts = json_object_get(root, "actions");
        size_t na = json_array_size(acts);
        struct done_action *done = calloc(na + 1, sizeof(*done));
        struct sim_rng rng;
        sim_rng_seed(&rng, 7 + n, 0);

        struct sim_session *live;
        assert_int_equal(sim_session_new(sc, 42, NULL, &live), SIM_SESSION_OK);
        size_t next = 0;
        while (!sim_session_ended(live)) {
            /* 1 to 700 ms of simulated time: 50 ms of wall time at up to 10x, and stalls. */
            int64_t chunk = 1 + (int64_t)(sim_rng_next(&rng) % 700);
            assert_int_equal(sim_session_step(live, chunk), SIM_SESSION_OK);
            while (next < na) {
                json_t *a = json_array_get(acts, next);
                int64_t at;
                assert_int_equal(sim_parse_clock(json_string_value(json_object_get(a, "at")), &at),
                                 0);
                if (json_is_integer(json_object_get(a, "at")))
                    at = json_integer_value(json_object_get(a, "at")) * 1000;
                if (at > sim_session_now(live))
                    break;
                json_t *copy = json_deep_copy(a);
                json_object_del(copy, "at");
                json_object_del(copy, "comment");
                struct sim_action act;
                struct sim_live_problem p = {0};
                assert_int_equal(sim_live_action_check(sc, copy, &act, &p), 0);
                done[next].t_ms = sim_session_now(live);
                done[next].action = copy;
                int rc = sim_session_act(live, &act, NULL);
                assert_true(rc == SIM_SESSION_OK || rc == SIM_SESSION_ENDED);
                next++;
            }
        }

        struct sim_session *again;
        assert_int_equal(sim_session_new(sc, 42, NULL, &again), SIM_SESSION_OK);
        for (size_t k = 0; k < next; k++) {
            int64_t wait = done[k].t_ms - sim_session_now(again);
            if (wait > 0)
                assert_int_equal(sim_session_step(again, wait), SIM_SESSION_OK);
            assert_int_equal(sim_session_now(again), done[k].t_ms);
            struct sim_action act;
            struct sim_live_problem p = {0};
            assert_int_equal(sim_live_action_check(sc, done[k].action, &act, &p), 0);
            int rc = sim_session_act(again, &act, NULL);
            assert_true(rc == SIM_SESSION_OK || rc == SIM_SESSION_ENDED);
        }
        while (!sim_session_ended(again))
            assert_int_equal(sim_session_step(again, 60000), SIM_SESSION_OK);

        json_t *r1 = sim_session_result(live), *r2 = sim_session_result(again);
        char *t1 = json_dumps(r1, JSON_COMPACT), *t2 = json_dumps(r2, JSON_COMPACT);
        assert_non_null(t1);
        if (strcmp(t1, t2) != 0)
            fail_msg("%s: the replay differs from the session stepped in chunks", id);
        free(t1);
        free(t2);
        json_decref(r1);
        json_decref(r2);
        for (size_t k = 0; k < next; k++)
            json_decref(done[k].action);
        free(done);
        sim_session_free(&live);
        sim_session_free(&again);
        json_decref(root);
        free(text);
    }
}

/* ---------------------------------------------------------------- SSE format */

static void sse_format(void **state)
{
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(http_sse_event(&b, "log", "7", "{\"a\":1}"), 0);
    assert_string_equal(b.data, "event: log\nid: 7\ndata: {\"a\":1}\n\n");
    buf_reset(&b);
    assert_int_equal(http_sse_event(&b, NULL, NULL, "one\r\ntwo\nthree"), 0);
    assert_string_equal(b.data, "data: one\ndata: two\ndata: three\n\n");
    buf_release(&b);
    /* A full buffer says so. */
    buf_init(&b, 8);
    assert_int_not_equal(http_sse_event(&b, "state", NULL, "{}"), 0);
    buf_release(&b);
}

/* ---------------------------------------------------------------- the manager */

struct fixture {
    char url[600];
    struct store_pool *pool;
    struct store *db;
    struct sim_live *live;
    int64_t inst;
    int64_t class_id;
    struct auth_user teacher, s1, s2, other_teacher;
};

static void add_user(struct store *db, int64_t inst, const char *login, const char *role,
                     struct auth_user *out)
{
    struct auth_new_user u = {login, login, role, NULL, NULL};
    struct auth_problem p = {0};
    if (auth_user_insert(db, inst, &u, "$argon2id$unused", out, &p))
        fail_msg("cannot add user %s", login);
}

static int setup(void **state)
{
    static int n;
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->url, sizeof(f->url), "sqlite:%s/live%d.sqlite", tmpdir, ++n);
    struct store *db;
    if (store_open(f->url, &db) || store_migrate(db))
        fail_msg("cannot open %s", f->url);
    struct auth_problem p;
    if (auth_institution_create(db, "Training College", "实训学院", "CN", &f->inst, &p))
        fail_msg("cannot add the college");
    add_user(db, f->inst, "live.teacher", "teacher", &f->teacher);
    add_user(db, f->inst, "live.teacher2", "teacher", &f->other_teacher);
    add_user(db, f->inst, "live.s1", "student", &f->s1);
    add_user(db, f->inst, "live.s2", "student", &f->s2);
    struct auth_class c;
    int64_t both[2] = {f->s1.id, f->s2.id};
    if (auth_class_create(db, f->inst, "Care", f->teacher.id, &c, &p) ||
        auth_class_enrol(db, f->inst, c.id, both, 2, 0, &p))
        fail_msg("cannot add the class");
    f->class_id = c.id;
    store_close(&db);
    struct sim_live_options o = {NULL, 2};
    if (store_pool_new(f->url, &f->pool) || store_pool_get(f->pool, &f->db))
        fail_msg("no pool");
    o.pool = f->pool;
    if (sim_live_start(&o, &f->live))
        fail_msg("cannot start the manager");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    sim_live_stop(&f->live);
    store_pool_free(&f->pool);
    free(f);
    return 0;
}

/* A reader that collects what it is sent. */
struct reader {
    struct sim_live_stream *st;
    atomic_int wakes;
    json_t *log;   /* the log events' data, in order */
    json_t *seqs;  /* their ids */
    json_t *state; /* the last state */
    json_t *session;
    json_t *end;
    int samples, progress;
};

static void reader_wake(void *arg)
{
    struct reader *r = arg;
    atomic_fetch_add(&r->wakes, 1);
}

static int reader_emit(void *ctx, const char *event, const char *id, const char *data)
{
    struct reader *r = ctx;
    json_t *v = json_loads(data, 0, NULL);
    assert_non_null(v);
    if (strcmp(event, "log") == 0) {
        assert_non_null(id);
        json_array_append_new(r->log, v);
        json_array_append_new(r->seqs, json_integer(strtoll(id, NULL, 10)));
        return 0;
    }
    assert_null(id);
    json_t **slot = strcmp(event, "state") == 0     ? &r->state
                    : strcmp(event, "session") == 0 ? &r->session
                    : strcmp(event, "end") == 0     ? &r->end
                                                    : NULL;
    if (slot) {
        json_decref(*slot);
        *slot = v;
        return 0;
    }
    if (strcmp(event, "samples") == 0)
        r->samples += (int)json_array_size(v);
    else if (strcmp(event, "progress") == 0)
        r->progress++;
    else
        fail_msg("unknown event %s", event);
    json_decref(v);
    return 0;
}

static void reader_init(struct reader *r)
{
    memset(r, 0, sizeof(*r));
    r->log = json_array();
    r->seqs = json_array();
}

static void reader_release(struct reader *r)
{
    json_decref(r->log);
    json_decref(r->seqs);
    json_decref(r->state);
    json_decref(r->session);
    json_decref(r->end);
}

/* Reads what there is; the return of sim_live_stream_next. */
static int reader_read(struct reader *r)
{
    int more = 1, rc = 0;
    while (more && rc == 0)
        rc = sim_live_stream_next(r->st, reader_emit, r, &more);
    return rc;
}

static int64_t sim_ms(struct fixture *f, const struct auth_user *who, const char *uuid)
{
    json_t *s;
    struct sim_live_problem p = {0};
    assert_int_equal(sim_live_get(f->live, f->db, who, uuid, &s, &p), 0);
    int64_t v = json_integer_value(json_object_get(s, "sim_ms"));
    json_decref(s);
    return v;
}

static json_t *act(struct fixture *f, const char *uuid, const char *json, int want)
{
    json_t *a = json_loads(json, 0, NULL), *out = NULL;
    struct sim_live_problem p = {0};
    int err = sim_live_act(f->live, f->db, &f->s1, uuid, a, &out, &p);
    if (err != want)
        fail_msg("%s: %d (%s)", json, err, p.msg ? p.msg : "-");
    json_decref(a);
    return out;
}

static void manager_session(void **state)
{
    struct fixture *f = *state;
    struct sim_live_new in = {0, SCENARIO, 10};
    char uuid[37];
    struct sim_live_problem p = {0};
    assert_int_equal(sim_live_create(f->live, f->db, &f->s1, &in, uuid, &p), 0);
    /* One at a time. */
    char other[37];
    assert_int_equal(sim_live_create(f->live, f->db, &f->s1, &in, other, &p),
                     SIM_LIVE_ERR_CONFLICT);
    assert_string_equal(p.msg, "training_already_running");
    assert_string_equal(p.arg, uuid);

    /* Without the trainee's page the clock stands. */
    sleep_ms(300);
    assert_int_equal(sim_ms(f, &f->s1, uuid), 0);

    struct reader r;
    reader_init(&r);
    assert_int_equal(sim_live_attach(f->live, f->db, &f->s1, uuid, -1, reader_wake, &r, &r.st, &p),
                     0);
    sleep_ms(700);
    assert_true(atomic_load(&r.wakes) >= 2);
    assert_int_equal(reader_read(&r), 0);
    assert_non_null(r.session);
    assert_non_null(r.state);
    int64_t t = json_integer_value(json_object_get(r.state, "t_ms"));
    assert_true(t > 2000); /* 0.7 s at 10x, less the first step */
    assert_true(t < 12000);
    assert_true(r.samples > 0);
    assert_int_equal(r.progress, 0); /* the trainee gets no running score */

    /* A teacher watches (read-only, with progress); another teacher may not. */
    struct reader w;
    reader_init(&w);
    assert_int_equal(
        sim_live_attach(f->live, f->db, &f->teacher, uuid, -1, reader_wake, &w, &w.st, &p), 0);
    struct sim_live_stream *none;
    assert_int_equal(
        sim_live_attach(f->live, f->db, &f->other_teacher, uuid, -1, reader_wake, &w, &none, &p),
        SIM_LIVE_ERR_FORBIDDEN);
    assert_null(none);
    json_t *a = json_loads("{\"type\": \"hand_hygiene\"}", 0, NULL), *out = NULL;
    assert_int_equal(sim_live_act(f->live, f->db, &f->teacher, uuid, a, &out, &p),
                     SIM_LIVE_ERR_FORBIDDEN);
    json_decref(a);

    /* Actions, in the log with their results. */
    json_t *l0 = act(f, uuid, "{\"type\": \"review_data\", \"resident\": \"zhou\"}", 0);
    assert_int_equal(json_integer_value(json_object_get(l0, "index")), 0);
    assert_string_equal(json_string_value(json_object_get(l0, "outcome")), "ok");
    json_decref(l0);
    json_t *l1 = act(f, uuid, "{\"type\": \"go_to_room\", \"resident\": \"zhou\"}", 0);
    json_decref(l1);
    json_decref(act(f, uuid, "{\"type\": \"measure\", \"resident\": \"zhou\", \"vital\": \"x\"}",
                    SIM_LIVE_ERR_INVALID));
    sleep_ms(400);
    assert_int_equal(reader_read(&r), 0);
    assert_int_equal(reader_read(&w), 0);
    assert_true(w.progress > 0);
    /* In the first simulated minutes nothing happens that the trainee cannot see. */
    size_t nlog = json_array_size(r.log);
    assert_true(nlog >= 2);
    for (size_t i = 0; i < nlog; i++)
        assert_int_equal(json_integer_value(json_array_get(r.seqs, i)), (json_int_t)i);
    assert_int_equal(json_array_size(w.log), nlog);

    /* Practice: pause and hints. */
    assert_int_equal(sim_live_control(f->live, f->db, &f->s1, uuid, 1, 0, &p), 0);
    int64_t paused_at = sim_ms(f, &f->s1, uuid);
    sleep_ms(300);
    assert_int_equal(sim_ms(f, &f->s1, uuid), paused_at);
    json_decref(act(f, uuid, "{\"type\": \"hand_hygiene\"}", SIM_LIVE_ERR_CONFLICT));
    json_t *hint = NULL;
    assert_int_equal(sim_live_hint(f->live, f->db, &f->s1, uuid, &hint, &p), 0);
    assert_non_null(json_object_get(hint, "expected"));
    json_decref(hint);
    assert_int_equal(sim_live_control(f->live, f->db, &f->s1, uuid, 0, 3, &p), 0);
    assert_int_equal(sim_live_control(f->live, f->db, &f->s1, uuid, -1, 11, &p),
                     SIM_LIVE_ERR_INVALID);

    /* The page goes: the clock holds. */
    sim_live_detach(r.st);
    int64_t held = sim_ms(f, &f->s1, uuid);
    sleep_ms(400);
    assert_int_equal(sim_ms(f, &f->s1, uuid), held);
    json_decref(act(f, uuid, "{\"type\": \"hand_hygiene\"}", 0));
    sim_live_detach(w.st);

    /* A second manager on the same database rebuilds the session, event for event. */
    sim_live_stop(&f->live);
    struct sim_live_options o = {f->pool, 1};
    assert_int_equal(sim_live_start(&o, &f->live), 0);
    assert_int_equal(sim_ms(f, &f->s1, uuid), held);
    struct reader r2;
    reader_init(&r2);
    assert_int_equal(
        sim_live_attach(f->live, f->db, &f->teacher, uuid, -1, reader_wake, &r2, &r2.st, &p), 0);
    assert_int_equal(reader_read(&r2), 0);
    assert_true(json_array_size(r2.log) >= nlog + 1);
    for (size_t i = 0; i < nlog; i++) {
        char *x = json_dumps(json_array_get(r.log, i), JSON_COMPACT | JSON_SORT_KEYS);
        char *y = json_dumps(json_array_get(r2.log, i), JSON_COMPACT | JSON_SORT_KEYS);
        if (strcmp(x, y) != 0)
            fail_msg("event %zu differs after the rebuild:\n%s\n%s", i, x, y);
        free(x);
        free(y);
    }
    assert_int_equal(json_integer_value(json_object_get(r2.state, "t_ms")), held);
    /* Resuming after a sequence number sends only what came after it. */
    struct reader r3;
    reader_init(&r3);
    assert_int_equal(sim_live_attach(f->live, f->db, &f->s1, uuid, (int64_t)nlog - 1, reader_wake,
                                     &r3, &r3.st, &p),
                     0);
    assert_int_equal(reader_read(&r3), 0);
    assert_true(json_array_size(r3.log) >= 1);
    assert_int_equal(json_integer_value(json_array_get(r3.seqs, 0)), (json_int_t)nlog);
    json_t *last = json_array_get(r3.log, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(last, "logged"), "type")),
                        "hand_hygiene");

    /* Finishing: played out, scored, and told to the readers. */
    assert_int_equal(sim_live_finish(f->live, f->db, &f->s1, uuid, &p), 0);
    assert_int_equal(reader_read(&r2), 1);
    assert_non_null(r2.end);
    assert_int_equal(reader_read(&r3), 1);
    /*
     * The teacher saw the scenario's timeline (the strap coming loose); the trainee only what the
     * platform shows: ids skip what was left out, and still increase.
     */
    int truth = 0, seen = 0;
    size_t i;
    json_t *v;
    json_array_foreach (r2.log, i, v)
        truth += strcmp(json_string_value(json_object_get(v, "kind")), "timeline") == 0;
    json_array_foreach (r3.log, i, v) {
        seen += strcmp(json_string_value(json_object_get(v, "kind")), "timeline") == 0;
        if (i)
            assert_true(json_integer_value(json_array_get(r3.seqs, i)) >
                        json_integer_value(json_array_get(r3.seqs, i - 1)));
    }
    assert_true(truth >= 2);
    assert_int_equal(seen, 0);
    assert_true(json_array_size(r3.log) < json_array_size(r2.log) - nlog);
    assert_non_null(r3.end);
    assert_false(json_is_true(json_object_get(r2.end, "passed")));
    assert_int_equal(sim_live_finish(f->live, f->db, &f->s1, uuid, &p), SIM_LIVE_ERR_CONFLICT);
    json_t *result = NULL;
    assert_int_equal(sim_live_result(f->live, f->db, &f->teacher, uuid, &result, &p), 0);
    assert_int_equal(json_array_size(json_object_get(result, "actions")), 3);
    assert_true(json_array_size(json_object_get(result, "debrief")) >= 1);
    json_t *log = json_object_get(result, "log");
    assert_int_equal(json_array_size(log), 4); /* pause, hint, resume, speed */
    assert_string_equal(json_string_value(json_object_get(json_array_get(log, 3), "detail")), "3");
    json_decref(result);

    /* Statements: three actions and the completion, with the session as registration. */
    struct store_stmt *st;
    assert_int_equal(
        store_prepare(f->db, "SELECT COUNT(*) FROM xapi_statements WHERE registration = ?", &st),
        0);
    store_bind_text(st, 1, uuid);
    assert_int_equal(store_step(st), STORE_ROW);
    assert_int_equal(store_col_int(st, 0), 4);
    store_finish(st);
    sim_live_detach(r2.st);
    sim_live_detach(r3.st);
    reader_release(&r);
    reader_release(&w);
    reader_release(&r2);
    reader_release(&r3);
}

static void manager_assessment(void **state)
{
    struct fixture *f = *state;
    struct sim_live_assignment_new in = {f->class_id, SCENARIO, "assessment", NULL, NULL, -1};
    json_t *a = NULL;
    struct sim_live_problem p = {0};
    assert_int_equal(sim_live_assignment_create(f->db, &f->teacher, &in, &a, &p), 0);
    int64_t id = json_integer_value(json_object_get(a, "id"));
    assert_int_equal(json_integer_value(json_object_get(a, "attempts")), 1);
    json_decref(a);
    assert_int_equal(sim_live_assignment_create(f->db, &f->other_teacher, &in, &a, &p),
                     SIM_LIVE_ERR_FORBIDDEN);
    assert_int_equal(sim_live_assignment_create(f->db, &f->s1, &in, &a, &p),
                     SIM_LIVE_ERR_FORBIDDEN);

    struct sim_live_new sn = {id, NULL, 0};
    char uuid[37];
    assert_int_equal(sim_live_create(f->live, f->db, &f->s2, &sn, uuid, &p), 0);
    assert_int_equal(sim_live_control(f->live, f->db, &f->s2, uuid, 1, 0, &p),
                     SIM_LIVE_ERR_CONFLICT);
    assert_string_equal(p.msg, "training_no_pause");
    json_t *hint = NULL;
    assert_int_equal(sim_live_hint(f->live, f->db, &f->s2, uuid, &hint, &p), SIM_LIVE_ERR_CONFLICT);
    assert_int_equal(sim_live_control(f->live, f->db, &f->s2, uuid, -1, 10, &p), 0);
    assert_int_equal(sim_live_finish(f->live, f->db, &f->s2, uuid, &p), 0);
    /* The one attempt is used. */
    assert_int_equal(sim_live_create(f->live, f->db, &f->s2, &sn, uuid, &p), SIM_LIVE_ERR_CONFLICT);
    assert_string_equal(p.msg, "training_no_attempts_left");
    assert_int_equal(sim_live_assignment_delete(f->db, &f->teacher, id, &p), SIM_LIVE_ERR_CONFLICT);
    json_t *g = NULL;
    assert_int_equal(sim_live_assignment_get(f->db, &f->teacher, id, &g, &p), 0);
    json_t *students = json_object_get(g, "students");
    assert_int_equal(json_array_size(students), 2);
    json_decref(g);
}

/* Many sessions on two threads at once: each runs with its page, none disturbs another. */
static void manager_many(void **state)
{
    struct fixture *f = *state;
    enum { N = 12 };
    struct auth_user users[N];
    struct reader rs[N];
    char ids[N][37];
    struct sim_live_problem p = {0};
    for (int i = 0; i < N; i++) {
        char login[16];
        snprintf(login, sizeof(login), "live.m%d", i);
        add_user(f->db, f->inst, login, "student", &users[i]);
        struct sim_live_new in = {0, i % 2 ? SCENARIO : "night-fall-high-risk", 1 + i % 10};
        assert_int_equal(sim_live_create(f->live, f->db, &users[i], &in, ids[i], &p), 0);
        reader_init(&rs[i]);
        assert_int_equal(sim_live_attach(f->live, f->db, &users[i], ids[i], -1, reader_wake, &rs[i],
                                         &rs[i].st, &p),
                         0);
    }
    sleep_ms(1000);
    for (int i = 0; i < N; i++) {
        assert_int_equal(reader_read(&rs[i]), 0);
        int64_t t = json_integer_value(json_object_get(rs[i].state, "t_ms"));
        int speed = 1 + i % 10;
        if (t < 300 * speed || t > 1600 * speed)
            fail_msg("session %d at %dx: %lld ms after 1 s", i, speed, (long long)t);
        sim_live_detach(rs[i].st);
        reader_release(&rs[i]);
    }
    json_t *stats = sim_live_stats(f->live);
    assert_true(json_integer_value(json_object_get(stats, "loaded")) >= N);
    assert_true(json_integer_value(json_object_get(json_object_get(stats, "step_us"), "count")) >
                0);
    json_decref(stats);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(action_checks),
        cmocka_unit_test(fixtures_pass_checks),
        cmocka_unit_test(chunked_equals_replay),
        cmocka_unit_test(sse_format),
        cmocka_unit_test_setup_teardown(manager_session, setup, teardown),
        cmocka_unit_test_setup_teardown(manager_assessment, setup, teardown),
        cmocka_unit_test_setup_teardown(manager_many, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
