#!/bin/sh
# Identical inputs compare equal: CSV, JSONL, CSV vs JSONL, stdin.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

run "$DATA/base.csv" "$DATA/base.csv"
expect_rc 0 "csv vs itself"
expect_out "flows compared: 3, identical: 3, changed: 0, only in expected: 0, only in actual: 0; events compared: 14" "counts"

run "$DATA/base.jsonl" "$DATA/base.jsonl"
expect_rc 0 "jsonl vs itself"

run "$DATA/base.csv" "$DATA/base.jsonl"
expect_rc 0 "csv vs jsonl"
run "$DATA/base.jsonl" "$DATA/base.csv"
expect_rc 0 "jsonl vs csv"

rc=0
"$FLOWDIFF" - "$DATA/base.jsonl" <"$DATA/base.csv" >"$T/out" 2>"$T/err" || rc=$?
expect_rc 0 "stdin"
run - -
expect_rc 2 "both stdin"

# Same instant written with fewer digits, and quoting that changes nothing.
sed -e 's/^3,1700000000\.000000000,/3,1700000000,/' -e 's/^5,\([^,]*\),packet,udp/5,\1,"packet",udp/' \
    "$DATA/base.csv" >"$T/alt.csv"
run "$DATA/base.csv" "$T/alt.csv"
expect_rc 0 "equivalent spelling"

# A header-only file against itself: nothing to compare, still equal.
head -n 1 "$DATA/base.csv" >"$T/empty.csv"
run "$T/empty.csv" "$T/empty.csv"
expect_rc 0 "header only"
expect_out "flows compared: 0," "header only counts"

# Quoted fields (read by libcsv) equal the same fields unquoted (split
# on commas directly): every other row quoted everywhere, CRLF on others.
awk -F, 'NR == 1 || NR % 3 != 0 { if (NR % 2) print; else { for (i = 1; i <= NF; i++)
        printf "%s\"%s\"", (i > 1 ? "," : ""), $i; print "" } next }
    { printf "%s\r\n", $0 }' "$DATA/base.csv" >"$T/quoted.csv"
grep -q '"' "$T/quoted.csv" || fail "quoted copy has no quotes"
run "$DATA/base.csv" "$T/quoted.csv"
expect_rc 0 "quoted and CRLF rows read as the plain ones"
sed 's/,tcp,/,"t,cp",/' "$T/quoted.csv" >"$T/quoted2.csv"
run "$DATA/base.csv" "$T/quoted2.csv"
expect_rc 1 "a quoted comma is part of the field"

run --version
expect_rc 0 "--version"
expect_out "flowdiff (flowkit) 0.1.0" "--version"
run --help
expect_rc 0 "--help"
expect_out "Usage: flowdiff" "--help"
run "$DATA/base.csv"
expect_rc 2 "one operand"
run --bogus "$DATA/base.csv" "$DATA/base.csv"
expect_rc 2 "unknown option"
run "$DATA/base.csv" "$T/missing.csv"
expect_rc 2 "missing file"
expect_err "missing.csv" "missing file"
finish
