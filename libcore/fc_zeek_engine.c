/* fc_zeek_engine.c - Zeek's connection table as an engine of the replay
 * driver: each record the table logs becomes an ENDED event, so every
 * writer, counter and tool that takes the tracker's events takes these. */
#include <string.h>
#include "fc_engine.h"
#include "fc_event.h"
#include "fc_key.h"

/* Why a record is logged at time ts, in the tracker's terms: the close
 * timer after a RST or FIN, else inactivity (or the end of input). */
static fc_end_reason rec_reason(const fc__engine *e, const fc_zeek_rec *r, fc_ts ts)
{
    if (e->at_end)
        return FC_END_EOF;
    if (r->close_at && ts == r->close_at)
        return (r->ep[0].state == FC_ZEEK_TCP_RESET || r->ep[1].state == FC_ZEEK_TCP_RESET)
                   ? FC_END_RST
                   : FC_END_FIN;
    return FC_END_IDLE_TIMEOUT;
}

void fc__zeek_engine_rec(void *ctx, const fc_zeek_rec *r)
{
    fc__engine *e = ctx;
    fc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = FC_EV_ENDED;
    ev.ts = e->at_end ? e->clock : fc_zeek_rec_deadline(r);
    /* Zeek's orientation: the originator it chose is the initiator */
    ev.init_orient =
        fc_key_make(&ev.key, r->family, r->orig_h, r->orig_p, r->resp_h, r->resp_p, r->proto);
    ev.reason = rec_reason(e, r, ev.ts);
    ev.state = FC_STATE_ACTIVE;
    ev.stats.started = r->start;
    ev.stats.last_seen = r->last;
    for (int i = 0; i < 2; i++) {
        ev.stats.packets[i] = r->ep[i].pkts;
        ev.stats.bytes[i] = r->ep[i].ip_bytes; /* IP bytes: Zeek keeps no wire length */
    }
    ev.user = r;
    e->emit(e->emit_ctx, &ev);
}
