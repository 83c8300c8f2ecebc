#!/bin/sh
# One changed field: exit 1, and the report names flow, field and values.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

sed 's/^11,\(.*\),resp,1514,/11,\1,resp,1500,/' "$DATA/base.csv" >"$T/len.csv"
run "$DATA/base.csv" "$T/len.csv"
expect_rc 1 "changed len"
expect_out "changed flow tcp 10.0.0.1:40000 -> 10.0.0.2:80 start 1700000000.000000000" "flow named"
expect_out "first difference at event 7 of the flow (expected line 12, actual line 12)" "position"
expect_out "field len: expected 1514, actual 1500" "field values"
expect_out "#6 1700000000.003000000 packet side=orig len=66" "context"
expect_out "flows compared: 3, identical: 2, changed: 1, only in expected: 0, only in actual: 0; events compared: 14" "counts"
# Up to 3 events of context, not more.
[ "$(grep -c '^      #' "$T/out")" -eq 3 ] || fail "context is not 3 events"
# No colour when stdout is not a terminal; colour on request.
grep -q "$(printf '\033')" "$T/out" && fail "colour in a pipe"
run --color=always "$DATA/base.csv" "$T/len.csv"
grep -q "$(printf '\033')\[31m" "$T/out" || fail "--color=always without colour"
run --color=sometimes "$DATA/base.csv" "$T/len.csv"
expect_rc 2 "bad --color"

# JSONL actual side: the same difference.
sed 's/"len":1514/"len":1500/' "$DATA/base.jsonl" >"$T/len.jsonl"
run "$DATA/base.csv" "$T/len.jsonl"
expect_rc 1 "changed len, jsonl"
expect_out "field len: expected 1514, actual 1500" "jsonl field values"

# --ignore skips the field; unknown names are usage errors.
run --ignore len "$DATA/base.csv" "$T/len.csv"
expect_rc 0 "--ignore len"
run --ignore history,len "$DATA/base.csv" "$T/len.csv"
expect_rc 0 "--ignore list"
run --ignore lenn "$DATA/base.csv" "$T/len.csv"
expect_rc 2 "--ignore unknown"
expect_err "unknown field 'lenn'" "--ignore unknown message"
run --ignore orig_h "$DATA/base.csv" "$T/len.csv"
expect_rc 2 "--ignore key field"

# A changed ended row (reason and counters) lists every differing field.
sed 's/^13,\(.*\),fin,2,2,140,1588,SD,/13,\1,rst,2,3,140,1600,SDr,/' "$DATA/base.csv" >"$T/end.csv"
run "$DATA/base.csv" "$T/end.csv"
expect_rc 1 "changed ended"
expect_out "field reason: expected fin, actual rst" "reason"
expect_out "field resp_pkts: expected 2, actual 3" "resp_pkts"
expect_out "field history: expected SD, actual SDr" "history"

# An event missing at the end of a flow.
grep -v '^12,' "$DATA/base.csv" | renumber >"$T/noend.csv"
run "$DATA/base.csv" "$T/noend.csv"
expect_rc 1 "missing event"
expect_out "changed flow tcp [2001:db8::1]:41000 -> [2001:db8::2]:443" "missing event flow"
expect_out "+ actual   #3 (no such event: the flow has 2 events)" "missing event text"

# --max-report limits details, not counts.
sed -e 's/,orig,74,/,orig,75,/' -e 's/,orig,120,/,orig,121,/' -e 's/,orig,94,/,orig,95,/' \
    "$DATA/base.csv" >"$T/three.csv"
run --max-report 1 "$DATA/base.csv" "$T/three.csv"
expect_rc 1 "max-report"
[ "$(grep -c '^changed flow' "$T/out")" -eq 1 ] || fail "--max-report 1 shows other than 1 flow"
expect_out "changed flow tcp 10.0.0.1:40000 -> 10.0.0.2:80" "max-report keeps the earliest flow"
expect_out "(2 more changed flows not detailed; see --max-report)" "max-report note"
expect_out "changed: 3," "max-report counts"
finish
