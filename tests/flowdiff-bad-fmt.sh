#!/bin/sh
# Event format versions: a mismatch or an unknown version exits 2.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

sed "s/,1\$/,2/; 1s/,2\$/,1/" "$DATA/base.csv" >"$T/v2.csv"
head -n 1 "$T/v2.csv" | grep -q ",fmt\$" || fail "test data header"
run "$DATA/base.csv" "$T/v2.csv"
expect_rc 2 "mismatch"
expect_err "flowdiff: $DATA/base.csv uses event format 1, $T/v2.csv uses 2" "mismatch message"
run "$T/v2.csv" "$DATA/base.jsonl"
expect_rc 2 "mismatch, other way"
expect_err "uses event format 2, $DATA/base.jsonl uses 1" "mismatch message 2"
run "$T/v2.csv" "$T/v2.csv"
expect_rc 2 "unknown version"
expect_err "uses event format 2; this flowdiff reads format 1" "unknown message"
# A version change inside one file.
sed "6s/,1\$/,2/" "$DATA/base.csv" >"$T/v12.csv"
expect_bad "$T/v12.csv" 6 "format version differs from earlier rows"
finish
