#include "sim/score.h"

#include <string.h>

#include "util/banned.h"

const char *sim_status_id(int status)
{
    static const char *const ids[SIM_NSTATUS] = {"on_time", "late", "too_late", "missed",
                                                 "not_applicable"};
    return (unsigned)status < SIM_NSTATUS ? ids[status] : "";
}

/* The time of window W's anchor; -1 when it never happened. DONE: the times done so far. */
static int64_t anchor_ms(const struct sim_score_input *in, const struct sim_window *w,
                         const struct sim_score *s)
{
    switch (w->anchor) {
    case SIM_ANCHOR_START:
        return 0;
    case SIM_ANCHOR_EVENT:
        return in->event_ms[w->ref];
    case SIM_ANCHOR_ALERT:
        return in->alert_ms[w->ref][w->resident + 1];
    case SIM_ANCHOR_DONE:
        return s->exp[w->ref].done_ms;
    case SIM_ANCHOR_ARRIVED:
        return in->arrived_ms[w->ref];
    default:
        return -1;
    }
}

static int matches_any(const struct sim_match *alt, int nalt, const struct sim_action *a)
{
    for (int k = 0; k < nalt; k++)
        if (sim_match_action(&alt[k], a))
            return 1;
    return 0;
}

/* Scores expected action I, whose anchor (if a "done:") is already scored. */
static void score_expected(const struct sim_score_input *in, int i, struct sim_score *s)
{
    const struct sim_expect *e = &in->sc->exp[i];
    struct sim_expect_result *r = &s->exp[i];
    r->done_ms = -1;
    r->action = -1;
    r->earned = 0;
    r->anchor_ms = anchor_ms(in, &e->win, s);
    if (r->anchor_ms < 0) {
        r->status = SIM_ST_NOT_APPLICABLE;
        return;
    }
    int64_t open = r->anchor_ms + e->win.from_ms;
    r->status = SIM_ST_MISSED;
    for (size_t k = 0; k < in->nactions; k++) {
        const struct sim_logged_action *l = &in->actions[k];
        if (l->outcome != SIM_OUT_OK || l->t_ms < open || !matches_any(e->alt, e->nalt, &l->a))
            continue;
        r->action = (int)k;
        r->done_ms = l->t_ms;
        if (l->t_ms <= r->anchor_ms + e->win.within_ms) {
            r->status = SIM_ST_ON_TIME;
            r->earned = e->points;
        } else if (l->t_ms <= r->anchor_ms + e->win.late_ms) {
            r->status = SIM_ST_LATE;
            r->earned = e->late_points;
        } else {
            r->status = SIM_ST_TOO_LATE;
        }
        return;
    }
}

/* The log index at which expected action K was done; -1 when it was not. */
static int done_at(const struct sim_score *s, int k)
{
    const struct sim_expect_result *r = &s->exp[k];
    return r->status == SIM_ST_MISSED || r->status == SIM_ST_NOT_APPLICABLE ? -1 : r->action;
}

static void add_critical(struct sim_score *s, int kind, int ref, int action)
{
    if (s->ncritical < SIM_MAX_CRITICAL) {
        s->critical[s->ncritical].kind = kind;
        s->critical[s->ncritical].ref = ref;
        s->critical[s->ncritical].action = action;
        s->ncritical++;
    }
}

