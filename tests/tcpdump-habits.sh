#!/bin/sh
# tcpdump-habits.sh - what tcpdump users type: -r FILE names an input
# (repeatable, operands may follow) and -h is --help, in every tool.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
FLOWDIFF=$top_builddir/tools/flowdiff/flowdiff
FLOWQUERY=$top_builddir/tools/flowquery/flowquery
A=$FIX/http-download.pcap
B=$FIX/refused.pcap

for tool in "$FLOWREPLAY" "$FLOWSTORE" "$FLOWDIFF" "$FLOWGEN" "$FLOWQUERY"; do
    "$tool" -h >"$T/h" || fail "$tool -h: status $?"
    "$tool" --help >"$T/help" || fail "$tool --help"
    head -1 "$T/h" | grep -q '^Usage: ' || fail "$tool -h: $(head -1 "$T/h")"
    cmp -s "$T/h" "$T/help" || fail "$tool: -h differs from --help"
done

"$FLOWREPLAY" -q "$A" "$B" >"$T/ab.csv" || fail flowreplay
"$FLOWREPLAY" -q -r "$A" -r "$B" >"$T/rr.csv" || fail "flowreplay -r -r"
cmp -s "$T/ab.csv" "$T/rr.csv" || fail "flowreplay -r A -r B differs from A B"
"$FLOWREPLAY" -q -r "$A" "$B" >"$T/r.csv" || fail "flowreplay -r A B"
cmp -s "$T/ab.csv" "$T/r.csv" || fail "flowreplay -r A B differs from A B"
"$FLOWREPLAY" -q "$A" >"$T/a.csv" || fail flowreplay
"$FLOWREPLAY" -q -r "$A" >"$T/ra.csv" || fail "flowreplay -r"
cmp -s "$T/a.csv" "$T/ra.csv" || fail "flowreplay -r A differs from A"
cmp -s "$T/a.csv" "$T/ab.csv" && fail "the two captures give the same events (test proves nothing)"

"$FLOWSTORE" -q -d "$T/f.db" -r "$A" -r "$B" || fail "flowstore -r"
expect "flowstore -r" "$(q "$T/f.db" 'SELECT group_concat(path) FROM captures')" "$A,$B"

"$FLOWDIFF" -r "$T/a.csv" -r "$A" >/dev/null || fail "flowdiff -r -r: differs"
"$FLOWDIFF" -r "$T/a.csv" "$A" >/dev/null || fail "flowdiff -r A B: differs"
st=0
"$FLOWDIFF" -r "$T/a.csv" -r "$B" >/dev/null || st=$?
expect "flowdiff -r, different" "$st" 1
st=0
"$FLOWDIFF" -r "$T/a.csv" -r "$A" "$B" >/dev/null 2>&1 || st=$?
expect "flowdiff three inputs" "$st" 2

expect "flowquery -r" "$("$FLOWQUERY" --format csv 'SELECT count(*) AS n FROM captures' \
    -r "$A" -r "$B" | tail -1)" 2
exit 0
