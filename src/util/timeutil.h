/* Clocks and timestamps. */
#ifndef CC_UTIL_TIMEUTIL_H
#define CC_UTIL_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

/* Seconds since the epoch (wall clock). */
int64_t time_now(void);

/* Monotonic nanoseconds, for durations. */
uint64_t time_mono_ns(void);

/* Writes T as "2026-11-29T12:00:00Z" into OUT (at least 21 bytes). */
void time_iso8601(int64_t t, char out[21]);

/*
 * Parses an ISO 8601 / RFC 3339 date-time ("2026-11-29T12:00:00Z",
 * "2026-11-29T20:00:00.5+08:00", a date alone as midnight UTC) into
 * milliseconds since the epoch, UTC. Returns 0, or -1 when malformed.
 */
int time_parse_iso8601(const char *s, int64_t *ms) __attribute__((warn_unused_result));

/* Writes MS as "2026-11-29T12:00:00.123Z" into OUT (at least 25 bytes). */
void time_format_ms(int64_t ms, char out[25]);

/* Milliseconds since the epoch (wall clock). */
int64_t time_now_ms(void);

#endif
