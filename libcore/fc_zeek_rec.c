/* fc_zeek_rec.c - one Zeek connection record: originator choice, UDP and
 * ICMP accounting, conn_state. TCP is fc_zeek_tcp.c, the history letters
 * both write fc_zeek_hist.c.
 * Section numbers (§) refer to shared/docs/zeek-conn-semantics.md. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fc_error.h"
#include "fc_key.h"
#include "fc_zeek.h"
#include "fc_zeek_int.h"

/* ------------------------------------------------ likely_server_ports */

/* §1.3, the sets the default base scripts register. */
static const uint16_t lsp_tcp_def[] = {
    21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 465, 502, 514, 563,
    585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268,
    3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888,
    20000};
static const uint16_t lsp_udp_def[] = {
    53, 67, 88, 123, 137, 161, 162, 389, 443, 514, 1812, 2123, 2152, 3389, 3544, 4011,
    4754, 4789, 5060, 5072, 5353, 5355, 6081, 20000};
/* Under -b only the tunnel analyzers register ports (no TCP at all). */
static const uint16_t lsp_udp_bare[] = {2123, 2152, 3544, 4789, 5072, 6081};

static int in_list(const uint16_t *l, size_t n, uint16_t p)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] == p)
            return 1;
    return 0;
}

int fc_zeek_likely_server_port(const fc_zeek_opts *o, uint8_t proto, uint16_t port)
{
    int udp = proto == FC_PROTO_UDP;
    if (proto != FC_PROTO_TCP && !udp)
        return 0;
    if (o->ports) /* a user-given set replaces both defaults */
        return (o->ports->bits[udp][port >> 3] >> (port & 7)) & 1;
    if (o->bare)
        return udp && in_list(lsp_udp_bare, sizeof lsp_udp_bare / 2, port);
    return udp ? in_list(lsp_udp_def, sizeof lsp_udp_def / 2, port)
               : in_list(lsp_tcp_def, sizeof lsp_tcp_def / 2, port);
}

static int parse_port(const char **s, unsigned long *out)
{
    char *end;
    if (!isdigit((unsigned char)**s))
        return -1;
    errno = 0;
    *out = strtoul(*s, &end, 10);
    if (errno || *out > 65535)
        return -1;
    *s = end;
    return 0;
}

int fc_zeek_portset_parse(fc_zeek_portset *set, const char *list)
{
    fc_zeek_portset tmp; /* *set stays as it was on an error */
    memset(&tmp, 0, sizeof tmp);
    const char *s = list;
    while (*s) {
        unsigned long lo, hi;
        int which = 3; /* bit 0 tcp, bit 1 udp */
        if (parse_port(&s, &lo) != 0)
            return FC_EFORMAT;
        hi = lo;
        if (*s == '-') {
            s++;
            if (parse_port(&s, &hi) != 0 || hi < lo)
                return FC_EFORMAT;
        }
        if (*s == '/') {
            if (strncmp(s, "/tcp", 4) == 0)
                which = 1;
            else if (strncmp(s, "/udp", 4) == 0)
                which = 2;
            else
                return FC_EFORMAT;
            s += 4;
        }
        for (unsigned long p = lo; p <= hi; p++)
            for (int u = 0; u < 2; u++)
                if (which & (1 << u))
                    tmp.bits[u][p >> 3] |= (uint8_t)(1u << (p & 7));
        if (*s == ',')
            s++;
        else if (*s)
            return FC_EFORMAT;
    }
    *set = tmp;
    return 0;
}

void fc_zeek_opts_default(fc_zeek_opts *o)
{
    memset(o, 0, sizeof *o);
    o->tunnels = 1;
    o->service = 1;
}

/* ------------------------------------------------------------- ports */

/* §1.1: request/response pairs; everything else is one-way. */
static int icmp_counterpart(int v6, uint8_t type)
{
    static const uint8_t p4[][2] = {{8, 0}, {13, 14}, {15, 16}, {10, 9}, {17, 18}};
    static const uint8_t p6[][2] = {{128, 129}, {133, 134}, {135, 136},
                                    {130, 131}, {139, 140}, {144, 145}};
    const uint8_t(*p)[2] = v6 ? p6 : p4;
    size_t n = v6 ? sizeof p6 / 2 : sizeof p4 / 2;
    for (size_t i = 0; i < n; i++) {
        if (p[i][0] == type)
            return p[i][1];
        if (p[i][1] == type)
            return p[i][0];
    }
    return -1;
}

