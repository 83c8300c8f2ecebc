#!/bin/sh
# flowreplay-linktypes.sh - public captures of the link types added for
# issue 13 (PPP, Cisco HDLC, Frame Relay, FDDI, ARCNET, NFLOG, PPI, DSA
# tags, MPLS over PPP, and Aruba's GRE tunnel) replay to the flows
# tshark/tcpdump show in them, in seed mode and in --zeek mode; link types that carry no IP here read
# without error; a link type still unknown stays one line, exit 2.
# Captures from ../shared/realworld/train (see its index.tsv).
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
SHARED=${FLOWKIT_SHARED:-$SRC/../shared}
T=$SHARED/realworld/train
[ -d "$T" ] || { echo "SKIP: $T not found (set FLOWKIT_SHARED)"; exit 77; }

# seed FILE ROW: the lifecycle output of FILE has an ended flow whose
# proto,orig_h,orig_p,resp_h,resp_p,orig_pkts,resp_pkts are ROW
seed() {
    "$REPLAY" -q --events lifecycle "$T/$1" >"$tmp/s.csv" 2>"$tmp/s.err" ||
        { fail "$1: exit $? ($(cat "$tmp/s.err"))"; return; }
    grep ',ended,' "$tmp/s.csv" | cut -d, -f4-8,14,15 | grep -qx "$2" ||
        fail "$1: no seed flow $2; got: $(grep ',ended,' "$tmp/s.csv" | cut -d, -f4-8,14,15 | tr '\n' ' ')"
}
# zeek FILE ROW [OPTION]: the --zeek conn.log of FILE has a line whose
# id fields, proto, conn_state, orig_pkts, resp_pkts are ROW (tab-separated)
zeek() {
    f=$1 row=$2
    shift 2
    "$REPLAY" -q --zeek --format zeek "$@" "$T/$f" >"$tmp/z.log" 2>"$tmp/z.err" ||
        { fail "$f --zeek: exit $? ($(cat "$tmp/z.err"))"; return; }
    grep -v '^#' "$tmp/z.log" | cut -f3-7,12,17,19 | grep -qxF "$row" ||
        fail "$f --zeek: no line '$row'; got: $(grep -v '^#' "$tmp/z.log" | cut -f3-7,12,17,19 | tr '\t\n' ', ')"
}
tab=$(printf '\t')
z() { printf '%s' "$*" | tr ' ' "$tab"; }

# PPP (9), two-byte protocol field without FF 03: one QUIC Initial
seed ndpi/tests/cfgs/default/pcap/dlt_ppp.pcap 'udp,193.167.0.252,44083,193.167.100.100,443,1,0'
zeek ndpi/tests/cfgs/default/pcap/dlt_ppp.pcap "$(z 193.167.0.252 44083 193.167.100.100 443 udp S0 1 0)"
# PPP: a QUIC 0-RTT exchange, 45 packets one way and 44 back (tshark)
seed zeek/testing/btest/Traces/quic/interop/quic-go_quic-go/zerortt.pcap \
    'udp,193.167.0.100,49394,193.167.100.100,443,45,44'
zeek zeek/testing/btest/Traces/quic/interop/quic-go_quic-go/zerortt.pcap \
    "$(z 193.167.0.100 49394 193.167.100.100 443 udp SF 45 44)"
