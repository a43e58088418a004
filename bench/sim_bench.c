/*
 * The simulated care home's speed: a population of residents with every
 * device (the wearable's 50 Hz accelerometer through the fall detector, 1 Hz
 * vitals from the wearable and the bed sensor) and the alert engine,
 * stepped for a while, in simulated resident-seconds per CPU-second; against
 * the ceiling of a plain loop that touches the same data at the same rates
 * (a sample written into each resident's detector bin every tick, each
 * resident's vitals and device readings every second) and computes nothing.
 *
 *   bench_sim [RESIDENTS [SECONDS [SEED]]]     (default 10000 30 1)
 *
 * Prints one line of JSON: residents, seconds, cpu_s and resident_s_per_cpu_s
 * of both, and the counts of what happened (samples, falls, alerts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/population.h"
#include "sim/world.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The plain loop over the world's own memory: the same bytes, no model. */
static double plain_loop(struct sim_world *w, int seconds, double *sink)
{
    double acc = 0;
    int ticks = 1000 / SIM_TICK_MS;
    double t0 = cpu_seconds();
    for (int s = 0; s < seconds; s++) {
        for (int k = 0; k < ticks; k++) {
            for (int i = 0; i < w->nres; i++) {
                struct sim_wearable *we = &w->res[i].wear;
                struct fall_bin *b = &we->det.ring[we->det.cur];
                double x = (double)((we->burst_until_ms + k) & 1023) / 1024.0;
                b->n++;
                b->mean += x;
                b->m2 += x * x;
                b->axis[0] += x;
                b->axis[1] += 1.0;
                b->axis[2] += x;
                we->det.last_t += SIM_TICK_MS;
            }
        }
        for (int i = 0; i < w->nres; i++) {
            struct sim_resident *r = &w->res[i];
            for (int v = 0; v < SIM_NVITALS; v++) {
                r->ph.value[v] = r->ph.mean[v] + (s & 7);
                acc += (double)r->ph.baseline[v];
            }
            r->wear.hr = (int)(r->ph.value[SIM_V_HR] >> 20);
            r->wear.spo2 = (int)(r->ph.value[SIM_V_SPO2] >> 20);
            r->bed.hr = r->wear.hr;
            r->bed.rr = (int)(r->ph.value[SIM_V_RR] >> 20);
            r->ema_hr += r->wear.hr;
            r->news2_total = r->bed.rr & 7;
        }
    }
    *sink = acc;
    return cpu_seconds() - t0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 10000;
    int seconds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    if (n < 1 || n > 1000000 || seconds < 1 || seconds > 3600) {
        fprintf(stderr, "usage: bench_sim [RESIDENTS [SECONDS [SEED]]]\n");
        return 2;
    }
    struct sim_population *p;
    /* 20:00: the evening, residents up and about, an hour before the night rules start. */
    if (sim_population_new(n, seed, 20 * 3600, &p)) {
        fprintf(stderr, "bench_sim: out of memory\n");
        return 1;
    }
    /* A few simulated seconds first, so the devices and the detectors are running. */
    if (sim_population_step(p, 5000)) {
        fprintf(stderr, "bench_sim: the population stopped\n");
        return 1;
    }
    const struct sim_world *w = sim_population_world(p);
    uint64_t samples0 = w->samples, falls0 = w->falls_detected, alerts0 = w->alerts_raised;
    double t0 = cpu_seconds();
    int err = sim_population_step(p, (int64_t)seconds * 1000);
    double engine = cpu_seconds() - t0;
    if (err) {
        fprintf(stderr, "bench_sim: the population stopped (%d)\n", err);
        return 1;
    }
    uint64_t acked, closed;
    sim_population_counts(p, &acked, &closed);
    uint64_t samples = w->samples - samples0, falls = w->falls_detected - falls0,
             alerts = w->alerts_raised - alerts0;
    size_t active = sim_alerts_active(&w->alerts);
    double sink;
    double plain = plain_loop((struct sim_world *)w, seconds, &sink);
    double rs = (double)n * seconds;
    printf("{\"residents\":%d,\"seconds\":%d,\"engine_cpu_s\":%.3f,\"engine_rs_per_cpu_s\":%.0f,"
           "\"plain_cpu_s\":%.3f,\"plain_rs_per_cpu_s\":%.0f,\"samples\":%llu,\"falls\":%llu,"
           "\"alerts\":%llu,\"acknowledged\":%llu,\"closed\":%llu,\"active_alerts\":%zu,"
           "\"sink\":%.0f}\n",
           n, seconds, engine, rs / engine, plain, rs / plain, (unsigned long long)samples,
           (unsigned long long)falls, (unsigned long long)alerts, (unsigned long long)acked,
           (unsigned long long)closed, active, sink > 0 ? 1.0 : 0.0);
    sim_population_free(&p);
    return 0;
}
