#!/bin/sh
# flowgen-shapes.sh - the workload options that shape the benchmark
# matrix (--idle, --min-payload, --split, with --rst, --concurrency and
# --mix) are deterministic, leave the default bytes alone, and make the
# capture they promise: checked by replaying the captures and counting
# how flows end. Exit 0 pass, 1 fail, 77 skip.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"

# reasons FILE: "fin rst idle_timeout evicted eof" counts of ended events
reasons() {
    awk -F, 'NR > 1 && $3 == "ended" { n[$13]++ }
        END { printf "%d %d %d %d %d\n", n["fin"], n["rst"],
              n["idle_timeout"], n["evicted"], n["eof"] }' "$1"
}
# within X LO HI: LO <= X <= HI
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# Defaults spelled out give the bytes of no options at all, so captures
# made before these options existed are unchanged.
"$FLOWGEN" --flows 3000 --seed 5 -o "$tmp/def.pcap" || fail "default run"
"$FLOWGEN" --flows 3000 --seed 5 --idle 0 --min-payload 1 -o "$tmp/def2.pcap" ||
    fail "explicit default run"
cmp -s "$tmp/def.pcap" "$tmp/def2.pcap" || fail "--idle 0 --min-payload 1 changed the bytes"

# --idle: TCP flows that never close end by the idle timeout. 4,000 TCP
# flows, 100 live at a time: 30 % RST, 30 % idle, the rest FIN. The
# capture spans about 0.4 s; a 20 ms timeout ends idle flows within it.
shape="--flows 4000 --seed 7 --concurrency 100 --mix tcp=1 --rst 30 --idle 30"
# shellcheck disable=SC2086
"$FLOWGEN" $shape -o "$tmp/idle.pcap" || fail "--idle run"
# shellcheck disable=SC2086
"$FLOWGEN" $shape -o "$tmp/idle2.pcap" || fail "--idle rerun"
cmp -s "$tmp/idle.pcap" "$tmp/idle2.pcap" || fail "--idle: two runs differ"
cmp -s "$tmp/idle.pcap" "$tmp/def.pcap" && fail "--idle changed nothing"
"$REPLAY" -q --events lifecycle --tcp-timeout 20ms --sweep-interval 1ms \
    -o "$tmp/idle.csv" "$tmp/idle.pcap" || fail "replay of --idle capture"
set -- $(reasons "$tmp/idle.csv")
[ $(($1 + $2 + $3 + $4 + $5)) = 4000 ] || fail "--idle: $* ended, want 4000 in all"
within "$1" 1400 1800 || fail "--idle: $1 fin, want about 1600 (40 %)"
within "$2" 1000 1400 || fail "--idle: $2 rst, want about 1200 (30 %)"
within "$3" 1000 1400 || fail "--idle: $3 idle_timeout, want about 1200 (30 %)"
[ "$4" = 0 ] || fail "--idle: $4 evicted, want 0"
[ "$5" -le 100 ] || fail "--idle: $5 eof, want at most the last 100 live"
# without --idle the same shape has no flow for the timeout to end
# shellcheck disable=SC2086
"$FLOWGEN" ${shape% --idle 30} -o "$tmp/noidle.pcap" || fail "no --idle run"
"$REPLAY" -q --events lifecycle --tcp-timeout 20ms --sweep-interval 1ms \
    -o "$tmp/noidle.csv" "$tmp/noidle.pcap" || fail "replay without --idle"
set -- $(reasons "$tmp/noidle.csv")
[ "$3" = 0 ] || fail "without --idle: $3 idle_timeout, want 0"
"$FLOWGEN" --flows 10 --rst 60 --idle 41 -o "$tmp/x.pcap" 2>"$tmp/err" &&
    fail "--rst 60 --idle 41 accepted"
grep -q "more than 100" "$tmp/err" || fail "--rst + --idle > 100: $(cat "$tmp/err")"

# Few live flows: with --concurrency 50 the tracker never holds more than
# about 50 live flows, so --max-flows 60 evicts none while --max-flows 20
# evicts; all flows are closed by FIN or RST (no UDP, no idle).
"$FLOWGEN" --flows 2000 --seed 8 --concurrency 50 --mix tcp=1 -o "$tmp/few.pcap" ||
    fail "few run"
"$REPLAY" -q --events lifecycle --max-flows 60 -o "$tmp/few.csv" "$tmp/few.pcap" ||
    fail "replay of few"
set -- $(reasons "$tmp/few.csv")
[ $(($1 + $2)) = 2000 ] && [ "$4" = 0 ] || fail "few, --max-flows 60: $*"
"$REPLAY" -q --events lifecycle --max-flows 20 -o "$tmp/few20.csv" "$tmp/few.pcap" ||
    fail "replay of few with --max-flows 20"
set -- $(reasons "$tmp/few20.csv")
[ "$4" -ge 500 ] || fail "few, --max-flows 20: only $4 evicted"

