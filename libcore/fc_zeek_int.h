/* fc_zeek_int.h - helpers shared by the fc_zeek*.c files (not installed). */
#ifndef FC_ZEEK_INT_H
#define FC_ZEEK_INT_H

#include <stddef.h>
#include <stdint.h>
#include "fc_zeek.h"

/* Zeek's history bits (Session.h HIST_*); the responder's are << 16. */
enum {
    FC__ZH_SYN = 0x1,
    FC__ZH_FIN = 0x2,
    FC__ZH_RST = 0x4,
    FC__ZH_FIN_RST = 0x8,
    FC__ZH_DATA = 0x10,
    FC__ZH_ACK = 0x20,
    FC__ZH_MULTI = 0x40
};

/* Scaled letters: index into fc_zeek_ep.cnt/thr. */
enum { FC__ZS_C = 0, FC__ZS_T, FC__ZS_W, FC__ZS_G };

#define FC__ZEEK_TOO_LARGE_SEQ_DELTA 1048576

/* The start of a record: what packets touch, all that _begin clears. */
#define FC__ZEEK_REC_HOT offsetof(fc_zeek_rec, gap)

/* The inactivity timeouts in effect (fc_zeek_opts: 0 = Zeek's). */
static inline fc_ts fc__zeek_udp_inactivity(const fc_zeek_opts *o)
{
    return o->udp_inactivity ? o->udp_inactivity : FC_SEC(60);
}
static inline fc_ts fc__zeek_tcp_inactivity(const fc_zeek_opts *o)
{
    return o->tcp_inactivity ? o->tcp_inactivity : FC_SEC(300);
}
static inline fc_ts fc__zeek_icmp_inactivity(const fc_zeek_opts *o)
{
    return o->icmp_inactivity ? o->icmp_inactivity : FC_SEC(60);
}

/* History letters are upper-case ASCII; the responder's in lower case
 * (no locale lookup: this runs per packet). */
static inline char fc__zeek_lower(char c)
{
    return (char)(c + ('a' - 'A'));
}

static inline void fc__zeek_hist_add(fc_zeek_rec *r, char c)
{
    if (r->hist_len < FC_ZEEK_HIST_MAX)
        r->hist[r->hist_len++] = c;
}

/* Writes `code` (cased for role) the first time `mask` is seen for the
 * role; returns 1 if it had been seen before. */
static inline int fc__zeek_check_history(fc_zeek_rec *r, int role, uint32_t mask, char code)
{
    if (role) {
        mask <<= 16;
        code = fc__zeek_lower(code);
    }
    if (r->hist_seen & mask)
        return 1;
    r->hist_seen |= mask;
    fc__zeek_hist_add(r, code);
    return 0;
}
/* Counts one occurrence of scaled letter `which` for role's endpoint and
 * writes it on the 1st, 10th, 100th ... */
void fc__zeek_scaled(fc_zeek_rec *r, int role, int which, char code);
/* Swaps roles: addresses, ports, endpoints (with their counters); adds
 * '^'. UDP byte slots and letter bits stay with the role. */
void fc__zeek_flip(fc_zeek_rec *r);

/* Transport checksum over the pseudo-header and len bytes at l4 (0 when
 * it verifies). */
int fc__zeek_l4_csum_bad(const fc_decoded *d, const uint8_t *l4, uint32_t len);
/* One's complement sum of p as big-endian 16-bit words (an odd last byte
 * padded with a zero), folded to 16 bits; 0 only when all bytes are 0. */
uint16_t fc__zeek_csum_sum(const uint8_t *p, size_t len);

/* SHA-1 block function: n 64-byte blocks at p into the state h. The _ni
 * one runs only where fc__zeek_sha1_ni_available() says 1. */
void fc__zeek_sha1_blocks(uint32_t h[5], const uint8_t *p, size_t n);
void fc__zeek_sha1_blocks_ni(uint32_t h[5], const uint8_t *p, size_t n);
int fc__zeek_sha1_ni_available(void);
/* fc_zeek_sha1() uses the SHA extensions if want and the CPU has them,
 * else the portable code (tests compare the two); returns 1 for the
 * extensions. The first fc_zeek_sha1() call does fc__zeek_sha1_use_ni(1). */
int fc__zeek_sha1_use_ni(int want);

/* Zeek's DNS analyzer, attached to a UDP connection by its responder
 * port, checks it 10 s after creation (network time `now`) and then every
 * 10 s; app_timer is the next check (none in bare mode). */
void fc__zeek_app_timer_arm(fc_zeek_rec *r, const fc_zeek_opts *o, fc_ts now);
/* A timer of r is due at `now`: 1 if Zeek removes the connection, 0 if
 * only the DNS check was due and re-armed itself. */
int fc__zeek_rec_expires(fc_zeek_rec *r, fc_ts now);

void fc__zeek_tcp_packet(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d,
                         const uint8_t *frame, size_t caplen, fc_ts ts, int role);
uint64_t fc__zeek_tcp_size(const fc_zeek_ep *e, const fc_zeek_ep *peer);

/* One conn.log row's values as the TSV writer prints them ("-" unset),
 * in column order (fc_zeek_col_name). */
typedef struct fc__zeek_row_t {
    fc_zeek_fields z;
    char ts[32], uid[20];
    const char *v[FC_ZEEK_NCOLS];
} fc__zeek_row_t;
void fc__zeek_row(const fc_zeek_rec *r, uint16_t cid_seed, fc__zeek_row_t *row);
/* #open/#close's date text. */
void fc__zeek_fmt_date(char *buf, size_t cap, fc_ts t);
/* Seconds with 6 decimals, rounded to the microsecond (conn.log's time
 * and interval). */
void fc__zeek_fmt_secs(char *buf, size_t cap, fc_ts t);

static inline int32_t fc__seq_delta(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

/* Look-ahead, for the replay driver (fc_engine.h), which reads frames
 * ahead of feeding them:
 * fc__zeek_table_hint() a frame some 16 frames before its
 * fc_zeek_table_packet() (prefetches its hash bucket), then
 * fc__zeek_table_hint_step() about halfway (prefetches its connection).
 * Pure hints: they change no state, and any order of calls gives the
 * same output. The frame need only be valid during the hint call. */
typedef struct fc__zeek_hint {
    uint64_t hash;
    int ok;
} fc__zeek_hint;
void fc__zeek_table_hint(const fc_zeek_table *t, int linktype, const uint8_t *frame,
                         size_t caplen, fc__zeek_hint *h);
void fc__zeek_table_hint_step(const fc_zeek_table *t, const fc__zeek_hint *h);
/* fc__zeek_table_hint in two halves: the key's hash from the frame
 * alone (any thread: the reading thread runs it), then, on the table's
 * thread, the bucket's prefetch. The result is fc__zeek_table_hint's. */
void fc__zeek_hint_key(int linktype, const uint8_t *frame, size_t caplen, fc__zeek_hint *h);
void fc__zeek_table_hint_keyed(const fc_zeek_table *t, fc__zeek_hint *h);

#endif
