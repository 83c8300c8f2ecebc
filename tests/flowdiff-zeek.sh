#!/bin/sh
# flowdiff-zeek.sh - flowdiff compares every column it is given: the Zeek
# columns of --zeek-fields files (CSV and JSONL), with the capture side
# replayed as the file was made (its Zeek columns, its event selection),
# and says in one line (exit 2) when two inputs were made differently.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"
REPLAY=$top_builddir/tools/flowreplay/flowreplay
[ -x "$REPLAY" ] || { echo "SKIP: flowreplay not built"; exit 77; }
CAP=$top_srcdir/fixtures/real/http-download.pcap

"$REPLAY" -q --zeek-fields -o "$T/z.csv" "$CAP" || { echo "FAIL: flowreplay"; exit 1; }
"$REPLAY" -q --zeek-fields --format jsonl -o "$T/z.jsonl" "$CAP" || exit 1
"$REPLAY" -q -o "$T/plain.csv" "$CAP" || exit 1
"$REPLAY" -q --events lifecycle -o "$T/life.csv" "$CAP" || exit 1

# the golden as made: identical, the capture replayed with --zeek-fields
run "$T/z.csv" "$CAP"
expect_rc 0 "zeek golden vs capture"
run --zeek-fields "$T/z.csv" "$CAP"
expect_rc 0 "--zeek-fields accepted"

# one conn_state changed in the golden: a difference, named
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "conn_state") c = i }
         NR > 1 && $3 == "ended" { $c = "REJ" } { print }' "$T/z.csv" >"$T/z-changed.csv"
cmp -s "$T/z.csv" "$T/z-changed.csv" && fail "the edit changed nothing"
run "$T/z-changed.csv" "$CAP"
expect_rc 1 "changed conn_state vs capture"
expect_out "conn_state" "the changed column is named"
run "$T/z-changed.csv" "$T/z.csv"
expect_rc 1 "changed conn_state vs file"
# the same in JSON Lines
sed 's/"conn_state":"[A-Z0-9]*"/"conn_state":"REJ"/' "$T/z.jsonl" >"$T/z-changed.jsonl"
cmp -s "$T/z.jsonl" "$T/z-changed.jsonl" && fail "the JSON edit changed nothing"
run "$T/z-changed.jsonl" "$CAP"
expect_rc 1 "changed conn_state (jsonl) vs capture"
run "$T/z.jsonl" "$CAP"
expect_rc 0 "zeek jsonl golden vs capture"

# a golden made with --events lifecycle: replayed the same way
run "$T/life.csv" "$CAP"
expect_rc 0 "lifecycle golden vs capture"
run --events all "$T/life.csv" "$CAP"
expect_rc 2 "lifecycle golden, --events all given"
expect_err "life.csv was made with --events lifecycle; --events all given" "events given"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "events given: one line"

# two files made differently: one line, status 2, no report
run "$T/life.csv" "$T/plain.csv"
expect_rc 2 "lifecycle vs all"
expect_err "life.csv has no packet events (made with --events lifecycle), $T/plain.csv has them" \
    "lifecycle vs all message"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "lifecycle vs all: one line"
[ -s "$T/out" ] && fail "lifecycle vs all: a report"
run "$T/plain.csv" "$T/z.csv"
expect_rc 2 "plain vs zeek"
expect_err "z.csv has the Zeek columns (made with --zeek-fields or --zeek), $T/plain.csv has not" \
    "plain vs zeek message"
run --zeek-fields "$T/plain.csv" "$CAP"
expect_rc 2 "--zeek-fields against a file without them"
finish
