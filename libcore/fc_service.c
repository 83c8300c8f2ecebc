/* fc_service.c - nDPI's protocol detection under Zeek's service names.
 *
 * Cost: a connection is inspected from its first payload packet for at
 * most FC_SERVICE_MAX_PKTS payload packets, or until nDPI names its
 * protocol; packets without payload (handshakes, pure ACKs) are not
 * handed to nDPI at all, so a scan's SYNs take no flow state. Every
 * later packet costs one byte compare in fc_service_packet. */
#include <pthread.h>
#include <string.h>
#include <ndpi_api.h>
#include "fc_alloc.h"
#include "fc_error.h"
#include "fc_key.h"
#include "fc_service.h"

/* Zeek's analyzer names (its conn.log service values). */
static const char *const names[FC_SVC_COUNT] = {
    [FC_SVC_HTTP] = "http",          [FC_SVC_SSL] = "ssl",
    [FC_SVC_DNS] = "dns",            [FC_SVC_SSH] = "ssh",
    [FC_SVC_SMTP] = "smtp",          [FC_SVC_FTP] = "ftp",
    [FC_SVC_FTP_DATA] = "ftp-data",  [FC_SVC_DHCP] = "dhcp",
    [FC_SVC_NTP] = "ntp",            [FC_SVC_POP3] = "pop3",
    [FC_SVC_IMAP] = "imap",          [FC_SVC_IRC] = "irc",
    [FC_SVC_SIP] = "sip",            [FC_SVC_SNMP] = "snmp",
    [FC_SVC_SOCKS] = "socks",        [FC_SVC_SYSLOG] = "syslog",
    [FC_SVC_SYSLOG_TCP] = "syslog_tcp", [FC_SVC_MYSQL] = "mysql",
    [FC_SVC_POSTGRESQL] = "postgresql", [FC_SVC_RDP] = "rdp",
    [FC_SVC_RDPEUDP] = "rdpeudp",    [FC_SVC_RADIUS] = "radius",
    [FC_SVC_KRB] = "krb",            [FC_SVC_KRB_TCP] = "krb_tcp",
    [FC_SVC_LDAP_TCP] = "ldap_tcp",  [FC_SVC_LDAP_UDP] = "ldap_udp",
    [FC_SVC_SMB] = "smb",            [FC_SVC_DCE_RPC] = "dce_rpc",
    [FC_SVC_MODBUS] = "modbus",      [FC_SVC_DNP3] = "dnp3",
    [FC_SVC_RFB] = "rfb",            [FC_SVC_XMPP] = "xmpp",
    [FC_SVC_MQTT] = "mqtt",          [FC_SVC_QUIC] = "quic",
    [FC_SVC_REDIS] = "redis",        [FC_SVC_WEBSOCKET] = "websocket",
    [FC_SVC_DTLS] = "dtls",          [FC_SVC_VXLAN] = "vxlan",
    [FC_SVC_GENEVE] = "geneve",      [FC_SVC_TEREDO] = "teredo",
    [FC_SVC_AYIYA] = "ayiya",        [FC_SVC_GTPV1] = "gtpv1",
};

const char *fc_service_name(int code)
{
    return code > 0 && code < FC_SVC_COUNT ? names[code] : NULL;
}

typedef struct svc_slot {
    uint32_t ticket; /* owner; 0: free */
    struct ndpi_flow_struct *flow;
} svc_slot;

struct fc_service {
    struct ndpi_detection_module_struct *ndpi;
    int ndpi_failed;     /* set-up failed once: stay silent, name nothing */
    int nomem;           /* an allocation failed: fc_service_error says so */
    uint32_t next_ticket;
    svc_slot *slots;     /* FC_SERVICE_MAX_INFLIGHT, allocated with ndpi */
};

/* The nDPI protocols map_proto names (MQTT is left out: its dissector
 * also takes LDAP's BER messages, and Zeek loads no MQTT analyzer; FTP's
 * control connection is told by ftp_seen). */
