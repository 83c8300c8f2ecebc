#!/bin/sh
# reader-formats.sh - what flowkit's own capture reader reads that the
# libpcap reader refused: a pcapng whose interfaces differ in link type
# and snap length (also in big-endian order, 2^-30 s units, if_tsoffset),
# times from 2038 to 2106, gzip/zstd/xz/bzip2/lz4 captures (files and
# standard input) and directory arguments. Rows are compared with those
# of the plain capture the input was made from.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 needed"; exit 77; }
R=$SRC/fixtures/real

"$FLOWGEN" --flows 150 --seed 1 -o "$tmp/eth.pcap" || fail "flowgen eth"
"$FLOWGEN" --flows 150 --seed 2 --linktype raw --snaplen 8192 -o "$tmp/raw.pcap" || fail "flowgen raw"
"$REPLAY" -q "$tmp/eth.pcap" "$tmp/raw.pcap" >"$tmp/want.csv" || fail "merge of two pcaps"
[ "$(wc -l <"$tmp/want.csv")" -gt 300 ] || fail "too few rows to compare"

# two interfaces, two link types, two snap lengths, in one pcapng
python3 "$SRC/tests/reader-pcapng.py" "$tmp/mixed.pcapng" "$tmp/eth.pcap" "$tmp/raw.pcap" ||
    fail "writing mixed.pcapng"
"$REPLAY" -q "$tmp/mixed.pcapng" >"$tmp/mixed.csv" 2>"$tmp/mixed.err" ||
    fail "mixed pcapng: $(cat "$tmp/mixed.err")"
cmp -s "$tmp/want.csv" "$tmp/mixed.csv" || fail "mixed pcapng: rows differ from the pcaps'"
python3 "$SRC/tests/reader-pcapng.py" "$tmp/mixed2.pcapng" "$tmp/eth.pcap" "$tmp/raw.pcap" \
    --pow2 --offset 1600000000 --big-endian || fail "writing mixed2.pcapng"
"$REPLAY" -q "$tmp/mixed2.pcapng" >"$tmp/mixed2.csv" 2>"$tmp/mixed2.err" ||
    fail "big-endian pcapng, 2^-30 s, if_tsoffset: $(cat "$tmp/mixed2.err")"
cmp -s "$tmp/want.csv" "$tmp/mixed2.csv" || fail "big-endian pcapng: rows differ"

# an interface whose link type flowkit does not read (USER0, 147), met
# after packets of one it reads: the rows before it, then the one line
# and exit 2 of a capture refused at its start
python3 - "$tmp/raw.pcap" "$tmp/user0.pcap" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<I", b, 20, 147)
open(sys.argv[2], "wb").write(b)
PY
python3 "$SRC/tests/reader-pcapng.py" "$tmp/mixbad.pcapng" "$tmp/eth.pcap" "$tmp/user0.pcap" ||
    fail "writing mixbad.pcapng"
"$REPLAY" -q "$tmp/mixbad.pcapng" >"$tmp/mixbad.csv" 2>"$tmp/mixbad.err"
rc=$?
[ "$rc" -eq 2 ] || fail "later unsupported interface: exit $rc, want 2"
[ "$(wc -l <"$tmp/mixbad.err")" -eq 1 ] || fail "later unsupported interface: $(cat "$tmp/mixbad.err")"
grep -q 'mixbad.pcapng: packet [0-9]*: unsupported link type 147' "$tmp/mixbad.err" ||
    fail "later unsupported interface: message '$(cat "$tmp/mixbad.err")'"
"$REPLAY" -q --events lifecycle "$tmp/mixbad.pcapng" >"$tmp/mixbad-lc.csv" 2>/dev/null
[ "$(grep -c ',started,' "$tmp/mixbad-lc.csv")" -ge 1 ] ||
    fail "later unsupported interface: the rows before it were lost"

# -f is compiled once per link type met (libpcap's pcap_open_dead): the
# same rows from the two pcaps and from the pcapng mixing them
"$REPLAY" -q -f 'tcp port 80' "$tmp/eth.pcap" "$tmp/raw.pcap" >"$tmp/fw.csv" 2>"$tmp/fw.err" ||
    fail "filter over two link types: $(cat "$tmp/fw.err")"
