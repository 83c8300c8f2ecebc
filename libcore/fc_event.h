/* fc_event.h - what the tracker reports, and the per-flow statistics.
 *
 * An event is a plain value: it holds copies of the key, stats and
 * history, so it stays meaningful after its flow is gone. Events handed
 * out by the tracker are owned by it and valid until the next call on
 * that tracker; copy what you keep. */
#ifndef FC_EVENT_H
#define FC_EVENT_H

#include <stdint.h>
#include "fc_export.h"
#include "fc_history.h"
#include "fc_key.h"
#include "fc_tcp.h"
#include "fc_time.h"

typedef enum {
    FC_EV_STARTED = 0,
    FC_EV_PACKET,
    FC_EV_ESTABLISHED,
    FC_EV_STATE_CHANGE,
    FC_EV_ENDED,
    FC_EV_COUNT
} fc_event_type;

typedef enum {
    FC_END_NONE = 0,
    FC_END_FIN,
    FC_END_RST,
    FC_END_IDLE_TIMEOUT,
    FC_END_EVICTED,
    FC_END_EOF,
    FC_END_COUNT
} fc_end_reason;

typedef struct fc_flow_stats {
    fc_ts started;
    fc_ts last_seen;
    uint64_t packets[2]; /* indexed by fc_side */
    uint64_t bytes[2];   /* wire lengths as given by the caller */
} fc_flow_stats;

typedef struct fc_event {
    fc_event_type type;
    fc_ts ts;            /* packet time; for sweep ends, the sweep's `now` */
    fc_key key;          /* canonical key */
    fc_orient init_orient; /* orientation of the initiator's packets */
    fc_side side;        /* PACKET; STARTED is always the initiator */
    uint32_t len;        /* PACKET: wire length */
    fc_state from, to;   /* STATE_CHANGE (ESTABLISHED: to = ESTABLISHED) */
    fc_end_reason reason;/* ENDED */
    fc_state state;      /* flow state after this event */
    fc_flow_stats stats; /* ENDED only: the final counters */
    fc_history history;  /* ENDED only: the final history */
    const void *user;    /* ENDED: the flow's user state (NULL if none);
                            valid as long as the event */
} fc_event;

/* Output names: "started", "packet", "established", "state_change",
 * "ended"; "fin", "rst", "idle_timeout", "evicted", "eof" ("" for NONE). */
FC_API const char *fc_event_type_name(fc_event_type t);
FC_API const char *fc_end_reason_name(fc_end_reason r);
FC_API int fc_event_type_parse(const char *s, size_t len);   /* -1 if unknown */
FC_API int fc_end_reason_parse(const char *s, size_t len);   /* -1 if unknown */

/* The key in initiator orientation: orig = initiator. Address pointers
        * point into ev->key. */
static inline void fc_event_endpoints(const fc_event *ev, const uint8_t **orig_h,
                                             uint16_t *orig_p, const uint8_t **resp_h,
                                             uint16_t *resp_p)
{
           const fc_key *k = &ev->key;
    if (ev->init_orient == FC_FORWARD) {
        *orig_h = k->a; *orig_p = k->port_a; *resp_h = k->b; *resp_p = k->port_b;
    } else {
        *orig_h = k->b; *orig_p = k->port_b; *resp_h = k->a; *resp_p = k->port_a;
    }
}

#endif
