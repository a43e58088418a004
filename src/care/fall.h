/*
 * A streaming fall detector for a body-worn tri-axial accelerometer, of the
 * classic threshold kind: an impact peak of the sum-vector magnitude
 * (SVM = sqrt(ax² + ay² + az²)), optionally preceded by a free-fall dip, then
 * the wearer lying still — a low spread of the SVM and a gravity vector far
 * from the upright axis — for a while soon after. Sitting down hard has the
 * peak but stays upright; lying down slowly has the posture but no peak.
 *
 * Feed samples one at a time, at any rate and with any jitter; the detector
 * returns what it decided through an out-array, never calls anything, and
 * allocates nothing: its memory is the struct, with a ring of time bins
 * (FALL_BIN_MS wide) for the stillness window, so that one second of data
 * costs the same at 10 Hz or at 1 kHz. docs/care.md explains the algorithm
 * and its parameters; the device lab evaluates it on recordings.
 */
#ifndef CC_CARE_FALL_H
#define CC_CARE_FALL_H

#include <stdint.h>

enum fall_err {
    FALL_OK = 0,
    FALL_ERR_PARAMS = -1, /* a parameter is out of its range (fall_params_validate) */
    FALL_ERR_TIME = -2,   /* the sample is earlier than the one before, or |t| > FALL_MAX_T */
    FALL_ERR_VALUE = -3,  /* an acceleration is not a number, infinite or beyond FALL_MAX_G */
};

#define FALL_BIN_MS     100.0 /* the width of a stillness bin */
#define FALL_MAX_BINS   300   /* so still_ms is at most 30 s */
#define FALL_MAX_EVENTS 2     /* the most events one sample can cause */
#define FALL_MAX_G      1000.0
#define FALL_MAX_T      1e15 /* ms, about 31,700 years: room for Unix times */

/*
 * The parameters, with the defaults of fall_params_default. Times are in
 * milliseconds, accelerations in g (9.81 m/s²).
 */
struct fall_params {
    double impact_g;           /* 3.0: an SVM at or above this is an impact peak */
    double freefall_g;         /* 0.6: an SVM below this is a free-fall dip */
    int require_freefall;      /* 0: when 1, only an impact after a dip counts */
    double freefall_window_ms; /* 1000: how long before the impact the dip may be */
    double settle_ms;          /* 1000: after the impact, time for the body to come to rest,
                                  during which the peak is still tracked */
    double still_ms;           /* 2000: how long the wearer must lie still (rounded up to whole
                                  bins) */
    double window_ms;          /* 10000: from the impact, the time by which that stillness must
                                  have been seen; at least settle_ms + still_ms */
    double still_sd_g;         /* 0.10: the SVM's standard deviation at or below which the
                                  wearer is still */
    double lying_deg;          /* 60: the angle between gravity and the upright axis at or
                                  above which the wearer is lying */
    double up[3];              /* {0, 1, 0}: the device axis that points along the trunk when
                                  the wearer stands (either way: a device worn upside down
                                  reads the same) */
    double max_gap_ms;         /* 1000: samples further apart than this are a gap in the data;
                                  stillness is only judged on data without gaps */
};

/* One accelerometer sample. */
struct fall_sample {
    double t_ms; /* time; never earlier than the sample before */
    double ax, ay, az;
};

enum fall_event_kind {
    FALL_EVENT_IMPACT = 1,    /* an impact peak: a candidate fall is being watched */
    FALL_EVENT_FALL = 2,      /* the candidate was followed by lying still: a fall */
    FALL_EVENT_DISMISSED = 3, /* the candidate was not a fall (see the reason) */
};

enum fall_dismiss {
    FALL_DISMISS_NONE = 0,
    FALL_DISMISS_UPRIGHT = 1,    /* still but upright (sat down hard) */
    FALL_DISMISS_ACTIVE = 2,     /* never still long enough (walked on, got up) */
    FALL_DISMISS_NO_DATA = 3,    /* gaps left no stillness window to judge */
    FALL_DISMISS_END = 4,        /* the stream ended before a decision (fall_detector_finish) */
    FALL_DISMISS_NEW_IMPACT = 5, /* a new impact after settling started a new candidate */
};

