/*
 * The live training session manager (sim/live.h).
 *
 * A loaded session has two locks. LOCK guards the engine and the trainee's
 * controls: the stepping thread holds it while it steps and publishes, an
 * HTTP thread while it acts, pauses or finishes (stepping first to the
 * present, so an action happens at the simulated time it was made). PUB
 * guards what was published — the log events as JSON text by sequence
 * number, the latest state, the vital-sign samples, the list of readers — so
 * readers never touch the engine and never wait for a step. Order: the
 * manager's lock, then LOCK, then PUB; a reader's wake callback is called
 * under PUB and only signals.
 *
 * A session is in memory from the first time someone reaches it until it has
 * been held (no trainee page) for SIM_LIVE_UNLOAD_MS, or has ended and has no
 * reader; readers and requests in progress hold references, and a session
 * is unloaded only with none. Loading one replays its stored log.
 */
#include "sim/live.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/news2.h"
#include "sim/catalog.h"
#include "sim/live_store.h"
#include "sim/session.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "xapi/statements.h"
#include "util/banned.h"

#define MAX_DT_MS        2000 /* a step never covers more wall time than this (a stalled thread) */
#define FINALIZE_RETRY   5000 /* ms between attempts to store a result that failed */
#define KEEP_MS          500  /* the keeper's period (saving, results, unloading) */
#define STATS_SAMPLES    4096
#define SAMPLE_COLS      5 /* wearable HR, wearable SpO2, bed HR, bed RR, platform NEWS2 */
#define RESULT_JSON_FLAG (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* ---------------------------------------------------------------- scenarios */

static pthread_mutex_t scen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char id[SIM_ID_MAX + 1];
    struct sim_scenario *sc; /* NULL: it did not validate */
} scen[256];
static int nscen;

const struct sim_scenario *sim_live_scenario(const char *id)
{
    if (!id || !sim_id_valid(id))
        return NULL;
    pthread_mutex_lock(&scen_lock);
    for (int i = 0; i < nscen; i++)
        if (strcmp(scen[i].id, id) == 0) {
            struct sim_scenario *sc = scen[i].sc;
            pthread_mutex_unlock(&scen_lock);
            return sc;
        }
    struct sim_scenario *sc = NULL;
    const struct embedded_file *f = sim_catalog_scenario(id);
    struct sim_errors *errs = f ? cc_malloc(sizeof(*errs)) : NULL;
    if (errs) {
        if (sim_scenario_parse((const char *)f->data, f->size, sim_catalog_item_known, NULL, &sc,
                               errs)) {
            LOG_ERROR("training: the bundled scenario %s does not validate: %s", id,
                      errs->n ? errs->e[0].msg : "?");
            sc = NULL;
        }
        cc_free(errs);
    }
    /* Only what was found is remembered: the table holds the bundle's ids, no more. */
    if (f && nscen < (int)(sizeof(scen) / sizeof(scen[0]))) {
        snprintf(scen[nscen].id, sizeof(scen[nscen].id), "%s", id);
        scen[nscen++].sc = sc;
    } else if (sc) {
        sim_scenario_free(&sc); /* cannot happen with the bundle's size; never leak */
    }
    pthread_mutex_unlock(&scen_lock);
    return sc;
}

/* ---------------------------------------------------------------- actions */

static int bad(struct sim_live_problem *p, const char *field, const char *msg, const char *arg)
{
    return live_problem(p, SIM_LIVE_ERR_INVALID, field, msg, arg);
}

/* "a, b, c" of the ids of vocabulary TABLE into OUT. */
static void vocab_list(int table, char *out, size_t size)
{
    size_t n = 0;
    out[0] = 0;
    for (int v = 0; v < sim_vocab_count(table) && n < size; v++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", v ? ", " : "", sim_vocab_id(table, v));
}

/* A text member KEY of OBJ (absent is fine): a string of at most SIM_TEXT_MAX bytes. */
static int check_text(const json_t *obj, const char *key, const char *field,
                      struct sim_live_problem *p)
{
    const json_t *v = json_object_get(obj, key);
    if (v && (!json_is_string(v) || json_string_length(v) > SIM_TEXT_MAX))
        return bad(p, field, "training_action_text", field);
    return 0;
}

/* A list of facts of the checklist. */
static int check_facts(const json_t *v, const char *field, struct sim_live_problem *p)
{
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > SIM_NFACTS)
        return bad(p, field, "training_action_facts", field);
    size_t i;
    json_t *f;
    json_array_foreach (v, i, f) {
        const char *s = json_string_value(f);
        if (!s || sim_vocab_find(SIM_VOCAB_FACT, s) < 0)
            return bad(p, field, "training_action_fact", s ? s : "?");
    }
    return 0;
}

static int check_param(const struct sim_scenario *sc, int type, const char *key, const json_t *v,
                       struct sim_live_problem *p)
{
    char arg[sizeof(p->arg)];
    int param = sim_vocab_find(SIM_VOCAB_PARAM, key);
    if (param < 0)
        return bad(p, key, "training_action_field", key);
    if (!sim_param_allowed(type, param)) {
        snprintf(arg, sizeof(arg), "%s", key);
        return bad(p, key, "training_action_param", arg);
    }
    if (param == SIM_P_DRUG) {
        const char *s = json_string_value(v);
        for (int i = 0; s && i < sc->names.ndrugs; i++)
            if (strcmp(sc->names.drug[i], s) == 0)
                return 0;
        return bad(p, key, "training_action_drug", s ? s : "?");
    }
    int table = sim_param_vocab(param);
    if (table >= 0) {
        const char *s = json_string_value(v);
        if (s && sim_vocab_find(table, s) >= 0)
            return 0;
        char list[200];
        vocab_list(table, list, sizeof(list));
        snprintf(arg, sizeof(arg), "%s (%s)", key, list);
        return bad(p, key, "training_action_value", arg);
    }
    int lo, hi;
    sim_param_range(param, &lo, &hi);
    if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi)
        return 0;
    snprintf(arg, sizeof(arg), "%s (%d–%d)", key, lo, hi);
    return bad(p, key, "training_action_range", arg);
}

static int check_sbar(const json_t *v, struct sim_live_problem *p)
{
    static const char *const keys[] = {"situation", "background", "assessment", "recommendation"};
    if (!json_is_object(v))
        return bad(p, "sbar", "training_action_sbar", "sbar");
    const char *key;
    json_t *m;
    json_object_foreach ((json_t *)v, key, m) {
        char field[64];
        snprintf(field, sizeof(field), "sbar.%.40s", key);
        int known = 0;
        for (size_t i = 0; i < 4; i++)
            known |= strcmp(key, keys[i]) == 0;
        if (known) {
            if (check_text(v, key, field, p))
                return SIM_LIVE_ERR_INVALID;
        } else if (strcmp(key, "facts") == 0) {
            if (check_facts(m, "sbar.facts", p))
                return SIM_LIVE_ERR_INVALID;
        } else if (strcmp(key, "news2") == 0) {
            if (!json_is_integer(m) || json_integer_value(m) < 0 || json_integer_value(m) > 20)
                return bad(p, "sbar.news2", "training_action_range", "sbar.news2 (0–20)");
        } else {
            return bad(p, field, "training_action_field", field);
        }
    }
    return 0;
}

int sim_live_action_check(const struct sim_scenario *sc, const json_t *a, struct sim_action *out,
                          struct sim_live_problem *p)
{
    if (!json_is_object(a))
        return bad(p, NULL, "training_action_object", NULL);
    const json_t *tv = json_object_get(a, "type");
    if (!tv)
        return bad(p, "type", "training_action_type_missing", NULL);
    const char *ts = json_string_value(tv);
    int type = ts ? sim_vocab_find(SIM_VOCAB_ACTION, ts) : -1;
    if (type < 0) {
        char list[600];
        vocab_list(SIM_VOCAB_ACTION, list, sizeof(list));
        return bad(p, "type", "training_action_type_unknown", list);
    }
    const json_t *rv = json_object_get(a, "resident");
    if (!rv && sim_action_needs_resident(type))
        return bad(p, "resident", "training_action_resident_missing", NULL);
    if (rv) {
        const char *r = json_string_value(rv);
        int found = 0;
        for (int i = 0; r && i < sc->nres; i++)
            found |= strcmp(sc->res[i].id, r) == 0;
        if (!found)
            return bad(p, "resident", "training_action_resident_unknown", r ? r : "?");
    }
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)a, key, v) {
        if (strcmp(key, "type") == 0 || strcmp(key, "resident") == 0)
            continue;
        if (strcmp(key, "comment") == 0) {
            if (check_text(a, key, key, p))
                return SIM_LIVE_ERR_INVALID;
        } else if (strcmp(key, "at") == 0) {
            return bad(p, key, "training_action_at", NULL);
        } else if (type == SIM_ACTION_CALL && strcmp(key, "sbar") == 0) {
            if (check_sbar(v, p))
                return SIM_LIVE_ERR_INVALID;
        } else if (type == SIM_ACTION_DOCUMENT && strcmp(key, "facts") == 0) {
            if (check_facts(v, key, p))
                return SIM_LIVE_ERR_INVALID;
        } else if (type == SIM_ACTION_DOCUMENT && strcmp(key, "text") == 0) {
            if (check_text(a, key, key, p))
                return SIM_LIVE_ERR_INVALID;
        } else if (check_param(sc, type, key, v, p)) {
            return SIM_LIVE_ERR_INVALID;
        }
    }
    for (int k = 0; k < SIM_NPARAMS; k++)
        if (sim_param_allowed(type, k) == 2 &&
            !json_object_get(a, sim_vocab_id(SIM_VOCAB_PARAM, k)))
            return bad(p, sim_vocab_id(SIM_VOCAB_PARAM, k), "training_action_required",
                       sim_vocab_id(SIM_VOCAB_PARAM, k));
    if ((type == SIM_ACTION_ACKNOWLEDGE || type == SIM_ACTION_DISMISS) &&
        !json_object_get(a, "alert") && !json_object_get(a, "alert_id"))
        return bad(p, "alert", "training_action_alert", NULL);

    /* The engine's own check fills the action (and is the last word on anything missed above). */
    struct sim_errors *errs = cc_malloc(sizeof(*errs));
    if (!errs)
        return live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
    struct sim_jcheck c;
    sim_jcheck_init(&c, NULL, 0, errs);
    int rc = sim_action_check(&c, a, &sc->names, 0, out);
    if (rc)
        bad(p, NULL, "training_action_invalid", errs->n ? errs->e[0].msg : "");
    cc_free(errs);
    return rc ? SIM_LIVE_ERR_INVALID : SIM_LIVE_OK;
}

