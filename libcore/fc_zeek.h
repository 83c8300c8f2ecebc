/* fc_zeek.h - Zeek-compatible connection records (conn.log semantics).
 *
 * Three layers, usable separately:
 *
 *  - fc_zeek_rec: one connection as Zeek sees it (originator choice and
 *    flips, history letters, TCP endpoint states, sequence-derived byte
 *    counts, missed bytes, conn_state). Fixed size and free of pointers,
 *    so it can live in a tracker's per-flow user state and be copied.
 *    Fed one decoded packet at a time (fc_zeek_rec_begin/_packet).
 *  - fc_zeek_table: a Zeek connection table fed with raw frames: Zeek's
 *    keys (ICMP by type/counterpart), its flow boundaries (SYN reuse,
 *    inactivity, attempt and close timers), fragment reassembly and
 *    tunnel decapsulation. Emits each record when Zeek would log it.
 *  - fc_zeek_tsv_*: the conn.log TSV writer, and fc_zeek_community_id.
 *
 * Behaviour follows shared/docs/zeek-conn-semantics.md (Zeek 9.1-dev);
 * where this module departs from Zeek, docs/zeek-compat.md says why.
 * Time comes only from packets. */
#ifndef FC_ZEEK_H
#define FC_ZEEK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "fc_decode.h"
#include "fc_export.h"
#include "fc_service.h"
#include "fc_time.h"

/* A likely_server_ports set given by the user: one bit per port, [0] TCP,
 * [1] UDP. */
typedef struct fc_zeek_portset {
    uint8_t bits[2][65536 / 8];
} fc_zeek_portset;

/* Run options, as Zeek's command line: -C and -b. */
typedef struct fc_zeek_opts {
    uint8_t ignore_checksums; /* -C: accept bad checksums and ip_len 0 */
    uint8_t bare;             /* -b: tunnel ports only in likely_server_ports,
                                 no DNS/NTP direction flips */
    uint8_t tunnels;          /* table: decapsulate tunnels (default on) */
    uint8_t service;          /* table: name each connection's service
                                 (fc_service.h; default on) */
    uint16_t cid_seed;        /* Community ID seed (default 0) */
    /* Zeek's inactivity timeouts (0: its defaults). udp_inactivity also
     * covers a TCP connection until one side leaves the handshake, as in
     * Zeek; tcp_inactivity applies after that; icmp_inactivity covers
     * every other protocol. Ports 21, 22, 23 and 513 still get one hour
     * once established (Zeek's conn/inactivity.zeek), unless bare. */
    fc_ts tcp_inactivity;     /* default 300 s */
    fc_ts udp_inactivity;     /* default 60 s */
    fc_ts icmp_inactivity;    /* default 60 s */
    /* replaces Zeek's likely_server_ports (both protocols, -b or not)
     * when set; NULL: Zeek's own sets. Owned by the caller, it must
     * outlive every record and table given these options. */
    const fc_zeek_portset *ports;
} fc_zeek_opts;

FC_API void fc_zeek_opts_default(fc_zeek_opts *o);

/* Is `port` in Zeek's default likely_server_ports for proto (6 or 17)? */
FC_API int fc_zeek_likely_server_port(const fc_zeek_opts *o, uint8_t proto, uint16_t port);

/* Parses a likely_server_ports list such as "80,443,53/udp,8000-8080/tcp"
 * (no suffix: both protocols) into *set. Returns 0, or FC_EFORMAT on a syntax
 * error (*set unchanged). Point fc_zeek_opts.ports at the set to use it. */
FC_API int fc_zeek_portset_parse(fc_zeek_portset *set, const char *list);

/* ------------------------------------------------------------ record */

#define FC_ZEEK_HIST_MAX 40
#define FC_ZEEK_GAP_RANGES 8

/* One endpoint's per-packet state, 64 bytes. Roles flip by swapping
 * ep[], lt[] and gap[] of the record: each moves with its host. */
