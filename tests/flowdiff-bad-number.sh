#!/bin/sh
# Bad numbers and timestamps: exit 2 with file, line and column.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

sed "10s/,orig,94,/,orig,9x4,/" "$DATA/base.csv" >"$T/len.csv"
expect_bad "$T/len.csv" 10 "bad number in column len"
grep -q ":10:74: " "$T/err" || fail "column of the len field"
sed "4s/^3,1700000000\.000000000,/3,1700000000.0000000001,/" "$DATA/base.csv" >"$T/ts.csv"
expect_bad "$T/ts.csv" 4 "bad timestamp in column ts"
sed "3s/,80,,,active/,99999,,,active/" "$DATA/base.csv" >"$T/port.csv"
expect_bad "$T/port.csv" 3 "bad port in column resp_p"
sed "4s/^3,/4,/" "$DATA/base.csv" >"$T/seq.csv"
expect_bad "$T/seq.csv" 4 "seq does not follow"
sed "5s/\"len\":120/\"len\":1.5e2/" "$DATA/base.jsonl" >"$T/len.jsonl"
expect_bad "$T/len.jsonl" 5 "only integers"
sed "5s/\"len\":120/\"len\":\"120\"/" "$DATA/base.jsonl" >"$T/str.jsonl"
expect_bad "$T/str.jsonl" 5 "expected a number for 'len'"
finish
