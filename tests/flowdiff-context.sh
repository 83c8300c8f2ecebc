#!/bin/sh
# Context rows are read again from a regular EXPECTED file when a
# difference is reported (kept in memory for stdin): both give the same
# report, quoted rows spanning lines included. Rows are read ahead of
# the merge, yet a bad row is reported only when the merge reaches it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

# Row 10 (in the context of the flow's 7th event) has a quoted newline.
awk -F, 'BEGIN { OFS = "," } NR == 11 { $13 = "\"multi\nline, reason\"" } { print }' \
    "$DATA/base.csv" >"$T/ml.csv"
awk -F, 'BEGIN { OFS = "," } NR == 13 { $10 = 1500 } { print }' "$T/ml.csv" >"$T/ml-chg.csv"
for fmt in text json junit; do
    run --format "$fmt" "$T/ml.csv" "$T/ml-chg.csv"
    expect_rc 1 "$fmt: multi-line context"
    cp "$T/out" "$T/file.$fmt"
    run --format "$fmt" - "$T/ml-chg.csv" <"$T/ml.csv"
    expect_rc 1 "$fmt: multi-line context from stdin"
    sed "s|$T/ml.csv|-|g" "$T/file.$fmt" >"$T/file-named.$fmt"
    cmp -s "$T/out" "$T/file-named.$fmt" || fail "$fmt: stdin and file reports differ"
done
run "$T/ml.csv" "$T/ml-chg.csv"
expect_out "#6 1700000000.003000000 packet side=orig len=66 reason=multi" "context row"
expect_out "line, reason" "context row, second line"

# Columns in another order: the reparsed context keeps the names.
awk -F, 'BEGIN { OFS = "," } { t = $9; $9 = $10; $10 = t; print }' \
    "$DATA/base.csv" >"$T/sw.csv"
awk -F, 'BEGIN { OFS = "," } NR == 12 { $9 = 1500 } { print }' "$T/sw.csv" >"$T/sw-chg.csv"
run "$T/sw.csv" "$T/sw-chg.csv"
expect_rc 1 "reordered columns"
expect_out "#6 1700000000.003000000 packet side=orig len=66" "reordered context"

# Bad rows on both sides: the one the merge meets first is the one
# reported, whichever file it is in and however far ahead it lies.
sed '13s/,1514,/,15x4,/' "$DATA/base.csv" >"$T/late.csv"
sed '6s/,120,/,1x0,/' "$DATA/base.csv" >"$T/early.csv"
for order in "late early" "early late"; do
    set -- $order
    run "$T/$1.csv" "$T/$2.csv"
    expect_rc 2 "bad rows ($order)"
    [ "$(cat "$T/err")" = "flowdiff: $T/early.csv:6:71: bad number in column len: '1x0'" ] ||
        fail "bad rows ($order): wrong message"
done
finish