typedef struct fc_zeek_ep {
    uint8_t state, prev_state;  /* FC_ZEEK_TCP_* */
    uint8_t did_close;          /* its FIN or RST was processed */
    uint8_t fin_cnt;            /* sent a FIN */
    uint8_t nranges;            /* blocks in its fc_zeek_gaps */
    uint8_t pad;
    uint16_t thr;               /* scaled letters C T W G, 4 bits each:
                                   the count that writes the next is 10^thr */
    uint32_t start_seq, last_seq, ack_seq, fin_seq;
    uint32_t seq_wraps, ack_wraps;
    uint64_t pkts, ip_bytes;
    /* reassembly model for missed_bytes, relative sequence numbers */
    uint64_t next_rel, trim_rel;
} fc_zeek_ep;

/* One endpoint's letter state, touched by SYN, FIN and RST packets and
 * scaled letters. */
typedef struct fc_zeek_eplt {
    uint64_t hist_last_syn, hist_last_fin, hist_last_rst;
    uint32_t cnt[4];            /* scaled letters C T W G: count */
} fc_zeek_eplt;

/* Data one endpoint sent above a hole; only [0, nranges) is ever read. */
typedef struct fc_zeek_gaps {
    uint64_t lo[FC_ZEEK_GAP_RANGES], hi[FC_ZEEK_GAP_RANGES];
} fc_zeek_gaps;

enum {
    FC_ZEEK_TCP_INACTIVE = 0,
    FC_ZEEK_TCP_SYN_SENT,
    FC_ZEEK_TCP_SYN_ACK_SENT,
    FC_ZEEK_TCP_PARTIAL,
    FC_ZEEK_TCP_ESTABLISHED,
    FC_ZEEK_TCP_CLOSED,
    FC_ZEEK_TCP_RESET
};

/* Field order is for the cache: a packet reads the first 64 bytes and
 * both endpoints (the next 128), often the timers and counters after
 * them, the history and letter state (376 bytes in all); gap[] rarely.
 * 640 bytes, so records in an array keep the first one's alignment. */
typedef struct fc_zeek_rec {
    uint8_t orig_h[16], resp_h[16];
    uint16_t orig_p, resp_p;      /* ICMP: type and counterpart/code */
    uint8_t proto, family;
    uint8_t oneway;               /* ICMP one-way type: key not canonical */
    uint8_t flipped_once;         /* an app-layer (DNS/NTP) flip happened */
    uint8_t app_seen;             /* first DNS/NTP message looked at */
    uint8_t clean_start;          /* started with a clean SYN / SYN-ACK */
    uint8_t hist_len;
    uint8_t pad;
    uint32_t hist_seen;           /* once-per-role letter bits */
    fc_ts last;
    fc_ts inactivity;             /* current inactivity timeout */
    fc_zeek_ep ep[2];             /* [0] = orig role, [1] = resp role */
    fc_ts start;
    fc_ts attempt_at;             /* TCP attempt timer (0: none) */
    fc_ts close_at;               /* TCP close timer (0: none) */
    fc_ts app_timer;              /* UDP DNS session timer, next check
                                     (0: none; table only) */
    uint64_t missed;
    uint64_t id;                  /* creation order, set by the table */
    int64_t udp_len[2];           /* UDP/ICMP payload bytes per role slot;
                                     -1 = none seen (UDP inactive) */
    char hist[FC_ZEEK_HIST_MAX];
    fc_zeek_eplt lt[2];           /* with ep[] */
    fc_service_state svc;         /* service detection (fc_service.h) */
    fc_zeek_gaps gap[2];          /* with ep[]; not cleared by _begin */
} fc_zeek_rec;

/* Starts a record from the packet that creates the connection: roles
 * (with Zeek's flips at creation), ports, start time. Does not count the
 * packet: call fc_zeek_rec_packet() next with the same packet. */
FC_API void fc_zeek_rec_begin(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d, fc_ts ts);

/* Processes one packet of the connection (checksums, history, states,
 * counters). d must be decoded from frame[0..caplen). */
FC_API void fc_zeek_rec_packet(fc_zeek_rec *r, const fc_zeek_opts *o, const fc_decoded *d,
                               const uint8_t *frame, size_t caplen, fc_ts ts);

/* After fc_zeek_rec_packet: hands the packet to service detection s
 * (NULL: none) when Zeek's analyzers would see it: transport payload
 * whose checksum holds (or o->ignore_checksums). Cheap once the
 * record's service is decided. */
FC_API void fc_zeek_rec_service(fc_zeek_rec *r, fc_service *s, const fc_zeek_opts *o,
                                const fc_decoded *d, const uint8_t *frame, size_t caplen, fc_ts ts);

