#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "util/banned.h"

enum log_level log_threshold = LOG_LEVEL_INFO;

#define BUFFER_SIZE (64 * 1024)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t flusher;
static int buffering, stopping;
static char buffer[BUFFER_SIZE];
static size_t used;

static void write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to report a failure to log */
        p += w;
        n -= (size_t)w;
    }
}

/* Writes the buffer out; called with the lock held. */
static void flush_locked(void)
{
    write_all(buffer, used);
    used = 0;
}

static void *flush_loop(void *arg)
{
    pthread_mutex_lock(&lock);
    while (!stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&wake, &lock, &until);
        flush_locked();
    }
    flush_locked();
    pthread_mutex_unlock(&lock);
    return NULL;
}

int log_flush_start(void)
{
    pthread_mutex_lock(&lock);
    stopping = 0;
    buffering = pthread_create(&flusher, NULL, flush_loop, NULL) == 0;
    pthread_mutex_unlock(&lock);
    return buffering ? 0 : -1;
}

void log_flush_stop(void)
{
    pthread_mutex_lock(&lock);
    int was = buffering;
    buffering = 0;
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    if (was)
        pthread_join(flusher, NULL);
}

void log_set_level(enum log_level level)
{
    log_threshold = level;
}

void log_write(enum log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error", "off"};
    static __thread time_t stamped;
    static __thread char stamp[32];
    static __thread size_t stamp_len;
    char line[1024];
    time_t now = time(NULL);
    if (now != stamped) {
        struct tm tm;
        gmtime_r(&now, &tm);
        stamp_len = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
        stamped = now;
    }
    memcpy(line, stamp, stamp_len);
    size_t n = stamp_len;
    n += (size_t)snprintf(line + n, sizeof(line) - n, "%s ", names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    n += (size_t)m;
    if (n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    pthread_mutex_lock(&lock);
    if (buffering) {
        if (used + n > sizeof(buffer))
            flush_locked();
        memcpy(buffer + used, line, n);
        used += n;
    } else {
        /* One write(2) per line keeps lines whole when threads log at once. */
        write_all(line, n);
    }
    pthread_mutex_unlock(&lock);
}