static const uint16_t zeek_known[] = {
    NDPI_PROTOCOL_HTTP,       NDPI_PROTOCOL_HTTP_CONNECT, NDPI_PROTOCOL_HTTP_PROXY,
    NDPI_PROTOCOL_TLS,        NDPI_PROTOCOL_MAIL_SMTPS,   NDPI_PROTOCOL_MAIL_POPS,
    NDPI_PROTOCOL_MAIL_IMAPS, NDPI_PROTOCOL_DTLS,         NDPI_PROTOCOL_DNS,
    NDPI_PROTOCOL_MDNS,       NDPI_PROTOCOL_LLMNR,        NDPI_PROTOCOL_NETBIOS,
    NDPI_PROTOCOL_SSH,        NDPI_PROTOCOL_MAIL_SMTP,    NDPI_PROTOCOL_MAIL_POP,
    NDPI_PROTOCOL_MAIL_IMAP,  NDPI_PROTOCOL_FTP_DATA,
    NDPI_PROTOCOL_DHCP,       NDPI_PROTOCOL_NTP,          NDPI_PROTOCOL_IRC,
    NDPI_PROTOCOL_SIP,        NDPI_PROTOCOL_SNMP,         NDPI_PROTOCOL_SOCKS,
    NDPI_PROTOCOL_SYSLOG,     NDPI_PROTOCOL_MYSQL,        NDPI_PROTOCOL_POSTGRES,
    NDPI_PROTOCOL_RDP,        NDPI_PROTOCOL_RADIUS,       NDPI_PROTOCOL_KERBEROS,
    NDPI_PROTOCOL_LDAP,       NDPI_PROTOCOL_SMBV1,        NDPI_PROTOCOL_SMBV23,
    NDPI_PROTOCOL_DCERPC,     NDPI_PROTOCOL_MODBUS,       NDPI_PROTOCOL_DNP3,
    NDPI_PROTOCOL_VNC,        NDPI_PROTOCOL_JABBER,       NDPI_PROTOCOL_REDIS,
    NDPI_PROTOCOL_WEBSOCKET,  NDPI_PROTOCOL_QUIC};

/* nDPI's set-up must not run in two threads at once (ndpi_api.h): the
 * one lock in this module, held only while a detector is created. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

fc_service *fc_service_new(void)
{
    return fc_calloc(1, sizeof(fc_service));
}

void fc_service_free(fc_service *s)
{
    if (!s)
        return;
    if (s->slots) {
        for (size_t i = 0; i < FC_SERVICE_MAX_INFLIGHT; i++)
            if (s->slots[i].flow) {
                ndpi_free_flow_data(s->slots[i].flow);
                fc_free(s->slots[i].flow);
            }
        fc_free(s->slots);
    }
    if (s->ndpi)
        ndpi_exit_detection_module(s->ndpi);
    fc_free(s);
}

static int setup(fc_service *s)
{
    if (s->ndpi)
        return 0;
    if (s->ndpi_failed)
        return -1;
    s->slots = fc_calloc(FC_SERVICE_MAX_INFLIGHT, sizeof *s->slots);
    if (s->slots) {
        pthread_mutex_lock(&init_lock);
        s->ndpi = ndpi_init_detection_module(ndpi_dont_load_tor_hosts);
        if (s->ndpi) {
            /* only the dissectors of protocols Zeek has a name for: nDPI
             * calls every enabled one on each payload packet until one
             * claims the flow, so the other 200 would only cost time */
            NDPI_PROTOCOL_BITMASK on;
            NDPI_BITMASK_RESET(on);
            for (size_t i = 0; i < sizeof zeek_known / sizeof zeek_known[0]; i++)
                NDPI_ADD_PROTOCOL_TO_BITMASK(on, zeek_known[i]);
            ndpi_set_protocol_detection_bitmask2(s->ndpi, &on);
            ndpi_finalize_initialization(s->ndpi);
        }
        pthread_mutex_unlock(&init_lock);
    }
    if (!s->ndpi) {
        fc_free(s->slots);
        s->slots = NULL;
        s->ndpi_failed = 1;
        s->nomem = 1; /* nDPI's set-up fails for want of memory */
        return -1;
    }
    return 0;
}