void sim_live_redact(json_t *logged)
{
    static const char *const verdicts[] = {"correct", "reference", "news2_correct"};
    json_t *r = json_object_get(logged, "result");
    for (size_t i = 0; json_is_object(r) && i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
        json_object_del(r, verdicts[i]);
}

/* ---------------------------------------------------------------- the manager */

struct sample {
    int32_t t_s;
    int16_t res;
    int16_t v[SAMPLE_COLS]; /* -1: none */
};

struct sim_live_stream {
    struct live_session *ls;
    int trainee;
    uint64_t next_seq;
    uint64_t state_v, session_v, progress_v;
    uint64_t samples;
    int end_sent;
    void (*wake)(void *);
    void *arg;
    struct sim_live_stream *next;
};

struct live_session {
    struct sim_live *l;
    const struct sim_scenario *sc;
    int refs;     /* under l->lock: requests and readers that hold it */
    int unloaded; /* under l->lock */

    pthread_mutex_t lock;
    struct live_row row; /* live fields kept up to date */
    struct sim_session *s;
    struct sim_snapshot *snap;
    struct sim_score *score;
    int paused, ended, finalized, broken;
    int students;           /* the trainee's pages connected */
    uint64_t last_step_ms;  /* monotonic; 0 while the clock does not run */
    uint64_t held_since_ms; /* monotonic; 0 while the trainee's page is there */
    uint64_t last_publish_ms, last_save_ms, finalize_after_ms;
    int64_t saved_sim_ms;
    int nlog;
    int64_t last_sample_s;
    int dirty, session_dirty;
    uint64_t pub_seq; /* log events published so far */

    pthread_mutex_t pub;
    char **ev;
    size_t nev, capev;
    unsigned char *evhide; /* per event: 1 when only teachers see it (what the trainee cannot) */
    char **evt;            /* per event: the trainee's text when it differs (redacted), or NULL */
    char *state, *truth, *session_json, *progress, *end_json; /* truth: the state for teachers */
    uint64_t state_v, session_v, progress_v;
    struct sample *ring;
    size_t ringcap;
    uint64_t nsamples;
    struct sim_live_stream *streams;
};

struct worker {
    struct sim_live *l;
    unsigned index;
};

struct sim_live {
    struct store_pool *pool;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
    struct live_session **tab;
    size_t n;
    pthread_t *threads;
    struct worker *workers;
    unsigned nthreads;
    pthread_t keeper;
    int keeper_started;
    /* Stepping times (µs per session and step) and publishing times, for the statistics. */
    pthread_mutex_t stats_lock;
    uint32_t step_us[STATS_SAMPLES], publish_us[STATS_SAMPLES];
    uint64_t nstep, npublish, behind;
};

static uint64_t mono_ms(void)
{
    return time_mono_ns() / 1000000u;
}

static uint64_t mono_us(void)
{
    return time_mono_ns() / 1000u;
}

static void session_free(struct live_session *ls)
{
    if (!ls)
        return;
    sim_session_free(&ls->s);
    cc_free(ls->snap);
    cc_free(ls->score);
    for (size_t i = 0; i < ls->nev; i++)
        cc_free(ls->ev[i]);
    for (size_t i = 0; i < ls->nev; i++)
        cc_free(ls->evt[i]);
    cc_free(ls->ev);
    cc_free(ls->evt);
    cc_free(ls->evhide);
    cc_free(ls->state);
    cc_free(ls->truth);
    cc_free(ls->session_json);
    cc_free(ls->progress);
    cc_free(ls->end_json);
    cc_free(ls->ring);
    pthread_mutex_destroy(&ls->lock);
    pthread_mutex_destroy(&ls->pub);
    cc_free(ls);
}

static void stat_add(struct sim_live *l, uint32_t *arr, uint64_t *n, uint64_t us)
{
    pthread_mutex_lock(&l->stats_lock);
    arr[*n % STATS_SAMPLES] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
    (*n)++;
    pthread_mutex_unlock(&l->stats_lock);
}

/* ---------------------------------------------------------------- the clock */

static int running(const struct live_session *ls)
{
    return !ls->ended && !ls->paused && !ls->broken && ls->students > 0;
}

/* Records a sample of every resident's device values when a new simulated second has begun. */
static void sample(struct live_session *ls)
{
    int64_t now = sim_session_now(ls->s);
    int64_t t_s = now / 1000;
    if (t_s <= ls->last_sample_s)
        return;
    ls->last_sample_s = t_s;
    sim_session_snapshot(ls->s, ls->snap);
    pthread_mutex_lock(&ls->pub);
    for (int i = 0; i < ls->snap->nres; i++) {
        const struct sim_snapshot_resident *r = &ls->snap->res[i];
        if (r->place == SIM_PLACE_HOSPITAL)
            continue;
        struct sample *x = &ls->ring[ls->nsamples % ls->ringcap];
        int on = r->wearable_online;
        x->t_s = (int32_t)t_s;
        x->res = (int16_t)i;
        x->v[0] = (int16_t)(on && r->wearable_hr >= 0 ? r->wearable_hr : -1);
        x->v[1] = (int16_t)(on && r->wearable_spo2 >= 0 ? r->wearable_spo2 : -1);
        x->v[2] = (int16_t)(r->bed_hr >= 0 ? r->bed_hr : -1);
        x->v[3] = (int16_t)(r->bed_rr >= 0 ? r->bed_rr : -1);
        x->v[4] = (int16_t)(r->news2 >= 0 ? r->news2 : -1);
        ls->nsamples++;
    }
    pthread_mutex_unlock(&ls->pub);
}

/* Steps MS simulated milliseconds, a second at most at a time, sampling each second. */
static int run_for(struct live_session *ls, int64_t ms)
{
    while (ms > 0 && !sim_session_ended(ls->s)) {
        int64_t to_next = 1000 - sim_session_now(ls->s) % 1000;
        int64_t chunk = ms < to_next ? ms : to_next;
        int err = sim_session_step(ls->s, chunk);
        if (err)
            return err;
        ms -= chunk;
        sample(ls);
    }
    return 0;
}

/* Brings the clock to the wall time NOW (monotonic ms) when it runs. */
static void advance(struct live_session *ls, uint64_t now)
{
    if (!running(ls) || !ls->last_step_ms) {
        ls->last_step_ms = running(ls) ? now : 0;
        return;
    }
    if (now <= ls->last_step_ms)
        return;
    uint64_t dt = now - ls->last_step_ms;
    if (dt > MAX_DT_MS) {
        /* The thread stalled (a slow disk, a suspended machine): the clock does not jump. */
        dt = MAX_DT_MS;
        __atomic_fetch_add(&ls->l->behind, 1, __ATOMIC_RELAXED); /* from any stepping thread */
    }
    ls->last_step_ms = now;
    uint64_t t0 = mono_us();
    int err = run_for(ls, (int64_t)dt * ls->row.speed);
    stat_add(ls->l, ls->l->step_us, &ls->l->nstep, mono_us() - t0);
    ls->row.active_ms += (int64_t)dt;
    ls->row.sim_ms = sim_session_now(ls->s);
    ls->dirty = 1;
    if (err) {
        /* Out of memory or past the engine's limits: the session ends where it is. */
        LOG_ERROR("training: session %s cannot go on (%d); it ends here", ls->row.uuid, err);
        ls->broken = 1;
        ls->ended = 1;
    }
    if (sim_session_ended(ls->s))
        ls->ended = 1;
}

/* ---------------------------------------------------------------- publishing */

static json_t *null_if_neg(int v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

static const char *res_id(const struct live_session *ls, int i)
{
    return i >= 0 && i < ls->sc->nres ? ls->sc->res[i].id : NULL;
}

/*
 * The state the dashboard shows: devices, the platform's NEWS2, oxygen, the
 * alerts, where the trainee is. With TRUTH (for teachers) also what only
 * someone in the room would see: where each resident is and what they are
 * doing — a trainee learns that by going there and observing.
 */
static json_t *state_json(struct live_session *ls, const struct sim_snapshot *sn, int truth)
{
    json_t *res = json_array(), *alerts = json_array();
    for (int i = 0; res && i < sn->nres; i++) {
        const struct sim_snapshot_resident *r = &sn->res[i];
        const struct sim_resident_spec *rs = &ls->sc->res[i];
        json_t *wear =
            rs->wearable
                ? json_pack("{s:b, s:o, s:o, s:i, s:o}", "online", r->wearable_online, "hr",
                            null_if_neg(r->wearable_online ? r->wearable_hr : -1), "spo2",
                            null_if_neg(r->wearable_online ? r->wearable_spo2 : -1), "quality",
                            r->wearable_quality, "battery", null_if_neg(r->battery))
                : json_null();
        json_t *bed = rs->bed_sensor
                          ? json_pack("{s:b, s:o, s:o}", "presence", r->bed_presence > 0, "hr",
                                      null_if_neg(r->bed_hr), "rr", null_if_neg(r->bed_rr))
                          : json_null();
        json_t *o2 = r->on_oxygen ? json_pack("{s:s, s:i}", "device",
                                              sim_vocab_id(SIM_VOCAB_O2_DEVICE, r->o2_device),
                                              "flow_lpm", r->o2_flow)
                                  : json_null();
        json_t *o =
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "id", rs->id, "wearable", wear, "bed", bed,
                      "news2", null_if_neg(r->news2), "response",
                      r->news2_response >= 0 ? json_string(news2_response_id(r->news2_response))
                                             : json_null(),
                      "oxygen", o2);
        if (o && truth)
            json_object_update_new(
                o, json_pack("{s:s, s:s, s:s}", "place", sim_vocab_id(SIM_VOCAB_PLACE, r->place),
                             "activity", sim_vocab_id(SIM_VOCAB_ACTIVITY, r->activity), "position",
                             sim_vocab_id(SIM_VOCAB_POSITION, r->position)));
        else if (o && r->place == SIM_PLACE_HOSPITAL)
            json_object_set_new(o, "place", json_string("hospital")); /* the trainee called them */
        json_array_append_new(res, o);
    }
    for (int k = 0; alerts && k < sn->nalerts; k++) {
        const struct sim_alert *a = &sn->alerts[k];
        json_array_append_new(alerts,
                              json_pack("{s:i, s:s, s:s, s:s, s:s, s:I, s:o, s:I, s:i, s:i}", "id",
                                        a->id, "kind", sim_vocab_id(SIM_VOCAB_ALERT, a->kind),
                                        "resident", res_id(ls, a->resident), "priority",
                                        sim_vocab_id(SIM_VOCAB_PRIORITY, a->priority), "state",
                                        sim_vocab_id(SIM_VOCAB_ALERT_STATE, a->state), "raised_ms",
                                        (json_int_t)a->raised_ms, "acknowledged_ms",
                                        a->ack_ms >= 0 ? json_integer(a->ack_ms) : json_null(),
                                        "escalate_ms", (json_int_t)a->next_escalation_ms,
                                        "escalations", a->escalations, "detail", a->detail));
    }
    const char *with = sn->resident >= 0 ? res_id(ls, sn->resident) : NULL;
    return json_pack("{s:I, s:i, s:b, s:s, s:o, s:I, s:o, s:o, s:b, s:b, s:i, s:I}", "t_ms",
                     (json_int_t)sn->t_ms, "clock_s", sn->clock_s, "ended", ls->ended, "where",
                     sim_vocab_id(SIM_VOCAB_WHERE, sn->where), "with",
                     with ? json_string(with) : json_null(), "next_seq", (json_int_t)sn->next_seq,
                     "residents", res, "alerts", alerts, "paused", ls->paused, "held",
                     ls->students == 0 && !ls->ended, "speed", ls->row.speed, "at",
                     (json_int_t)time_now_ms());
}

static json_t *session_state_json(struct live_session *ls)
{
    const struct sim_scenario *sc = ls->sc;
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:I, s:I, s:i, s:{s:I, s:I, s:I, s:I},"
        " s:i, s:i, s:i}",
        "id", ls->row.uuid, "scenario", sc->id, "mode", sim_live_mode_id(ls->row.mode), "status",
        ls->ended    ? "ended"
        : ls->paused ? "paused"
                     : "running",
        "paused", ls->paused, "held", ls->students == 0 && !ls->ended, "speed", ls->row.speed,
        "t_ms", (json_int_t)sim_session_now(ls->s), "duration_ms", (json_int_t)sc->duration_ms,
        "start_clock_s", sc->start_clock_s, "ack_ms", "low", (json_int_t)sc->ack_ms[SIM_PRIO_LOW],
        "normal", (json_int_t)sc->ack_ms[SIM_PRIO_NORMAL], "high",
        (json_int_t)sc->ack_ms[SIM_PRIO_HIGH], "urgent", (json_int_t)sc->ack_ms[SIM_PRIO_URGENT],
        "hints", ls->row.hints, "interruptions", ls->row.interruptions, "actions", ls->row.actions);
}

