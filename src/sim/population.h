/*
 * A whole care home without a scenario, for the benchmark and for load
 * tests: N residents generated from a seed (ages, long-term conditions —
 * COPD on scale 2, dementia with wandering, diabetes, heart failure,
 * Parkinson's, atrial fibrillation — baselines, Morse items, a few
 * trajectories under way), each with every device (wearable with its 50 Hz
 * accelerometer through the fall detector, bed sensor, door sensor, call
 * button), the alert engine, and the life of the home: getting up at night,
 * walking, turning in bed, falls, wandering, loose straps and flat batteries,
 * and a night staff who answer the alerts (acknowledge, go, put right,
 * close) so that the alert queue keeps moving.
 *
 * Deterministic for a seed like a session. Closed alerts are not kept.
 */
#ifndef CC_SIM_POPULATION_H
#define CC_SIM_POPULATION_H

#include <stdint.h>

#include "sim/world.h"

struct sim_population;

/*
 * N residents (1 to 1,000,000) with SEED, the clock at CLOCK0_S seconds after
 * midnight. Returns 0 or SIM_WORLD_NOMEM.
 */
int sim_population_new(int n, uint64_t seed, int clock0_s, struct sim_population **out)
    __attribute__((warn_unused_result));

void sim_population_free(struct sim_population **p);

/* Advances by MS simulated milliseconds (whole ticks). 0, or the world's error. */
int sim_population_step(struct sim_population *p, int64_t ms) __attribute__((warn_unused_result));

/* The world, for counts and checks. */
const struct sim_world *sim_population_world(const struct sim_population *p);

/* What the night staff did: alerts acknowledged and closed. */
void sim_population_counts(const struct sim_population *p, uint64_t *acknowledged,
                           uint64_t *closed);

#endif
