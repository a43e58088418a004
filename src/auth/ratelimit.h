/*
 * Failed-login limits, kept in memory: at most MAX failures per key (an
 * account or an address) in a window of WINDOW seconds. Thread-safe. A restart
 * forgets them, which is acceptable for slowing down guessing.
 */
#ifndef CC_AUTH_RATELIMIT_H
#define CC_AUTH_RATELIMIT_H

#include <stdint.h>

struct auth_ratelimit;

/* A limiter of MAX failures per WINDOW seconds; NULL when out of memory. */
struct auth_ratelimit *auth_ratelimit_new(int max, int window);

/* Frees the limiter and sets *RL to NULL. */
void auth_ratelimit_free(struct auth_ratelimit **rl);

/* Seconds until KEY may try again (0: now). */
int auth_ratelimit_wait(struct auth_ratelimit *rl, const char *key, int64_t now);

/* Counts a failure of KEY. */
void auth_ratelimit_fail(struct auth_ratelimit *rl, const char *key, int64_t now);

/* Forgets KEY's failures (after a successful login). */
void auth_ratelimit_clear(struct auth_ratelimit *rl, const char *key);

#endif