void fc_zeek_ports(const fc_decoded *d, uint16_t *sport, uint16_t *dport, int *oneway)
{
    *oneway = 0;
    if (d->proto == FC_PROTO_ICMP || d->proto == FC_PROTO_ICMPV6) {
        int cp = icmp_counterpart(d->proto == FC_PROTO_ICMPV6, d->icmp_type);
        *sport = d->icmp_type;
        if (cp >= 0) {
            *dport = (uint16_t)cp;
        } else {
            *dport = d->icmp_code;
            *oneway = 1;
        }
    } else if (d->proto == FC_PROTO_TCP || d->proto == FC_PROTO_UDP) {
        *sport = d->sport;
        *dport = d->dport;
    } else {
        *sport = *dport = 0;
    }
}

/* Address equality without a call: is_orig runs on every packet. */
static int addr_eq(const uint8_t *a, const uint8_t *b, int v6)
{
    if (v6) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&a1, a + 8, 8);
        memcpy(&b0, b, 8);
        memcpy(&b1, b + 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    uint32_t x, y;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    return x == y;
}

int fc_zeek_rec_is_orig(const fc_zeek_rec *r, const uint8_t *src, uint16_t sport)
{
    int v6 = r->family == FC_AF_INET6;
    int so = addr_eq(src, r->orig_h, v6);
    if (so && sport == r->orig_p)
        return 1;
    if (sport == r->resp_p && addr_eq(src, r->resp_h, v6))
        return 0;
    return so;
}

/* ------------------------------------------------------------ record */

/* a multiple of 64 (see fc_zeek.h); the hot part within 6 lines */
_Static_assert(sizeof(fc_zeek_rec) == 640, "fc_zeek_rec layout");
_Static_assert(FC__ZEEK_REC_HOT <= 384, "fc_zeek_rec hot part");

static int is_bcast4(const fc_decoded *d)
{
    return d->family == FC_AF_INET && d->dst[0] == 255 && d->dst[1] == 255 &&
           d->dst[2] == 255 && d->dst[3] == 255;
}

/* §1.2(a): should the connection be flipped at creation? */
static int flip_at_creation(const fc_zeek_opts *o, const fc_decoded *d)
{
    if (is_bcast4(d))
        return 0;
    if (d->proto == FC_PROTO_TCP) {
        int syn = d->tcp_flags & FC_TH_SYN, ack = d->tcp_flags & FC_TH_ACK;
        if (syn && !ack)
            return 0;
        if (!fc_zeek_likely_server_port(o, FC_PROTO_TCP, d->sport))
            return 0;
        if (fc_zeek_likely_server_port(o, FC_PROTO_TCP, d->dport))
            return !syn && d->sport < d->dport;
        return 1;
    }
    if (d->proto == FC_PROTO_UDP)
        return fc_zeek_likely_server_port(o, FC_PROTO_UDP, d->sport) &&
               !fc_zeek_likely_server_port(o, FC_PROTO_UDP, d->dport);
    return 0;
}

void fc_zeek_rec_begin(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d, fc_ts ts)
{
    uint16_t sp, dp;
    int oneway;
    /* gap[] is read only below ep.nranges: no need to clear 256 bytes
     * per connection */
    memset(r, 0, FC__ZEEK_REC_HOT);
    fc_zeek_ports(d, &sp, &dp, &oneway);
    r->proto = d->proto;
    r->family = d->family;
    r->oneway = (uint8_t)oneway;
    size_t al = d->family == FC_AF_INET6 ? 16 : 4;
    memcpy(r->orig_h, d->src, al);
    memcpy(r->resp_h, d->dst, al);
    r->orig_p = sp;
    r->resp_p = dp;
    r->start = r->last = ts;
    r->udp_len[0] = r->udp_len[1] = -1;
    /* §5: TCP starts with the UDP timeout until it leaves the handshake */
    r->inactivity = d->proto == FC_PROTO_TCP || d->proto == FC_PROTO_UDP
                        ? fc__zeek_udp_inactivity(o)
                        : fc__zeek_icmp_inactivity(o);
    if (d->proto == FC_PROTO_TCP) {
        int f = d->tcp_flags & (FC_TH_SYN | FC_TH_FIN | FC_TH_RST);
        r->clean_start = f == FC_TH_SYN;
    }
    if (flip_at_creation(o, d))
        fc__zeek_flip(r);
}

