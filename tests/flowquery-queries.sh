#!/bin/sh
# flowquery-queries.sh - every named query against answers known without
# flowkit: from tshark's packet fields (conversations, talkers,
# protocols, ports, services, failed handshakes, captures) or by hand
# from captures written byte by byte here (scan, resets, rejected,
# states, per minute, long-lived, cut by eof, damaged).
. "$top_srcdir/tests/flowquery-lib.sh"
need_tshark

REAL=$(ls "$FIX"/*.pcap)
write_scan_pcap "$T/scan.pcap"
"$FLOWGEN" --scenario synflood --flows 40 -o "$T/synflood.pcap" || fail "flowgen synflood"
"$FLOWGEN" --scenario handshake -o "$T/handshake.pcap" || fail "flowgen handshake"

# --- from tshark: conversations and what adds up from them
# shellcheck disable=SC2086
tshark_conv $REAL "$T/scan.pcap" "$T/synflood.pcap" >"$T/conv.exp"
# shellcheck disable=SC2086
set -- $REAL "$T/scan.pcap" "$T/synflood.pcap"
[ "$(wc -l <"$T/conv.exp")" -ge 70 ] || fail "tshark found too few conversations"
fq_csv conversations "$@" | cut -d, -f1-9 | sort >"$T/conv.got"
same conversations "$T/conv.exp" "$T/conv.got"
# the totals and order of the rows: most bytes first
fq_csv conversations "$@" >"$T/conv.rows"
awk -F, '$10 != $6 + $8 || $11 != $7 + $9 { exit 1 }' "$T/conv.rows" ||
    fail "conversations: packets/bytes are not the sum of both ways"
cut -d, -f11 "$T/conv.rows" | sort -c -n -r || fail "conversations: not by bytes, most first"

# top talkers by bytes: per starting host, flows, sent, received, total
awk -F, '{ f[$2]++; s[$2] += $7; r[$2] += $9 }
    END { for (h in f) print h "," f[h] "," s[h] "," r[h] "," s[h] + r[h] }' "$T/conv.exp" |
    sort -t, -k5,5nr -k1,1 | head -10 >"$T/tt.exp"
fq_csv top-talkers "$@" >"$T/tt.got"
same top-talkers "$T/tt.exp" "$T/tt.got"

# top talkers by flows: flows, distinct peers and ports, bytes
awk -F, '{ f[$2]++; b[$2] += $7 + $9
           if (!(($2 SUBSEP $4) in pe)) { pe[$2, $4] = 1; np[$2]++ }
           if (!(($2 SUBSEP $5) in po)) { po[$2, $5] = 1; no[$2]++ } }
    END { for (h in f) print h "," f[h] "," np[h] "," no[h] "," b[h] }' "$T/conv.exp" |
    sort -t, -k2,2nr -k1,1 | head -10 >"$T/ttf.exp"
fq_csv top-talkers-flows "$@" >"$T/ttf.got"
same top-talkers-flows "$T/ttf.exp" "$T/ttf.got"

# protocols: flows, packets, bytes, share of the bytes
awk -F, '{ f[$1]++; p[$1] += $6 + $8; b[$1] += $7 + $9; t += $7 + $9 }
    END { for (k in f) printf "%s,%d,%d,%d,%.1f\n", k, f[k], p[k], b[k], 100 * b[k] / t }' \
    "$T/conv.exp" | sort -t, -k4,4nr -k1,1 >"$T/proto.exp"
fq_csv protocols "$@" >"$T/proto.got"
same protocols "$T/proto.exp" "$T/proto.got"

# ports: TCP/UDP responder ports, flows, distinct clients and servers, bytes
awk -F, '$1 == "tcp" || $1 == "udp" { k = $1 "," $5; f[k]++; b[k] += $7 + $9
           if (!((k SUBSEP $2) in c)) { c[k, $2] = 1; nc[k]++ }
           if (!((k SUBSEP $4) in s)) { s[k, $4] = 1; ns[k]++ } }
    END { for (k in f) print k "," f[k] "," nc[k] "," ns[k] "," b[k] }' "$T/conv.exp" |
    sort -t, -k3,3nr -k1,1 -k2,2n | head -20 >"$T/ports.exp"
fq_csv ports "$@" >"$T/ports.got"
same ports "$T/ports.exp" "$T/ports.got"

# services: per protocol and responder port, flows, answered, bytes
awk -F, '{ k = $1 "," $5; f[k]++; a[k] += $8 > 0; b[k] += $7 + $9 }
    END { for (k in f) print k "," f[k] "," a[k] "," b[k] }' "$T/conv.exp" |
    sort -t, -k3,3nr -k1,1 -k2,2n | head -20 >"$T/svc.exp"
fq_csv services "$@" >"$T/svc.got"
same services "$T/svc.exp" "$T/svc.got"

# failed handshakes: the flood's SYNs, none answered, one server
awk -F, '$1 == "tcp" && $8 == 0 && $6 == 1 { k = $4 "," $5; n[k]++
           if (!((k SUBSEP $2) in s)) { s[k, $2] = 1; ns[k]++ } }
    END { for (k in n) print k "," n[k] "," ns[k] }' "$T/conv.exp" | sort >"$T/fh.exp"
[ "$(cat "$T/fh.exp")" = "192.0.2.1,80,40,40" ] || fail "tshark: the flood is not what flowgen says"
fq_csv failed-handshakes "$@" | cut -d, -f1-4 | sort >"$T/fh.got"
same failed-handshakes "$T/fh.exp" "$T/fh.got"

# captures: one row per file, in order, with tshark's packet count
for f in "$@"; do
    printf '%s,%s\n' "${f##*/}" "$("$TSHARK" -r "$f" 2>/dev/null | wc -l)"
