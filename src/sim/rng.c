#include "sim/rng.h"

#include "util/banned.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL) ^ 0x2545f4914f6cdd1dULL;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    /* xoshiro must not start from all zeros; splitmix64 practically never gives that. */
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t sim_rng_below(struct sim_rng *r, uint32_t n)
{
    /* Lemire's multiply-shift: the bias is below 2^-32 for any n < 2^32. */
    return (uint32_t)(((sim_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t sim_rng_gauss(struct sim_rng *r, int64_t sd)
{
    uint64_t x = sim_rng_next(r);
    int64_t sum = (int64_t)(x & 0xffff) + (int64_t)((x >> 16) & 0xffff) +
                  (int64_t)((x >> 32) & 0xffff) + (int64_t)(x >> 48);
    /* The sum has mean 131070 and standard deviation 65536 * sqrt(4 / 12) = 37837.2. */
    return (sum - 131070) * sd / 37837;
}

int sim_rng_chance(struct sim_rng *r, uint32_t per_million)
{
    return sim_rng_below(r, 1000000) < per_million;
}