static int is_multicast(const fc_zeek_rec *r, const uint8_t *a)
{
    return r->family == FC_AF_INET6 ? a[0] == 0xff : (a[0] & 0xf0) == 0xe0;
}

/* UDP ports Zeek's DNS analyzer is registered for (base scripts). */
static int dns_port(uint16_t p)
{
    return p == 53 || p == 137 || p == 5353 || p == 5355;
}

/* §1.2(c): DNS (first message QR=1 from orig) and NTP (server mode from
 * orig, client mode from resp) flip the roles once. Needs the payload. */
static int app_flip(fc_zeek_rec *r, const fc_zeek_opts *o, const uint8_t *pl, size_t plen,
                    int role)
{
    uint16_t rp = r->resp_p;
    if (o->bare || r->app_seen)
        return 0;
    if (dns_port(rp)) {
        if (plen < 12)
            return 0;
        r->app_seen = 1;
        return (pl[2] & 0x80) && role == 0 && !is_multicast(r, r->resp_h);
    }
    if (rp == 123) {
        if (plen < 48)
            return 0;
        r->app_seen = 1;
        int mode = pl[0] & 7;
        return (mode == 4 && role == 0) || (mode == 3 && role == 1);
    }
    return 0;
}

static void count_pkt(fc_zeek_rec *r, int role, const fc_decoded *d)
{
    r->ep[role].pkts++;
    r->ep[role].ip_bytes += d->ip_len;
}

static void udp_packet(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d,
                       const uint8_t *frame, size_t caplen, fc_ts ts, int role)
{
    const uint8_t *l4 = frame + d->l4_off;
    uint32_t tl = (uint32_t)(d->payload_wire + 8);
    uint16_t ulen = (uint16_t)(l4[4] << 8 | l4[5]), csum = (uint16_t)(l4[6] << 8 | l4[7]);
    int full = d->l4_off + (size_t)tl <= caplen;
    if (!o->ignore_checksums && full) {
        int skip = d->family == FC_AF_INET && csum == 0;
        if (csum == 0 && (d->sport == 4789 || d->dport == 4789))
            skip = 1;
        if (!skip && fc__zeek_l4_csum_bad(d, l4, tl)) {
            fc__zeek_scaled(r, role, FC__ZS_C, 'C');
            return;
        }
    }
    fc__zeek_check_history(r, role, FC__ZH_DATA, 'D');
    if (r->udp_len[role] < 0)
        r->udp_len[role] = 0;
    r->udp_len[role] += ulen >= 8 ? ulen - 8 : 0;
    r->last = ts;
    if (app_flip(r, o, frame + d->payload_off, d->payload_len, role))
        fc__zeek_flip(r);
    count_pkt(r, role, d); /* the pre-flip role, as Zeek (§1.2c quirk) */
}

static void icmp_packet(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d,
                        const uint8_t *frame, size_t caplen, fc_ts ts, int role)
{
    uint32_t tl = (uint32_t)(d->payload_wire + 8);
    int full = d->l4_off + (size_t)tl <= caplen;
    if (full && !o->ignore_checksums && fc__zeek_l4_csum_bad(d, frame + d->l4_off, tl))
        return; /* silently ignored, no letter */
    if (r->udp_len[role] < 0)
        r->udp_len[role] = 0;
    r->udp_len[role] += d->payload_wire;
    r->last = ts;
    if (full)
        count_pkt(r, role, d);
}