int fc_service_error(const fc_service *s)
{
    return s && s->nomem ? FC_ENOMEM : FC_OK;
}

void fc_service_add(fc_service_state *st, int code)
{
    if (code <= 0 || code >= FC_SVC_COUNT)
        return;
    for (int i = 0; i < FC_SERVICE_MAX_NAMES; i++) {
        if (st->name[i] == code)
            return;
        if (!st->name[i]) {
            st->name[i] = (uint8_t)code;
            return;
        }
    }
}

/* The Zeek service(s) of one nDPI protocol id: 0, 1 or 2 codes. */
static int map_proto(uint16_t id, int tcp, int port137, uint8_t out[2])
{
    int c = FC_SVC_NONE, c2 = FC_SVC_NONE;
    switch (id) {
    case NDPI_PROTOCOL_HTTP:
    case NDPI_PROTOCOL_HTTP_CONNECT:
    case NDPI_PROTOCOL_HTTP_PROXY: c = FC_SVC_HTTP; break;
    case NDPI_PROTOCOL_TLS:
    case NDPI_PROTOCOL_MAIL_SMTPS:
    case NDPI_PROTOCOL_MAIL_POPS:
    case NDPI_PROTOCOL_MAIL_IMAPS: c = FC_SVC_SSL; break;
    case NDPI_PROTOCOL_DTLS: c = FC_SVC_DTLS; break;
    case NDPI_PROTOCOL_DNS:
    case NDPI_PROTOCOL_MDNS:
    case NDPI_PROTOCOL_LLMNR: c = FC_SVC_DNS; break;
    /* Zeek's DNS analyzer also parses NetBIOS name service (137/udp) */
    case NDPI_PROTOCOL_NETBIOS: c = port137 ? FC_SVC_DNS : FC_SVC_NONE; break;
    case NDPI_PROTOCOL_SSH: c = FC_SVC_SSH; break;
    case NDPI_PROTOCOL_MAIL_SMTP: c = FC_SVC_SMTP; break;
    case NDPI_PROTOCOL_MAIL_POP: c = FC_SVC_POP3; break;
    case NDPI_PROTOCOL_MAIL_IMAP: c = FC_SVC_IMAP; break;
    case NDPI_PROTOCOL_FTP_CONTROL: c = FC_SVC_FTP; break;
    case NDPI_PROTOCOL_FTP_DATA: c = FC_SVC_FTP_DATA; break;
    case NDPI_PROTOCOL_DHCP: c = FC_SVC_DHCP; break;
    case NDPI_PROTOCOL_NTP: c = FC_SVC_NTP; break;
    case NDPI_PROTOCOL_IRC: c = FC_SVC_IRC; break;
    case NDPI_PROTOCOL_SIP: c = FC_SVC_SIP; break;
    case NDPI_PROTOCOL_SNMP: c = FC_SVC_SNMP; break;
    case NDPI_PROTOCOL_SOCKS: c = FC_SVC_SOCKS; break;
    case NDPI_PROTOCOL_SYSLOG: c = tcp ? FC_SVC_SYSLOG_TCP : FC_SVC_SYSLOG; break;
    case NDPI_PROTOCOL_MYSQL: c = FC_SVC_MYSQL; break;
    case NDPI_PROTOCOL_POSTGRES: c = FC_SVC_POSTGRESQL; break;
    case NDPI_PROTOCOL_RDP: c = tcp ? FC_SVC_RDP : FC_SVC_RDPEUDP; break;
    case NDPI_PROTOCOL_RADIUS: c = FC_SVC_RADIUS; break;
    case NDPI_PROTOCOL_KERBEROS: c = tcp ? FC_SVC_KRB_TCP : FC_SVC_KRB; break;
    case NDPI_PROTOCOL_LDAP: c = tcp ? FC_SVC_LDAP_TCP : FC_SVC_LDAP_UDP; break;
    case NDPI_PROTOCOL_SMBV1: /* on UDP: NetBIOS datagrams, no Zeek analyzer */
    case NDPI_PROTOCOL_SMBV23: c = tcp ? FC_SVC_SMB : FC_SVC_NONE; break;
    case NDPI_PROTOCOL_DCERPC: c = FC_SVC_DCE_RPC; break;
    case NDPI_PROTOCOL_MODBUS: c = FC_SVC_MODBUS; break;
    case NDPI_PROTOCOL_DNP3: c = FC_SVC_DNP3; break;
    case NDPI_PROTOCOL_VNC: c = FC_SVC_RFB; break;
    case NDPI_PROTOCOL_JABBER: c = FC_SVC_XMPP; break;
    case NDPI_PROTOCOL_REDIS: c = FC_SVC_REDIS; break;
    case NDPI_PROTOCOL_WEBSOCKET: c = FC_SVC_HTTP, c2 = FC_SVC_WEBSOCKET; break;
    /* Zeek's QUIC analyzer hands the TLS handshake inside to its SSL one */
    case NDPI_PROTOCOL_QUIC: c = FC_SVC_QUIC, c2 = FC_SVC_SSL; break;
    default: break;
    }
    out[0] = (uint8_t)c;
    out[1] = (uint8_t)c2;
    return (c != FC_SVC_NONE) + (c2 != FC_SVC_NONE);
}