void sim_score_compute(const struct sim_score_input *in, struct sim_score *s)
{
    const struct sim_scenario *sc = in->sc;
    memset(s, 0, sizeof(*s));

    /* Expected actions, anchors first: a "done:" anchor needs the one it names scored. */
    int scored[SIM_MAX_EXPECTED] = {0};
    for (int pass = 0, left = sc->nexp; left > 0 && pass <= sc->nexp; pass++) {
        for (int i = 0; i < sc->nexp; i++) {
            const struct sim_window *w = &sc->exp[i].win;
            if (scored[i] || (w->anchor == SIM_ANCHOR_DONE && !scored[w->ref]))
                continue;
            score_expected(in, i, s);
            scored[i] = 1;
            left--;
        }
    }

    /* Forbidden actions: the first that fits, in its window, without what makes it right. */
    for (int f = 0; f < sc->nforbid; f++) {
        const struct sim_forbid *fb = &sc->forbid[f];
        s->forbid_action[f] = -1;
        int64_t a0 = fb->has_window ? anchor_ms(in, &fb->win, s) : 0;
        if (a0 < 0)
            continue;
        for (size_t k = 0; k < in->nactions && s->forbid_action[f] < 0; k++) {
            const struct sim_logged_action *l = &in->actions[k];
            if (l->outcome != SIM_OUT_OK && l->outcome != SIM_OUT_UNSAFE)
                continue;
            if (fb->has_window &&
                (l->t_ms < a0 + fb->win.from_ms || l->t_ms > a0 + fb->win.late_ms))
                continue;
            if (!matches_any(fb->alt, fb->nalt, &l->a))
                continue;
            int excused = fb->nunless > 0;
            for (int u = 0; u < fb->nunless; u++) {
                int d = done_at(s, fb->unless[u]);
                if (d < 0 || (size_t)d >= k)
                    excused = 0;
            }
            if (!excused)
                s->forbid_action[f] = (int)k;
        }
        if (s->forbid_action[f] >= 0) {
            if (fb->critical)
                add_critical(s, SIM_CRIT_FORBIDDEN, f, s->forbid_action[f]);
            if (fb->rubric >= 0)
                s->rubric_penalty[fb->rubric] += fb->penalty;
        }
    }

    /* Order: "then" done with "first" not done before it. */
    for (int o = 0; o < sc->norder; o++) {
        const struct sim_order *od = &sc->order[o];
        int then = done_at(s, od->then), first = done_at(s, od->first);
        s->order_violated[o] = then >= 0 && (first < 0 || first > then);
        if (s->order_violated[o]) {
            if (od->critical)
                add_critical(s, SIM_CRIT_ORDER, o, then);
            if (od->rubric >= 0)
                s->rubric_penalty[od->rubric] += od->penalty;
        }
    }

    for (int i = 0; i < sc->nexp; i++) {
        const struct sim_expect_result *r = &s->exp[i];
        if (sc->exp[i].critical && (r->status == SIM_ST_MISSED || r->status == SIM_ST_TOO_LATE))
            add_critical(s, SIM_CRIT_MISSED, i, r->action);
    }

    for (int k = 0; k < sc->nrubric; k++) {
        const struct sim_rubric *rb = &sc->rubric[k];
        int earned = 0, possible = 0;
        for (int j = 0; j < rb->nexp; j++) {
            int i = rb->expected[j];
            if (s->exp[i].status == SIM_ST_NOT_APPLICABLE)
                continue;
            earned += s->exp[i].earned;
            possible += sc->exp[i].points;
        }
        earned -= s->rubric_penalty[k];
        if (earned < 0)
            earned = 0;
        s->rubric_earned[k] = earned;
        s->rubric_possible[k] = possible;
        s->earned += earned;
        s->possible += possible;
    }
    s->percent = s->possible ? s->earned * 100 / s->possible : 100;
    s->passed = s->percent >= sc->pass_percent && s->ncritical == 0;
}

json_t *sim_text_json(const struct sim_text *t)
{
    if (!t->en || !t->zh)
        return json_null();
    return json_pack("{ssss}", "en", t->en, "zh-CN", t->zh);
}

static json_t *ms_or_null(int64_t ms)
{
    return ms < 0 ? json_null() : json_integer(ms);
}

/* Appends O (a new reference) to ARR; -1 when O is NULL or the append fails. */
static int push(json_t *arr, json_t *o)
{
    return o ? json_array_append_new(arr, o) : -1;
}

/* Sets KEY of OBJ to a new array and returns it (borrowed); NULL when out of memory. */
static json_t *new_array(json_t *obj, const char *key)
{
    json_t *a = json_array();
    return a && json_object_set_new(obj, key, a) == 0 ? a : NULL;
}