void fc_zeek_rec_packet(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d,
                        const uint8_t *frame, size_t caplen, fc_ts ts)
{
    uint16_t sp, dp;
    int oneway, role;
    fc_zeek_ports(d, &sp, &dp, &oneway);
    role = !fc_zeek_rec_is_orig(r, d->src, sp);
    if (!d->has_l4 && (d->proto == FC_PROTO_TCP || d->proto == FC_PROTO_UDP ||
                       d->proto == FC_PROTO_ICMP || d->proto == FC_PROTO_ICMPV6))
        return; /* no transport header: Zeek drops it */
    switch (d->proto) {
    case FC_PROTO_TCP:
        fc__zeek_tcp_packet(r, o, d, frame, caplen, ts, role);
        break;
    case FC_PROTO_UDP:
        udp_packet(r, o, d, frame, caplen, ts, role);
        break;
    case FC_PROTO_ICMP:
    case FC_PROTO_ICMPV6:
        icmp_packet(r, o, d, frame, caplen, ts, role);
        break;
    default:
        r->last = ts;
        count_pkt(r, role, d);
        break;
    }
}

void fc_zeek_rec_service(fc_zeek_rec *r, fc_service *s, const fc_zeek_opts *o,
                         const fc_decoded *d, const uint8_t *frame, size_t caplen, fc_ts ts)
{
    if (!s || r->svc.seen == FC_SERVICE_DONE || !d->payload_len || !d->has_l4 || d->tcp_cut)
        return;
    if (d->proto != FC_PROTO_TCP && d->proto != FC_PROTO_UDP)
        return;
    /* a packet whose checksum fails never reaches Zeek's analyzers; the
     * UDP rules are udp_packet's (no checksum, VXLAN's zero) */
    uint32_t tl = (uint32_t)(d->payload_off - d->l4_off) + d->payload_wire;
    if (!o->ignore_checksums && d->l4_off + (size_t)tl <= caplen) {
        const uint8_t *l4 = frame + d->l4_off;
        int skip = 0;
        if (d->proto == FC_PROTO_UDP) {
            int zero = l4[6] == 0 && l4[7] == 0;
            skip = zero && (d->family == FC_AF_INET || d->sport == 4789 || d->dport == 4789);
        }
        if (!skip && fc__zeek_l4_csum_bad(d, l4, tl))
            return;
    }
    fc_service_packet(s, &r->svc, d, frame, caplen, ts);
}

/* --------------------------------------------------------- reporting */

uint64_t fc_zeek_payload_bytes(const fc_zeek_rec *r, int role)
{
    if (r->proto == FC_PROTO_TCP)
        return fc__zeek_tcp_size(&r->ep[role], &r->ep[!role]);
    if (r->proto == FC_PROTO_UDP || r->proto == FC_PROTO_ICMP || r->proto == FC_PROTO_ICMPV6)
        return r->udp_len[role] > 0 ? (uint64_t)r->udp_len[role] : 0;
    return 0;
}

const char *fc_zeek_proto_name(uint8_t proto)
{
    switch (proto) {
    case FC_PROTO_TCP: return "tcp";
    case FC_PROTO_UDP: return "udp";
    case FC_PROTO_ICMP:
    case FC_PROTO_ICMPV6: return "icmp";
    default: return "unknown_transport";
    }
}

/* The anchored pattern ^\^?S[^HAFGIQ]*R.*$ of conn_state's RSTOS0 row. */
static int hist_rstos0(const fc_zeek_rec *r)
{
    size_t i = 0, n = r->hist_len;
    if (i < n && r->hist[i] == '^')
        i++;
    if (i >= n || r->hist[i] != 'S')
        return 0;
    for (i++; i < n; i++) {
        if (r->hist[i] == 'R')
            return 1;
        if (strchr("HAFGIQ", r->hist[i]))
            return 0;
    }
    return 0;
}

static int inactive(int s)
{
    return s == FC_ZEEK_TCP_INACTIVE || s == FC_ZEEK_TCP_PARTIAL;
}

