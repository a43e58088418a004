/*
 * Fuzzes the checks of live actions (sim/live.h, sim_live_action_check): a
 * JSON text as a trainee's page (or anyone with a session cookie) might send
 * it. Nothing crashes or leaks; a refused action names a message of the
 * server's catalog (util/i18n.h), in both languages, that its argument fills
 * without overflowing, and a field short enough to copy; an accepted one is
 * done by a session of the bundled scenario false-alarm-loose-wearable
 * without an error other than the session being full or over. Each input is
 * also written as one Server-Sent Event, which must keep every data line on a
 * line of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/sse.h"
#include "sim/live.h"
#include "sim/session.h"
#include "util/buf.h"
#include "util/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static void check_sse(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    CHECK(text);
    memcpy(text, data, size);
    text[size] = 0;
    struct buf b;
    buf_init(&b, 1u << 20);
    if (http_sse_event(&b, "log", "7", text) == 0) {
        /* Every line is "event: …", "id: …", "data: …" or the blank line that ends the event. */
        size_t n = 0;
        for (const char *l = b.data; *l;) {
            const char *nl = strchr(l, '\n');
            CHECK(nl);
            CHECK(nl == l
                      ? nl[1] == 0
                      : strncmp(l, "data: ", 6) == 0 || (n == 0 && strncmp(l, "event: ", 7) == 0) ||
                            (n == 1 && strncmp(l, "id: ", 4) == 0));
            n++;
            l = nl + 1;
        }
    }
    buf_release(&b);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sim_session *s;
    const struct sim_scenario *sc = sim_live_scenario("false-alarm-loose-wearable");
    CHECK(sc);
    check_sse(data, size);
    if (size > 64 * 1024)
        return 0;
    json_error_t je;
    json_t *a = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!a)
        return 0;
    struct sim_action act;
    struct sim_live_problem p = {0};
    int err = sim_live_action_check(sc, a, &act, &p);
    if (err) {
        CHECK(err == SIM_LIVE_ERR_INVALID);
        CHECK(p.msg && strncmp(p.msg, "training_action_", 16) == 0);
        for (int l = LANG_EN; l <= LANG_ZH; l++) {
            const char *text = i18n_text(p.msg, (enum lang)l);
            CHECK(text);
            char out[1024];
            int n = snprintf(out, sizeof(out), "%s", text);
            CHECK(n > 0);
        }
        CHECK(!p.field || strlen(p.field) < sizeof(p.field_buf));
        CHECK(strlen(p.arg) < sizeof(p.arg));
    } else {
        if (!s)
            CHECK(sim_session_new(sc, 1, NULL, &s) == SIM_SESSION_OK);
        int rc = sim_session_act(s, &act, NULL);
        CHECK(rc == SIM_SESSION_OK || rc == SIM_SESSION_ENDED || rc == SIM_SESSION_FULL);
        CHECK(sim_session_step(s, 20000) == SIM_SESSION_OK || sim_session_ended(s));
        if (rc != SIM_SESSION_OK || sim_session_ended(s))
            sim_session_free(&s);
    }
    json_decref(a);
    return 0;
}