/* Names of a detection result: the carrier (master) first, as Zeek
 * confirms analyzers in the order the traffic reaches them (smtp, then
 * ssl after STARTTLS). */
static void take(fc_service_state *st, ndpi_protocol p, const fc_decoded *d)
{
    uint8_t c[2];
    int tcp = d->proto == FC_PROTO_TCP;
    int p137 = !tcp && (d->sport == 137 || d->dport == 137);
    int n = map_proto(p.master_protocol, tcp, p137, c);
    for (int i = 0; i < n; i++)
        fc_service_add(st, c[i]);
    n = map_proto(p.app_protocol, tcp, p137, c);
    for (int i = 0; i < n; i++)
        fc_service_add(st, c[i]);
}

static svc_slot *slot_of(fc_service *s, uint32_t ticket)
{
    if (!ticket || !s->slots)
        return NULL;
    svc_slot *sl = &s->slots[ticket % FC_SERVICE_MAX_INFLIGHT];
    return sl->ticket == ticket ? sl : NULL;
}

/* A flow state for a new connection: the slot the ticket lands on, taken
 * from whichever connection had it (the longest-inspected of those in
 * flight: tickets go round the slots in order). */
static svc_slot *slot_new(fc_service *s, fc_service_state *st)
{
    if (++s->next_ticket == 0)
        s->next_ticket = 1;
    uint32_t t = s->next_ticket;
    svc_slot *sl = &s->slots[t % FC_SERVICE_MAX_INFLIGHT];
    if (!sl->flow) {
        sl->flow = fc_malloc(SIZEOF_FLOW_STRUCT);
        if (!sl->flow) {
            s->nomem = 1;
            return NULL;
        }
    } else {
        ndpi_free_flow_data(sl->flow);
    }
    memset(sl->flow, 0, SIZEOF_FLOW_STRUCT);
    sl->ticket = t;
    st->ticket = t;
    return sl;
}

static void slot_done(svc_slot *sl, fc_service_state *st)
{
    if (sl) {
        ndpi_free_flow_data(sl->flow);
        memset(sl->flow, 0, SIZEOF_FLOW_STRUCT);
        sl->ticket = 0;
    }
    st->ticket = 0;
    st->seen = FC_SERVICE_DONE;
}

