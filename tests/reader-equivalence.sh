#!/bin/sh
# reader-equivalence.sh - flowkit's capture reader gives the records
# libpcap gives (time, lengths, link type, bytes) for every capture we
# hold: fixtures, test data, flowgen's scenarios, the fuzz regression
# inputs, Zeek's test traces and the public captures in ../shared.
BUILD=${top_builddir:-.}
SRC=${top_srcdir:-.}
SHARED=${FLOWKIT_SHARED:-$SRC/../shared}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for s in $("$BUILD/tools/flowgen/flowgen" --list-scenarios 2>/dev/null); do
    "$BUILD/tools/flowgen/flowgen" --scenario "$s" -o "$tmp/gen-$s.pcap" >/dev/null 2>&1
done
{
    find "$SRC/fixtures" "$SRC/tests/data" "$SRC/tests/regressions" "$tmp" -type f
    [ -d "$SHARED/zeek-conn/train" ] && find "$SHARED/zeek-conn/train" -type f -name '*.pcap*'
    [ -d "$SHARED/realworld/train" ] && find "$SHARED/realworld/train" -type f ! -name index.tsv
} | sort >"$tmp/list"
[ "$(wc -l <"$tmp/list")" -gt 20 ] || { echo "FAIL: too few files found"; exit 1; }
tr '\n' '\0' <"$tmp/list" | xargs -0 "$BUILD/tests/reader-equiv" >"$tmp/out"
rc=$?
grep DIFF "$tmp/out" | head -20
# xargs may run it several times: add the summaries up
set -- $(awk '/^reader-equiv:/ {f += $2; s += $4; d += $8} END {print f, s, d}' "$tmp/out")
echo "reader-equivalence: $1 files, $2 not readable by libpcap, $3 differ"
[ "$1" = "$(wc -l <"$tmp/list")" ] || { echo "FAIL: not every file was compared"; exit 1; }
# the test has teeth only if libpcap read most of them
[ $(($1 - $2)) -gt 20 ] || { echo "FAIL: libpcap read only $(($1 - $2)) files"; exit 1; }
[ "$rc" = 0 ] && [ "$3" = 0 ]