# --min-payload = --max-payload 1400: every UDP datagram is a full frame,
# 14 + 20 + 8 + 1400 bytes over IPv4 (IPv6 adds 20). With --snaplen 96
# the frames are cut but keep their original length.
"$FLOWGEN" --flows 300 --seed 9 --mix udp=1 --min-payload 1400 --max-payload 1400 \
    -o "$tmp/full.pcap" || fail "full run"
"$FLOWGEN" --flows 300 --seed 9 --mix udp=1 --min-payload 1400 --max-payload 1400 \
    --snaplen 96 -o "$tmp/hdr.pcap" || fail "snaplen run"
# lens FILE: "caplen origlen" of every record, one per line
lens() {
    od -An -v -tu1 "$1" | awk '
        { for (i = 1; i <= NF; i++) {
            pos++
            if (pos <= 24) continue
            if (skip > 0) { skip--; continue }
            r[n++] = $i
            if (n == 16) {
                cap = r[8] + r[9] * 256 + r[10] * 65536
                print cap, r[12] + r[13] * 256 + r[14] * 65536
                skip = cap; n = 0
            } } }'
}
lens "$tmp/full.pcap" | sort | uniq -c >"$tmp/full.lens"
bad=$(awk '$2 != $3 || ($2 != 1442 && $2 != 1462)' "$tmp/full.lens")
[ -z "$bad" ] || fail "full packets: lengths $(tr '\n' ' ' <"$tmp/full.lens")"
[ "$(awk '{ n += $1 } END { print n }' "$tmp/full.lens")" = 3000 ] ||
    fail "full packets: not 3000 records"
lens "$tmp/hdr.pcap" | sort | uniq -c >"$tmp/hdr.lens"
bad=$(awk '$2 != 96 || ($3 != 1442 && $3 != 1462)' "$tmp/hdr.lens")
[ -z "$bad" ] || fail "snaplen 96: lengths $(tr '\n' ' ' <"$tmp/hdr.lens")"
"$REPLAY" -q --events lifecycle -o "$tmp/full.csv" "$tmp/full.pcap" || fail "replay full"
"$REPLAY" -q --events lifecycle -o "$tmp/hdr.csv" "$tmp/hdr.pcap" || fail "replay hdr"
cmp -s "$tmp/full.csv" "$tmp/hdr.csv" || fail "full and 96-byte captures give different flows"
"$FLOWGEN" --flows 10 --min-payload 200 --max-payload 100 -o "$tmp/x.pcap" 2>/dev/null &&
    fail "--min-payload above --max-payload accepted"

# --split N: exactly N files; their records, in order, are the records of
# the unsplit capture, and replaying them merged gives the same output.
"$FLOWGEN" --flows 1000 --seed 11 --concurrency 30 -o "$tmp/one.pcap" || fail "unsplit run"
"$FLOWGEN" --flows 1000 --seed 11 --concurrency 30 --split 7 -o "$tmp/rot.pcap" ||
    fail "--split run"
[ "$(ls "$tmp" | grep -c '^rot\.pcap\.[0-9][0-9][0-9][0-9]$')" = 7 ] ||
    fail "--split 7: $(ls "$tmp" | grep -c '^rot\.pcap\.') files"
[ -e "$tmp/rot.pcap" ] && fail "--split wrote FILE itself"
for f in "$tmp"/rot.pcap.0*; do tail -c +25 "$f"; done >"$tmp/rot.recs"
tail -c +25 "$tmp/one.pcap" | cmp -s - "$tmp/rot.recs" ||
    fail "--split: the files' records are not the unsplit capture's"
head -c 24 "$tmp/rot.pcap.0006" | cmp -s -n 24 - "$tmp/one.pcap" ||
    fail "--split: last file's header differs"
# 10000 packets over 7 files: 1429 each, 1426 in the last
c=$(lens "$tmp/rot.pcap.0003" | wc -l)
[ "$c" = 1429 ] || fail "--split: file 3 holds $c packets, want 1429"
c=$(lens "$tmp/rot.pcap.0006" | wc -l)
[ "$c" = 1426 ] || fail "--split: last file holds $c packets, want 1426"
"$REPLAY" -q -o "$tmp/one.csv" "$tmp/one.pcap" || fail "replay unsplit"
"$REPLAY" -q -o "$tmp/rot.csv" "$tmp"/rot.pcap.0* || fail "replay split"
cmp -s "$tmp/one.csv" "$tmp/rot.csv" || fail "merged replay of the split differs"
# more files than packets: the rest hold the header alone
"$FLOWGEN" --flows 1 --packets-per-flow 3 --split 5 -o "$tmp/tiny" || fail "tiny split"
[ "$(stat -c %s "$tmp/tiny.0004")" = 24 ] || fail "--split: empty file is not a bare header"
[ "$(stat -c %s "$tmp/tiny.0002")" -gt 24 ] || fail "--split: file 2 has no packet"
"$FLOWGEN" --flows 10 --split 3 -o - >/dev/null 2>&1 && fail "--split -o - accepted"
"$FLOWGEN" --scenario reset --split 3 -o "$tmp/s" 2>/dev/null && fail "--split with a scenario accepted"

finish
