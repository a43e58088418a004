#include "sim/device.h"

#include <string.h>

#include "util/banned.h"

#define U SIM_U

/* sin(2πi/64) × 1000: one wave in 64 steps, without libm. */
static const int16_t sin64[64] = {
    0,     98,   195,  290,  383,  471,  556,  634,  707,  773,  831,  882,  924,  957,  981,  995,
    1000,  995,  981,  957,  924,  882,  831,  773,  707,  634,  556,  471,  383,  290,  195,  98,
    0,     -98,  -195, -290, -383, -471, -556, -634, -707, -773, -831, -882, -924, -957, -981, -995,
    -1000, -995, -981, -957, -924, -882, -831, -773, -707, -634, -556, -471, -383, -290, -195, -98};

/* sin(2π f t) × 1000 for a frequency in mHz and a time in ms. */
static int32_t wave(int64_t t_ms, int64_t freq_mhz)
{
    return sin64[(t_ms * freq_mhz * 64 / 1000000) & 63];
}

void sim_wearable_init(struct sim_wearable *w, int present, int battery)
{
    memset(w, 0, sizeof(*w));
    w->present = present;
    w->fit = SIM_FIT_WORN;
    w->connected = 1;
    w->battery_u = (int64_t)battery * U;
    w->drain_u_per_h = 12 * U / 10; /* a week on a charge, roughly */
    w->last_data_ms = -1;
    w->hr = w->spo2 = w->skin_temp = -1;
    w->skin_u = 33 * U;
    /* The defaults are valid, so this cannot fail. */
    if (fall_detector_init(&w->det, NULL))
        w->present = 0;
}

int sim_wearable_online(const struct sim_wearable *w)
{
    return w->present && w->connected && w->battery_u > 0;
}

void sim_accel_start(struct sim_wearable *w, int seq, int peak_mg, int64_t t_ms)
{
    w->seq = seq;
    w->seq_start_ms = t_ms;
    w->peak_mg = peak_mg;
}

/* Gravity in the device's axes (y along the trunk when upright), milli-g, and the noise. */
static void posture(int activity, int position, int32_t g[3], int32_t *sd)
{
    static const int32_t lying[SIM_NPOSITIONS][3] = {
        {990, 120, 60}, {-990, 120, 60}, {0, 120, 993}, {0, 800, 600}, {0, 985, 170}};
    static const int32_t sds[SIM_NACTIVITIES] = {6, 12, 15, 25, 60, 10};
    switch (activity) {
    case SIM_ACTIVITY_ASLEEP:
    case SIM_ACTIVITY_RESTING:
        memcpy(g, lying[(unsigned)position < SIM_NPOSITIONS ? position : SIM_POS_BACK],
               3 * sizeof(int32_t));
        break;
    case SIM_ACTIVITY_SITTING:
        g[0] = 250, g[1] = 960, g[2] = 100;
        break;
    case SIM_ACTIVITY_ON_FLOOR:
        g[0] = 330, g[1] = 160, g[2] = 930;
        break;
    default: /* standing, walking */
        g[0] = 60, g[1] = 995, g[2] = 50;
        break;
    }
    *sd = sds[(unsigned)activity < SIM_NACTIVITIES ? activity : 0];
}

/* Three noise values of standard deviation about SD (milli-g) from one draw. */
static void noise3(struct sim_rng *r, int32_t sd, int32_t n[3])
{
    uint64_t x = sim_rng_next(r);
    for (int i = 0; i < 3; i++) {
        /* Two 10-bit uniforms a value: a triangle of SD sqrt(2 * 1024² / 12) = 418. */
        int32_t a = (int32_t)((x >> (20 * i)) & 1023), b = (int32_t)((x >> (20 * i + 10)) & 1023);
        n[i] = (a + b - 1023) * sd / 418;
    }
}

