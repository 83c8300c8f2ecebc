# flowstore-common.sh - sourced by the tests/flowstore-*.sh scripts: paths
# to the tools, a temporary directory removed on exit, small helpers.
set -u
: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${top_builddir:?top_builddir is not set (run through make check)}"
export TZ=UTC LC_ALL=C

FLOWSTORE=$top_builddir/tools/flowstore/flowstore
FLOWGEN=$top_builddir/tools/flowgen/flowgen
FLOWREPLAY=$top_builddir/tools/flowreplay/flowreplay
FIX=$top_srcdir/fixtures/real
EXPECTED=$top_srcdir/tests/data/flowstore
QUERIES=$top_srcdir/sql/queries
# The schema version flowstore writes (FS_SCHEMA_VERSION).
SCHEMA_VERSION=7

T=$(mktemp -d "${TMPDIR:-/tmp}/flowstore-test.XXXXXX") || exit 99
# Background flowstore processes a test started, killed if it fails early.
BG_PIDS=
cleanup() {
    for p in $BG_PIDS; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "SKIP: $*" >&2
    exit 77
}

# The sqlite3 shell checks what flowstore wrote; CI installs it.
need_sqlite3() {
    SQLITE3=$(command -v sqlite3) || skip "no sqlite3 shell"
}

# q DB SQL: one query, plain '|'-separated rows, no headers.
q() {
    "$SQLITE3" -batch -noheader "$1" "$2"
}

# expect WHAT GOT WANT
expect() {
    [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# Ended events of a replay, as the columns flows holds (for comparison
# with flows_as_csv): proto,orig_h,orig_p,resp_h,resp_p,reason,orig_pkts,
# resp_pkts,orig_bytes,resp_bytes,history,flow_start.
ended_csv() {
    "$FLOWREPLAY" -q --events lifecycle "$@" |
        awk -F, '$3 == "ended" { print $4","$5","$6","$7","$8","$13","$14","$15","$16","$17","$18","$19 }'
}

# The same columns from the flows of capture $2 in database $1, in
# order of ending.
flows_as_csv() {
    q "$1" "SELECT proto || ',' || orig_h || ',' || orig_p || ',' || resp_h || ',' || resp_p
              || ',' || reason || ',' || orig_pkts || ',' || resp_pkts || ',' || orig_bytes
              || ',' || resp_bytes || ',' || history || ',' || (start_ns / 1000000000) || '.'
              || printf('%09d', start_ns % 1000000000)
            FROM flows WHERE capture_id = $2 ORDER BY flow_no"
}

# bytes N...: writes each number (0..255) as one byte.
bytes() {
    for b in "$@"; do
        # shellcheck disable=SC2059
        printf "\\$(printf %03o "$b")"
    done
}

u16be() { bytes $((($1 >> 8) & 255)) $(($1 & 255)); }
u32le() { bytes $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }

# scan_frame USEC DIR PORT FLAGS: one Ethernet/IPv4/TCP pcap record at
# 1700000100 s + USEC between 198.51.100.7:40000 and 192.0.2.50:PORT,
# DIR "out" (scanner to target) or "in". No payload; checksums zero (the
# tracker does not check them).
scan_frame() {
    u32le 1700000100; u32le "$1"; u32le 54; u32le 54
    if [ "$2" = out ]; then
        bytes 2 0 0 0 0 2  2 0 0 0 0 1  8 0
        bytes 69 0 0 40 0 0 64 0 64 6 0 0  198 51 100 7  192 0 2 50
        u16be 40000; u16be "$3"
    else
        bytes 2 0 0 0 0 1  2 0 0 0 0 2  8 0
        bytes 69 0 0 40 0 0 64 0 64 6 0 0  192 0 2 50  198 51 100 7
        u16be "$3"; u16be 40000
    fi
    bytes 0 0 0 1  0 0 0 1  80 "$4" 255 255 0 0 0 0
}

# write_scan_pcap FILE: a SYN scan of 192.0.2.50 ports 20..39 by
# 198.51.100.7, 1 ms per port. Closed ports answer RST+ACK (REJ); 22 and
# 30 answer SYN+ACK and the scanner resets (RSTO). flowgen has no scan
# scenario; this gives the port-scan query something to find.
write_scan_pcap() {
    {
        # pcap header: microsecond magic, v2.4, snaplen 65535, Ethernet
        bytes 212 195 178 161 2 0 4 0 0 0 0 0 0 0 0 0 255 255 0 0 1 0 0 0
        port=20
        while [ $port -le 39 ]; do
            usec=$(((port - 20) * 1000))
            scan_frame $usec out $port 2
            if [ $port = 22 ] || [ $port = 30 ]; then
                scan_frame $((usec + 200)) in $port 18
                scan_frame $((usec + 400)) out $port 4
            else
                scan_frame $((usec + 200)) in $port 20
            fi
            port=$((port + 1))
        done
    } >"$1"
}

# wait_for FILE PATTERN PID: waits (up to 60 s) until FILE has a line
# matching PATTERN; fails if PID exits first.
wait_for() {
    n=0
    until grep -q -- "$2" "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || fail "flowstore ended before '$2': $(cat "$1")"
        n=$((n + 1))
        [ $n -lt 600 ] || fail "timed out waiting for '$2'"
        sleep 0.1
    done
}

# big_capture FILE: a capture large enough that storing it takes a while
# (200,000 flows, about 200 MB), so a test can interrupt it.
big_capture() {
    "$FLOWGEN" --flows 200000 --seed 11 -o "$1" || fail "flowgen --flows 200000"
}

# split_pcap FILE N PREFIX: cuts a classic pcap into pieces of N records,
# PREFIX_1.pcap, PREFIX_2.pcap, ... (as editcap -c or tcpdump -G rotate
# a capture), each with the file's header. Skips the test without python3.
split_pcap() {
    command -v python3 >/dev/null || skip "no python3 to split a capture"
    python3 - "$1" "$2" "$3" <<'PY' || fail "split_pcap $1"
import struct, sys
data = open(sys.argv[1], "rb").read()
n, prefix = int(sys.argv[2]), sys.argv[3]
end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
head, off, recs = data[:24], 24, []
while off < len(data):
    caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
    recs.append(data[off:off + 16 + caplen])
    off += 16 + caplen
for k in range(0, len(recs), n):
    with open("%s_%d.pcap" % (prefix, k // n + 1), "wb") as f:
        f.write(head + b"".join(recs[k:k + n]))
PY
}
