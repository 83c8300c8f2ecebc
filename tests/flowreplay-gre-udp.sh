#!/bin/sh
# flowreplay-gre-udp.sh - GRE in UDP (RFC 8086, port 4754) and Aruba's
# GRE (802.11 frames under GRE protocol types 0x8200-0x8370, 0x9000) are
# decapsulated where Zeek does it: the inner flows appear in --zeek mode
# and with --zeek-tunnels in seed mode, not without; the outer flows stay
# as they were; a damaged GRE header only loses the inner flow.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 needed to build the capture"; exit 77; }

python3 - "$tmp/gre.pcap" <<'PY'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def aton(a):
    return bytes(int(x) for x in a.split('.'))

def ip4(src, dst, proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    aton(src), aton(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def l4(src, dst, proto, seg):
    pseudo = aton(src) + aton(dst) + struct.pack('!BBH', 0, proto, len(seg))
    c = csum(pseudo + seg)
    off = 16 if proto == 6 else 6
    return seg[:off] + struct.pack('!H', c or 0xffff) + seg[off + 2:]

def udp(src, dst, sp, dp, data, fix=True):
    seg = struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data
    return ip4(src, dst, 17, l4(src, dst, 17, seg) if fix else seg)

def tcp(src, dst, sp, dp, seq, ack, flags):
    seg = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 8192, 0, 0)
    return ip4(src, dst, 6, l4(src, dst, 6, seg))

def eth(ip):
    return b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + ip

def gre(ptype, inner):
    return struct.pack('!HH', 0, ptype) + inner

def wifi(ip):
    # data frame to the DS, three addresses, then LLC/SNAP and IPv4
    return (b'\x08\x01\x00\x00' + b'\x0a' * 6 + b'\x0b' * 6 + b'\x0c' * 6 + b'\x00\x00' +
            b'\xaa\xaa\x03\x00\x00\x00\x08\x00' + ip)

A, B = '192.0.2.1', '192.0.2.2'      # tunnel endpoints
pk = []
t = 1700000000
# GRE in UDP, client port 50000 -> 4754: a TCP handshake inside
syn = tcp('10.1.1.1', '10.2.2.2', 1111, 80, 1000, 0, 0x02)
sa = tcp('10.2.2.2', '10.1.1.1', 80, 1111, 5000, 1001, 0x12)
ack = tcp('10.1.1.1', '10.2.2.2', 1111, 80, 1001, 5001, 0x10)
pk.append((t + 0.0, eth(udp(A, B, 50000, 4754, gre(0x0800, syn)))))
pk.append((t + 0.1, eth(udp(B, A, 4754, 50000, gre(0x0800, sa)))))
pk.append((t + 0.2, eth(udp(A, B, 50000, 4754, gre(0x0800, ack)))))
# a damaged one: two bytes of GRE header
pk.append((t + 0.3, eth(udp(A, B, 50000, 4754, b'\x00\x00'))))
# Aruba: GRE protocol type 0x8210 carrying an 802.11 data frame (DNS)
q = udp('192.168.5.5', '192.168.5.1', 5353, 53, b'\x12\x34\x01\x00' + b'\0' * 8)
pk.append((t + 0.4, eth(ip4('198.51.100.7', '198.51.100.1', 47, gre(0x8210, wifi(q))))))
# GRE type 0x8215 is not one of Aruba's: nothing inside is followed
q2 = udp('192.168.5.6', '192.168.5.1', 5354, 53, b'\x12\x35\x01\x00' + b'\0' * 8)
pk.append((t + 0.5, eth(ip4('198.51.100.7', '198.51.100.1', 47, gre(0x8215, wifi(q2))))))

with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for ts, b in pk:
        s = int(ts)
        f.write(struct.pack('<IIII', s, int(round((ts - s) * 1e6)), len(b), len(b)) + b)
PY
[ -s "$tmp/gre.pcap" ] || { fail "could not build the capture"; finish; }

ended() { grep ',ended,' "$1" | cut -d, -f4-8,14,15; }
"$REPLAY" -q --events lifecycle "$tmp/gre.pcap" >"$tmp/plain.csv" || fail "seed: exit $?"
"$REPLAY" -q --events lifecycle --zeek-tunnels "$tmp/gre.pcap" >"$tmp/tun.csv" || fail "seed tunnels: exit $?"
ended "$tmp/plain.csv" >"$tmp/plain"
ended "$tmp/tun.csv" >"$tmp/tun"
# outer flows in both runs: the UDP tunnel (3 datagrams out, 1 back)
grep -qx 'udp,192.0.2.1,50000,192.0.2.2,4754,3,1' "$tmp/plain" || fail "outer GRE/UDP flow: $(cat "$tmp/plain")"
grep -q '^10\.\|,10\.2\.2\.2,\|192.168.5' "$tmp/plain" && fail "inner flows without --zeek-tunnels"
grep -qx 'tcp,10.1.1.1,1111,10.2.2.2,80,2,1' "$tmp/tun" || fail "seed: inner TCP flow over GRE/UDP: $(cat "$tmp/tun")"
grep -qx 'udp,192.168.5.5,5353,192.168.5.1,53,1,0' "$tmp/tun" || fail "seed: Aruba inner flow: $(cat "$tmp/tun")"
grep -q '192.168.5.6' "$tmp/tun" && fail "seed: GRE type 0x8215 decapsulated as Aruba"
# the outer flows are unchanged by the option
grep -v '^tcp,10\.\|,192\.168\.5\.' "$tmp/tun" | sort >"$tmp/o1"
sort "$tmp/plain" >"$tmp/o0"
cmp -s "$tmp/o0" "$tmp/o1" || fail "outer flows changed: $(diff "$tmp/o0" "$tmp/o1" | tr '\n' ' ')"

# --zeek: conn.log lines for the inner flows too; --no-zeek-tunnels: not
zrow() { grep -v '^#' "$1" | cut -f3-7,12,17,19; }
"$REPLAY" -q --zeek --format zeek "$tmp/gre.pcap" >"$tmp/z.log" || fail "zeek: exit $?"
"$REPLAY" -q --zeek --no-zeek-tunnels --format zeek "$tmp/gre.pcap" >"$tmp/zn.log" || fail "zeek outer only: exit $?"
zrow "$tmp/z.log" | tr '\t' ',' >"$tmp/z"
zrow "$tmp/zn.log" | tr '\t' ',' >"$tmp/zn"
grep -qx '10.1.1.1,1111,10.2.2.2,80,tcp,S1,2,1' "$tmp/z" || fail "zeek: inner TCP flow: $(cat "$tmp/z")"
grep -qx '192.168.5.5,5353,192.168.5.1,53,udp,S0,1,0' "$tmp/z" || fail "zeek: Aruba inner flow: $(cat "$tmp/z")"
grep -q '192.168.5.6' "$tmp/z" && fail "zeek: GRE type 0x8215 decapsulated as Aruba"
grep -q '^192.0.2.1,50000,192.0.2.2,4754,udp,' "$tmp/z" || fail "zeek: outer GRE/UDP flow missing"
grep -q '^10\.1\.1\.1\|^192\.168\.5\.' "$tmp/zn" && fail "zeek --no-zeek-tunnels: inner flows"
grep -q '^192.0.2.1,50000,192.0.2.2,4754,udp,' "$tmp/zn" || fail "zeek --no-zeek-tunnels: outer flow missing"
finish