/* Would this packet (a TCP SYN) start a new connection on r's key
 * (Zeek's IsReuse)? 1 yes, 0 no. */
FC_API int fc_zeek_rec_is_reuse(const fc_zeek_rec *r, const fc_decoded *d);

/* Time at which Zeek would remove the connection if nothing else
 * arrives (inactivity, attempt, close timers), or the next check of the
 * DNS session timer, which may keep it (fc_zeek_table knows). */
FC_API fc_ts fc_zeek_rec_deadline(const fc_zeek_rec *r);

/* "S0", "SF", ... (static string). */
FC_API const char *fc_zeek_conn_state(const fc_zeek_rec *r);

/* History into buf (cap >= FC_ZEEK_HIST_MAX + 1); "" when empty. */
FC_API void fc_zeek_history(const fc_zeek_rec *r, char *buf, size_t cap);

/* Zeek's orig_bytes/resp_bytes for role 0/1 (TCP: sequence space). */
FC_API uint64_t fc_zeek_payload_bytes(const fc_zeek_rec *r, int role);

/* Zeek's proto column: "tcp", "udp", "icmp", "unknown_transport". */
FC_API const char *fc_zeek_proto_name(uint8_t proto);

/* Does packet (src, sport) belong to the originator role? For ICMP the
 * "port" is the Zeek port of the packet (fc_zeek_ports). */
FC_API int fc_zeek_rec_is_orig(const fc_zeek_rec *r, const uint8_t *src, uint16_t sport);

/* Zeek's "ports" for a decoded packet: TCP/UDP ports; ICMP type and
 * counterpart type or code (*oneway set for types without a counterpart);
 * other protocols 0/0. */
FC_API void fc_zeek_ports(const fc_decoded *d, uint16_t *sport, uint16_t *dport, int *oneway);

/* ------------------------------------------------------- community id */

/* Community ID v1 ("1:" + base64 of SHA-1) of the flow, written into buf
 * (cap >= 32). Ports as Zeek reports them (ICMP: type and code of the
 * originator's direction). Returns buf. */
FC_API char *fc_zeek_community_id(const fc_zeek_rec *r, uint16_t seed, char *buf, size_t cap);

/* SHA-1 of len bytes into out[20] (small, for the Community ID). */
FC_API void fc_zeek_sha1(const void *data, size_t len, uint8_t out[20]);

/* ------------------------------------------------------------- table */

typedef struct fc_zeek_table fc_zeek_table;

/* Receives each record when Zeek logs it; r is valid for the call. */
typedef void (*fc_zeek_emit_fn)(void *ctx, const fc_zeek_rec *r);

/* max_conns caps live connections (0: 262144); when full, the one with
 * the earliest deadline (ties: created first) is logged early. NULL on
 * allocation failure. */
FC_API fc_zeek_table *fc_zeek_table_new(const fc_zeek_opts *o, size_t max_conns, fc_zeek_emit_fn fn,
                                        void *ctx);
/* Frees without emitting. NULL is ok. */
FC_API void fc_zeek_table_free(fc_zeek_table *t);

/* One captured frame. Returns 1 if it reached a connection, 0 if Zeek
 * would drop it before any connection, or FC_ENOMEM (negative) when
 * memory ran out: the table could not grow for a new connection, nor
 * hold a fragment, or service detection failed (fc_service_error). The
 * frame's effect is then partial; the table stays usable and freeable,
 * but its output would no longer be Zeek's: stop there. */
FC_API int fc_zeek_table_packet(fc_zeek_table *t, int linktype, const uint8_t *frame, size_t caplen,
                                uint32_t wirelen, fc_ts ts);

/* End of input: logs every live connection (ordered by start time). */
FC_API void fc_zeek_table_finish(fc_zeek_table *t);

typedef struct fc_zeek_table_stats {
    uint64_t packets, dropped, conns, tunneled, frags_reassembled;
} fc_zeek_table_stats;
FC_API const fc_zeek_table_stats *fc_zeek_table_stats_get(const fc_zeek_table *t);
/* Connections live now (for a progress line). */
FC_API size_t fc_zeek_table_count(const fc_zeek_table *t);

/* --------------------------------------------------------------- uid */

