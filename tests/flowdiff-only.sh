#!/bin/sh
# Flows present on one side only are listed as such.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

grep -v '2001:db8' "$DATA/base.csv" | renumber >"$T/no6.csv"
run "$DATA/base.csv" "$T/no6.csv"
expect_rc 1 "only in expected"
expect_out "only in expected: tcp [2001:db8::1]:41000 -> [2001:db8::2]:443 start 1700000000.002000000 (3 events)" "listed"
expect_out "flows compared: 3, identical: 2, changed: 0, only in expected: 1, only in actual: 0; events compared: 11" "counts"

run "$T/no6.csv" "$DATA/base.csv"
expect_rc 1 "only in actual"
expect_out "only in actual: tcp [2001:db8::1]:41000" "listed"
expect_out "only in expected: 0, only in actual: 1;" "counts"

# A different flow_start is a different flow (no tolerance).
sed 's/,1700000000\.000500000,1$/,1700000000.000600000,1/' "$DATA/base.csv" >"$T/start.csv"
run "$DATA/base.csv" "$T/start.csv"
expect_rc 1 "flow_start differs"
expect_out "only in expected: udp 10.0.0.3:5353 -> 224.0.0.251:5353 start 1700000000.000500000" "old start"
expect_out "only in actual: udp 10.0.0.3:5353 -> 224.0.0.251:5353 start 1700000000.000600000" "new start"
finish