/*
 * Events a trainee does not see live (teachers do, and the debrief shows them
 * all): the scenario's timeline — what happens to a resident, a condition
 * starting, a device going wrong — the wearable's raw detector and the harm
 * done, except what a person at the station notices: what a resident says
 * (the intercom).
 */
static int hidden_event(const struct sim_event *e)
{
    switch (e->kind) {
    case SIM_LOG_TIMELINE:
        return e->b != SIM_EV_SAY && e->b != SIM_EV_END;
    case SIM_LOG_DETECTOR:
    case SIM_LOG_HARM:
        return 1;
    case SIM_LOG_DEVICE:
        return e->b == SIM_DEVST_FAULT || e->b == SIM_DEVST_RESTORED || e->b == SIM_DEVST_SPARED;
    default:
        return 0;
    }
}

static char *dump(json_t *v)
{
    char *s = v ? json_dumps(v, RESULT_JSON_FLAG) : NULL;
    json_decref(v);
    return s;
}

/* Replaces *SLOT with TEXT (taken over) when TEXT is not NULL; 1 when it did. */
static int replace(char **slot, char *text)
{
    if (!text)
        return 0;
    free(*slot);
    *slot = text;
    return 1;
}

static void wake_all(struct live_session *ls)
{
    for (struct sim_live_stream *st = ls->streams; st; st = st->next)
        if (st->wake)
            st->wake(st->arg);
}

/* Scores the session as it stands into ls->row (score so far, critical errors). */
static void score_now(struct live_session *ls)
{
    sim_session_score(ls->s, ls->score);
    /* Nothing has come due yet: no score so far (rather than a 100 % of nothing). */
    ls->row.score = ls->score->possible ? ls->score->percent : -1;
    ls->row.critical = ls->score->ncritical;
}

/*
 * Publishes the session's state, new events and progress to its readers
 * (LOCK held). Texts that cannot be made (out of memory) are left as they
 * were and made again next time.
 */
static void publish(struct live_session *ls, uint64_t now)
{
    uint64_t t0 = mono_us();
    sim_session_snapshot(ls->s, ls->snap);
    ls->row.alerts_open = 0;
    for (int k = 0; k < ls->snap->nalerts; k++)
        ls->row.alerts_open += ls->snap->alerts[k].state == SIM_ALERT_OPEN;
    ls->row.sim_ms = sim_session_now(ls->s);
    score_now(ls);
    const struct sim_event *evs;
    size_t n = sim_session_events(ls->s, ls->pub_seq, &evs);
    char **texts = n ? cc_calloc(n, sizeof(*texts)) : NULL;
    char **ttexts = n ? cc_calloc(n, sizeof(*ttexts)) : NULL;
    unsigned char *hide = n ? cc_calloc(n, 1) : NULL;
    size_t made = 0;
    for (; texts && ttexts && hide && made < n; made++) {
        hide[made] = (unsigned char)hidden_event(&evs[made]);
        json_t *e = sim_event_json(ls->s, &evs[made]);
        if (e && evs[made].kind == SIM_LOG_ACTION) {
            json_t *j = sim_session_action_json(ls->s, (size_t)evs[made].a);
            json_object_set_new(e, "logged", j);
            /* The trainee's copy, without the verdicts the debrief gives. */
            json_t *t = json_deep_copy(e);
            sim_live_redact(json_object_get(t, "logged"));
            if (!(ttexts[made] = dump(t))) {
                json_decref(e);
                break;
            }
        }
        if (!(texts[made] = dump(e))) {
            free(ttexts[made]);
            ttexts[made] = NULL;
            break;
        }
    }
    char *state = dump(state_json(ls, ls->snap, 0)), *truth = dump(state_json(ls, ls->snap, 1));
    char *session = ls->session_dirty ? dump(session_state_json(ls)) : NULL;
    char *progress =
        dump(json_pack("{s:i, s:i, s:o, s:i, s:i, s:i, s:I}", "earned", ls->score->earned,
                       "possible", ls->score->possible, "percent",
                       ls->score->possible ? json_integer(ls->score->percent) : json_null(),
                       "critical_errors", ls->score->ncritical, "alerts_open", ls->row.alerts_open,
                       "actions", ls->row.actions, "t_ms", (json_int_t)ls->row.sim_ms));

    pthread_mutex_lock(&ls->pub);
    if (made && ls->nev + made > ls->capev) {
        size_t cap = ls->capev ? ls->capev * 2 : 256;
        while (cap < ls->nev + made)
            cap *= 2;
        char **ev = cc_realloc(ls->ev, cap * sizeof(*ev));
        if (ev)
            ls->ev = ev;
        char **evt = ev ? cc_realloc(ls->evt, cap * sizeof(*evt)) : NULL;
        if (evt)
            ls->evt = evt;
        unsigned char *eh = evt ? cc_realloc(ls->evhide, cap) : NULL;
        if (eh) {
            ls->evhide = eh;
            ls->capev = cap;
        }
    }
    size_t taken = 0;
    if (ls->nev + made <= ls->capev)
        for (; taken < made; taken++) {
            ls->evhide[ls->nev] = hide[taken];
            ls->evt[ls->nev] = ttexts[taken];
            ls->ev[ls->nev++] = texts[taken];
        }
    ls->pub_seq += taken;
    if (replace(&ls->state, state) + replace(&ls->truth, truth))
        ls->state_v++;
    if (replace(&ls->session_json, session)) {
        ls->session_v++;
        ls->session_dirty = 0;
    }
    ls->progress_v += replace(&ls->progress, progress);
    wake_all(ls);
    pthread_mutex_unlock(&ls->pub);

    for (size_t i = taken; i < made; i++) {
        free(texts[i]);
        free(ttexts[i]);
    }
    cc_free(texts);
    cc_free(ttexts);
    cc_free(hide);
    ls->last_publish_ms = now;
    ls->dirty = 0;
    stat_add(ls->l, ls->l->publish_us, &ls->l->npublish, mono_us() - t0);
}

/* ---------------------------------------------------------------- saving and ending */

static int save(struct live_session *ls, struct store *db, uint64_t now)
{
    ls->row.status = ls->paused ? SIM_LIVE_PAUSED : SIM_LIVE_RUNNING;
    ls->row.sim_ms = sim_session_now(ls->s);
    int err = live_row_save(db, &ls->row);
    if (err) {
        LOG_WARN("training: cannot save where session %s stands", ls->row.uuid);
        return err;
    }
    ls->saved_sim_ms = ls->row.sim_ms;
    ls->last_save_ms = now;
    return SIM_LIVE_OK;
}

/* The framework items of the rubric items of the expected actions that action K did. */
static json_t *cfitems_of_action(struct live_session *ls, int k)
{
    const struct sim_scenario *sc = ls->sc;
    json_t *items = json_array();
    for (int e = 0; items && e < sc->nexp; e++) {
        if (ls->score->exp[e].action != k)
            continue;
        const struct sim_rubric *r = &sc->rubric[sc->exp[e].rubric];
        for (int j = 0; j < r->ncf; j++) {
            int seen = 0;
            size_t i;
            json_t *v;
            json_array_foreach (items, i, v)
                seen |= strcmp(json_string_value(v), r->cfitem[j]) == 0;
            if (!seen)
                json_array_append_new(items, json_string(r->cfitem[j]));
        }
    }
    return items;
}

struct catchup {
    struct live_session *ls;
    struct store *db;
    const json_t *actions; /* the result's */
    int k;                 /* actions seen */
    int err;
    struct {
        int n, k; /* the log entry, the action's index */
        char at[25];
    } todo[64];
    int ntodo;
};

