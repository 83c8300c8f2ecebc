#!/bin/bash
# bounded-memory.sh - hostile traffic cannot make flowreplay grow without
# bound (docs/reliability.md):
#   1. a SYN flood of 1M and 2M distinct flows with --max-flows 100000:
#      peak RSS under 200 MB and the same for both (within 10%), every
#      flow beyond the cap reported as evicted;
#   2. a flood of IPv6 fragments with 200k and 400k distinct fragment ids
#      (plus as many orphans): peak RSS flat, fragments still matched;
#   3. a retransmit storm on one TCP flow: one flow, history kept at 16.
# Captures stream through pipes: nothing large is written to disk.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
replay="$top_builddir/tools/flowreplay/flowreplay"
gen="$top_builddir/tools/flowgen/flowgen"
for tool in /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
LIMIT_KB=$((200 * 1024))

# json FILE KEY: a number from the --stats JSON.
json() { grep -o "\"$2\":[0-9]*" "$1" | head -1 | cut -d: -f2; }

# within10 A B: A and B (KB) differ by less than 10% of the larger, or by
# less than 2 MB (allocator noise when both are small).
within10() { local a=$1 b=$2 hi=$1 d; [ "$b" -gt "$hi" ] && hi=$b
    d=$((a > b ? a - b : b - a)); [ $((d * 10)) -lt "$hi" ] || [ "$d" -lt 2048 ]; }

# replay NAME PRODUCER... : runs `PRODUCER | flowreplay` and leaves peak
# RSS (KB) in $tmp/NAME.rss, stats in $tmp/NAME.json, events in
# $tmp/NAME.csv.
replay() {
    local name=$1; shift
    "$@" | /usr/bin/time -f %M -o "$tmp/$name.rss" "$replay" --max-flows 100000 \
        --events lifecycle -q --stats "$tmp/$name.json" -o "$tmp/$name.csv" - ||
        { echo "FAIL: $name: flowreplay failed"; fail=1; }
}

# 1. SYN flood.
for n in 1000000 2000000; do
    replay "syn$n" "$gen" --scenario synflood --flows "$n" -o -
done
r1=$(tail -1 "$tmp/syn1000000.rss"); r2=$(tail -1 "$tmp/syn2000000.rss")
echo "synflood: peak RSS ${r1} KB at 1M flows, ${r2} KB at 2M flows"
ev=$(json "$tmp/syn2000000.json" evicted); created=$(json "$tmp/syn2000000.json" flows_created)
echo "synflood: 2M flows created ${created}, evicted ${ev}"
[ "$r2" -lt "$LIMIT_KB" ] || { echo "FAIL: synflood RSS ${r2} KB >= 200 MB"; fail=1; }
within10 "$r1" "$r2" || { echo "FAIL: synflood RSS grows with flows: $r1 -> $r2 KB"; fail=1; }
[ "$created" = 2000000 ] && [ "$ev" = 1900000 ] ||
    { echo "FAIL: expected 2000000 flows and 1900000 evicted"; fail=1; }
ended=$(grep -c ',ended,' "$tmp/syn2000000.csv")
[ "$ended" = 2000000 ] || { echo "FAIL: $ended ended events, expected 2000000"; fail=1; }

# 2. Fragment flood: per datagram a first fragment (UDP header, id i, M
# set) and its last fragment, then an orphan (an id never seen first).
cat > "$tmp/frag.py" <<'PY'
import struct, sys
n = int(sys.argv[1])
out = sys.stdout.buffer
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
src = bytes.fromhex('20010db8000000000000000000000001')
dst = bytes.fromhex('20010db8000000000000000000000002')
eth = b'\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd'
def frame(ident, off, more, body):
    frag = struct.pack('!BBHI', 17, 0, (off & 0xfff8) | more, ident)
    ip = struct.pack('!IHBB', 0x60000000, len(frag) + len(body), 44, 64) + src + dst
    return eth + ip + frag + body
udp = struct.pack('!HHHH', 40000, 53, 24, 0) + b'x' * 8
tail = b'y' * 8
buf = []
for i in range(n):
    t = 1700000000 + i // 100000
    us = i % 100000 * 10
    for f in (frame(i, 0, 1, udp), frame(i, 16, 0, tail), frame(i | 0x80000000, 16, 0, tail)):
        buf.append(struct.pack('<IIII', t, us, len(f), len(f)) + f)
    if len(buf) > 3000:
        out.write(b''.join(buf)); buf = []
out.write(b''.join(buf))
PY
for n in 200000 400000; do
    replay "frag$n" python3 "$tmp/frag.py" "$n"
done
f1=$(tail -1 "$tmp/frag200000.rss"); f2=$(tail -1 "$tmp/frag400000.rss")
echo "fragments: peak RSS ${f1} KB at 200k ids, ${f2} KB at 400k ids"
m=$(json "$tmp/frag400000.json" packets_matched); u=$(json "$tmp/frag400000.json" packets_unmatched)
echo "fragments: 400k ids: ${m} fragments matched, ${u} unmatched"
[ "$f2" -lt "$LIMIT_KB" ] || { echo "FAIL: fragment flood RSS ${f2} KB >= 200 MB"; fail=1; }
within10 "$f1" "$f2" || { echo "FAIL: fragment flood RSS grows: $f1 -> $f2 KB"; fail=1; }
[ "$m" = 800000 ] && [ "$u" = 400000 ] ||
    { echo "FAIL: expected 800000 fragments matched and 400000 orphans unmatched"; fail=1; }

# 3. Retransmit storm: a handshake, then the same data segment 100000
# times, then a FIN.
cat > "$tmp/storm.py" <<'PY'
import struct, sys
n = int(sys.argv[1])
out = sys.stdout.buffer
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
eth = b'\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00'
c, s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
def pkt(i, fwd, flags, seq, ack, data=b''):
    a, b, sp, dp = (c, s, 40000, 80) if fwd else (s, c, 80, 40000)
    tcp = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 0x50, flags, 65535, 0, 0) + data
    ip = struct.pack('!BBHHHBBH', 0x45, 0, 20 + len(tcp), i & 0xffff, 0, 64, 6, 0) + a + b
    f = eth + ip + tcp
    return struct.pack('<IIII', 1700000000 + i // 1000000, i % 1000000, len(f), len(f)) + f
frames = [pkt(0, 1, 0x02, 100, 0), pkt(1, 0, 0x12, 500, 101), pkt(2, 1, 0x10, 101, 501)]
data = b'GET / HTTP/1.0\r\n\r\n'
for i in range(n):
    frames.append(pkt(3 + i, 1, 0x18, 101, 501, data))
    if len(frames) > 3000:
        out.write(b''.join(frames)); frames = []
frames.append(pkt(n + 3, 1, 0x11, 101 + len(data), 501))
out.write(b''.join(frames))
PY
replay storm python3 "$tmp/storm.py" 100000
s1=$(tail -1 "$tmp/storm.rss")
hist=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "history") h = i; next }
                $3 == "ended" { print $h }' "$tmp/storm.csv")
flows=$(json "$tmp/storm.json" flows_created)
echo "retransmit storm: 100000 copies, ${flows} flow, history '${hist}' (${#hist}), RSS ${s1} KB"
[ "$flows" = 1 ] || { echo "FAIL: storm made $flows flows, expected 1"; fail=1; }
[ "${#hist}" = 16 ] || { echo "FAIL: history '$hist' is not 16 letters"; fail=1; }
[ "$s1" -lt "$LIMIT_KB" ] || { echo "FAIL: storm RSS ${s1} KB"; fail=1; }
exit $fail
