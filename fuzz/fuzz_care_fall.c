/*
 * Fuzzes the fall detector with arbitrary sample streams and parameters:
 * nothing crashes, and every event keeps the detector's promises — each
 * impact is closed by exactly one fall or dismissal, a fall comes only after
 * settling and a full stillness window, at a lying angle, with a still SVM,
 * and a refused sample changes nothing.
 *
 * Input: 12 bytes of parameters (when present), then 8 bytes a sample: the
 * time step (u16, tenths of a millisecond; 0xffff steps back 1 ms) and the
 * three accelerations (s16, thousandths of a g; -32768 means an invalid
 * value: NaN, infinity or beyond FALL_MAX_G, by the step's low bits).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/fall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Like assert(), but also in builds with NDEBUG. */
#define CHECK(c)                                                                                   \
    ((c) ? (void)0                                                                                 \
         : (fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c), abort()))

static struct fall_detector det, copy;

struct open_candidate {
    int open;
    double impact_ms;
};

static void check_event(const struct fall_event *e, const struct fall_params *p, double t,
                        struct open_candidate *c)
{
    CHECK(e->t_ms == t);
    CHECK(e->peak_g >= p->impact_g);
    CHECK(e->impact_ms <= e->t_ms);
    if (p->require_freefall)
        CHECK(e->freefall == 1);
    switch (e->kind) {
    case FALL_EVENT_IMPACT:
        CHECK(!c->open); /* an open candidate is dismissed first */
        CHECK(e->impact_ms == e->t_ms);
        CHECK(e->angle_deg == -1 && e->sd_g == -1);
        c->open = 1;
        c->impact_ms = e->impact_ms;
        break;
    case FALL_EVENT_FALL:
        CHECK(c->open && c->impact_ms == e->impact_ms);
        CHECK(e->t_ms >= e->impact_ms + p->settle_ms + p->still_ms);
        CHECK(e->angle_deg >= p->lying_deg && e->angle_deg <= 90);
        CHECK(e->sd_g >= 0 && e->sd_g <= p->still_sd_g);
        c->open = 0;
        break;
    case FALL_EVENT_DISMISSED:
        CHECK(c->open && c->impact_ms == e->impact_ms);
        CHECK(e->reason >= FALL_DISMISS_UPRIGHT && e->reason <= FALL_DISMISS_NEW_IMPACT);
        CHECK(e->angle_deg == -1 || (e->angle_deg >= 0 && e->angle_deg <= 90));
        CHECK((e->angle_deg == -1) == (e->sd_g == -1));
        if (e->reason == FALL_DISMISS_NO_DATA)
            CHECK(e->angle_deg == -1);
        c->open = 0;
        break;
    default:
        CHECK(0);
    }
}

static uint16_t u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fall_params p;
    fall_params_default(&p);
    if (size >= 12) {
        /* Parameters across their ranges, some of them out of range on purpose. */
        p.impact_g = 1 + data[0] / 32.0;
        p.freefall_g = data[1] / 255.0;
        p.require_freefall = data[2] & 1;
        p.settle_ms = data[3] * 20.0;
        p.still_ms = 200 + data[4] * 50.0;
        p.window_ms = p.settle_ms + p.still_ms + data[5] * 100.0;
        p.still_sd_g = data[6] / 100.0;
        p.lying_deg = data[7] / 2.0;
        p.up[0] = (int8_t)data[8];
        p.up[1] = (int8_t)data[9];
        p.up[2] = (int8_t)data[10];
        p.max_gap_ms = data[11] * 40.0;
        data += 12;
        size -= 12;
    }
    const char *field;
    int valid = fall_params_validate(&p, &field) == FALL_OK;
    CHECK(valid ? field[0] == 0 : field[0] != 0);
    CHECK(fall_detector_init(&det, &p) == (valid ? FALL_OK : FALL_ERR_PARAMS));
    if (!valid) {
        fall_params_default(&p);
        CHECK(fall_detector_init(&det, &p) == FALL_OK);
    }

    struct open_candidate cand = {0, 0};
    struct fall_event ev[FALL_MAX_EVENTS];
    double t = 0, last_ok = -INFINITY;
    for (size_t i = 0; i + 8 <= size; i += 8) {
        uint16_t step = u16(data + i);
        t += step == 0xffff ? -1.0 : step / 10.0;
        double a[3];
        int invalid = 0;
        for (int k = 0; k < 3; k++) {
            int16_t raw = (int16_t)u16(data + i + 2 + 2 * k);
            if (raw == -32768) {
                static const double bad[] = {NAN, INFINITY, -INFINITY, 1e6};
                a[k] = bad[step & 3];
                invalid = 1;
            } else {
                a[k] = raw / 1000.0;
            }
        }
        int backwards = t < last_ok;
        struct fall_sample s = {t, a[0], a[1], a[2]};
        if (invalid || backwards)
            memcpy(&copy, &det, sizeof(det));
        int n = fall_detector_feed(&det, &s, ev);
        if (backwards) {
            CHECK(n == FALL_ERR_TIME);
        } else if (invalid) {
            CHECK(n == FALL_ERR_VALUE);
        }
        if (n < 0) {
            CHECK(backwards || invalid);
            CHECK(memcmp(&copy, &det, sizeof(det)) == 0);
            t = last_ok > -INFINITY ? last_ok : 0;
            continue;
        }
        CHECK(n <= FALL_MAX_EVENTS);
        last_ok = t;
        for (int k = 0; k < n; k++)
            check_event(&ev[k], &p, t, &cand);
    }
    int n = fall_detector_finish(&det, ev);
    CHECK(n >= 0 && n <= 1);
    for (int k = 0; k < n; k++)
        check_event(&ev[k], &p, ev[k].t_ms, &cand);
    CHECK(!cand.open); /* every candidate was closed */
    return 0;
}