/* Collects the log's actions whose statements were not stored (at most 64 a round). */
static int catchup_entry(void *ctx, const struct live_log_entry *e)
{
    struct catchup *c = ctx;
    if (strcmp(e->kind, "action") != 0)
        return 0;
    int k = c->k++;
    if (e->xapi || c->ntodo == (int)(sizeof(c->todo) / sizeof(c->todo[0])))
        return 0;
    /* The action's index is its place among the actions. */
    c->todo[c->ntodo].n = e->n;
    c->todo[c->ntodo].k = k;
    snprintf(c->todo[c->ntodo].at, sizeof(c->todo[c->ntodo].at), "%s", e->at);
    c->ntodo++;
    return 0;
}

/*
 * The session has ended (LOCK held): stores the result, the statements that
 * are missing and the completion statement, and tells the readers. Returns
 * 0, or an error (the caller tries again later).
 */
static int finalize(struct live_session *ls, struct store *db, uint64_t now)
{
    if (ls->finalized)
        return SIM_LIVE_OK;
    /* Without a clock of its own, an unfinished session (a broken one) is scored as it stands. */
    json_t *result = sim_session_result(ls->s);
    if (!result)
        return SIM_LIVE_ERR_NOMEM;
    json_t *score = json_object_get(result, "score");
    ls->row.score = (int)json_integer_value(json_object_get(score, "percent"));
    ls->row.passed = json_is_true(json_object_get(score, "passed"));
    ls->row.critical = (int)json_array_size(json_object_get(score, "critical_errors"));
    ls->row.sim_ms = sim_session_now(ls->s);
    char *text = json_dumps(result, RESULT_JSON_FLAG);
    int changed = 0, err = text ? live_row_end(db, &ls->row, text, &changed) : SIM_LIVE_ERR_NOMEM;
    free(text);
    if (err) {
        json_decref(result);
        return err;
    }
    if (!changed) {
        /* Another server process ended it (cannot happen with one server); take its word. */
        struct live_row r;
        if (live_row_get(db, ls->row.institution, ls->row.uuid, &r) == 0)
            ls->row = r;
    }
    /* Statements: those of actions that failed before, then the completion; failures are logged. */
    struct catchup c = {.ls = ls, .db = db, .actions = json_object_get(result, "actions")};
    if (live_log_read(db, ls->row.id, catchup_entry, &c) == 0)
        for (int i = 0; i < c.ntodo; i++) {
            int n = c.todo[i].n, k = c.todo[i].k;
            json_t *st = live_action_statement(ls->sc, &ls->row, n, c.todo[i].at,
                                               json_array_get(c.actions, (size_t)k),
                                               cfitems_of_action(ls, k));
            if (st && live_record(db, &ls->row, st) == 0 && live_log_mark(db, ls->row.id, n))
                LOG_WARN("training: cannot mark a statement of session %s", ls->row.uuid);
            json_decref(st);
        }
    if (live_align(db, ls->sc, ls->row.institution))
        LOG_WARN("training: cannot align scenario %s to its competencies", ls->sc->id);
    json_t *done = live_completed_statement(ls->sc, &ls->row, result);
    if (done && live_record(db, &ls->row, done) == 0) {
        struct store_stmt *st;
        if (store_prepare(db, "UPDATE training_sessions SET statements = 1 WHERE id = ?", &st) ==
            0) {
            store_bind_int(st, 1, ls->row.id);
            if (store_step(st) != STORE_OK)
                LOG_WARN("training: cannot mark the statements of session %s", ls->row.uuid);
            store_finish(st);
        }
    } else {
        LOG_ERROR("training: the completion statement of session %s was not stored", ls->row.uuid);
    }
    json_decref(done);
    char *end =
        dump(json_pack("{s:b, s:I, s:O, s:O, s:i, s:O}", "passed", ls->row.passed, "percent",
                       (json_int_t)ls->row.score, "earned", json_object_get(score, "earned"),
                       "possible", json_object_get(score, "possible"), "critical_errors",
                       ls->row.critical, "ended_by", json_object_get(result, "ended_by")));
    json_decref(result);
    ls->finalized = 1;
    ls->ended = 1;
    ls->session_dirty = 1;
    publish(ls, now);
    pthread_mutex_lock(&ls->pub);
    replace(&ls->end_json, end);
    wake_all(ls);
    pthread_mutex_unlock(&ls->pub);
    return SIM_LIVE_OK;
}

/* One round of a session on a stepping thread (LOCK held). */
/*
 * One round of a session on a stepping thread (LOCK held): the clock, and an
 * update for the readers. No database here — a commit waiting for the disk
 * would hold up every session of the thread; the keeper thread saves.
 */
static void tick(struct live_session *ls, uint64_t now)
{
    advance(ls, now);
    if ((ls->dirty || ls->session_dirty) && now - ls->last_publish_ms >= SIM_LIVE_PUBLISH_MS)
        publish(ls, now);
}

/* ---------------------------------------------------------------- loading */

struct replay {
    struct live_session *ls;
    int err;
    struct sim_live_problem *p;
};

static int replay_entry(void *ctx, const struct live_log_entry *e)
{
    struct replay *r = ctx;
    struct live_session *ls = r->ls;
    ls->nlog = e->n + 1;
    if (strcmp(e->kind, "action") != 0)
        return 0;
    json_t *a = json_loads(e->body, 0, NULL);
    struct sim_action act;
    struct sim_live_problem p;
    int err = !a ? SIM_LIVE_ERR_NOMEM : sim_live_action_check(ls->sc, a, &act, &p);
    if (!err && e->sim_ms > sim_session_now(ls->s))
        err = run_for(ls, e->sim_ms - sim_session_now(ls->s)) ? SIM_LIVE_ERR_NOMEM : 0;
    if (!err) {
        int rc = sim_session_act(ls->s, &act, NULL);
        err = rc && rc != SIM_SESSION_ENDED ? SIM_LIVE_ERR_NOMEM : 0;
    }
    json_decref(a);
    if (err) {
        LOG_ERROR("training: session %s cannot be rebuilt at log entry %d", ls->row.uuid, e->n);
        r->err = err;
        return -1;
    }
    return 0;
}

/* A session of ROW in memory, rebuilt from its log. */
static int load(struct sim_live *l, struct store *db, const struct live_row *row,
                struct live_session **out, struct sim_live_problem *p)
{
    *out = NULL;
    const struct sim_scenario *sc = sim_live_scenario(row->scenario);
    if (!sc || sc->version != row->version)
        return live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_scenario_changed", NULL);
    struct live_session *ls = cc_calloc(1, sizeof(*ls));
    if (!ls)
        return live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
    pthread_mutex_init(&ls->lock, NULL);
    pthread_mutex_init(&ls->pub, NULL);
    ls->l = l;
    ls->sc = sc;
    ls->row = *row;
    ls->paused = row->status == SIM_LIVE_PAUSED;
    ls->last_sample_s = -1;
    ls->ringcap = (size_t)SIM_LIVE_SAMPLES * (size_t)sc->nres;
    ls->ring = cc_calloc(ls->ringcap, sizeof(*ls->ring));
    ls->snap = cc_malloc(sizeof(*ls->snap));
    ls->score = cc_malloc(sizeof(*ls->score));
    struct sim_session_opts opts = {5};
    int err = SIM_LIVE_ERR_NOMEM;
    if (!ls->ring || !ls->snap || !ls->score ||
        sim_session_new(sc, (uint64_t)row->seed, &opts, &ls->s))
        goto fail;
    sample(ls);
    struct replay r = {ls, 0, p};
    err = live_log_read(db, row->id, replay_entry, &r);
    if (r.err)
        err = r.err;
    if (err)
        goto fail;
    if (row->sim_ms > sim_session_now(ls->s) && run_for(ls, row->sim_ms - sim_session_now(ls->s))) {
        err = SIM_LIVE_ERR_NOMEM;
        goto fail;
    }
    ls->ended = sim_session_ended(ls->s);
    ls->saved_sim_ms = sim_session_now(ls->s);
    ls->row.sim_ms = ls->saved_sim_ms;
    ls->held_since_ms = mono_ms();
    ls->session_dirty = 1;
    ls->dirty = 1;
    publish(ls, mono_ms());
    *out = ls;
    return SIM_LIVE_OK;
fail:
    session_free(ls);
    return live_problem(p, err == SIM_LIVE_ERR_STORE ? err : SIM_LIVE_ERR_NOMEM, NULL, "internal",
                        NULL);
}

static struct live_session *find_loaded(struct sim_live *l, const char *uuid)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->tab[i]->row.uuid, uuid) == 0)
            return l->tab[i];
    return NULL;
}

static void release(struct live_session *ls)
{
    struct sim_live *l = ls->l;
    pthread_mutex_lock(&l->lock);
    ls->refs--;
    pthread_mutex_unlock(&l->lock);
}

/*
 * The session of ROW in memory with a reference taken (release it), loading
 * it when it is not. An ended session that is not in memory is not loaded
 * (SIM_LIVE_ERR_CONFLICT): its result is stored.
 */
static int acquire(struct sim_live *l, struct store *db, const struct live_row *row,
                   struct live_session **out, struct sim_live_problem *p)
{
    pthread_mutex_lock(&l->lock);
    struct live_session *ls = find_loaded(l, row->uuid);
    if (ls)
        ls->refs++;
    pthread_mutex_unlock(&l->lock);
    if (ls) {
        *out = ls;
        return SIM_LIVE_OK;
    }
    if (row->status == SIM_LIVE_ENDED)
        return live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_ended", NULL);
    int err = load(l, db, row, &ls, p);
    if (err)
        return err;
    pthread_mutex_lock(&l->lock);
    struct live_session *other = find_loaded(l, row->uuid);
    if (other) {
        other->refs++;
    } else if (l->n < SIM_LIVE_MAX_LOADED) {
        struct live_session **tab =
            l->n % 64 == 0 ? cc_realloc(l->tab, (l->n + 64) * sizeof(*tab)) : l->tab;
        if (tab) {
            l->tab = tab;
            l->tab[l->n++] = ls;
            ls->refs = 1;
            other = ls;
            ls = NULL;
        }
    }
    size_t n = l->n;
    pthread_mutex_unlock(&l->lock);
    session_free(ls);
    if (!other)
        return live_problem(p, n >= SIM_LIVE_MAX_LOADED ? SIM_LIVE_ERR_BUSY : SIM_LIVE_ERR_NOMEM,
                            NULL, n >= SIM_LIVE_MAX_LOADED ? "training_busy" : "internal", NULL);
    *out = other;
    return SIM_LIVE_OK;
}

