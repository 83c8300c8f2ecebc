#!/bin/sh
# hostile-fragments.sh - IP fragments that lie about their lengths, in
# every replay mode (seed, --zeek-fields, --zeek). The capture is built
# here (raw IP link type) with, in packet order:
#   1-2  a good IPv6 UDP datagram in two fragments (reassembled by --zeek)
#   3    an IPv6 fragment with a zero payload length (a jumbogram without
#        its option): the datagram is shorter than the headers walked, so
#        its fragment length is negative (once an ASan negative-size
#        memcpy in the Zeek table's reassembly)
#   4    an IPv6 fragment at offset 65528 carrying 64 bytes: offset plus
#        length past the largest datagram
#   5    an IPv4 fragment at offset 65528 carrying 1480 bytes: the same
#   6    an IPv4 fragment whose total length is shorter than its header
#   7    a good IPv4 TCP SYN, so the replay is seen to go on after them
# Every mode must read the whole capture (exit 0), keep the good flows
# and make nothing of the hostile fragments.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not found"; exit 77; }

python3 - "$tmp/frag.pcap" <<'EOF'
import struct, sys

def v6(nh, payload, plen=None, src=1, dst=2):
    plen = len(payload) if plen is None else plen
    a = b'\x20\x01\x0d\xb8' + b'\0' * 11
    return (struct.pack('!IHBB', 6 << 28, plen, nh, 64) + a + bytes([src]) + a + bytes([dst])
            + payload)

def frag6(nh, off, more, ident, data):
    return struct.pack('!BBHI', nh, 0, off | more, ident) + data

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def v4(proto, payload, off=0, more=0, tot=None, ident=7):
    tot = 20 + len(payload) if tot is None else tot
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot, ident, (more << 13) | (off // 8), 64, proto,
                    0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

A6 = lambda n: b'\x20\x01\x0d\xb8' + b'\0' * 11 + bytes([n])
body = b'Q' * 24
udp = struct.pack('!HHHH', 5353, 53, 8 + 24, 0) + body  # 32 bytes
ck = csum(A6(1) + A6(2) + struct.pack('!IxxxB', len(udp), 17) + udp)
udp = udp[:6] + struct.pack('!H', ck) + body
tcp = struct.pack('!HHIIBBHHH', 40000, 80, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
ck = csum(bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack('!xBH', 6, len(tcp)) + tcp)
tcp = tcp[:16] + struct.pack('!H', ck) + tcp[18:]
pkts = [
    v6(44, frag6(17, 0, 1, 0x1234, udp[:16])),
    v6(44, frag6(17, 16, 0, 0x1234, udp[16:])),
    v6(44, frag6(17, 0, 1, 0x99, b'\0' * 16), plen=0),
    v6(44, frag6(17, 8, 1, 0x99, b'\0' * 16), plen=0),
    v6(44, frag6(17, 65528, 1, 0x77, b'A' * 64)),
    v4(17, b'B' * 1480, off=65528, more=1),
    v4(17, b'C' * 40, off=8, more=1, tot=12, ident=8),
    v4(6, tcp),
]
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for i, p in enumerate(pkts):
        f.write(struct.pack('<IIII', 1700000000 + i, 0, len(p), len(p)))
        f.write(p)
EOF
[ -s "$tmp/frag.pcap" ] || fail "capture not built"

# seed mode: every record read; the TCP flow and the v6 UDP flow exist
"$REPLAY" -q --events lifecycle "$tmp/frag.pcap" >"$tmp/seed.csv" 2>"$tmp/seed.err" ||
    fail "seed mode: exit $? ($(cat "$tmp/seed.err"))"
grep -q ',ended,tcp,10.0.0.1,40000,10.0.0.2,80,' "$tmp/seed.csv" || fail "seed: TCP flow missing"
grep -q ',ended,udp,2001:db8::1,5353,2001:db8::2,53,' "$tmp/seed.csv" ||
    fail "seed: v6 UDP flow missing"

"$REPLAY" -q --zeek-fields "$tmp/frag.pcap" >"$tmp/zf.csv" 2>"$tmp/zf.err" ||
    fail "--zeek-fields: exit $? ($(cat "$tmp/zf.err"))"
grep -q ',tcp,10.0.0.1,40000,10.0.0.2,80,' "$tmp/zf.csv" || fail "--zeek-fields: TCP flow missing"

# --zeek: the two good fragments make one packet of a 72-byte datagram
# (40-byte header, 32 bytes of UDP); the hostile ones make no connection
"$REPLAY" -q --zeek --format zeek "$tmp/frag.pcap" >"$tmp/conn.log" 2>"$tmp/z.err" ||
    fail "--zeek: exit $? ($(cat "$tmp/z.err"))"
grep -q '^#close' "$tmp/conn.log" || fail "--zeek: no #close line"
rows=$(grep -vc '^#' "$tmp/conn.log")
[ "$rows" -eq 2 ] || fail "--zeek: $rows connections, expected 2: $(grep -v '^#' "$tmp/conn.log")"
awk -F'\t' '!/^#/ && $3 == "2001:db8::1" && $4 == 5353 && $6 == 53 && $7 == "udp" &&
    $17 == 1 && $18 == 72 { ok = 1 } END { exit !ok }' "$tmp/conn.log" ||
    fail "--zeek: reassembled v6 UDP datagram missing: $(grep -v '^#' "$tmp/conn.log")"
awk -F'\t' '!/^#/ && $3 == "10.0.0.1" && $4 == 40000 && $7 == "tcp" { ok = 1 } END { exit !ok }' \
    "$tmp/conn.log" || fail "--zeek: TCP connection missing"
finish