/* seen: payload packets inspected (low 5 bits) and what FTP's check saw */
#define SEEN_N(x) ((x) & 0x1f)
#define SEEN_220 0x20
#define SEEN_USER 0x40

/* FTP is told by its greeting and login, as Zeek's FTP signatures do: a
 * payload starting "220 " (or "220-") and one starting "USER " (any
 * case). nDPI's FTP dissector compares each payload with a hundred
 * commands, a third of all detection time on traffic it never claims.
 * 1 once both were seen. */
static int ftp_seen(fc_service_state *st, const uint8_t *p, size_t n)
{
    if (n >= 4 && p[0] == '2' && p[1] == '2' && p[2] == '0' && (p[3] == ' ' || p[3] == '-'))
        st->seen |= SEEN_220;
    else if (n >= 5 && (p[0] | 0x20) == 'u' && (p[1] | 0x20) == 's' && (p[2] | 0x20) == 'e' &&
             (p[3] | 0x20) == 'r' && p[4] == ' ')
        st->seen |= SEEN_USER;
    return (st->seen & (SEEN_220 | SEEN_USER)) == (SEEN_220 | SEEN_USER);
}

void fc_service_packet(fc_service *s, fc_service_state *st, const fc_decoded *d,
                       const uint8_t *frame, size_t caplen, fc_ts ts)
{
    if (st->seen == FC_SERVICE_DONE || !s || d->payload_len == 0 || !d->has_l4 ||
        (d->proto != FC_PROTO_TCP && d->proto != FC_PROTO_UDP) || d->l3_off >= caplen)
        return;
    if (setup(s) != 0) {
        st->seen = FC_SERVICE_DONE;
        return;
    }
    if (d->proto == FC_PROTO_TCP && ftp_seen(st, frame + d->payload_off, d->payload_len)) {
        fc_service_add(st, FC_SVC_FTP);
        slot_done(slot_of(s, st->ticket), st);
        return;
    }
    svc_slot *sl;
    if (SEEN_N(st->seen) == 0) {
        if (!(sl = slot_new(s, st))) {
            st->seen = FC_SERVICE_DONE;
            return;
        }
    } else if (!(sl = slot_of(s, st->ticket))) {
        st->seen = FC_SERVICE_DONE; /* its slot went to a newer connection */
        st->ticket = 0;
        return;
    }
    size_t len = caplen - d->l3_off;
    if (len > d->ip_len)
        len = d->ip_len;
    if (len > 65535)
        len = 65535;
    ndpi_protocol p = ndpi_detection_process_packet(s->ndpi, sl->flow, frame + d->l3_off,
                                                    (unsigned short)len,
                                                    (uint64_t)(ts / 1000000));
    st->seen++;
    if (p.master_protocol != NDPI_PROTOCOL_UNKNOWN || p.app_protocol != NDPI_PROTOCOL_UNKNOWN) {
        take(st, p, d);
        slot_done(sl, st);
    } else if (SEEN_N(st->seen) >= FC_SERVICE_MAX_PKTS) {
        /* what the dissectors decided by now, without nDPI's port guess */
        uint8_t guessed = 0;
        p = ndpi_detection_giveup(s->ndpi, sl->flow, 0, &guessed);
        if (!guessed)
            take(st, p, d);
        slot_done(sl, st);
    }
}

void fc_service_release(fc_service *s, fc_service_state *st)
{
    if (s && st->ticket)
        slot_done(slot_of(s, st->ticket), st);
}

size_t fc_service_format(const fc_service_state *st, char *buf, size_t cap)
{
    size_t n = 0;
    if (!cap)
        return 0;
    buf[0] = '\0';
    for (int i = 0; i < FC_SERVICE_MAX_NAMES && st->name[i]; i++) {
        const char *nm = fc_service_name(st->name[i]);
        size_t l = strlen(nm);
        if (n + (n > 0) + l + 1 > cap)
            break;
        if (n)
            buf[n++] = ',';
        memcpy(buf + n, nm, l + 1);
        n += l;
    }
    return n;
}
