/*
 * The alert queue of the care home's platform: alerts with a kind, a
 * resident, a priority and a life cycle — open, acknowledged, then
 * dismissed by a person (with a reason) or cleared by the engine when the
 * cause has gone — and escalation timers: an alert not acknowledged within
 * the time its priority allows is escalated (to the nurse in charge, then the
 * manager on call), once per interval, at most SIM_MAX_ESCALATIONS times.
 *
 * The rules that raise alerts (NEWS2 bands, falls, bed exits, wandering,
 * devices, tasks) are the world's (world.c); this is the bookkeeping. Alert
 * numbers count from 1 in the order raised, so a run is reproducible.
 */
#ifndef CC_SIM_ALERT_H
#define CC_SIM_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/vocab.h"

#define SIM_MAX_ESCALATIONS 2

/* Default times to acknowledge, by priority (low, normal, high, urgent), ms. */
#define SIM_ACK_MS_DEFAULT                                                                         \
    {                                                                                              \
        900000, 300000, 120000, 60000                                                              \
    }

struct sim_alert {
    int id;       /* 1, 2, … */
    int kind;     /* enum sim_alert_kind */
    int resident; /* index */
    int priority; /* enum sim_priority */
    int state;    /* enum sim_alert_state */
    int detail;   /* news2: the total; fall: peak milli-g; device kinds: the device; tasks: the
                     task's index */
    int reason;   /* dismissed: enum sim_dismiss_reason; else -1 */
    int escalations;
    int64_t raised_ms, ack_ms, closed_ms; /* -1 until it happens */
    int64_t next_escalation_ms;
};

struct sim_alerts {
    struct sim_alert *a;
    size_t n, cap, max; /* max: the most kept at once */
    int next_id;
    int keep_closed; /* 0: closed alerts are dropped (population mode) */
    int64_t ack_ms[SIM_NPRIOS];
};

enum sim_alerts_err {
    SIM_ALERTS_OK = 0,
    SIM_ALERTS_NOMEM = -1,
    SIM_ALERTS_FULL = -2, /* max alerts are kept */
};

/* Sets up an empty queue of at most MAX alerts with the default acknowledgement times. */
void sim_alerts_init(struct sim_alerts *q, size_t max, int keep_closed);
void sim_alerts_release(struct sim_alerts *q);

/*
 * Raises an alert at NOW; *OUT (when not NULL) points at it until the next
 * raise. Its first escalation is due ack_ms[priority] later.
 */
int sim_alerts_raise(struct sim_alerts *q, int kind, int resident, int priority, int detail,
                     int64_t now, struct sim_alert **out) __attribute__((warn_unused_result));

/*
 * The oldest alert of KIND (any kind when < 0) for RESIDENT (any when < 0)
 * that is still open or acknowledged (only open ones with OPEN_ONLY); NULL
 * when there is none.
 */
struct sim_alert *sim_alerts_find(struct sim_alerts *q, int kind, int resident, int open_only);

/* The alert numbered ID, whatever its state; NULL when there is none. */
struct sim_alert *sim_alerts_get(struct sim_alerts *q, int id);

/* Acknowledges A at NOW: its escalation stops. */
void sim_alerts_ack(struct sim_alert *a, int64_t now);

/* Closes A at NOW as dismissed (with REASON) or cleared (REASON < 0). */
void sim_alerts_close(struct sim_alerts *q, struct sim_alert *a, int reason, int64_t now);

/* Raises A's priority to PRIORITY (when higher); the escalation clock restarts. */
void sim_alerts_upgrade(struct sim_alert *a, int priority, const struct sim_alerts *q, int64_t now);

/*
 * Escalates, at NOW, every open alert whose time is up. Calls ON_ESCALATE
 * for each (with the alert after its count went up). Drops closed alerts
 * when the queue does not keep them.
 */
void sim_alerts_tick(struct sim_alerts *q, int64_t now,
                     void (*on_escalate)(void *ctx, const struct sim_alert *a), void *ctx);

/* The number of alerts still open or acknowledged. */
size_t sim_alerts_active(const struct sim_alerts *q);

#endif