/* The row of UUID if CALLER may see it; *TRAINEE says whether it is the caller's own. */
static int row_for(struct store *db, const struct auth_user *caller, const char *uuid,
                   struct live_row *row, int *trainee, struct sim_live_problem *p)
{
    if (!uuid || strlen(uuid) != 36)
        return live_problem(p, SIM_LIVE_ERR_NOT_FOUND, NULL, "training_session_unknown", NULL);
    int err = live_row_get(db, caller->institution_id, uuid, row);
    if (!err)
        err = live_row_may_see(db, caller, row, trainee);
    if (err == SIM_LIVE_ERR_NOT_FOUND)
        return live_problem(p, err, NULL, "training_session_unknown", NULL);
    if (err == SIM_LIVE_ERR_FORBIDDEN)
        return live_problem(p, err, NULL, "training_session_forbidden", NULL);
    return err ? live_problem(p, err, NULL, "internal", NULL) : SIM_LIVE_OK;
}

/* The caller's own session, in memory, LOCK taken, not ended; release with done(). */
static int own_session(struct sim_live *l, struct store *db, const struct auth_user *caller,
                       const char *uuid, struct live_session **out, struct sim_live_problem *p)
{
    struct live_row row;
    int trainee, err = row_for(db, caller, uuid, &row, &trainee, p);
    if (err)
        return err;
    if (!trainee)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "training_not_yours", NULL);
    if ((err = acquire(l, db, &row, out, p)))
        return err;
    pthread_mutex_lock(&(*out)->lock);
    advance(*out, mono_ms());
    if ((*out)->ended) {
        /* It ran out while nobody stepped it: score it now. */
        if (!(*out)->finalized && finalize(*out, db, mono_ms()))
            LOG_WARN("training: cannot store the result of session %s yet", uuid);
        pthread_mutex_unlock(&(*out)->lock);
        release(*out);
        return live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_ended", NULL);
    }
    return SIM_LIVE_OK;
}

static void done(struct live_session *ls)
{
    pthread_mutex_unlock(&ls->lock);
    release(ls);
}

/* ---------------------------------------------------------------- stepping threads */

/* Takes out of memory the sessions nobody holds that are over or have been held long enough. */
static void unload_idle(struct sim_live *l, struct store *db, uint64_t now)
{
    struct live_session *gone[16];
    int ngone = 0;
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->n && ngone < 16;) {
        struct live_session *ls = l->tab[i];
        int idle = ls->refs == 0 && pthread_mutex_trylock(&ls->lock) == 0;
        int out = 0;
        if (idle) {
            out =
                (ls->finalized && ls->ended) ||
                (ls->held_since_ms && now - ls->held_since_ms >= SIM_LIVE_UNLOAD_MS && !ls->ended);
            pthread_mutex_unlock(&ls->lock);
        }
        if (out) {
            l->tab[i] = l->tab[--l->n];
            gone[ngone++] = ls;
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&l->lock);
    for (int i = 0; i < ngone; i++) {
        struct live_session *ls = gone[i];
        if (!ls->ended && save(ls, db, now))
            LOG_WARN("training: session %s left memory unsaved; it resumes from its last save",
                     ls->row.uuid);
        session_free(ls);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct sim_live *l = w->l;
    struct live_session **mine = NULL;
    size_t cap = 0;
    pthread_mutex_lock(&l->lock);
    while (!l->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SIM_LIVE_STEP_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&l->cond, &l->lock, &until);
        if (l->stopping)
            break;
        /* This thread's share of the sessions, with references so none goes away meanwhile. */
        size_t n = 0;
        if (cap < l->n) {
            struct live_session **m = cc_realloc(mine, l->n * sizeof(*m));
            if (m) {
                mine = m;
                cap = l->n;
            }
        }
        for (size_t i = 0; i < l->n && n < cap; i++)
            if (i % l->nthreads == w->index) {
                mine[n++] = l->tab[i];
                l->tab[i]->refs++;
            }
        pthread_mutex_unlock(&l->lock);
        uint64_t now = mono_ms();
        for (size_t i = 0; i < n; i++) {
            struct live_session *ls = mine[i];
            /* Busy (an action being stored): its turn comes in the next round. */
            if (pthread_mutex_trylock(&ls->lock) == 0) {
                tick(ls, now);
                pthread_mutex_unlock(&ls->lock);
            }
        }
        pthread_mutex_lock(&l->lock);
        for (size_t i = 0; i < n; i++)
            mine[i]->refs--;
    }
    pthread_mutex_unlock(&l->lock);
    cc_free(mine);
    return NULL;
}

struct pending_save {
    struct live_session *ls;
    struct live_row row;
};

/*
 * The keeper: every KEEP_MS it saves where the sessions stand (those whose
 * clock moved since their last save, every SIM_LIVE_SAVE_MS, in one
 * transaction), stores the results of sessions that ended, and takes idle
 * ones out of memory — the database work the stepping threads never do.
 */
static void keep_round(struct sim_live *l, struct store *db, struct live_session ***mine,
                       size_t *cap, struct pending_save **saves, size_t *savecap)
{
    pthread_mutex_lock(&l->lock);
    if (*cap < l->n) {
        struct live_session **m = cc_realloc(*mine, l->n * sizeof(*m));
        struct pending_save *sv = cc_realloc(*saves, l->n * sizeof(*sv));
        if (m)
            *mine = m;
        if (sv)
            *saves = sv;
        if (m && sv)
            *cap = *savecap = l->n;
    }
    size_t n = 0;
    for (size_t i = 0; i < l->n && n < *cap; i++) {
        (*mine)[n++] = l->tab[i];
        l->tab[i]->refs++;
    }
    pthread_mutex_unlock(&l->lock);
    uint64_t now = mono_ms();
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        struct live_session *ls = (*mine)[i];
        pthread_mutex_lock(&ls->lock);
        if (ls->ended && !ls->finalized && now >= ls->finalize_after_ms) {
            if (finalize(ls, db, now)) {
                LOG_WARN("training: cannot store the result of session %s yet", ls->row.uuid);
                ls->finalize_after_ms = now + FINALIZE_RETRY;
            }
        } else if (!ls->ended && ls->row.sim_ms != ls->saved_sim_ms &&
                   now - ls->last_save_ms >= SIM_LIVE_SAVE_MS && ns < *savecap) {
            ls->row.status = ls->paused ? SIM_LIVE_PAUSED : SIM_LIVE_RUNNING;
            (*saves)[ns].ls = ls;
            (*saves)[ns++].row = ls->row;
        }
        pthread_mutex_unlock(&ls->lock);
    }
    int err = 0;
    if (ns) {
        err = store_begin(db) ? SIM_LIVE_ERR_STORE : 0;
        for (size_t k = 0; !err && k < ns; k++)
            err = live_row_save(db, &(*saves)[k].row);
        if (!err && store_commit(db))
            err = SIM_LIVE_ERR_STORE;
        if (err) {
            store_rollback(db);
            LOG_WARN("training: cannot save where %zu sessions stand; trying again", ns);
        }
    }
    for (size_t k = 0; !err && k < ns; k++) {
        struct live_session *ls = (*saves)[k].ls;
        pthread_mutex_lock(&ls->lock);
        ls->saved_sim_ms = (*saves)[k].row.sim_ms;
        ls->last_save_ms = now;
        pthread_mutex_unlock(&ls->lock);
    }
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < n; i++)
        (*mine)[i]->refs--;
    pthread_mutex_unlock(&l->lock);
    unload_idle(l, db, now);
}

static void *keeper_main(void *arg)
{
    struct sim_live *l = arg;
    struct store *db = NULL;
    struct live_session **mine = NULL;
    struct pending_save *saves = NULL;
    size_t cap = 0, savecap = 0;
    pthread_mutex_lock(&l->lock);
    while (!l->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += KEEP_MS * 1000000L;
        while (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&l->cond, &l->lock, &until);
        if (l->stopping)
            break;
        pthread_mutex_unlock(&l->lock);
        if (!db && store_pool_get(l->pool, &db))
            db = NULL;
        if (db)
            keep_round(l, db, &mine, &cap, &saves, &savecap);
        pthread_mutex_lock(&l->lock);
    }
    pthread_mutex_unlock(&l->lock);
    cc_free(mine);
    cc_free(saves);
    return NULL;
}

int sim_live_start(const struct sim_live_options *o, struct sim_live **out)
{
    *out = NULL;
    struct sim_live *l = cc_calloc(1, sizeof(*l));
    if (!l)
        return SIM_LIVE_ERR_NOMEM;
    l->pool = o->pool;
    l->nthreads = o->threads ? o->threads : 1;
    l->threads = cc_calloc(l->nthreads, sizeof(*l->threads));
    l->workers = cc_calloc(l->nthreads, sizeof(*l->workers));
    if (!l->threads || !l->workers) {
        cc_free(l->threads);
        cc_free(l->workers);
        cc_free(l);
        return SIM_LIVE_ERR_NOMEM;
    }
    pthread_mutex_init(&l->lock, NULL);
    pthread_mutex_init(&l->stats_lock, NULL);
    pthread_cond_init(&l->cond, NULL);
    unsigned started = 0;
    for (; started < l->nthreads; started++) {
        l->workers[started].l = l;
        l->workers[started].index = started;
        if (pthread_create(&l->threads[started], NULL, worker_main, &l->workers[started]))
            break;
    }
    if (started == l->nthreads)
        l->keeper_started = pthread_create(&l->keeper, NULL, keeper_main, l) == 0;
    if (started < l->nthreads || !l->keeper_started) {
        l->nthreads = started;
        sim_live_stop(&l);
        return SIM_LIVE_ERR_NOMEM;
    }
    *out = l;
    return SIM_LIVE_OK;
}

