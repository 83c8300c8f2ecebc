#!/bin/sh
# flowreplay-tunnels.sh - --zeek-tunnels in seed mode tracks the flows
# inside VXLAN, Geneve, GRE and IP-in-IP as flows of their own (after the
# outer packet, at its time); without it only the outer flows exist.
# Uses Zeek's tunnel captures from ../shared/zeek-conn/train.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
SHARED=${FLOWKIT_SHARED:-$SRC/../shared}
T=$SHARED/zeek-conn/train
[ -d "$T" ] || { echo "SKIP: $T not found (set FLOWKIT_SHARED)"; exit 77; }

ended() { grep -c ',ended,' "$1"; }

# VXLAN: four outer UDP flows to 4789, one ICMP echo flow inside
"$REPLAY" -q --events lifecycle "$T/core.tunnels.vxlan.pcap" >"$tmp/v0.csv" || fail "vxlan plain"
"$REPLAY" -q --events lifecycle --zeek-tunnels "$T/core.tunnels.vxlan.pcap" >"$tmp/v1.csv" ||
    fail "vxlan tunnels"
grep -q ',ended,icmp,10.0.0.1,0,10.0.0.2,0,' "$tmp/v0.csv" && fail "inner flow without the option"
grep -q ',ended,icmp,10.0.0.1,0,10.0.0.2,0,,,,,eof,4,4,' "$tmp/v1.csv" || fail "vxlan inner ICMP flow missing"
[ "$(ended "$tmp/v1.csv")" -eq $(($(ended "$tmp/v0.csv") + 1)) ] || fail "vxlan: one more flow expected"
# the outer flows are unchanged
grep ',udp,' "$tmp/v0.csv" | cut -d, -f3- >"$tmp/o0"
grep ',udp,' "$tmp/v1.csv" | cut -d, -f3- >"$tmp/o1"
cmp -s "$tmp/o0" "$tmp/o1" || fail "vxlan outer flows changed"

# Geneve, GRE (PPTP) and IP-in-IP (Teredo is UDP too): more flows inside
for c in core.tunnels.geneve core.tunnels.gre-pptp core.tunnels.teredo; do
    "$REPLAY" -q --events lifecycle "$T/$c.pcap" >"$tmp/a.csv" || fail "$c plain"
    "$REPLAY" -q --events lifecycle --zeek-tunnels "$T/$c.pcap" >"$tmp/b.csv" || fail "$c tunnels"
    [ "$(ended "$tmp/b.csv")" -gt "$(ended "$tmp/a.csv")" ] || fail "$c: no inner flows"
    "$REPLAY" -q --events lifecycle --zeek-tunnels "$T/$c.pcap" | cmp -s - "$tmp/b.csv" ||
        fail "$c: two runs differ"
done
"$REPLAY" -q --stats "$tmp/st.json" -o /dev/null --zeek-tunnels "$T/core.tunnels.vxlan.pcap"
grep -q '"flows_created":5' "$tmp/st.json" || fail "stats: $(cat "$tmp/st.json")"
finish
