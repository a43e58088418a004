/*
 * Fuzzes the scenario validator and the action-file parser (docs/scenarios.md).
 * Nothing crashes or leaks; a refused input has at least one error, each with
 * a JSON path from "$", a line inside the text and a message, in line order;
 * an accepted scenario starts a session that runs a simulated minute, takes
 * actions of every kind without crashing, and writes a result.
 *
 * Input: a scenario; or "A" and then an action file for the bundled scenario
 * night-fall-high-risk, which is played.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/action.h"
#include "sim/catalog.h"
#include "sim/scenario.h"
#include "sim/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static struct sim_errors errs;

static void check_errors(const char *text, size_t size)
{
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    CHECK(errs.n >= 1 && errs.n <= SIM_MAX_ERRORS);
    for (int i = 0; i < errs.n; i++) {
        const struct sim_error *e = &errs.e[i];
        CHECK(e->path[0] == '$');
        CHECK(e->msg[0] != '\0');
        CHECK(e->line >= 0 && e->line <= lines);
        if (i)
            CHECK(errs.e[i - 1].line <= e->line);
    }
}

/* Plays one action of every type at the session's time, for resident 0 (or none). */
static void every_action(struct sim_session *s)
{
    for (int type = 0; type < SIM_NACTIONS; type++) {
        struct sim_action a;
        sim_action_clear(&a);
        a.type = type;
        a.resident = 0;
        for (int p = 0; p < SIM_NPARAMS; p++)
            if (sim_param_allowed(type, p)) {
                int lo, hi;
                sim_param_range(p, &lo, &hi);
                a.param[p] = p == SIM_P_DRUG ? 0 : sim_param_vocab(p) >= 0 ? 0 : lo;
            }
        if (type == SIM_ACTION_GIVE_MEDICATION)
            a.param[SIM_P_DRUG] = 1000; /* no such medicine: not applicable, never a crash */
        if (type == SIM_ACTION_ACKNOWLEDGE || type == SIM_ACTION_DISMISS)
            a.param[SIM_P_ALERT_ID] = -1;
        int err = sim_session_act(s, &a, NULL);
        CHECK(err == SIM_SESSION_OK || err == SIM_SESSION_ENDED);
        if (type == SIM_ACTION_GO_TO_ROOM)
            CHECK(sim_session_step(s, 30000) == SIM_SESSION_OK);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (size >= 1 && text[0] == 'A') {
        static struct sim_scenario *bundled;
        if (!bundled) {
            const struct embedded_file *e = sim_catalog_scenario("night-fall-high-risk");
            CHECK(e != NULL);
            CHECK(sim_scenario_parse((const char *)e->data, e->size, sim_catalog_item_known, NULL,
                                     &bundled, &errs) == 0);
        }
        struct sim_actions *acts = NULL;
        if (sim_actions_parse(text + 1, size - 1, &bundled->names, &acts, &errs)) {
            CHECK(acts == NULL);
            check_errors(text + 1, size - 1);
            return 0;
        }
        for (size_t i = 1; i < acts->n; i++)
            CHECK(acts->a[i].at_ms >= acts->a[i - 1].at_ms);
        struct sim_session *s = NULL;
        CHECK(sim_session_new(bundled, 1, NULL, &s) == SIM_SESSION_OK);
        CHECK(sim_session_play(s, acts) == SIM_SESSION_OK);
        json_t *r = sim_session_result(s);
        CHECK(r != NULL);
        json_decref(r);
        sim_session_free(&s);
        sim_actions_free(&acts);
        return 0;
    }

    struct sim_scenario *sc = NULL;
    if (sim_scenario_parse(text, size, sim_catalog_item_known, NULL, &sc, &errs)) {
        CHECK(sc == NULL);
        check_errors(text, size);
        return 0;
    }
    CHECK(sc->nres >= 1 && sc->nexp >= 1 && sc->nrubric >= 1);
    for (int i = 0; i < sc->nexp; i++)
        CHECK(sc->exp[i].rubric >= 0 && sc->exp[i].rubric < sc->nrubric);
    struct sim_session *s = NULL;
    CHECK(sim_session_new(sc, size, NULL, &s) == SIM_SESSION_OK);
    CHECK(sim_session_step(s, 30000) == SIM_SESSION_OK);
    every_action(s);
    CHECK(sim_session_step(s, 30000) == SIM_SESSION_OK);
    struct sim_score score;
    sim_session_score(s, &score);
    CHECK(score.percent >= 0 && score.percent <= 100 && score.earned <= score.possible);
    json_t *r = sim_session_result(s);
    CHECK(r != NULL);
    json_decref(r);
    sim_session_free(&s);
    sim_scenario_free(&sc);
    return 0;
}