#define FC_ZEEK_UID_LEN 19 /* "C", 17 base-62 digits, NUL */

/* The connection's uid, as every flowkit output names it: a digest of
 * its key (Zeek's orientation), protocol and start time, so the same
 * connection has the same uid in flowreplay's conn.log and flowstore's
 * conn view, on any machine (fc_zeek_uid.c, docs/zeek-compat.md). */
FC_API void fc_zeek_uid(const fc_zeek_rec *r, char out[FC_ZEEK_UID_LEN]);

/* --------------------------------------------------------------- TSV */

/* Zeek TSV conn.log: header (#separator ... #types) with #open stamped
 * `open_ts`; rows; #close line stamped `close_ts`. Columns: ts uid
 * id.orig_h id.orig_p id.resp_h id.resp_p proto service duration
 * orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes
 * history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes
 * tunnel_parents community_id. The uid is fc_zeek_uid's (deterministic,
 * not Zeek's random one). Return 0 or FC_EIO (errno set). */
FC_API int fc_zeek_tsv_header(FILE *f, fc_ts open_ts);
FC_API int fc_zeek_tsv_row(FILE *f, const fc_zeek_rec *r, uint16_t cid_seed);
FC_API int fc_zeek_tsv_footer(FILE *f, fc_ts close_ts);

/* Columns chosen for the conn.log writers below (--fields). */
#define FC_ZEEK_NCOLS 22
typedef struct fc_zeek_cols {
    uint8_t n;                   /* 0: all, in Zeek's order */
    uint8_t col[FC_ZEEK_NCOLS];  /* indexes for fc_zeek_col_name */
} fc_zeek_cols;

/* conn.log's column i ("ts", "id.orig_h", ...); NULL past the last. */
FC_API const char *fc_zeek_col_name(int i);

/* Zeek's type of that column ("time", "count", "set[string]", ...), as
 * its #types line names it; NULL past the last. */
FC_API const char *fc_zeek_col_type(int i);

/* A time or interval as Zeek's JSON writes it: seconds rounded to the
 * microsecond, at most 6 decimals, no trailing zeros ("12.5", "3.0").
 * Returns the length (buf of cap >= 32 bytes is always enough). */
FC_API size_t fc_zeek_json_secs(fc_ts t, char *buf, size_t cap);

/* Parses "ts,id.orig_h,service" into c. 0, or FC_EFORMAT with err set to one line
 * naming the unknown (or repeated past 22) field and listing the valid
 * ones. */
FC_API int fc_zeek_cols_parse(const char *list, fc_zeek_cols *c, char *err, size_t cap);

/* The TSV writer with chosen columns (c NULL or c->n 0: as
 * fc_zeek_tsv_header/_row, byte for byte). */
FC_API int fc_zeek_tsv_header_cols(FILE *f, fc_ts open_ts, const fc_zeek_cols *c);
FC_API int fc_zeek_tsv_row_cols(FILE *f, const fc_zeek_rec *r, uint16_t cid_seed,
                                const fc_zeek_cols *c);

/* Zeek's JSON log (LogAscii::use_json): one object a line, Zeek's names
 * ("id.orig_h"), numbers for time, interval, port and count (ts and
 * duration as seconds with up to 6 decimals), unset fields left out.
 * No header or footer. 0 or FC_EIO (errno set). */
FC_API int fc_zeek_json_row(FILE *f, const fc_zeek_rec *r, uint16_t cid_seed,
                            const fc_zeek_cols *c);

/* Formats the row's values (without ts/uid) for other writers: each
 * field as Zeek prints it ("-" for unset). */
typedef struct fc_zeek_fields {
    char orig_h[48], resp_h[48];
    char orig_p[8], resp_p[8];
    char duration[32], orig_bytes[24], resp_bytes[24];
    char missed[24], history[FC_ZEEK_HIST_MAX + 2];
    char orig_pkts[24], orig_ip_bytes[24], resp_pkts[24], resp_ip_bytes[24];
    char community_id[40];
    char service[32];             /* "http", "smtp,ssl"; "-" for none */
    const char *proto, *conn_state;
} fc_zeek_fields;
FC_API void fc_zeek_format(const fc_zeek_rec *r, uint16_t cid_seed, fc_zeek_fields *out);

#endif