json_t *sim_score_json(const struct sim_scenario *sc, const struct sim_score_input *in,
                       const struct sim_score *s)
{
    (void)in;
    int on_time = 0, late = 0, missed = 0, na = 0;
    for (int i = 0; i < sc->nexp; i++) {
        int st = s->exp[i].status;
        on_time += st == SIM_ST_ON_TIME;
        late += st == SIM_ST_LATE;
        missed += st == SIM_ST_MISSED || st == SIM_ST_TOO_LATE;
        na += st == SIM_ST_NOT_APPLICABLE;
    }
    json_t *root =
        json_pack("{sbsisisisiso}", "passed", s->passed, "percent", s->percent, "pass_percent",
                  sc->pass_percent, "earned", s->earned, "possible", s->possible, "timeliness",
                  json_pack("{sisisisi}", "on_time", on_time, "late", late, "missed", missed,
                            "not_applicable", na));
    if (!root)
        return NULL;
    json_t *crit = new_array(root, "critical_errors");
    json_t *exp = crit ? new_array(root, "expected") : NULL;
    json_t *forb = exp ? new_array(root, "forbidden") : NULL;
    json_t *order = forb ? new_array(root, "order") : NULL;
    json_t *rub = order ? new_array(root, "rubric") : NULL;
    json_t *comp = rub ? new_array(root, "competencies") : NULL;
    if (!comp)
        goto fail;
    for (int k = 0; k < s->ncritical; k++) {
        const struct sim_critical *c = &s->critical[k];
        const char *kind = c->kind == SIM_CRIT_MISSED      ? "missed"
                           : c->kind == SIM_CRIT_FORBIDDEN ? "forbidden"
                                                           : "order";
        json_t *act = c->action >= 0 ? json_integer(c->action) : json_null();
        json_t *o;
        if (c->kind == SIM_CRIT_ORDER) {
            const struct sim_order *od = &sc->order[c->ref];
            o = json_pack("{sssssssoso}", "kind", kind, "first", sc->exp[od->first].id, "then",
                          sc->exp[od->then].id, "action", act, "feedback",
                          sim_text_json(&od->feedback));
        } else {
            int m = c->kind == SIM_CRIT_MISSED;
            const struct sim_text *title = m ? &sc->exp[c->ref].title : &sc->forbid[c->ref].title;
            const struct sim_text *fb =
                m ? &sc->exp[c->ref].feedback : &sc->forbid[c->ref].feedback;
            o = json_pack("{sssssososo}", "kind", kind, "id",
                          m ? sc->exp[c->ref].id : sc->forbid[c->ref].id, "title",
                          sim_text_json(title), "action", act, "feedback", sim_text_json(fb));
        }
        if (push(crit, o))
            goto fail;
    }
    for (int i = 0; i < sc->nexp; i++) {
        const struct sim_expect_result *r = &s->exp[i];
        const struct sim_expect *e = &sc->exp[i];
        json_t *o =
            json_pack("{sssosssososososisisbso}", "id", e->id, "title", sim_text_json(&e->title),
                      "status", sim_status_id(r->status), "anchor_ms", ms_or_null(r->anchor_ms),
                      "done_ms", ms_or_null(r->done_ms), "delay_ms",
                      r->done_ms >= 0 ? json_integer(r->done_ms - r->anchor_ms) : json_null(),
                      "action", r->action >= 0 ? json_integer(r->action) : json_null(), "points",
                      e->points, "earned", r->earned, "critical", e->critical, "feedback",
                      r->status == SIM_ST_ON_TIME ? json_null() : sim_text_json(&e->feedback));
        if (push(exp, o))
            goto fail;
    }
    for (int f = 0; f < sc->nforbid; f++) {
        if (s->forbid_action[f] < 0)
            continue;
        const struct sim_forbid *fb = &sc->forbid[f];
        json_t *o = json_pack(
            "{sssosisbsisoso}", "id", fb->id, "title", sim_text_json(&fb->title), "action",
            s->forbid_action[f], "critical", fb->critical, "penalty", fb->penalty, "rubric",
            fb->rubric >= 0 ? json_string(sc->rubric[fb->rubric].id) : json_null(), "feedback",
            sim_text_json(&fb->feedback));
        if (push(forb, o))
            goto fail;
    }
    for (int k = 0; k < sc->norder; k++) {
        const struct sim_order *od = &sc->order[k];
        json_t *o = json_pack("{sssssbsbsiso}", "first", sc->exp[od->first].id, "then",
                              sc->exp[od->then].id, "violated", s->order_violated[k], "critical",
                              od->critical, "penalty", od->penalty, "feedback",
                              s->order_violated[k] ? sim_text_json(&od->feedback) : json_null());
        if (push(order, o))
            goto fail;
    }
    for (int k = 0; k < sc->nrubric; k++) {
        const struct sim_rubric *rb = &sc->rubric[k];
        int poss = s->rubric_possible[k];
        json_t *o = json_pack("{sssosisisiso}", "id", rb->id, "title", sim_text_json(&rb->title),
                              "earned", s->rubric_earned[k], "possible", poss, "penalty",
                              s->rubric_penalty[k], "percent",
                              poss ? json_integer(s->rubric_earned[k] * 100 / poss) : json_null());
        if (push(rub, o))
            goto fail;
        json_t *cf = new_array(o, "cfitems"), *ids = cf ? new_array(o, "expected") : NULL;
        if (!ids)
            goto fail;
        for (int j = 0; j < rb->ncf; j++)
            if (push(cf, json_string(rb->cfitem[j])))
                goto fail;
        for (int j = 0; j < rb->nexp; j++)
            if (push(ids, json_string(sc->exp[rb->expected[j]].id)))
                goto fail;
    }
    /* Framework items, in the order they first appear in the rubric. */
    for (int k = 0; k < sc->nrubric; k++) {
        for (int j = 0; j < sc->rubric[k].ncf; j++) {
            const char *id = sc->rubric[k].cfitem[j];
            int seen = 0;
            for (int k2 = 0; k2 < k && !seen; k2++)
                for (int j2 = 0; j2 < sc->rubric[k2].ncf; j2++)
                    if (strcmp(sc->rubric[k2].cfitem[j2], id) == 0)
                        seen = 1;
            if (seen)
                continue;
            int earned = 0, poss = 0;
            for (int k2 = k; k2 < sc->nrubric; k2++)
                for (int j2 = 0; j2 < sc->rubric[k2].ncf; j2++)
                    if (strcmp(sc->rubric[k2].cfitem[j2], id) == 0) {
                        earned += s->rubric_earned[k2];
                        poss += s->rubric_possible[k2];
                    }
            json_t *o =
                json_pack("{sssisiso}", "cfitem", id, "earned", earned, "possible", poss, "percent",
                          poss ? json_integer(earned * 100 / poss) : json_null());
            if (push(comp, o))
                goto fail;
            json_t *items = new_array(o, "rubric");
            if (!items)
                goto fail;
            for (int k2 = k; k2 < sc->nrubric; k2++)
                for (int j2 = 0; j2 < sc->rubric[k2].ncf; j2++)
                    if (strcmp(sc->rubric[k2].cfitem[j2], id) == 0 &&
                        push(items, json_string(sc->rubric[k2].id)))
                        goto fail;
        }
    }
    return root;
fail:
    json_decref(root);
    return NULL;
}
