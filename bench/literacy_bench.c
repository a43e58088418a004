/*
 * The adaptive test's hot path on a 1,000-item bank: after each answer, the
 * EAP update of theta (61 quadrature nodes) and the choice of the next item
 * (content balancing, competence spread, maximum information, randomesque),
 * exactly as src/literacy/cat.c runs them for a live test. Measured over many
 * simulated test-takers, each answer timed on its own; the reference, in the
 * same run, is a plain loop over the same bank that only sums a number of
 * every item (the least any selection must do: look at each item once).
 *
 *   bench_literacy [ITEMS] [TESTS] [SEED]     (default 1000 2000 1)
 *
 * Prints the mean, median and 99th percentile per answer, the plain loop's
 * time and the ratio; exits 0 (a measurement, not a test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literacy/cat.h"
#include "util/timeutil.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    size_t nitems = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
    size_t ntests = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    if (nitems == 0 || ntests == 0) {
        fprintf(stderr, "usage: bench_literacy [ITEMS] [TESTS] [SEED]\n");
        return 2;
    }
    struct literacy_pool pool;
    struct literacy_settings s;
    struct literacy_cat c;
    struct literacy_rng rng;
    literacy_settings_default(&s);
    if (literacy_pool_synthetic(&pool, nitems, seed) || literacy_cat_init(&c, &pool, &s, seed)) {
        fprintf(stderr, "bench_literacy: out of memory\n");
        return 1;
    }
    literacy_rng_seed(&rng, seed);
    size_t cap = ntests * (size_t)s.max_items, n = 0;
    uint64_t *t = malloc(cap * sizeof(*t));
    if (!t)
        return 1;
    volatile size_t sink = 0;
    for (size_t j = 0; j < ntests; j++) {
        double truth = literacy_rng_normal(&rng);
        literacy_cat_release(&c);
        if (literacy_cat_init(&c, &pool, &s, literacy_rng_next(&rng)))
            return 1;
        size_t i;
        if (literacy_cat_next(&c, &i))
            break;
        while (n < cap) {
            int k = literacy_rng_response(&rng, &pool.items[i].irt, truth);
            /* One answer: theta updated, the stopping rule checked, the next item chosen. */
            uint64_t t0 = time_mono_ns();
            literacy_cat_answer(&c, i, NULL, k);
            enum literacy_stop stop = literacy_cat_stop(&c);
            int none = stop != LITERACY_CONTINUE || literacy_cat_next(&c, &i);
            t[n++] = time_mono_ns() - t0;
            sink += i;
            if (none)
                break;
        }
    }
    /* The reference: a loop over the same bank summing one number of every item. */
    size_t reps = 20000;
    double sum = 0;
    uint64_t r0 = time_mono_ns();
    for (size_t r = 0; r < reps; r++) {
        for (size_t q = 0; q < pool.n; q++)
            sum += pool.items[q].irt.a;
        __asm__ volatile("" : : "g"(&sum) : "memory");
    }
    double plain = (double)(time_mono_ns() - r0) / reps;
    qsort(t, n, sizeof(*t), cmp_u64);
    double mean = 0;
    for (size_t q = 0; q < n; q++)
        mean += (double)t[q];
    mean /= n ? (double)n : 1;
    double median = n ? (double)t[n / 2] : 0, p99 = n ? (double)t[n * 99 / 100] : 0;
    printf("literacy CAT: %zu-item bank (made-up, seed %llu), %zu simulated tests, %zu answers\n",
           pool.n, (unsigned long long)seed, ntests, n);
    printf("  theta update + next item   mean %.2f us   median %.2f us   p99 %.2f us   "
           "(target < 100 us: %s)\n",
           mean / 1000, median / 1000, p99 / 1000, p99 < 100000 ? "met" : "NOT met");
    printf("  plain loop over the bank   %.2f us (summing one number of each item)\n",
           plain / 1000);
    printf("  ratio                      %.1f x the plain loop (mean), %.1f x (p99)\n",
           mean / plain, p99 / plain);
    if (sum < 0 || sink == (size_t)-1)
        printf("\n");
    free(t);
    literacy_cat_release(&c);
    literacy_pool_release(&pool);
    return 0;
}
