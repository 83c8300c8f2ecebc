#!/bin/sh
# reader-rotated.sh - 10,000 rotated pieces of one capture (as tcpdump -C
# or editcap -c leave them), given as a directory, replay under
# `ulimit -n 256` to the rows of the capture they were cut from: the
# merge reads pieces whose times do not overlap one after another and
# keeps a bounded number open. Also as 10,000 arguments, and with pieces
# whose times do overlap (two interleaved halves).
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 needed"; exit 77; }

"$FLOWGEN" --flows 2500 --packets-per-flow 8 --seed 4 -o "$tmp/whole.pcap" || fail "flowgen"
"$REPLAY" -q "$tmp/whole.pcap" >"$tmp/want.csv" || fail "whole"
python3 - "$tmp/whole.pcap" "$tmp/rot" "$tmp/mix" <<'PY'
import os, struct, sys
b = open(sys.argv[1], "rb").read()
hdr, recs, off = b[:24], [], 24
while off + 16 <= len(b):
    cap = struct.unpack_from("<I", b, off + 8)[0]
    recs.append(b[off:off + 16 + cap])
    off += 16 + cap
assert len(recs) >= 10000, len(recs)
# 10,000 consecutive pieces, names in time order (piece-00000 ...)
os.makedirs(sys.argv[2])
per, extra = divmod(len(recs), 10000)
i = 0
for k in range(10000):
    n = per + (1 if k < extra else 0)
    with open(os.path.join(sys.argv[2], "piece-%05d.pcap" % k), "wb") as f:
        f.write(hdr + b"".join(recs[i:i + n]))
    i += n
# 300 pieces whose times overlap: record j goes to piece (j % 300); times
# made strictly increasing first (ties would go by piece, not by record)
last = -1
for j, r in enumerate(recs):
    s, ns = struct.unpack_from("<II", r, 0)
    t = max(s * 10**9 + ns, last + 1)
    last = t
    recs[j] = struct.pack("<II", t // 10**9, t % 10**9) + r[8:]
open(sys.argv[3] + ".pcap", "wb").write(hdr + b"".join(recs))
os.makedirs(sys.argv[3])
for k in range(300):
    with open(os.path.join(sys.argv[3], "p%03d.pcap" % k), "wb") as f:
        f.write(hdr + b"".join(recs[k::300]))
PY
[ $? = 0 ] || fail "splitting"
[ "$(ls "$tmp/rot" | wc -l)" = 10000 ] || fail "want 10000 pieces"
(
    ulimit -n 256 || exit 3
    "$REPLAY" -q "$tmp/rot" >"$tmp/dir.csv" 2>"$tmp/dir.err" || exit 1
    "$REPLAY" -q "$tmp"/rot/piece-*.pcap >"$tmp/args.csv" 2>"$tmp/args.err" || exit 2
    "$REPLAY" -q "$tmp/mix" >"$tmp/mix.csv" 2>"$tmp/mix.err" || exit 4
)
rc=$?
[ $rc = 3 ] && { echo "SKIP: ulimit -n 256 not allowed"; exit 77; }
[ $rc = 1 ] && fail "directory of 10000: $(head -2 "$tmp/dir.err")"
[ $rc = 2 ] && fail "10000 arguments: $(head -2 "$tmp/args.err")"
[ $rc = 4 ] && fail "300 overlapping pieces: $(head -2 "$tmp/mix.err")"
cmp -s "$tmp/want.csv" "$tmp/dir.csv" || fail "directory: rows differ from the whole capture's"
cmp -s "$tmp/want.csv" "$tmp/args.csv" || fail "arguments: rows differ from the whole capture's"
"$REPLAY" -q "$tmp/mix.pcap" >"$tmp/wantmix.csv" || fail "mix.pcap"
cmp -s "$tmp/wantmix.csv" "$tmp/mix.csv" || fail "overlapping pieces: rows differ from the whole capture's"
finish
