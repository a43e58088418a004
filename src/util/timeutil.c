#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

int64_t time_now(void)
{
    return (int64_t)time(NULL);
}

uint64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void time_iso8601(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int time_parse_iso8601(const char *s, int64_t *ms)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    const char *p = s + 10;
    int64_t offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec))
                return -1;
            p += 3;
            if (*p == '.' || *p == ',') {
                int n = 0, scale = 100;
                for (p++; *p >= '0' && *p <= '9'; p++, n++) {
                    frac += (*p - '0') * scale;
                    scale /= 10;
                }
                if (!n)
                    return -1;
            }
        }
        if (h > 24 || mi > 59 || sec > 60)
            return -1;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            const char *q = p + 1;
            if (digits(q, 2, &oh))
                return -1;
            q += 2;
            if (*q == ':')
                q++;
            if (digits(q, 2, &om))
                return -1;
            offset = (int64_t)(oh * 60 + om) * 60000 * (*p == '-' ? -1 : 1);
            p = q + 2;
        } else if (*p) {
            return -1;
        }
    }
    if (*p)
        return -1;
    int64_t days = days_from_civil(y, mo, d);
    *ms = ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + frac - offset;
    return 0;
}

void time_format_ms(int64_t ms, char out[25])
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[21];
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 25, "%.19s.%03uZ", date, (unsigned)((ms - (int64_t)t * 1000) % 1000));
}
