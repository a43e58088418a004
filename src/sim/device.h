/*
 * The devices of a resident's room: a wearable (heart rate, SpO2, skin
 * temperature and battery once a second; a tri-axial accelerometer at 50 Hz
 * fed through the fall detector of care/fall.h, as on the device), a bed
 * sensor (presence, movement, heart and respiration rate by
 * ballistocardiography), a door sensor and a call button. Faults and
 * artefacts: a loose strap (optical readings low and erratic), a wearable
 * taken off or dropped (an impact, then lying still: the detector cannot tell
 * it from a fall), a low battery, a lost connection.
 *
 * The accelerometer is synthesised from what the resident is doing (gravity
 * along the trunk when upright, across it when lying; a gait cycle when
 * walking; tremor in Parkinson's; movements in bed) in whole milli-g, from
 * the resident's own random stream. No I/O, no allocation.
 */
#ifndef CC_SIM_DEVICE_H
#define CC_SIM_DEVICE_H

#include <stdint.h>

#include "care/fall.h"
#include "sim/physio.h"
#include "sim/rng.h"

#define SIM_TICK_MS       20    /* 50 Hz: the accelerometer's rate and the engine's step */
#define SIM_OFFLINE_MS    60000 /* no data for this long: the device is offline */
#define SIM_LOW_BATTERY_U (15 * SIM_U)

enum sim_fit {
    SIM_FIT_WORN = 0,
    SIM_FIT_LOOSE, /* on the wrist, but the optical sensor loses contact */
    SIM_FIT_OFF,   /* off the body, lying still */
};

/* A scripted movement of the accelerometer: a fall, or the wearable dropping. */
enum sim_accel_seq {
    SIM_SEQ_NONE = 0,
    SIM_SEQ_FALL,
    SIM_SEQ_DROP,
};

struct sim_wearable {
    int present;
    int fit;           /* enum sim_fit */
    int connected;     /* 0 after a disconnect fault, until restarted */
    int64_t battery_u; /* µ% */
    int64_t drain_u_per_h;
    int64_t last_data_ms; /* the last time data reached the platform; -1 never */
    int hr, spo2;         /* the last readings, whole units; -1 none */
    int quality;          /* signal quality of the optical sensor, 0–100 */
    int skin_temp;        /* tenths of a °C; -1 none */
    int64_t skin_u;       /* skin temperature, lagged, µ°C */
    int seq;              /* enum sim_accel_seq */
    int64_t seq_start_ms;
    int peak_mg;
    int64_t burst_until_ms; /* a movement in bed or chair until then */
    struct fall_detector det;
};

struct sim_bed_sensor {
    int present;
    int connected;
    int presence; /* what the sensor sees now */
    int hr, rr;   /* the last readings, whole units; -1 none */
    int movement; /* 0–100 */
    int64_t last_data_ms;
};

/* Sets up a wearable with BATTERY per cent and the fall detector's defaults. */
void sim_wearable_init(struct sim_wearable *w, int present, int battery);

/* 1 when the wearable is sending (present, connected, battery left). */
int sim_wearable_online(const struct sim_wearable *w);

/*
 * One accelerometer sample (milli-g) at T_MS of a resident doing ACTIVITY
 * in POSITION with CONDITIONS (Parkinson's tremor), worn as the wearable's fit
 * says. Runs a scripted sequence when one is under way.
 */
void sim_accel_sample(struct sim_wearable *w, int activity, int position, uint32_t conditions,
                      int64_t t_ms, struct sim_rng *r, int32_t out[3]);

/* Starts a scripted movement (a fall with PEAK_MG at its impact, or a drop) at T_MS. */
void sim_accel_start(struct sim_wearable *w, int seq, int peak_mg, int64_t t_ms);

/*
 * Once a second at T_MS: the optical readings from the body P (or their
 * artefacts), skin temperature, battery. Sets last_data_ms when online.
 */
void sim_wearable_second(struct sim_wearable *w, const struct sim_physio *p, int64_t t_ms,
                         struct sim_rng *r);

/* Once a second: presence, movement and, with someone in bed, heart and respiration rate. */
void sim_bed_second(struct sim_bed_sensor *b, const struct sim_physio *p, int in_bed, int64_t t_ms,
                    struct sim_rng *r);

#endif
