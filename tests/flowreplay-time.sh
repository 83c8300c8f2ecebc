#!/bin/sh
# flowreplay-time.sh - the sweep in packet time: idle timeouts per protocol
# at the exact tick, option values, backwards timestamps, merging files,
# eviction, pacing.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"

for s in idle-tcp idle-udp idle-other backwards-ts merge-a merge-b eviction fin-retransmit; do
    "$FLOWGEN" --scenario "$s" -o "$tmp/$s.pcap" || fail "flowgen $s"
done

# idle-udp: last packet of the first flow at 1700000000.001; the default
# 60 s timeout ends it at the first 1 s tick at or after 1700000060.001,
# before the packet that reuses the key
"$REPLAY" -q --events lifecycle "$tmp/idle-udp.pcap" >"$tmp/u.csv"
sed -n 3p "$tmp/u.csv" | grep -q '^2,1700000061.000000000,ended,udp,.*,idle_timeout,' ||
    fail "udp idle end: $(sed -n 3p "$tmp/u.csv")"
sed -n 4p "$tmp/u.csv" | grep -q ',started,udp,10.0.2.1,5353,' || fail "key reused after idle end"
# a finer sweep interval moves the end to its own tick
"$REPLAY" -q --events lifecycle --sweep-interval 250ms "$tmp/idle-udp.pcap" |
    grep -q '^2,1700000060.250000000,ended,' || fail "--sweep-interval 250ms"
# a longer timeout than the silence: the flow survives to eof
"$REPLAY" -q --events lifecycle --udp-timeout 200s "$tmp/idle-udp.pcap" | grep -q idle_timeout &&
    fail "--udp-timeout 200s should keep the flow"
"$REPLAY" -q --events lifecycle --udp-timeout 1.5m "$tmp/idle-udp.pcap" |
    grep -q '^2,1700000091.000000000,ended,.*,idle_timeout,' || fail "--udp-timeout 1.5m"

# each protocol's default timeout
"$REPLAY" -q --events lifecycle "$tmp/idle-tcp.pcap" | grep -q ',ended,tcp,.*,idle_timeout,' ||
    fail "tcp idle timeout"
"$REPLAY" -q --events lifecycle "$tmp/idle-other.pcap" | grep -q ',ended,icmp,.*,idle_timeout,' ||
    fail "other (icmp) idle timeout"
"$REPLAY" -q --events lifecycle --other-timeout 1h "$tmp/idle-other.pcap" | grep -q idle_timeout &&
    fail "--other-timeout 1h"

# backwards timestamps are counted and never move the clock back
"$REPLAY" -q --stats "$tmp/bw.json" -o "$tmp/bw.csv" "$tmp/backwards-ts.pcap"
grep -q '"backwards_timestamps":2' "$tmp/bw.json" || fail "backwards count: $(cat "$tmp/bw.json")"
"$REPLAY" -o /dev/null "$tmp/backwards-ts.pcap" 2>&1 | grep -q 'earlier than the one before' ||
    fail "backwards timestamps not reported"

# merge: the event times never go backwards, and argument order only
# breaks ties
"$REPLAY" -q "$tmp/merge-a.pcap" "$tmp/merge-b.pcap" >"$tmp/ab.csv"
col "$tmp/ab.csv" 2 | sort -c 2>/dev/null || fail "merged output not in time order"
[ "$(grep -c ',packet,' "$tmp/ab.csv")" -gt 0 ] || fail "merge: no packets"
"$REPLAY" -q "$tmp/merge-b.pcap" "$tmp/merge-a.pcap" >"$tmp/ba.csv"
cmp -s "$tmp/ab.csv" "$tmp/ba.csv" && fail "equal timestamps should follow file order"

# eviction at --max-flows
"$REPLAY" -q --events lifecycle --max-flows 100 --stats "$tmp/ev.json" "$tmp/eviction.pcap" >"$tmp/ev.csv"
[ "$(grep -c ',evicted,' "$tmp/ev.csv")" -gt 0 ] || fail "no evicted rows"
grep -q '"evicted":150' "$tmp/ev.json" || fail "evictions: $(cat "$tmp/ev.json")"
"$REPLAY" -q --max-flows 0 "$tmp/eviction.pcap" >/dev/null 2>&1; [ $? = 2 ] || fail "--max-flows 0"

# retransmitted FIN: still closes with fin (the FIX), one closing step
"$REPLAY" -q --events lifecycle "$tmp/fin-retransmit.pcap" >"$tmp/fr.csv"
grep -q ',ended,.*,fin,' "$tmp/fr.csv" || fail "fin-retransmit should end with fin"
[ "$(grep -c 'fin_wait,closing' "$tmp/fr.csv")" = 1 ] || fail "fin-retransmit: closing once"

# pacing: --speed 1000 over 160 s of capture sleeps at least 0.16 s.
# Only a lower bound: a loaded machine may be slower, never faster.
start=$(date +%s%N)
"$REPLAY" -q --speed 1000 -o /dev/null "$tmp/idle-udp.pcap" || fail "--speed run"
el=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$el" -ge 160 ] || fail "--speed 1000 over 160 s of capture took only ${el} ms"
"$REPLAY" -q --speed 0 "$tmp/idle-udp.pcap" >/dev/null 2>&1; [ $? = 2 ] || fail "--speed 0"
# Without pacing the replay decodes packets ahead of tracking them (to
# prefetch their flows); a paced replay tracks each as it is read. Both
# must give the same events: fragments, backwards time, eviction, merged
# files, a workload with many flows open, and the Zeek fields (their hook
# reads each frame's bytes, copied when decoded ahead).
"$FLOWGEN" --flows 3000 --concurrency 500 --seed 11 -o "$tmp/ahead.pcap" >/dev/null ||
    fail "flowgen workload"
for sc in fragments backwards-ts eviction merge-a merge-b ipv6-ext; do
    "$FLOWGEN" --scenario $sc -o "$tmp/ahead-$sc.pcap" >/dev/null || fail "flowgen $sc"
done
for args in "$tmp/ahead.pcap" "$tmp/ahead-fragments.pcap" "$tmp/ahead-backwards-ts.pcap" \
    "--max-flows 100 $tmp/ahead-eviction.pcap" "$tmp/ahead-merge-a.pcap $tmp/ahead-merge-b.pcap" \
    "--max-flows 50 --udp-timeout 2 $tmp/ahead.pcap" "$tmp/ahead-ipv6-ext.pcap" \
    "--zeek-fields $tmp/ahead.pcap" "--zeek-fields $tmp/ahead-fragments.pcap"; do
    # shellcheck disable=SC2086
    "$REPLAY" -q -o "$tmp/ahead-a.csv" $args || fail "replay $args"
    # shellcheck disable=SC2086
    "$REPLAY" -q --speed 1000000000 -o "$tmp/ahead-b.csv" $args || fail "paced replay $args"
    cmp -s "$tmp/ahead-a.csv" "$tmp/ahead-b.csv" || fail "decoding ahead changed the events: $args"
done
finish
