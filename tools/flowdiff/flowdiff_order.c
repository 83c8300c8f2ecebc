/* flowdiff_order.c - the --order strict check: both inputs' events, in
 * file order, must belong to the same flows with the same types; the
 * first position where they do not is kept for the report. Also the
 * flow key as people read it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flowdiff_compare.h"

void fd__key_text(char *buf, size_t cap, const char *proto, size_t pn,
                  const char *oh, size_t ohn, const char *op, size_t opn,
                  const char *rh, size_t rhn, const char *rp, size_t rpn)
{
    int o6 = memchr(oh, ':', ohn) != NULL, r6 = memchr(rh, ':', rhn) != NULL;

    snprintf(buf, cap, "%.*s %s%.*s%s:%.*s -> %s%.*s%s:%.*s", (int)pn, proto,
             o6 ? "[" : "", (int)ohn, oh, o6 ? "]" : "", (int)opn, op,
             r6 ? "[" : "", (int)rhn, rh, r6 ? "]" : "", (int)rpn, rp);
}

static void ev_key_text(const fd_event *e, char *buf, size_t cap)
{
    size_t n[6];
    const char *v[6];
    char st[32];
    size_t used;

    v[0] = fd_ev_val(e, FD_F_PROTO, &n[0]);
    v[1] = fd_ev_val(e, FD_F_ORIG_H, &n[1]);
    v[2] = fd_ev_val(e, FD_F_ORIG_P, &n[2]);
    v[3] = fd_ev_val(e, FD_F_RESP_H, &n[3]);
    v[4] = fd_ev_val(e, FD_F_RESP_P, &n[4]);
    fd__key_text(buf, cap, v[0], n[0], v[1], n[1], v[2], n[2], v[3], n[3], v[4], n[4]);
    fc_ts_format(e->start, st, sizeof st);
    used = strlen(buf);
    snprintf(buf + used, cap - used, " start %s", st);
}

int fd__order_push(fd_order *st, int s, uint64_t fid, const fd_event *ev)
{
    fd_oent *x;

    if (st->n[s] + st->oh[s] == st->ocap) {
        if (st->oh[s] > 0) {
            memmove(st->oq[s], st->oq[s] + st->oh[s], st->n[s] * sizeof(fd_oent));
            st->oh[s] = 0;
        } else {
            size_t nc = st->ocap ? st->ocap * 2 : 64;
            fd_oent *a = realloc(st->oq[0], nc * sizeof(fd_oent));
            if (!a)
                return -1;
            st->oq[0] = a;
            a = realloc(st->oq[1], nc * sizeof(fd_oent));
            if (!a)
                return -1;
            st->oq[1] = a;
            st->ocap = nc;
        }
    }
    x = &st->oq[s][st->oh[s] + st->n[s]++];
    x->fid = fid;
    x->ev.line = ev->line;
    x->ev.seq = ev->seq;
    x->ev.type = ev->type;
    ev_key_text(ev, x->ev.key, sizeof x->ev.key);
    while (st->n[0] && st->n[1]) {
        fd_oent *a = &st->oq[0][st->oh[0]++], *b = &st->oq[1][st->oh[1]++];
        st->n[0]--;
        st->n[1]--;
        st->opos++;
        if (a->fid != b->fid || a->ev.type != b->ev.type) {
            st->sum->order_differs = 1;
            st->sum->order_pos = st->opos;
            st->sum->order_ev[0] = a->ev;
            st->sum->order_ev[1] = b->ev;
            st->on = 0;
            return 0;
        }
    }
    return 0;
}

void fd__order_finish(fd_order *st)
{
    if (!st->on)
        return;
    for (int s = 0; s < 2; s++) {
        if (st->n[s] == 0)
            continue;
        st->sum->order_differs = 1;
        st->sum->order_pos = st->opos + 1;
        st->sum->order_ev[s] = st->oq[s][st->oh[s]].ev;
        st->sum->order_ev[1 - s].type = -1;
    }
}

void fd__order_free(fd_order *st)
{
    free(st->oq[0]);
    free(st->oq[1]);
}