void sim_live_stop(struct sim_live **lp)
{
    struct sim_live *l = *lp;
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->stopping = 1;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
    for (unsigned i = 0; i < l->nthreads; i++)
        pthread_join(l->threads[i], NULL);
    if (l->keeper_started)
        pthread_join(l->keeper, NULL);
    struct store *db = NULL;
    if (l->n && store_pool_get(l->pool, &db))
        LOG_ERROR("training: cannot save where the sessions stand: no database");
    uint64_t now = mono_ms();
    for (size_t i = 0; i < l->n; i++) {
        struct live_session *ls = l->tab[i];
        pthread_mutex_lock(&ls->lock);
        advance(ls, now);
        if (db && ls->ended && !ls->finalized) {
            if (finalize(ls, db, now))
                LOG_WARN("training: the result of session %s is stored at the next start",
                         ls->row.uuid);
        } else if (db && !ls->ended && save(ls, db, now)) {
            LOG_WARN("training: session %s resumes from its last save", ls->row.uuid);
        }
        pthread_mutex_unlock(&ls->lock);
        session_free(ls);
    }
    cc_free(l->tab);
    cc_free(l->threads);
    cc_free(l->workers);
    pthread_cond_destroy(&l->cond);
    pthread_mutex_destroy(&l->lock);
    pthread_mutex_destroy(&l->stats_lock);
    cc_free(l);
    *lp = NULL;
}

/* ---------------------------------------------------------------- sessions */

static void now_iso(char out[25])
{
    time_format_ms(time_now_ms(), out);
}

/* The session of USER not ended yet, if any, into UUID. */
static int running_session(struct store *db, int64_t institution, int64_t user, char uuid[37],
                           int *found)
{
    struct store_stmt *st;
    *found = 0;
    if (store_prepare(db,
                      "SELECT uuid FROM training_sessions WHERE institution_id = ? AND user_id = ?"
                      " AND status <> 'ended' ORDER BY id DESC LIMIT 1",
                      &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, institution);
    store_bind_int(st, 2, user);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        snprintf(uuid, 37, "%s", store_col_text(st, 0));
        *found = 1;
    }
    store_finish(st);
    return rc < 0 ? SIM_LIVE_ERR_STORE : SIM_LIVE_OK;
}

static int count_attempts(struct store *db, int64_t assignment, int64_t user, int *n)
{
    struct store_stmt *st;
    if (store_prepare(
            db, "SELECT COUNT(*) FROM training_sessions WHERE assignment_id = ? AND user_id = ?",
            &st))
        return SIM_LIVE_ERR_STORE;
    store_bind_int(st, 1, assignment);
    store_bind_int(st, 2, user);
    int rc = store_step(st);
    *n = rc == STORE_ROW ? (int)store_col_int(st, 0) : 0;
    store_finish(st);
    return rc == STORE_ROW ? SIM_LIVE_OK : SIM_LIVE_ERR_STORE;
}

/* What a new session of IN is: its scenario and mode, checked against the assignment's rules. */
static int new_session_rules(struct store *db, const struct auth_user *caller,
                             const struct sim_live_new *in, struct live_row *row,
                             struct sim_live_problem *p)
{
    if (in->assignment) {
        struct live_assignment a;
        int err = live_assignment_row(db, caller->institution_id, in->assignment, &a);
        if (err == SIM_LIVE_ERR_NOT_FOUND)
            return live_problem(p, err, "assignment_id", "training_assignment_unknown", NULL);
        if (err)
            return live_problem(p, err, NULL, "internal", NULL);
        int yes = 0;
        if (live_enrolled(db, caller->institution_id, a.class_id, caller->id, &yes))
            return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
        if (!yes)
            return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, "assignment_id",
                                "training_assignment_not_yours", NULL);
        int64_t now = time_now_ms();
        char when[25];
        if (now < a.opens_ms) {
            time_format_ms(a.opens_ms, when);
            return live_problem(p, SIM_LIVE_ERR_CONFLICT, "assignment_id",
                                "training_assignment_not_open", when);
        }
        if (a.due_ms && now >= a.due_ms)
            return live_problem(p, SIM_LIVE_ERR_CONFLICT, "assignment_id",
                                "training_assignment_closed", NULL);
        int used = 0;
        if (a.attempts && count_attempts(db, a.id, caller->id, &used))
            return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
        if (a.attempts && used >= a.attempts) {
            char n[16];
            snprintf(n, sizeof(n), "%d", a.attempts);
            return live_problem(p, SIM_LIVE_ERR_CONFLICT, "assignment_id",
                                "training_no_attempts_left", n);
        }
        row->assignment = a.id;
        row->mode = a.mode;
        snprintf(row->scenario, sizeof(row->scenario), "%s", a.scenario);
    } else {
        if (!in->scenario || !sim_live_scenario(in->scenario))
            return live_problem(p, SIM_LIVE_ERR_NOT_FOUND, "scenario", "training_scenario_unknown",
                                NULL);
        row->mode = SIM_LIVE_PRACTICE;
        snprintf(row->scenario, sizeof(row->scenario), "%s", in->scenario);
    }
    const struct sim_scenario *sc = sim_live_scenario(row->scenario);
    if (!sc)
        return live_problem(p, SIM_LIVE_ERR_NOT_FOUND, "scenario", "training_scenario_unknown",
                            NULL);
    row->version = sc->version;
    return SIM_LIVE_OK;
}

int sim_live_create(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const struct sim_live_new *in, char uuid[37], struct sim_live_problem *p)
{
    if (in->speed < 0 || in->speed > SIM_LIVE_MAX_SPEED)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "speed", "training_speed", NULL);
    if (caller->role == AUTH_ROLE_VERIFIER)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    struct live_row row;
    memset(&row, 0, sizeof(row));
    int err = new_session_rules(db, caller, in, &row, p);
    if (err)
        return err;
    row.institution = caller->institution_id;
    row.user = caller->id;
    row.status = SIM_LIVE_RUNNING;
    row.speed = in->speed ? in->speed : 1;
    row.seed = (int64_t)randombytes_uniform(2147483647u) + 1;
    row.score = row.passed = -1;
    xapi_uuid(row.uuid);
    /* One session at a time: the check and the insert in one write transaction. */
    if (store_begin(db))
        return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
    char other[37];
    int found = 0;
    if ((err = running_session(db, caller->institution_id, caller->id, other, &found)))
        goto fail;
    if (found) {
        store_rollback(db);
        return live_problem(p, SIM_LIVE_ERR_CONFLICT, "session", "training_already_running", other);
    }
    if (in->assignment) {
        /* Attempts again, inside the transaction: two pages starting at once get one each. */
        struct live_assignment a;
        int used = 0;
        if ((err = live_assignment_row(db, caller->institution_id, in->assignment, &a)) ||
            (err = count_attempts(db, a.id, caller->id, &used)))
            goto fail;
        if (a.attempts && used >= a.attempts) {
            store_rollback(db);
            char n[16];
            snprintf(n, sizeof(n), "%d", a.attempts);
            return live_problem(p, SIM_LIVE_ERR_CONFLICT, "assignment_id",
                                "training_no_attempts_left", n);
        }
    }
    if ((err = live_row_insert(db, &row)) || store_commit(db)) {
        err = SIM_LIVE_ERR_STORE;
        goto fail;
    }
    snprintf(uuid, 37, "%s", row.uuid);
    (void)l;
    return SIM_LIVE_OK;
fail:
    store_rollback(db);
    return live_problem(p, err ? err : SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
}

/* ROW with the live fields of the session in memory, if it is; *HELD: no trainee page now. */
static void overlay(struct sim_live *l, struct live_row *row, int *held, int *loaded)
{
    *held = row->status != SIM_LIVE_ENDED;
    *loaded = 0;
    pthread_mutex_lock(&l->lock);
    struct live_session *ls = find_loaded(l, row->uuid);
    if (ls)
        ls->refs++;
    pthread_mutex_unlock(&l->lock);
    if (!ls)
        return;
    pthread_mutex_lock(&ls->lock);
    if (ls->finalized || row->status != SIM_LIVE_ENDED) {
        char login[sizeof(row->login)], name[sizeof(row->name)];
        snprintf(login, sizeof(login), "%s", row->login);
        snprintf(name, sizeof(name), "%s", row->name);
        *row = ls->row;
        if (!ls->ended)
            row->status = ls->paused ? SIM_LIVE_PAUSED : SIM_LIVE_RUNNING;
        snprintf(row->login, sizeof(row->login), "%s", login);
        snprintf(row->name, sizeof(row->name), "%s", name);
    }
    *held = ls->students == 0 && !ls->ended;
    *loaded = 1;
    pthread_mutex_unlock(&ls->lock);
    release(ls);
}

static json_t *session_json(struct sim_live *l, struct live_row *row, int trainee)
{
    int held, loaded;
    overlay(l, row, &held, &loaded);
    json_t *o = live_row_json(row);
    if (o && trainee && row->status != SIM_LIVE_ENDED) {
        /* The trainee sees the score at the end, as in a real shift (and in an assessment). */
        json_object_set_new(o, "score_percent", json_null());
        json_object_set_new(o, "critical_errors", json_null());
    }
    if (o) {
        json_object_set_new(o, "held", json_boolean(held));
        json_object_set_new(o, "viewer", json_string(trainee ? "trainee" : "watcher"));
    }
    return o;
}

int sim_live_get(struct sim_live *l, struct store *db, const struct auth_user *caller,
                 const char *uuid, json_t **out, struct sim_live_problem *p)
{
    struct live_row row;
    int trainee, err = row_for(db, caller, uuid, &row, &trainee, p);
    if (err)
        return err;
    *out = session_json(l, &row, trainee);
    return *out ? SIM_LIVE_OK : live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
}

