#!/bin/sh
# Another interleaving of the same per-flow events: equal by default,
# different with --order strict.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

# Move the udp flow's first two rows (seq 4, 5) after seq 7.
awk 'NR == 5 || NR == 6 { held = held $0 "\n"; next } { print } NR == 8 { printf "%s", held }' \
    "$DATA/base.csv" | renumber >"$T/moved.csv"
cmp -s "$DATA/base.csv" "$T/moved.csv" && fail "test data not reordered"
run "$DATA/base.csv" "$T/moved.csv"
expect_rc 0 "reordered, per flow"
run --order flow "$DATA/base.csv" "$T/moved.csv"
expect_rc 0 "--order flow"
run --order strict "$DATA/base.csv" "$T/moved.csv"
expect_rc 1 "--order strict"
expect_out "event order differs at position 4:" "position"
expect_out "expected: started of udp 10.0.0.3:5353 -> 224.0.0.251:5353 start 1700000000.000500000 (line 5, seq 4)" "expected side"
expect_out "actual  : established of tcp 10.0.0.1:40000 -> 10.0.0.2:80" "actual side"
run --order strict "$DATA/base.csv" "$DATA/base.jsonl"
expect_rc 0 "--order strict, same order"
run --order sideways "$DATA/base.csv" "$DATA/base.csv"
expect_rc 2 "bad --order"
finish
