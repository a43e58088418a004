#include "auth/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

#define SLOTS   8192 /* a power of two */
#define PROBE   8
#define KEY_MAX 96

struct slot {
    uint32_t hash; /* of the whole key: long keys are stored cut short */
    char key[KEY_MAX];
    int64_t start; /* when this window began; 0: free */
    int count;
};

struct auth_ratelimit {
    pthread_mutex_t lock;
    int max, window;
    struct slot slots[SLOTS];
};

struct auth_ratelimit *auth_ratelimit_new(int max, int window)
{
    struct auth_ratelimit *rl = cc_calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->lock, NULL);
    rl->max = max;
    rl->window = window;
    return rl;
}

void auth_ratelimit_free(struct auth_ratelimit **rl)
{
    if (!*rl)
        return;
    pthread_mutex_destroy(&(*rl)->lock);
    cc_free(*rl);
    *rl = NULL;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/*
 * The slot of KEY, or with CREATE a new one: a free or expired slot among the
 * probes, else the one whose window started first (the table forgets the
 * oldest failures first when it is full).
 */
static struct slot *find(struct auth_ratelimit *rl, const char *key, int64_t now, int create)
{
    uint32_t h = hash(key);
    struct slot *victim = NULL;
    int64_t victim_rank = 0;
    for (int i = 0; i < PROBE; i++) {
        struct slot *s = &rl->slots[(h + (uint32_t)i) & (SLOTS - 1)];
        if (s->start && s->hash == h && strncmp(s->key, key, KEY_MAX - 1) == 0)
            return s;
        /* Free and expired slots rank first, then the oldest window. */
        int64_t rank = !s->start || s->start + rl->window <= now ? INT64_MIN : s->start;
        if (!victim || rank < victim_rank) {
            victim = s;
            victim_rank = rank;
        }
    }
    if (!create)
        return NULL;
    snprintf(victim->key, sizeof(victim->key), "%s", key);
    victim->hash = h;
    victim->start = now;
    victim->count = 0;
    return victim;
}

int auth_ratelimit_wait(struct auth_ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->lock);
    struct slot *s = find(rl, key, now, 0);
    int wait = 0;
    if (s && s->count >= rl->max && s->start + rl->window > now)
        wait = (int)(s->start + rl->window - now);
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

void auth_ratelimit_fail(struct auth_ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->lock);
    struct slot *s = find(rl, key, now, 1);
    if (s->start + rl->window <= now) {
        s->start = now;
        s->count = 0;
    }
    s->count++;
    pthread_mutex_unlock(&rl->lock);
}

void auth_ratelimit_clear(struct auth_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->lock);
    struct slot *s = find(rl, key, 0, 0);
    if (s)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&rl->lock);
}
