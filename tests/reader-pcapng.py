#!/usr/bin/env python3
"""reader-pcapng.py OUT IN.pcap... [--pow2] [--offset S] [--big-endian]

Writes the records of the pcap files IN (merged by time, ties in the
order given) as one pcapng, one interface per input with that input's
link type and snap length. --pow2 stores times in units of 2^-30 s,
--offset moves them by S seconds into if_tsoffset (what a reader must
add back), --big-endian writes the section in big-endian order, --shift
S adds S seconds to every time (through if_tsoffset)."""
import struct, sys

args = sys.argv[1:]
out = args.pop(0)
pow2 = '--pow2' in args
big = '--big-endian' in args
offset = shift = 0
if '--shift' in args:
    shift = int(args[args.index('--shift') + 1])
    del args[args.index('--shift'):args.index('--shift') + 2]
if '--offset' in args:
    offset = int(args[args.index('--offset') + 1])
    del args[args.index('--offset'):args.index('--offset') + 2]
ins = [a for a in args if not a.startswith('--')]
E = '>' if big else '<'

def read_pcap(path):
    b = open(path, 'rb').read()
    magic = struct.unpack_from('<I', b, 0)[0]
    e = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    magic = struct.unpack_from(e + 'I', b, 0)[0]
    ns = magic == 0xa1b23c4d
    snap, lt = struct.unpack_from(e + 'II', b, 16)
    recs, off = [], 24
    while off + 16 <= len(b):
        s, f, cap, ln = struct.unpack_from(e + 'IIII', b, off)
        t = s * 10**9 + (f if ns else f * 1000)
        recs.append((t, ln, b[off + 16:off + 16 + cap]))
        off += 16 + cap
    return lt, snap, recs

def block(t, body):
    n = 12 + len(body)
    return struct.pack(E + 'II', t, n) + body + struct.pack(E + 'I', n)

def pad(b):
    return b + b'\0' * (-len(b) % 4)

o = block(0x0a0d0d0a, struct.pack(E + 'IHHq', 0x1a2b3c4d, 1, 0, -1))
allrecs = []
for i, p in enumerate(ins):
    lt, snap, recs = read_pcap(p)
    opts = b''
    if pow2:
        opts += struct.pack(E + 'HH', 9, 1) + bytes([0x80 | 30]) + b'\0\0\0'
    else:
        opts += struct.pack(E + 'HH', 9, 1) + bytes([9]) + b'\0\0\0'
    if offset or shift:
        opts += struct.pack(E + 'HHq', 14, 8, offset + shift)
    opts += struct.pack(E + 'HH', 0, 0)
    o += block(1, struct.pack(E + 'HHI', lt, 0, snap) + opts)
    allrecs += [(t, i, k, ln, d) for k, (t, ln, d) in enumerate(recs)]
allrecs.sort(key=lambda r: (r[0], r[1], r[2]))
for t, i, k, ln, d in allrecs:
    t -= offset * 10**9
    if pow2:
        s, ns = divmod(t, 10**9)
        units = (s << 30) + (ns << 30) // 10**9
        # round up so the reader's floor gives back exactly ns
        while ((units & ((1 << 30) - 1)) * 10**9) >> 30 < ns:
            units += 1
    else:
        units = t
    o += block(6, struct.pack(E + 'IIIII', i, units >> 32, units & 0xffffffff, len(d), ln) + pad(d))
open(out, 'wb').write(o)