void sim_accel_sample(struct sim_wearable *w, int activity, int position, uint32_t conditions,
                      int64_t t_ms, struct sim_rng *r, int32_t out[3])
{
    int32_t g[3], sd, n[3];
    int64_t dt = t_ms - w->seq_start_ms;
    if (w->seq != SIM_SEQ_NONE && dt >= 700)
        w->seq = SIM_SEQ_NONE;
    if (w->seq != SIM_SEQ_NONE) {
        /* A free-fall dip, the impact, a bounce that dies away, then lying still. */
        if (dt < 300) {
            out[0] = 15, out[1] = 250, out[2] = 12;
        } else if (dt < 340) {
            out[0] = w->peak_mg * 350 / 994;
            out[1] = w->peak_mg * 880 / 994;
            out[2] = w->peak_mg * 300 / 994;
        } else {
            int32_t k = 1000 + (int32_t)(700 - dt) * 500 / 360;
            if (w->seq == SIM_SEQ_DROP)
                out[0] = 0, out[1] = 0, out[2] = k;
            else
                out[0] = 330 * k / 1000, out[1] = 160 * k / 1000, out[2] = 930 * k / 1000;
        }
        noise3(r, 20, n);
        for (int i = 0; i < 3; i++)
            out[i] += n[i];
        return;
    }
    if (w->fit == SIM_FIT_OFF) {
        /* On the floor or a table: gravity through the face, almost no noise. */
        g[0] = 0, g[1] = 0, g[2] = 1000;
        sd = 3;
    } else {
        posture(activity, position, g, &sd);
        if (w->fit == SIM_FIT_LOOSE)
            sd *= 2;
        if (t_ms < w->burst_until_ms)
            sd = 180;
        if (activity == SIM_ACTIVITY_WALKING) {
            /* The gait cycle: about 1.8 steps a second up and down, half that sideways. */
            g[1] += 280 * wave(t_ms, 1800) / 1000;
            g[0] += 120 * wave(t_ms, 900) / 1000;
        }
        if ((conditions & (1u << SIM_COND_PARKINSONS)) && activity != SIM_ACTIVITY_ASLEEP)
            g[0] += 60 * wave(t_ms, 5000) / 1000; /* a 5 Hz rest tremor */
    }
    noise3(r, sd, n);
    for (int i = 0; i < 3; i++)
        out[i] = g[i] + n[i];
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void sim_wearable_second(struct sim_wearable *w, const struct sim_physio *p, int64_t t_ms,
                         struct sim_rng *r)
{
    if (!w->present)
        return;
    if (w->battery_u > 0) {
        w->battery_u -= w->drain_u_per_h / 3600;
        if (w->battery_u < 0)
            w->battery_u = 0;
    }
    /* The skin sensor follows the skin, or the room when the band is off. */
    int64_t skin_target = w->fit == SIM_FIT_OFF     ? 24 * U
                          : w->fit == SIM_FIT_LOOSE ? p->value[SIM_V_TEMP] - 5 * U
                                                    : p->value[SIM_V_TEMP] - 33 * U / 10;
    w->skin_u += (skin_target - w->skin_u) / 120;
    if (!sim_wearable_online(w)) {
        w->hr = w->spo2 = w->skin_temp = -1;
        w->quality = 0;
        return;
    }
    w->last_data_ms = t_ms;
    w->skin_temp = sim_round_tenths(w->skin_u + sim_rng_gauss(r, 50000));
    int64_t hr = p->value[SIM_V_HR], spo2 = p->value[SIM_V_SPO2];
    switch (w->fit) {
    case SIM_FIT_WORN:
        w->quality = 90 + (int)sim_rng_below(r, 11);
        w->hr = sim_round_units(hr + sim_rng_gauss(r, 15 * U / 10));
        w->spo2 = clampi(sim_round_units(spo2 + sim_rng_gauss(r, 7 * U / 10)), 50, 100);
        break;
    case SIM_FIT_LOOSE: {
        /* Light leaks in around a loose band: the SpO2 reads low and both jump about. */
        w->quality = 15 + (int)sim_rng_below(r, 30);
        w->hr = clampi(sim_round_units(hr + sim_rng_gauss(r, 14 * U)), 30, 200);
        int64_t jump = sim_rng_gauss(r, 3 * U);
        w->spo2 = clampi(sim_round_units(spo2 - 7 * U - (jump < 0 ? -jump : jump)), 70, 100);
        break;
    }
    default: /* off the body: no pulse to read */
        w->quality = 0;
        w->hr = w->spo2 = -1;
        break;
    }
}

void sim_bed_second(struct sim_bed_sensor *b, const struct sim_physio *p, int in_bed, int64_t t_ms,
                    struct sim_rng *r)
{
    if (!b->present)
        return;
    b->presence = in_bed;
    if (!b->connected) {
        b->hr = b->rr = -1;
        return;
    }
    b->last_data_ms = t_ms;
    if (!in_bed) {
        b->hr = b->rr = -1;
        b->movement = 0;
        return;
    }
    b->movement = p->activity == SIM_ACTIVITY_ASLEEP ? (int)sim_rng_below(r, 8)
                                                     : 10 + (int)sim_rng_below(r, 30);
    b->hr = sim_round_units(p->value[SIM_V_HR] + sim_rng_gauss(r, 2 * U));
    b->rr = sim_round_units(p->value[SIM_V_RR] + sim_rng_gauss(r, U));
    if (b->rr < 0)
        b->rr = 0;
}