# PPP carrying MPLS (LSP ping over an MPLS label)
seed tcpdump/tests/lspping-fec-ldp.pcap 'udp,10.20.0.1,3503,12.4.4.4,4786,5,0'
# Cisco HDLC (104): an HTTP download, 8 packets out and 9 back
seed suricata-verify/tests/decode-chdlc-01/hdlc-http_1tx.pcap 'tcp,192.168.2.7,4938,65.55.116.183,80,8,9'
zeek suricata-verify/tests/decode-chdlc-01/hdlc-http_1tx.pcap "$(z 192.168.2.7 4938 65.55.116.183 80 tcp SF 8 9)"
# NFLOG (239): HTTP with offloaded (wrong) checksums, so Zeek needs -C
seed zeek/testing/btest/Traces/nflog-http.pcap 'tcp,10.0.2.15,49762,93.184.216.34,80,8,5'
zeek zeek/testing/btest/Traces/nflog-http.pcap "$(z 10.0.2.15 49762 93.184.216.34 80 tcp SF 8 5)" --ignore-checksums
# PPI (192) around 802.11: a DNS query and its answer
seed libpcap/tests/filter/http_PPI.pcap 'udp,192.168.1.132,1031,192.168.1.1,53,1,1'
zeek libpcap/tests/filter/http_PPI.pcap "$(z 192.168.1.132 1031 192.168.1.1 53 udp SF 1 1)"
# FDDI (10): DNS over TCP
seed zeek/testing/btest/Traces/dns-inverse-query.pcap 'tcp,212.180.42.100,25000,131.243.64.3,53,6,5'
zeek zeek/testing/btest/Traces/dns-inverse-query.pcap "$(z 212.180.42.100 25000 131.243.64.3 53 tcp SF 6 5)"
# ARCNET with the Linux header (129), RFC 1201 and RFC 1051 framing
seed tcpdump/tests/arcnet-rfc1201-arp-icmp-http.pcap 'tcp,10.80.131.1,1027,146.190.240.163,80,7,7'
seed libpcap/tests/filter/arcnet-rfc1051-arp-icmp-http.pcap 'tcp,10.80.131.1,1026,146.190.240.163,80,3,2'
zeek libpcap/tests/filter/arcnet-rfc1051-arp-icmp-http.pcap "$(z 10.80.131.1 1024 10.80.3.254 53 udp SF 2 2)"
# Frame Relay (107), IPv6 by NLPID: OSPFv3 hellos both ways
seed tcpdump/tests/OSPFv3_NBMA_adjacencies.pcap '89,fe80::3,0,fe80::1,0,24,22'
# Marvell EDSA switch tag (285): three pings (tcpdump shows them)
seed tcpdump/tests/edsa.pcap 'icmp,192.168.20.1,0,192.168.20.2,0,3,3'
zeek tcpdump/tests/edsa.pcap "$(z 192.168.20.1 8 192.168.20.2 0 icmp OTH 3 3)"

# Aruba's 802.11 in GRE (type 0x8200, Zeek's tunnels/gre-aruba trace):
# the inner HTTP attempts are flows of their own, 7 packets here (tshark)
seed_tun() {
    "$REPLAY" -q --events lifecycle --zeek-tunnels "$T/$1" | grep ',ended,' | cut -d, -f4-8,14,15 |
        grep -qx "$2" || fail "$1 --zeek-tunnels: no flow $2"
}
seed_tun zeek/testing/btest/Traces/tunnels/gre-aruba.pcap 'tcp,10.37.36.92,59111,140.197.248.41,80,7,0'
zeek zeek/testing/btest/Traces/tunnels/gre-aruba.pcap "$(z 10.37.36.92 59111 140.197.248.41 80 tcp SH 7 0)"

# link types read now whose captures carry no IP (IS-IS, SLARP, LCP)
for f in tcpdump/tests/isis_poi.pcap tcpdump/tests/chdlc-slarp.pcap tcpdump/tests/ppp_error_hexdump.pcap; do
    "$REPLAY" -q --events lifecycle "$T/$f" >"$tmp/n.csv" 2>"$tmp/n.err" || fail "$f: exit $? ($(cat "$tmp/n.err"))"
    [ ! -s "$tmp/n.err" ] || fail "$f: $(cat "$tmp/n.err")"
    [ "$(wc -l <"$tmp/n.csv")" -eq 1 ] || fail "$f: flows from a capture without IP"
done

# still unsupported: SunATM (123)
"$REPLAY" -q "$T/tcpdump/tests/atm-heapoverflow.pcap" >"$tmp/u.out" 2>"$tmp/u.err"
rc=$?
[ "$rc" -eq 2 ] || fail "SUNATM: exit $rc, want 2"
[ "$(wc -l <"$tmp/u.err")" -eq 1 ] || fail "SUNATM: $(wc -l <"$tmp/u.err") lines of error"
grep -q 'atm-heapoverflow.pcap: unsupported link type 123 (SUNATM)' "$tmp/u.err" ||
    fail "SUNATM: message '$(cat "$tmp/u.err")'"
finish
