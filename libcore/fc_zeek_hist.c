/* fc_zeek_hist.c - a Zeek record's history letters that both the TCP
 * path (fc_zeek_tcp.c) and the record's own packet code (fc_zeek_rec.c)
 * write: the scaled letters (1st, 10th, 100th ...) and the '^' of a
 * role flip; and the history as a string.
 *
 * A file of its own so that neither of those two imports the other for
 * them. */
#include <string.h>
#include "fc_zeek.h"
#include "fc_zeek_int.h"

void fc__zeek_scaled(fc_zeek_rec *r, int role, int which, char code)
{
    /* 10^thr for thr 0..9: Zeek's threshold grows tenfold while it fits
     * in 32 bits, then stays at 10^9 */
    static const uint32_t p10[16] = {1,         10,         100,       1000,
                                     10000,     100000,     1000000,   10000000,
                                     100000000, 1000000000};
    fc_zeek_ep *e = &r->ep[role];
    unsigned sh = (unsigned)which * 4, x = (e->thr >> sh) & 15;
    if (++r->lt[role].cnt[which] == p10[x]) {
        fc__zeek_hist_add(r, role ? fc__zeek_lower(code) : code);
        if (x < 9)
            e->thr = (uint16_t)(e->thr + (1u << sh));
    }
}

void fc__zeek_flip(fc_zeek_rec *r)
{
    uint8_t h[16];
    fc_zeek_ep e;
    fc_zeek_eplt l;
    fc_zeek_gaps g;
    uint16_t p;
    memcpy(h, r->orig_h, 16);
    memcpy(r->orig_h, r->resp_h, 16);
    memcpy(r->resp_h, h, 16);
    p = r->orig_p;
    r->orig_p = r->resp_p;
    r->resp_p = p;
    e = r->ep[0];
    r->ep[0] = r->ep[1];
    r->ep[1] = e;
    l = r->lt[0];
    r->lt[0] = r->lt[1];
    r->lt[1] = l;
    g = r->gap[0];
    r->gap[0] = r->gap[1];
    r->gap[1] = g;
    fc__zeek_hist_add(r, '^');
}

void fc_zeek_history(const fc_zeek_rec *r, char *buf, size_t cap)
{
    size_t n = r->hist_len < cap ? r->hist_len : cap - 1;
    memcpy(buf, r->hist, n);
    buf[n] = '\0';
}
