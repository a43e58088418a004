#include "sim/alert.h"

#include <string.h>

#include "util/alloc.h"
#include "util/banned.h"

void sim_alerts_init(struct sim_alerts *q, size_t max, int keep_closed)
{
    static const int64_t ack[SIM_NPRIOS] = SIM_ACK_MS_DEFAULT;
    memset(q, 0, sizeof(*q));
    q->max = max;
    q->next_id = 1;
    q->keep_closed = keep_closed;
    memcpy(q->ack_ms, ack, sizeof(q->ack_ms));
}

void sim_alerts_release(struct sim_alerts *q)
{
    cc_free(q->a);
    q->a = NULL;
    q->n = q->cap = 0;
}

int sim_alerts_raise(struct sim_alerts *q, int kind, int resident, int priority, int detail,
                     int64_t now, struct sim_alert **out)
{
    if (q->n >= q->max)
        return SIM_ALERTS_FULL;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        if (cap > q->max)
            cap = q->max;
        struct sim_alert *a = cc_realloc(q->a, cap * sizeof(*a));
        if (!a)
            return SIM_ALERTS_NOMEM;
        q->a = a;
        q->cap = cap;
    }
    struct sim_alert *a = &q->a[q->n++];
    memset(a, 0, sizeof(*a));
    a->id = q->next_id++;
    a->kind = kind;
    a->resident = resident;
    a->priority = priority;
    a->state = SIM_ALERT_OPEN;
    a->detail = detail;
    a->reason = -1;
    a->raised_ms = now;
    a->ack_ms = a->closed_ms = -1;
    a->next_escalation_ms = now + q->ack_ms[priority];
    if (out)
        *out = a;
    return SIM_ALERTS_OK;
}

struct sim_alert *sim_alerts_find(struct sim_alerts *q, int kind, int resident, int open_only)
{
    for (size_t i = 0; i < q->n; i++) {
        struct sim_alert *a = &q->a[i];
        if (kind >= 0 && a->kind != kind)
            continue;
        if (resident >= 0 && a->resident != resident)
            continue;
        if (a->state == SIM_ALERT_OPEN || (!open_only && a->state == SIM_ALERT_ACKNOWLEDGED))
            return a;
    }
    return NULL;
}

struct sim_alert *sim_alerts_get(struct sim_alerts *q, int id)
{
    /* Ids grow with the index unless closed alerts were dropped; look from the likely place. */
    if (id >= 1 && (size_t)id <= q->n && q->a[id - 1].id == id)
        return &q->a[id - 1];
    for (size_t i = 0; i < q->n; i++)
        if (q->a[i].id == id)
            return &q->a[i];
    return NULL;
}

void sim_alerts_ack(struct sim_alert *a, int64_t now)
{
    if (a->state != SIM_ALERT_OPEN)
        return;
    a->state = SIM_ALERT_ACKNOWLEDGED;
    a->ack_ms = now;
}

void sim_alerts_close(struct sim_alerts *q, struct sim_alert *a, int reason, int64_t now)
{
    (void)q;
    if (a->state == SIM_ALERT_DISMISSED || a->state == SIM_ALERT_CLEARED)
        return;
    a->state = reason >= 0 ? SIM_ALERT_DISMISSED : SIM_ALERT_CLEARED;
    a->reason = reason;
    a->closed_ms = now;
}

void sim_alerts_upgrade(struct sim_alert *a, int priority, const struct sim_alerts *q, int64_t now)
{
    if (priority <= a->priority)
        return;
    a->priority = priority;
    if (a->state == SIM_ALERT_OPEN)
        a->next_escalation_ms = now + q->ack_ms[priority];
}

void sim_alerts_tick(struct sim_alerts *q, int64_t now,
                     void (*on_escalate)(void *ctx, const struct sim_alert *a), void *ctx)
{
    size_t keep = 0;
    for (size_t i = 0; i < q->n; i++) {
        struct sim_alert *a = &q->a[i];
        if (a->state == SIM_ALERT_OPEN && a->escalations < SIM_MAX_ESCALATIONS &&
            now >= a->next_escalation_ms) {
            a->escalations++;
            a->next_escalation_ms = now + q->ack_ms[a->priority];
            if (on_escalate)
                on_escalate(ctx, a);
        }
        if (!q->keep_closed && (a->state == SIM_ALERT_DISMISSED || a->state == SIM_ALERT_CLEARED))
            continue;
        if (keep != i)
            q->a[keep] = *a;
        keep++;
    }
    q->n = keep;
}

size_t sim_alerts_active(const struct sim_alerts *q)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        n += q->a[i].state == SIM_ALERT_OPEN || q->a[i].state == SIM_ALERT_ACKNOWLEDGED;
    return n;
}
