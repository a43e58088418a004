/*
 * Logging: one line per event on stderr, "2026-11-29T12:00:00Z info message".
 * Messages are lower-case without a trailing period and never carry personal
 * data (no names, logins, passwords or tokens). The macros do not evaluate
 * their arguments when the level is below the threshold (as in redis).
 */
#ifndef CC_UTIL_LOG_H
#define CC_UTIL_LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR, LOG_LEVEL_OFF };

extern enum log_level log_threshold;

/* Sets the threshold below which nothing is written. */
void log_set_level(enum log_level level);

/*
 * Buffers lines in memory and writes them at most every 250 ms (or when 64 KiB
 * have gathered) from a background thread, so a busy server does not pay a
 * write(2) per request. log_flush_stop() writes what is left and ends it.
 * Returns 0, or -1 when the thread cannot start (lines are then written at once).
 */
int log_flush_start(void);
void log_flush_stop(void);

/* Writes one line; use the macros instead. */
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_AT(level, ...)                                                                         \
    do {                                                                                           \
        if ((level) >= log_threshold)                                                              \
            log_write((level), __VA_ARGS__);                                                       \
    } while (0)
#define LOG_DEBUG(...) LOG_AT(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define LOG_INFO(...)  LOG_AT(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_WARN(...)  LOG_AT(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_ERROR(...) LOG_AT(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