/* What the detector decided. */
struct fall_event {
    enum fall_event_kind kind;
    double t_ms;              /* the time of the sample on which it was decided */
    double impact_ms;         /* the time of the impact that started the candidate */
    double peak_g;            /* the highest SVM from the impact to the end of settling */
    int freefall;             /* 1: a free-fall dip came before the impact */
    double angle_deg;         /* FALL, DISMISSED: the angle of gravity from the upright axis in
                                 the last stillness window judged, 0–90 (-1: none judged) */
    double sd_g;              /* FALL, DISMISSED: the SVM's standard deviation in that window
                                 (-1: none judged) */
    enum fall_dismiss reason; /* DISMISSED: why */
};

/* A time bin of the stillness window: running mean and M2 (Welford) of the SVM. */
struct fall_bin {
    uint64_t n;
    double mean, m2;
    double axis[3]; /* the mean acceleration vector */
};

/*
 * The detector's state; its fields are private. It holds everything it needs,
 * so it can live on the stack or inside another struct.
 */
struct fall_detector {
    struct fall_params p;
    double up_norm;
    int nbins;
    int have_sample;
    double last_t;
    int64_t bin;  /* the index (floor(t / FALL_BIN_MS)) of the bin being filled */
    int cur;      /* its slot in the ring */
    double run_t; /* the time of the first sample since the last gap */
    int have_freefall;
    double freefall_t;
    int pending; /* a candidate is being watched */
    double impact_t, peak_g;
    int impact_freefall;
    int judged, saw_upright; /* a window was judged; one was still but upright */
    double angle_deg, sd_g;  /* of the last window judged */
    struct fall_bin ring[FALL_MAX_BINS];
};

/* Fills *P with the defaults above. */
void fall_params_default(struct fall_params *p);

/*
 * FALL_OK when every parameter is in its range, else FALL_ERR_PARAMS with
 * *FIELD (when FIELD is not NULL) set to the parameter's name ("impact_g", …).
 * Ranges: impact_g (1, 1000]; freefall_g [0, 1); freefall_window_ms [0, 10000];
 * settle_ms [0, 10000]; still_ms [300, 30000]; window_ms [settle_ms + still_ms,
 * 600000]; still_sd_g (0, 2]; lying_deg (0, 90); up finite and not zero;
 * max_gap_ms (0, 60000].
 */
int fall_params_validate(const struct fall_params *p, const char **field)
    __attribute__((warn_unused_result));

/* Sets up D with parameters P (NULL: the defaults); FALL_ERR_PARAMS when they are not valid. */
int fall_detector_init(struct fall_detector *d, const struct fall_params *p)
    __attribute__((warn_unused_result));

/* Forgets the stream (samples, candidate), keeping the parameters. */
void fall_detector_reset(struct fall_detector *d);

/*
 * Feeds one sample. Returns the number of events written to OUT (0 to
 * FALL_MAX_EVENTS, in the order they happened: a candidate's end comes before
 * a new impact), or a negative enum fall_err, in which case the sample was
 * ignored and the detector is unchanged. Every IMPACT is followed, on this
 * sample or a later one, by exactly one FALL or DISMISSED. A gap longer than
 * max_gap_ms empties the stillness window; a candidate survives it until its
 * window_ms ends.
 */
int fall_detector_feed(struct fall_detector *d, const struct fall_sample *s,
                       struct fall_event out[FALL_MAX_EVENTS]) __attribute__((warn_unused_result));

/*
 * Ends the stream: a candidate still open is dismissed with FALL_DISMISS_END
 * (the bin being filled is not judged, since its window holds less than
 * still_ms of data). Returns the number of events written to OUT (0 or 1).
 * The detector is then reset.
 */
int fall_detector_finish(struct fall_detector *d, struct fall_event out[FALL_MAX_EVENTS]);

/*
 * Stable machine ids: "impact", "fall", "dismissed"; reasons "", "upright",
 * "active", "no_data", "end", "new_impact".
 */
const char *fall_event_id(enum fall_event_kind kind);
const char *fall_dismiss_id(enum fall_dismiss reason);

#endif
