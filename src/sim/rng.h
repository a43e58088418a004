/*
 * The simulation's own random numbers: xoshiro256** seeded through
 * splitmix64, integers only, so that a seed gives the same stream on every
 * machine and in every build. Each resident has its own stream, derived from
 * the session's seed and its index, so that adding a resident or an action
 * never shifts what another resident does.
 */
#ifndef CC_SIM_RNG_H
#define CC_SIM_RNG_H

#include <stdint.h>

struct sim_rng {
    uint64_t s[4];
};

/* Seeds R from SEED and a STREAM number (e.g. a resident's index). */
void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t sim_rng_next(struct sim_rng *r);

/* A whole number uniform in [0, N) (N > 0), without modulo bias worth speaking of (N < 2^32). */
uint32_t sim_rng_below(struct sim_rng *r, uint32_t n);

/*
 * A whole number of mean 0 and standard deviation about SD (|SD| < 2^31),
 * from the sum of four uniform 16-bit numbers (Irwin–Hall): bell-shaped,
 * bounded at about ±3.5 SD, one draw each.
 */
int64_t sim_rng_gauss(struct sim_rng *r, int64_t sd);

/* 1 with probability PER_MILLION / 1,000,000. */
int sim_rng_chance(struct sim_rng *r, uint32_t per_million);

#endif