int sim_live_act(struct sim_live *l, struct store *db, const struct auth_user *caller,
                 const char *uuid, const json_t *action, json_t **out, struct sim_live_problem *p)
{
    *out = NULL;
    struct live_session *ls;
    int err = own_session(l, db, caller, uuid, &ls, p);
    if (err)
        return err;
    struct sim_action act;
    char *body = NULL;
    if (ls->paused) {
        err = live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_paused", NULL);
        goto out;
    }
    if (ls->row.actions >= SIM_LIVE_MAX_ACTIONS) {
        err = live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_too_many_actions", NULL);
        goto out;
    }
    if ((err = sim_live_action_check(ls->sc, action, &act, p)))
        goto out;
    body = json_dumps(action, JSON_COMPACT | JSON_SORT_KEYS);
    if (!body || strlen(body) > SIM_LIVE_BODY_MAX) {
        err = live_problem(p, body ? SIM_LIVE_ERR_INVALID : SIM_LIVE_ERR_NOMEM, NULL,
                           body ? "training_action_too_large" : "internal", NULL);
        goto out;
    }
    /* Stored first: an action the log does not have never happens (a rebuild would lose it). */
    int n = ls->nlog;
    int64_t t = sim_session_now(ls->s);
    char at[25];
    now_iso(at);
    if ((err = live_log_add(db, ls->row.id, n, "action", t, at, body))) {
        err = live_problem(p, err, NULL, "internal", NULL);
        goto out;
    }
    ls->nlog++;
    ls->row.actions++;
    const struct sim_logged_action *logged;
    int rc = sim_session_act(ls->s, &act, &logged);
    if (rc && rc != SIM_SESSION_ENDED) {
        LOG_ERROR("training: session %s cannot take more (%d); it ends here", ls->row.uuid, rc);
        ls->broken = ls->ended = 1;
        err = live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
        goto out;
    }
    const struct sim_logged_action *all;
    size_t k = sim_session_actions(ls->s, &all) - 1;
    json_t *j = sim_session_action_json(ls->s, k);
    score_now(ls);
    struct live_row row = ls->row; /* for the statement, stored once the session is free again */
    json_t *st =
        j ? live_action_statement(ls->sc, &row, n, at, j, cfitems_of_action(ls, (int)k)) : NULL;
    ls->dirty = 1;
    ls->session_dirty = 1;
    uint64_t now = mono_ms();
    if (now - ls->last_publish_ms >= SIM_LIVE_PUBLISH_MS)
        publish(ls, now);
    /* The trainee's answer, without the verdicts the debrief gives (the statement has them). */
    *out = j ? json_deep_copy(j) : NULL;
    json_decref(j);
    if (*out)
        sim_live_redact(*out);
    else
        err = live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
    free(body);
    /*
     * The statement is written without the session's lock, so the clock and the readers do not
     * wait for its commit. One that fails now is stored when the session ends: the log knows
     * which are missing.
     */
    pthread_mutex_unlock(&ls->lock);
    if (!st || live_record(db, &row, st) || live_log_mark(db, row.id, n))
        LOG_WARN("training: the statement of an action of session %s waits for the end", row.uuid);
    json_decref(st);
    release(ls);
    return err;
out:
    free(body);
    done(ls);
    return err;
}

int sim_live_control(struct sim_live *l, struct store *db, const struct auth_user *caller,
                     const char *uuid, int paused, int speed, struct sim_live_problem *p)
{
    if (speed < 0 || speed > SIM_LIVE_MAX_SPEED)
        return live_problem(p, SIM_LIVE_ERR_INVALID, "speed", "training_speed", NULL);
    struct live_session *ls;
    int err = own_session(l, db, caller, uuid, &ls, p);
    if (err)
        return err;
    char at[25];
    now_iso(at);
    int64_t t = sim_session_now(ls->s);
    if (paused >= 0 && ls->row.mode == SIM_LIVE_ASSESSMENT) {
        err = live_problem(p, SIM_LIVE_ERR_CONFLICT, "paused", "training_no_pause", NULL);
        goto out;
    }
    if (paused >= 0 && paused != ls->paused) {
        if ((err =
                 live_log_add(db, ls->row.id, ls->nlog, paused ? "pause" : "resume", t, at, ""))) {
            err = live_problem(p, err, NULL, "internal", NULL);
            goto out;
        }
        ls->nlog++;
        ls->paused = paused;
        ls->row.pauses += paused;
        ls->last_step_ms = running(ls) ? mono_ms() : 0;
    }
    if (speed && speed != ls->row.speed) {
        char body[8];
        snprintf(body, sizeof(body), "%d", speed);
        if ((err = live_log_add(db, ls->row.id, ls->nlog, "speed", t, at, body))) {
            err = live_problem(p, err, NULL, "internal", NULL);
            goto out;
        }
        ls->nlog++;
        ls->row.speed = speed;
    }
    if (save(ls, db, mono_ms()))
        err = live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
    ls->session_dirty = 1;
    ls->dirty = 1;
    publish(ls, mono_ms());
out:
    done(ls);
    return err;
}

int sim_live_hint(struct sim_live *l, struct store *db, const struct auth_user *caller,
                  const char *uuid, json_t **out, struct sim_live_problem *p)
{
    *out = NULL;
    struct live_session *ls;
    int err = own_session(l, db, caller, uuid, &ls, p);
    if (err)
        return err;
    if (ls->row.mode == SIM_LIVE_ASSESSMENT) {
        err = live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_no_hints", NULL);
        goto out;
    }
    const struct sim_scenario *sc = ls->sc;
    int64_t now = sim_session_now(ls->s), best_due = 0;
    int best = -1;
    score_now(ls);
    for (int e = 0; e < sc->nexp; e++) {
        const struct sim_expect_result *r = &ls->score->exp[e];
        const struct sim_window *w = &sc->exp[e].win;
        if (r->action >= 0 || r->anchor_ms < 0)
            continue;
        int64_t open = r->anchor_ms + w->from_ms, due = r->anchor_ms + w->within_ms,
                late = r->anchor_ms + w->late_ms;
        if (now < open || now > late)
            continue;
        if (best < 0 || due < best_due) {
            best = e;
            best_due = due;
        }
    }
    char at[25];
    now_iso(at);
    if ((err = live_log_add(db, ls->row.id, ls->nlog, "hint", now, at,
                            best >= 0 ? sc->exp[best].id : ""))) {
        err = live_problem(p, err, NULL, "internal", NULL);
        goto out;
    }
    ls->nlog++;
    ls->row.hints++;
    ls->session_dirty = 1;
    if (best < 0)
        *out = json_pack("{s:n, s:n, s:n}", "expected", "title", "due_ms");
    else
        *out = json_pack("{s:s, s:o, s:I, s:b}", "expected", sc->exp[best].id, "title",
                         sim_text_json(&sc->exp[best].title), "due_ms", (json_int_t)best_due,
                         "late", now > best_due);
    if (!*out)
        err = live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
out:
    done(ls);
    return err;
}

int sim_live_finish(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const char *uuid, struct sim_live_problem *p)
{
    struct live_session *ls;
    int err = own_session(l, db, caller, uuid, &ls, p);
    if (err)
        return err;
    /* The rest of the scenario, at once: what happens when nobody does anything more. */
    while (!sim_session_ended(ls->s) && !ls->broken)
        if (run_for(ls, 60000)) {
            ls->broken = 1;
            LOG_ERROR("training: session %s cannot play out; it ends here", ls->row.uuid);
        }
    ls->ended = 1;
    ls->row.sim_ms = sim_session_now(ls->s);
    if (finalize(ls, db, mono_ms()))
        err = live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
    done(ls);
    return err;
}

struct log_json {
    json_t *list;
};

static int log_entry_json(void *ctx, const struct live_log_entry *e)
{
    struct log_json *c = ctx;
    if (strcmp(e->kind, "action") == 0)
        return 0; /* the result has them, with what they came to */
    json_t *o = json_pack("{s:i, s:s, s:I, s:s, s:s}", "n", e->n, "kind", e->kind, "t_ms",
                          (json_int_t)e->sim_ms, "at", e->at, "detail", e->body);
    return o && json_array_append_new(c->list, o) == 0 ? 0 : SIM_LIVE_ERR_NOMEM;
}

int sim_live_result(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const char *uuid, json_t **out, struct sim_live_problem *p)
{
    *out = NULL;
    struct live_row row;
    int trainee, err = row_for(db, caller, uuid, &row, &trainee, p);
    if (err)
        return err;
    if (row.status != SIM_LIVE_ENDED)
        return live_problem(p, SIM_LIVE_ERR_CONFLICT, NULL, "training_not_ended", NULL);
    struct store_stmt *st;
    if (store_prepare(db, "SELECT result FROM training_sessions WHERE id = ?", &st))
        return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
    store_bind_int(st, 1, row.id);
    json_t *result =
        store_step(st) == STORE_ROW ? json_loads(store_col_text(st, 0), 0, NULL) : NULL;
    store_finish(st);
    struct log_json lj = {json_array()};
    if (!result || !lj.list || live_log_read(db, row.id, log_entry_json, &lj)) {
        json_decref(result);
        json_decref(lj.list);
        return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
    }
    const struct sim_scenario *sc = sim_live_scenario(row.scenario);
    json_t *debrief = json_array();
    for (int i = 0; sc && sc->version == row.version && debrief && i < sc->ndebrief; i++)
        json_array_append_new(debrief,
                              json_pack("{s:o, s:o}", "title", sim_text_json(&sc->debrief[i].title),
                                        "text", sim_text_json(&sc->debrief[i].text)));
    json_object_set_new(result, "session", session_json(l, &row, trainee));
    json_object_set_new(result, "log", lj.list);
    json_object_set_new(result, "debrief", debrief ? debrief : json_array());
    *out = result;
    return SIM_LIVE_OK;
}

/* ---------------------------------------------------------------- readers */

int sim_live_attach(struct sim_live *l, struct store *db, const struct auth_user *caller,
                    const char *uuid, int64_t last_seq, void (*wake)(void *), void *arg,
                    struct sim_live_stream **out, struct sim_live_problem *p)
{
    *out = NULL;
    struct live_row row;
    int trainee, err = row_for(db, caller, uuid, &row, &trainee, p);
    if (err)
        return err;
    struct live_session *ls;
    if ((err = acquire(l, db, &row, &ls, p)))
        return err;
    struct sim_live_stream *st = cc_calloc(1, sizeof(*st));
    if (!st) {
        release(ls);
        return live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
    }
    st->ls = ls;
    st->trainee = trainee;
    st->next_seq = last_seq >= 0 ? (uint64_t)last_seq + 1 : 0;
    st->wake = wake;
    st->arg = arg;
    pthread_mutex_lock(&ls->lock);
    uint64_t now = mono_ms();
    if (trainee && ls->students++ == 0) {
        /* The trainee's page is back: the clock runs again from where it held. */
        ls->held_since_ms = 0;
        ls->last_step_ms = running(ls) ? now : 0;
        ls->session_dirty = 1;
    }
    ls->dirty = 1;
    pthread_mutex_lock(&ls->pub);
    st->next = ls->streams;
    ls->streams = st;
    pthread_mutex_unlock(&ls->pub);
    pthread_mutex_unlock(&ls->lock);
    *out = st;
    return SIM_LIVE_OK;
}

struct emit_count {
    sim_live_emit_fn emit;
    void *ctx;
    size_t bytes;
    int failed;
};

static void emit(struct emit_count *e, const char *event, const char *id, const char *data)
{
    if (e->failed || !data)
        return;
    e->failed = e->emit(e->ctx, event, id, data) != 0;
    e->bytes += strlen(data);
}