/* §4.2 */
const char *fc_zeek_conn_state(const fc_zeek_rec *r)
{
    if (r->proto == FC_PROTO_UDP) {
        if (r->udp_len[0] >= 0)
            return r->udp_len[1] >= 0 ? "SF" : "S0";
        return r->udp_len[1] >= 0 ? "SHR" : "OTH";
    }
    if (r->proto != FC_PROTO_TCP)
        return "OTH";
    int os = r->ep[0].state, rs = r->ep[1].state;
    if (rs == FC_ZEEK_TCP_RESET) {
        if (os == FC_ZEEK_TCP_SYN_SENT || os == FC_ZEEK_TCP_SYN_ACK_SENT ||
            (os == FC_ZEEK_TCP_RESET && fc_zeek_payload_bytes(r, 0) == 0 &&
             fc_zeek_payload_bytes(r, 1) == 0))
            return "REJ";
        return inactive(os) ? "RSTRH" : "RSTR";
    }
    if (os == FC_ZEEK_TCP_RESET) {
        if (inactive(rs))
            return hist_rstos0(r) ? "RSTOS0" : "OTH";
        return "RSTO";
    }
    if (os == FC_ZEEK_TCP_CLOSED && rs == FC_ZEEK_TCP_CLOSED)
        return "SF";
    if (os == FC_ZEEK_TCP_CLOSED)
        return inactive(rs) ? "SH" : "S2";
    if (rs == FC_ZEEK_TCP_CLOSED)
        return inactive(os) ? "SHR" : "S3";
    if (os == FC_ZEEK_TCP_SYN_SENT && rs == FC_ZEEK_TCP_INACTIVE)
        return "S0";
    if (os == FC_ZEEK_TCP_ESTABLISHED && rs == FC_ZEEK_TCP_ESTABLISHED)
        return "S1";
    return "OTH";
}

/* §1.4 */
int fc_zeek_rec_is_reuse(const fc_zeek_rec *r, const fc_decoded *d)
{
    if (r->proto != FC_PROTO_TCP || !d->has_l4 || !(d->tcp_flags & FC_TH_SYN))
        return 0;
    const fc_zeek_ep *o = &r->ep[0], *p = &r->ep[1];
    const fc_zeek_ep *ref = o;
    if (d->tcp_flags & FC_TH_ACK) {
        if (o->state != FC_ZEEK_TCP_INACTIVE)
            return 0;
        ref = p;
    }
    if (o->did_close || p->did_close)
        return 1;
    if (d->seq == ref->start_seq)
        return 0;
    /* the SYN/SYN-ACK reversal of §1.2(b) continues this connection */
    if (!(d->tcp_flags & FC_TH_ACK) && o->state == FC_ZEEK_TCP_SYN_ACK_SENT &&
        p->state == FC_ZEEK_TCP_INACTIVE && d->seq == p->start_seq)
        return 0;
    return 1;
}

/* When Zeek removes the connection, leaving the DNS check aside. */
static fc_ts removal(const fc_zeek_rec *r)
{
    fc_ts d = r->last + r->inactivity;
    if (r->close_at && r->close_at < d)
        d = r->close_at;
    if (r->attempt_at && r->attempt_at < d && r->ep[1].state == FC_ZEEK_TCP_INACTIVE &&
        (r->ep[0].state == FC_ZEEK_TCP_SYN_SENT || r->ep[0].state == FC_ZEEK_TCP_SYN_ACK_SENT))
        d = r->attempt_at;
    if (r->proto == FC_PROTO_TCP && r->ep[0].state == FC_ZEEK_TCP_INACTIVE &&
        r->ep[1].state == FC_ZEEK_TCP_INACTIVE) {
        /* only rejected packets: checked 5 s after creation, then every
         * 6 s, removed once idle more than 5 s */
        fc_ts c = r->start + FC_SEC(5);
        while (c - r->last <= FC_SEC(5))
            c += FC_SEC(6);
        if (c < d)
            d = c;
    }
    return d;
}

void fc__zeek_app_timer_arm(fc_zeek_rec *r, const fc_zeek_opts *o, fc_ts now)
{
    if (r->proto == FC_PROTO_UDP && !o->bare && dns_port(r->resp_p))
        r->app_timer = now + FC_SEC(10);
}

int fc__zeek_rec_expires(fc_zeek_rec *r, fc_ts now)
{
    if (!r->app_timer || r->app_timer > now || removal(r) <= now)
        return 1;
    /* idle for a second less than the period is enough */
    if (now - r->last >= FC_SEC(9))
        return 1;
    r->app_timer = now + FC_SEC(10);
    return 0;
}

fc_ts fc_zeek_rec_deadline(const fc_zeek_rec *r)
{
    fc_ts d = removal(r);
    if (r->app_timer && r->app_timer < d)
        d = r->app_timer;
    return d;
}
