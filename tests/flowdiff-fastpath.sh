#!/bin/sh
# Plain rows (no quotes) are split, keyed and compared on their raw text;
# every other spelling takes the general path. Both must agree.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

# Columns in another order: no raw-text comparison, same verdict.
awk -F, 'BEGIN { OFS = "," } { t = $9; $9 = $10; $10 = t; print }' \
    "$DATA/base.csv" >"$T/swapped.csv"
run "$DATA/base.csv" "$T/swapped.csv"
expect_rc 0 "reordered columns"
sed 's/^11,\(.*\),1514,resp,/11,\1,1500,resp,/' "$T/swapped.csv" >"$T/swapped-len.csv"
run "$DATA/base.csv" "$T/swapped-len.csv"
expect_rc 1 "reordered columns, changed len"
expect_out "field len: expected 1514, actual 1500" "reordered columns, field named"

# One quoted row among plain ones, on either side: that row goes through
# libcsv and is keyed field by field, its neighbours are not.
sed '6s/,udp,/,"udp",/' "$DATA/base.csv" >"$T/one-quoted.csv"
grep -q '"udp"' "$T/one-quoted.csv" || fail "row 6 is not quoted"
run "$DATA/base.csv" "$T/one-quoted.csv"
expect_rc 0 "one quoted row, actual"
run "$T/one-quoted.csv" "$DATA/base.csv"
expect_rc 0 "one quoted row, expected"
sed '6s/,udp,/,"udp",/; 6s/,5353,/,5354,/' "$DATA/base.csv" >"$T/quoted-port.csv"
run "$DATA/base.csv" "$T/quoted-port.csv"
expect_rc 1 "quoted row of another flow"

# The last field differs: found by the raw comparison's fallback.
sed '3s/,1$/,2/' "$DATA/base.csv" >"$T/fmt.csv"
run "$DATA/base.csv" "$T/fmt.csv"
expect_rc 2 "fmt differing from earlier rows"
expect_err "format version differs" "fmt message"

# Short and long timestamps: parsed in line or by the general parser,
# the same instants.
sed 's/1700000000\.\([0-9]*\)/0000000012.\1/g' "$DATA/base.csv" >"$T/zeros.csv"
sed 's/1700000000\.\([0-9]*\)/12.\1/g' "$DATA/base.csv" >"$T/short.csv"
run "$T/zeros.csv" "$T/short.csv"
expect_rc 0 "12 written with and without leading zeros"
sed '4s/^3,1700000000\.000000000,/3,1700000000.00000000x,/' "$DATA/base.csv" >"$T/badts.csv"
expect_bad "$T/badts.csv" 4 "bad timestamp in column ts"

# More fields than the reader keeps: still a one-line error.
awk 'NR == 5 { s = $0; for (i = 0; i < 300; i++) s = s ","; print s; next } { print }' \
    "$DATA/base.csv" >"$T/wide.csv"
expect_bad "$T/wide.csv" 5 "row has over 256 fields"
finish