/* The samples the reader has not had, as [[t_s, resident, wearable_hr, …], …] (PUB held). */
static char *samples_text(struct live_session *ls, struct sim_live_stream *st)
{
    uint64_t from = st->samples;
    if (ls->nsamples > ls->ringcap && from < ls->nsamples - ls->ringcap)
        from = ls->nsamples - ls->ringcap;
    if (from >= ls->nsamples)
        return NULL;
    struct buf b;
    buf_init(&b, 8u << 20);
    int err = buf_addc(&b, '[');
    for (uint64_t i = from; !err && i < ls->nsamples; i++) {
        const struct sample *x = &ls->ring[i % ls->ringcap];
        err = buf_addf(&b, "%s[%d,%d", i > from ? "," : "", x->t_s, x->res);
        for (int c = 0; !err && c < SAMPLE_COLS; c++)
            err = x->v[c] < 0 ? buf_adds(&b, ",null") : buf_addf(&b, ",%d", x->v[c]);
        if (!err)
            err = buf_addc(&b, ']');
    }
    if (!err)
        err = buf_addc(&b, ']');
    st->samples = ls->nsamples;
    return err ? NULL : buf_detach(&b, NULL);
}

int sim_live_stream_next(struct sim_live_stream *st, sim_live_emit_fn fn, void *ctx, int *more)
{
    struct live_session *ls = st->ls;
    struct emit_count e = {fn, ctx, 0, 0};
    int finished = 0;
    *more = 0;
    pthread_mutex_lock(&ls->pub);
    if (st->session_v < ls->session_v) {
        emit(&e, "session", NULL, ls->session_json);
        st->session_v = ls->session_v;
    }
    if (st->next_seq > ls->nev && !ls->end_json)
        st->next_seq = ls->nev; /* a page that saw more than there is (it cannot, but never wait) */
    for (; st->next_seq < ls->nev && e.bytes < SIM_LIVE_STREAM_CHUNK; st->next_seq++) {
        if (st->trainee && ls->evhide[st->next_seq])
            continue;
        char id[24];
        snprintf(id, sizeof(id), "%llu", (unsigned long long)st->next_seq);
        const char *text =
            st->trainee && ls->evt[st->next_seq] ? ls->evt[st->next_seq] : ls->ev[st->next_seq];
        emit(&e, "log", id, text);
    }
    *more = st->next_seq < ls->nev;
    if (st->state_v < ls->state_v) {
        emit(&e, "state", NULL, st->trainee ? ls->state : ls->truth);
        st->state_v = ls->state_v;
    }
    char *samples = samples_text(ls, st);
    emit(&e, "samples", NULL, samples);
    free(samples);
    if (!st->trainee && st->progress_v < ls->progress_v) {
        emit(&e, "progress", NULL, ls->progress);
        st->progress_v = ls->progress_v;
    }
    if (ls->end_json && !*more && !st->end_sent) {
        emit(&e, "end", NULL, ls->end_json);
        st->end_sent = 1;
        finished = 1;
    }
    pthread_mutex_unlock(&ls->pub);
    return e.failed ? -1 : finished;
}

void sim_live_detach(struct sim_live_stream *st)
{
    if (!st)
        return;
    struct live_session *ls = st->ls;
    pthread_mutex_lock(&ls->lock);
    pthread_mutex_lock(&ls->pub);
    for (struct sim_live_stream **pp = &ls->streams; *pp; pp = &(*pp)->next)
        if (*pp == st) {
            *pp = st->next;
            break;
        }
    pthread_mutex_unlock(&ls->pub);
    if (st->trainee && --ls->students == 0) {
        uint64_t now = mono_ms();
        /* The clock holds where it is; the time up to now is the trainee's. */
        ls->students = 1;
        advance(ls, now);
        ls->students = 0;
        ls->last_step_ms = 0;
        ls->held_since_ms = now;
        if (!ls->ended && !ls->paused)
            ls->row.interruptions++;
        ls->session_dirty = 1;
        ls->dirty = 1;
        ls->last_save_ms = 0; /* saved on the next round */
        ls->saved_sim_ms = -1;
    }
    pthread_mutex_unlock(&ls->lock);
    release(ls);
    cc_free(st);
}

/* ---------------------------------------------------------------- lists */

int sim_live_list(struct sim_live *l, struct store *db, const struct auth_user *caller,
                  int64_t class_id, int active, json_t **out, struct sim_live_problem *p)
{
    *out = NULL;
    int64_t inst = caller->institution_id;
    if (caller->role == AUTH_ROLE_VERIFIER)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, NULL, "forbidden", NULL);
    if (caller->role == AUTH_ROLE_STUDENT && class_id)
        return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, "class_id", "training_own_only", NULL);
    if (class_id) {
        struct store_stmt *st;
        if (store_prepare(db, "SELECT teacher_id FROM classes WHERE id = ? AND institution_id = ?",
                          &st))
            return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
        store_bind_int(st, 1, class_id);
        store_bind_int(st, 2, inst);
        int rc = store_step(st);
        int64_t teacher = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_finish(st);
        if (rc < 0)
            return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
        if (rc != STORE_ROW)
            return live_problem(p, SIM_LIVE_ERR_NOT_FOUND, "class_id", "class_unknown", NULL);
        if (caller->role == AUTH_ROLE_TEACHER && teacher != caller->id)
            return live_problem(p, SIM_LIVE_ERR_FORBIDDEN, "class_id", "training_not_your_class",
                                NULL);
    }
    int student = caller->role == AUTH_ROLE_STUDENT, teacher = caller->role == AUTH_ROLE_TEACHER;
    struct store_stmt *st;
    if (store_prepare(
            db,
            "SELECT " LIVE_ROW_COLUMNS " FROM training_sessions t JOIN users u ON u.id = t.user_id"
            " WHERE t.institution_id = ? AND (? = 0 OR t.status <> 'ended')"
            " AND (? = 0 OR t.user_id = ?)"
            " AND (? = 0 OR t.user_id IN (SELECT e.user_id FROM enrolments e JOIN classes c"
            "   ON c.id = e.class_id WHERE c.teacher_id = ? AND c.institution_id = "
            "t.institution_id))"
            " AND (? = 0 OR t.user_id IN (SELECT e.user_id FROM enrolments e WHERE e.class_id = ?))"
            " ORDER BY t.started_at DESC, t.id DESC LIMIT ?",
            &st))
        return live_problem(p, SIM_LIVE_ERR_STORE, NULL, "internal", NULL);
    store_bind_int(st, 1, inst);
    store_bind_int(st, 2, active);
    store_bind_int(st, 3, student);
    store_bind_int(st, 4, caller->id);
    store_bind_int(st, 5, teacher);
    store_bind_int(st, 6, caller->id);
    store_bind_int(st, 7, class_id);
    store_bind_int(st, 8, class_id);
    store_bind_int(st, 9, SIM_LIVE_LIST_MAX);
    struct live_row *rows = cc_calloc(SIM_LIVE_LIST_MAX, sizeof(*rows));
    int n = 0, rc;
    while (rows && n < SIM_LIVE_LIST_MAX && (rc = store_step(st)) == STORE_ROW)
        live_row_read(st, &rows[n++]);
    store_finish(st);
    json_t *list = rows ? json_array() : NULL;
    for (int i = 0; list && i < n; i++) {
        json_t *o = session_json(l, &rows[i], rows[i].user == caller->id);
        if (!o || json_array_append_new(list, o)) {
            json_decref(list);
            list = NULL;
        }
    }
    cc_free(rows);
    if (!list)
        return live_problem(p, SIM_LIVE_ERR_NOMEM, NULL, "internal", NULL);
    *out = list;
    return SIM_LIVE_OK;
}

static uint32_t percentile(uint32_t *v, size_t n, int pct)
{
    if (!n)
        return 0;
    /* Insertion sort of at most STATS_SAMPLES values, on a copy. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint32_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    size_t k = (n * (size_t)pct + 99) / 100;
    return v[k ? k - 1 : 0];
}

json_t *sim_live_stats(struct sim_live *l)
{
    int loaded = 0, run = 0, held = 0, readers = 0;
    pthread_mutex_lock(&l->lock);
    loaded = (int)l->n;
    for (size_t i = 0; i < l->n; i++) {
        struct live_session *ls = l->tab[i];
        pthread_mutex_lock(&ls->lock);
        run += running(ls);
        held += !ls->ended && ls->students == 0;
        pthread_mutex_lock(&ls->pub);
        for (struct sim_live_stream *st = ls->streams; st; st = st->next)
            readers++;
        pthread_mutex_unlock(&ls->pub);
        pthread_mutex_unlock(&ls->lock);
    }
    pthread_mutex_unlock(&l->lock);
    uint32_t *a = cc_malloc(2 * STATS_SAMPLES * sizeof(*a));
    if (!a)
        return NULL;
    pthread_mutex_lock(&l->stats_lock);
    size_t ns = l->nstep < STATS_SAMPLES ? (size_t)l->nstep : STATS_SAMPLES;
    size_t np = l->npublish < STATS_SAMPLES ? (size_t)l->npublish : STATS_SAMPLES;
    memcpy(a, l->step_us, ns * sizeof(*a));
    memcpy(a + STATS_SAMPLES, l->publish_us, np * sizeof(*a));
    uint64_t nstep = l->nstep, npub = l->npublish;
    uint64_t behind = __atomic_load_n(&l->behind, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&l->stats_lock);
    uint32_t s50 = percentile(a, ns, 50), s99 = percentile(a, ns, 99), smax = ns ? a[ns - 1] : 0;
    uint32_t p50 = percentile(a + STATS_SAMPLES, np, 50),
             p99 = percentile(a + STATS_SAMPLES, np, 99), pmax = np ? a[STATS_SAMPLES + np - 1] : 0;
    cc_free(a);
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:{s:I, s:i, s:i, s:i}, s:{s:I, s:i, s:i, s:i},"
                     " s:I, s:i, s:i}",
                     "loaded", loaded, "running", run, "held", held, "readers", readers, "threads",
                     (int)l->nthreads, "step_us", "count", (json_int_t)nstep, "p50", (int)s50,
                     "p99", (int)s99, "max", (int)smax, "publish_us", "count", (json_int_t)npub,
                     "p50", (int)p50, "p99", (int)p99, "max", (int)pmax, "stalls",
                     (json_int_t)behind, "step_ms", SIM_LIVE_STEP_MS, "publish_ms",
                     SIM_LIVE_PUBLISH_MS);
}
