#!/bin/sh
# --ts-tolerance: ts and flow_start within the tolerance compare equal.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

sed 's/^10,1700000000\.003000000,/10,1700000000.003400000,/' "$DATA/base.csv" >"$T/ts.csv"
run "$DATA/base.csv" "$T/ts.csv"
expect_rc 1 "ts off by 400us"
expect_out "field ts: expected 1700000000.003000000, actual 1700000000.003400000" "ts values"
run --ts-tolerance 1ms "$DATA/base.csv" "$T/ts.csv"
expect_rc 0 "tolerance 1ms"
run --ts-tolerance 400us "$DATA/base.csv" "$T/ts.csv"
expect_rc 0 "tolerance is inclusive"
run --ts-tolerance 399us "$DATA/base.csv" "$T/ts.csv"
expect_rc 1 "tolerance too small"
run --ts-tolerance 1 "$DATA/base.csv" "$T/ts.csv"
expect_rc 0 "tolerance in seconds"
run --ts-tolerance 1parsec "$DATA/base.csv" "$T/ts.csv"
expect_rc 2 "bad tolerance"

# The udp flow starts 100us later: matched only with a tolerance.
sed 's/1700000000\.000500000/1700000000.000600000/g' "$DATA/base.csv" >"$T/start.csv"
run "$DATA/base.csv" "$T/start.csv"
expect_rc 1 "start moved"
expect_out "only in expected: 1, only in actual: 1;" "start moved counts"
run --ts-tolerance 100us "$DATA/base.csv" "$T/start.csv"
expect_rc 0 "start moved, tolerance"
expect_out "identical: 3," "start moved, matched"
finish
