/* fc_service.h - the application protocol of a connection, named as Zeek
 * names it in conn.log's service column ("http", "ssl", "dns", ...).
 *
 * Detection is nDPI's: the first payload packets of a connection (at
 * most FC_SERVICE_MAX_PKTS of them) are handed to an nDPI detection
 * module owned by one fc_service object, until nDPI names a protocol or
 * the bound is reached. nDPI's protocol is then mapped to Zeek's
 * analyzer names; protocols Zeek has no analyzer for stay unnamed, and
 * nothing is guessed from ports alone (Zeek names a service only once an
 * analyzer confirmed it).
 *
 * The per-connection part (fc_service_state, 8 bytes) lives inside the
 * caller's connection record: it holds the names found and a ticket for
 * nDPI's flow state, which stays in the fc_service object while
 * detection runs. At most FC_SERVICE_MAX_INFLIGHT connections are being
 * inspected at once; a further one takes the slot of the one that
 * started longest ago, which then stops being inspected, so memory stays
 * bounded whatever the traffic. Output depends only on the packets fed,
 * in their order.
 *
 * One fc_service per thread: nothing in it is shared with another
 * object. nDPI's own set-up (about 0.1 s and a few MB) runs on the
 * first payload packet, not at creation, so captures without payload do
 * not pay for it. */
#ifndef FC_SERVICE_H
#define FC_SERVICE_H

#include <stddef.h>
#include <stdint.h>
#include "fc_decode.h"
#include "fc_export.h"
#include "fc_time.h"

#define FC_SERVICE_MAX_PKTS 6        /* payload packets inspected per connection */
#define FC_SERVICE_MAX_INFLIGHT 16384 /* connections inspected at once */
#define FC_SERVICE_MAX_NAMES 3        /* names kept per connection */

/* Per connection; all zero = nothing seen yet. */
typedef struct fc_service_state {
    uint32_t ticket;                        /* nDPI flow state in use, 0: none */
    uint8_t name[FC_SERVICE_MAX_NAMES];     /* FC_SVC_* codes, 0 = unused */
    uint8_t seen;                           /* payload packets inspected and
                                               FTP's check (fc_service.c);
                                               FC_SERVICE_DONE: decided */
} fc_service_state;

#define FC_SERVICE_DONE 0xff

/* Service codes: index into fc_service_name(). */
enum {
    FC_SVC_NONE = 0,
    FC_SVC_HTTP, FC_SVC_SSL, FC_SVC_DNS, FC_SVC_SSH, FC_SVC_SMTP, FC_SVC_FTP,
    FC_SVC_FTP_DATA, FC_SVC_DHCP, FC_SVC_NTP, FC_SVC_POP3, FC_SVC_IMAP, FC_SVC_IRC,
    FC_SVC_SIP, FC_SVC_SNMP, FC_SVC_SOCKS, FC_SVC_SYSLOG, FC_SVC_SYSLOG_TCP,
    FC_SVC_MYSQL, FC_SVC_POSTGRESQL, FC_SVC_RDP, FC_SVC_RDPEUDP, FC_SVC_RADIUS,
    FC_SVC_KRB, FC_SVC_KRB_TCP, FC_SVC_LDAP_TCP, FC_SVC_LDAP_UDP, FC_SVC_SMB,
    FC_SVC_DCE_RPC, FC_SVC_MODBUS, FC_SVC_DNP3, FC_SVC_RFB, FC_SVC_XMPP, FC_SVC_MQTT,
    FC_SVC_QUIC, FC_SVC_REDIS, FC_SVC_WEBSOCKET, FC_SVC_DTLS,
    /* tunnels, named by the Zeek table when it decapsulates */
    FC_SVC_VXLAN, FC_SVC_GENEVE, FC_SVC_TEREDO, FC_SVC_AYIYA, FC_SVC_GTPV1,
    FC_SVC_COUNT
};

/* Zeek's name of a code ("http"), NULL for FC_SVC_NONE or out of range. */
FC_API const char *fc_service_name(int code);

typedef struct fc_service fc_service;

/* A detector. NULL on allocation failure. nDPI is set up lazily. */
FC_API fc_service *fc_service_new(void);
/* Frees it with every connection state still in it. NULL is ok. */
FC_API void fc_service_free(fc_service *s);

/* One packet of the connection whose state is st (d decoded from
 * frame[0..caplen)). Cheap once the connection is decided or past the
 * bound: a test of st->seen. */
FC_API void fc_service_packet(fc_service *s, fc_service_state *st, const fc_decoded *d,
                              const uint8_t *frame, size_t caplen, fc_ts ts);

/* FC_OK, or FC_ENOMEM once detection could not get memory (nDPI's
 * set-up, a connection's state): the connections it inspected since may
 * lack their names. Sticky, like ferror(). NULL is ok (FC_OK). */
FC_API int fc_service_error(const fc_service *s);

/* Adds a name (kept once, in the order added; dropped past
 * FC_SERVICE_MAX_NAMES). */
FC_API void fc_service_add(fc_service_state *st, int code);

/* The connection ended: its nDPI state, if any, is given back. */
FC_API void fc_service_release(fc_service *s, fc_service_state *st);

/* Names as Zeek writes them: "http", "smtp,ssl"; "" when none. buf of
 * cap bytes (>= 32 is always enough). Returns the length. */
FC_API size_t fc_service_format(const fc_service_state *st, char *buf, size_t cap);

#endif
