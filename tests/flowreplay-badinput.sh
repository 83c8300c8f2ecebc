#!/bin/sh
# flowreplay-badinput.sh - damaged and wrong inputs: one line naming the
# file (and packet), whole rows, eof flush, exit 1 or 2; never a crash.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 needed to build bad files"; exit 77; }
R=$SRC/fixtures/real

# run EXPECTED-EXIT NAME ARGS...: stdout to $tmp/NAME.out, stderr .err
run() {
    want=$1 name=$2
    shift 2
    "$REPLAY" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    [ "$rc" = "$want" ] || fail "$name: exit $rc, want $want ($(cat "$tmp/$name.err"))"
    [ "$rc" -lt 128 ] || fail "$name: killed by a signal"
    if [ -s "$tmp/$name.out" ]; then
        [ "$(tail -c 1 "$tmp/$name.out" | od -An -c | tr -d ' ')" = '\n' ] ||
            fail "$name: last row not whole"
    fi
}
# one_line NAME PATTERN: stderr is exactly one line matching PATTERN
one_line() {
    [ "$(wc -l <"$tmp/$1.err")" = 1 ] || fail "$1: stderr has $(wc -l <"$tmp/$1.err") lines: $(cat "$tmp/$1.err")"
    grep -q "$2" "$tmp/$1.err" || fail "$1: message '$(cat "$tmp/$1.err")' lacks '$2'"
}

# truncated last record: output written so far, flows flushed with eof
size=$(wc -c <"$R/http-download.pcap")
head -c $((size - 10)) "$R/http-download.pcap" >"$tmp/trunc.pcap"
run 1 trunc -q "$tmp/trunc.pcap"
one_line trunc "trunc.pcap: packet 41: "
grep -q ',ended,.*,eof,' "$tmp/trunc.out" || fail "truncated: live flow not flushed"
[ "$(grep -c ',packet,' "$tmp/trunc.out")" = 40 ] || fail "truncated: want 40 packet rows"
run 1 trunc_nf -q --no-flush "$tmp/trunc.pcap"
grep -q ',ended,' "$tmp/trunc_nf.out" && fail "--no-flush flushed after an error"

# corrupt record header: packet 3's caplen made huge
python3 - "$R/refused.pcap" "$tmp/corrupt.pcap" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
# global header 24 bytes; record 1 header at 24: caplen at +8
cap1 = struct.unpack_from("<I", b, 24 + 8)[0]
rec2 = 24 + 16 + cap1
struct.pack_into("<I", b, rec2 + 8, 0x7fffffff)
open(sys.argv[2], "wb").write(b)
PY
run 1 corrupt -q "$tmp/corrupt.pcap"
one_line corrupt "corrupt.pcap: packet 2: "

# not a capture at all
printf 'hello, this is text\n' >"$tmp/text.pcap"
run 2 text -q "$tmp/text.pcap"
one_line text "text.pcap: "
[ -s "$tmp/text.out" ] && fail "text: wrote output"

# an unsupported link type (LINKTYPE_USER0 = 147)
python3 - "$tmp/wifi.pcap" <<'PY'
import struct, sys
hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147)
rec = struct.pack("<IIII", 1, 0, 4, 4) + b"\0\0\0\0"
open(sys.argv[1], "wb").write(hdr + rec)
PY
run 2 wifi -q "$tmp/wifi.pcap"
one_line wifi "wifi.pcap: unsupported link type 147"

# empty file, directory, missing file
: >"$tmp/empty.pcap"
run 2 empty -q "$tmp/empty.pcap"
one_line empty "empty.pcap: empty file"
# a directory stands for the captures in it: none is an error; other
# files are skipped with a warning each
mkdir "$tmp/nocap" "$tmp/nocap2"
run 2 dir -q "$tmp/nocap"
one_line dir "nocap: directory holds no capture files"
printf 'notes\n' >"$tmp/nocap2/readme.txt"
cp "$R/refused.pcap" "$tmp/nocap2/"
run 0 dir2 -q "$tmp/nocap2"
one_line dir2 "warning: .*readme.txt: not a capture file, skipped"
"$REPLAY" -q "$R/refused.pcap" | cmp -s - "$tmp/dir2.out" || fail "dir2: rows differ from the file's"
run 2 missing -q "$tmp/nope.pcap"
one_line missing "nope.pcap: No such file or directory"

# a bad file among good ones: nothing replayed unless all open
run 2 mixed -q "$R/refused.pcap" "$tmp/nope.pcap"

# an unwritable output
run 2 unwritable -q -o "$tmp/no/such/dir.csv" "$R/refused.pcap"
one_line unwritable "dir.csv: No such file or directory"
if [ -w /dev/full ]; then
    # the reason comes from the thread that wrote (events), the inline
    # writer (--zeek-fields) or the Zeek table's writer (--zeek); the
    # larger capture fills the writer's buffer before the end, so its
    # thread is the one that meets the full device
    run 1 full -q -o /dev/full "$R/http-download.pcap"
    one_line full "/dev/full: write error: No space left on device"
    "$FLOWGEN" --flows 3000 --seed 5 -o "$tmp/many.pcap" || fail "flowgen"
    run 1 fullbig -q -o /dev/full "$tmp/many.pcap"
    one_line fullbig "/dev/full: write error: No space left on device"
    run 1 fullz -q --zeek-fields -o /dev/full "$R/http-download.pcap"
    one_line fullz "/dev/full: write error: No space left on device"
    run 1 fullzt -q --zeek --format zeek -o /dev/full "$R/http-download.pcap"
    one_line fullzt "/dev/full: write error: No space left on device"
fi

# random garbage after a valid header, many seeds: never a crash
i=0
while [ $i -lt 30 ]; do
    python3 - "$R/http-download.pcap" "$tmp/g.pcap" $i <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], "rb").read())
r = random.Random(int(sys.argv[3]))
for _ in range(40):
    b[r.randrange(24, len(b))] = r.randrange(256)
open(sys.argv[2], "wb").write(b[: r.randrange(24, len(b) + 1)])
PY
    "$REPLAY" -q "$tmp/g.pcap" >"$tmp/g.out" 2>"$tmp/g.err"
    rc=$?
    [ $rc -le 2 ] || fail "garbage seed $i: exit $rc"
    i=$((i + 1))
done
finish
