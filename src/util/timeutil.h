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

#endif