"$REPLAY" -q -f 'tcp port 80' "$tmp/mixed.pcapng" >"$tmp/fm.csv" 2>"$tmp/fm.err" ||
    fail "filter on mixed pcapng: $(cat "$tmp/fm.err")"
cmp -s "$tmp/fw.csv" "$tmp/fm.csv" || fail "filter: mixed pcapng rows differ from the pcaps'"
[ "$(wc -l <"$tmp/fw.csv")" -gt 10 ] && [ "$(wc -l <"$tmp/fw.csv")" -lt "$(wc -l <"$tmp/want.csv")" ] ||
    fail "filter: $(wc -l <"$tmp/fw.csv") rows, not a strict part of $(wc -l <"$tmp/want.csv")"

# times past 2038: a pcap's seconds are unsigned, to 2106-02-07
"$FLOWGEN" --flows 20 --start 2200000000 -o "$tmp/y2039.pcap" || fail "flowgen 2039"
"$REPLAY" -q --events lifecycle "$tmp/y2039.pcap" >"$tmp/y2039.csv" 2>"$tmp/y2039.err" ||
    fail "2039: $(cat "$tmp/y2039.err")"
sed -n 2p "$tmp/y2039.csv" | grep -q '^1,2200000000\.000000000,started,' ||
    fail "2039: first row $(sed -n 2p "$tmp/y2039.csv")"
python3 - "$R/refused.pcap" "$tmp/y2106.pcap" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off = 24
while off + 16 <= len(b):
    struct.pack_into("<I", b, off, 0xffffffff)   # 2106-02-07 06:28:15
    off += 16 + struct.unpack_from("<I", b, off + 8)[0]
open(sys.argv[2], "wb").write(b)
PY
"$REPLAY" -q --events lifecycle "$tmp/y2106.pcap" >"$tmp/y2106.csv" 2>"$tmp/y2106.err" ||
    fail "2106: $(cat "$tmp/y2106.err")"
grep -q '^1,4294967295\.[0-9]*,started,' "$tmp/y2106.csv" || fail "2106: $(sed -n 2p "$tmp/y2106.csv")"
# a pcapng time past the int64 nanosecond clock (2262) stays refused
python3 "$SRC/tests/reader-pcapng.py" "$tmp/y2263.pcapng" "$R/refused.pcap" --shift 7600000000 ||
    fail "writing y2263.pcapng"
"$REPLAY" -q "$tmp/y2263.pcapng" >/dev/null 2>"$tmp/y2263.err" && fail "2263: accepted"
grep -q 'y2263.pcapng: packet 1: timestamp out of range' "$tmp/y2263.err" ||
    fail "2263: $(cat "$tmp/y2263.err")"

# compressed captures, recognised by their bytes: the file and stdin
"$REPLAY" -q "$tmp/eth.pcap" >"$tmp/eth.csv" || fail "plain"
for z in "gzip -c" "zstd -q -c" "xz -c" "bzip2 -c" "lz4 -q -c"; do
    tool=${z%% *}
    command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; continue; }
    $z <"$tmp/eth.pcap" >"$tmp/eth.$tool" || fail "$tool"
    "$REPLAY" -q "$tmp/eth.$tool" >"$tmp/z.csv" 2>"$tmp/z.err" || fail "$tool file: $(cat "$tmp/z.err")"
    cmp -s "$tmp/eth.csv" "$tmp/z.csv" || fail "$tool file: rows differ"
    "$REPLAY" -q - <"$tmp/eth.$tool" >"$tmp/z.csv" 2>"$tmp/z.err" || fail "$tool stdin: $(cat "$tmp/z.err")"
    cmp -s "$tmp/eth.csv" "$tmp/z.csv" || fail "$tool stdin: rows differ"
    # cut short: whole rows, one line naming the file, exit 1 (exit 2
    # when no record can be had: bzip2, xz and lz4 decompress whole
    # blocks, larger than this capture)
    size=$(wc -c <"$tmp/eth.$tool")
    head -c $((size * 2 / 3)) "$tmp/eth.$tool" >"$tmp/cut.$tool"
    "$REPLAY" -q "$tmp/cut.$tool" >"$tmp/cut.csv" 2>"$tmp/cut.err"
    rc=$?
    [ "$(wc -l <"$tmp/cut.err")" = 1 ] || fail "$tool cut: $(cat "$tmp/cut.err")"
    if [ $rc = 1 ]; then
        grep -q "cut.$tool: packet [0-9]*: truncated $tool stream" "$tmp/cut.err" ||
            fail "$tool cut: $(cat "$tmp/cut.err")"
        [ "$(tail -c 1 "$tmp/cut.csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "$tool cut: half a row"
    elif [ $rc = 2 ]; then
        grep -q "cut.$tool: truncated $tool stream" "$tmp/cut.err" || fail "$tool cut: $(cat "$tmp/cut.err")"
    else
        fail "$tool cut: exit $rc ($(cat "$tmp/cut.err"))"
    fi
done
# a damaged gzip stream (flipped bytes in the middle) is one clear line:
# zlib's complaint, or the garbage it let through seen as a bad record
python3 - "$tmp/eth.gzip" "$tmp/bad.gz" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 64):
    b[i] ^= 0x55