done >"$T/cap.exp"
fq_csv captures "$@" | cut -d, -f2,5 >"$T/cap.got"
same captures "$T/cap.exp" "$T/cap.got"

# --- by hand, from the scan written byte by byte (flowstore-common.sh):
# 198.51.100.7 tries ports 20..39 of 192.0.2.50 at 1700000100 s + 1 ms
# per port; 22 and 30 answer SYN-ACK and get a RST (RSTO), the others
# answer RST-ACK (REJ). 42 frames of 54 bytes.
S=$T/scan.pcap
expect "port-scan" "$(fq_csv port-scan "$S" | cut -d, -f1-6)" \
    "198.51.100.7,192.0.2.50,20,18,20,39"
expect "conn-states" "$(fq_csv conn-states "$S" | cut -d, -f1-3)" "REJ,18,90.0
RSTO,2,10.0"
rej=""
for p in 20 21 23 24 25 26 27 28 29 31 32 33 34 35 36 37 38 39; do
    rej="$rej${rej:+
}198.51.100.7,192.0.2.50,$p,1"
done
expect "rejected" "$(fq_csv rejected "$S" | cut -d, -f1-4)" "$rej"
expect "resets" "$(fq_csv resets "$S" | grep -c ',REJ,1$'),$(fq_csv resets "$S" | grep -c ',RSTO,1$')" \
    "18,2"
expect "resets rows" "$(fq_csv resets "$S" | grep -c '')" 20
expect "flows-per-minute" "$(fq_csv flows-per-minute "$S")" "2023-11-14 22:15,20,42,2268"
expect "cut-by-eof (none cut)" "$(fq_csv cut-by-eof "$S")" ""

# the handshake scenario is left open: its one flow is cut by the end
expect "cut-by-eof" "$(fq_csv cut-by-eof "$T/handshake.pcap" | cut -d, -f2-)" \
    "handshake.pcap,1,1,100.0"

# long-lived: a UDP exchange written here, 10.9.0.1:5000 -> 10.9.0.2:6000,
# 4 bytes of payload at 0, 40, 80 and 120 s (each gap under the 60 s UDP
# timeout): one flow of 120 s and 16 payload bytes; a short one beside it.
udp_frame() { # SEC SPORT
    u32le "$1"; u32le 0; u32le 46; u32le 46
    bytes 2 0 0 0 0 2  2 0 0 0 0 1  8 0
    bytes 69 0 0 32 0 0 64 0 64 17 0 0  10 9 0 1  10 9 0 2
    u16be "$2"; u16be 6000; u16be 12; bytes 0 0  1 2 3 4
}
{
    bytes 212 195 178 161 2 0 4 0 0 0 0 0 0 0 0 0 255 255 0 0 1 0 0 0
    udp_frame 1700000000 5000
    udp_frame 1700000010 5001
    udp_frame 1700000040 5000
    udp_frame 1700000080 5000
    udp_frame 1700000120 5000
} >"$T/long.pcap"
expect "long-lived" "$(fq_csv long-lived "$T/long.pcap" | cut -d, -f2-)" \
    "udp,10.9.0.1,5000,10.9.0.2,6000,120.000,16"

# damaged-captures: the scan cut 10 bytes short stops inside its last
# record; what came before is stored, the file marked truncated (flowquery
# names it on stderr and exits 1)
n=$(tshark -r "$S" 2>/dev/null | wc -l)
head -c "$(($(wc -c <"$S") - 10))" "$S" >"$T/cut.pcap"
"$FLOWQUERY" --ignore-checksums --format csv damaged-captures "$T/cut.pcap" "$S" \
    >"$T/dmg.out" 2>"$T/dmg.err"
expect "damaged-captures status" "$?" 1
expect "damaged-captures" "$(tail -n +2 "$T/dmg.out" | cut -d, -f2-4)" "cut.pcap,truncated,$((n - 1))"
expect "damaged-captures (none)" "$(fq_csv damaged-captures "$S")" ""
exit 0