open(sys.argv[2], "wb").write(b)
PY
"$REPLAY" -q "$tmp/bad.gz" >/dev/null 2>"$tmp/bad.err"
rc=$?
[ $rc = 1 ] || fail "damaged gzip: exit $rc"
[ "$(wc -l <"$tmp/bad.err")" = 1 ] && grep -q 'bad.gz: packet [0-9]*: ' "$tmp/bad.err" ||
    fail "damaged gzip: $(cat "$tmp/bad.err")"

# a directory: every capture under it, recursively, in name order
mkdir -p "$tmp/d/b" "$tmp/d/a"
cp "$tmp/raw.pcap" "$tmp/d/b/2.pcap"
cp "$tmp/eth.gzip" "$tmp/d/a/1.pcap.gz"
printf 'notes\n' >"$tmp/d/README"
"$REPLAY" -q "$tmp/d" >"$tmp/d.csv" 2>"$tmp/d.err" || fail "directory: $(cat "$tmp/d.err")"
cmp -s "$tmp/want.csv" "$tmp/d.csv" || fail "directory: rows differ from the files'"
[ "$(cat "$tmp/d.err")" = "flowreplay: warning: $tmp/d/README: not a capture file, skipped" ] ||
    fail "directory warning: $(cat "$tmp/d.err")"
# a link back up the tree is not followed (no endless walk)
ln -s .. "$tmp/d/a/up"
"$REPLAY" -q "$tmp/d" >"$tmp/d2.csv" 2>"$tmp/d2.err" || fail "directory with a loop: $(cat "$tmp/d2.err")"
cmp -s "$tmp/want.csv" "$tmp/d2.csv" || fail "directory with a loop: rows differ"
grep -q "warning: $tmp/d/a/up: link to a directory, skipped" "$tmp/d2.err" ||
    fail "directory with a loop: $(cat "$tmp/d2.err")"
# flowstore stores a compressed capture's records under the SHA-256 and
# size of the file as given
FLOWSTORE=${top_builddir:-.}/tools/flowstore/flowstore
if command -v sqlite3 >/dev/null && command -v sha256sum >/dev/null; then
    "$FLOWSTORE" -q -d "$tmp/s.db" "$tmp/eth.zstd" "$tmp/eth.pcap" 2>"$tmp/s.err" ||
        fail "flowstore: $(cat "$tmp/s.err")"
    got=$(sqlite3 "$tmp/s.db" "SELECT sha256, size, packets, flows FROM captures WHERE path LIKE '%eth.zstd'")
    plain=$(sqlite3 "$tmp/s.db" "SELECT packets, flows FROM captures WHERE path LIKE '%eth.pcap'")
    want="$(sha256sum <"$tmp/eth.zstd" | cut -d' ' -f1)|$(wc -c <"$tmp/eth.zstd" | tr -d ' ')|$plain"
    [ "$got" = "$want" ] || fail "flowstore of eth.zstd: '$got', want '$want'"
fi
finish
