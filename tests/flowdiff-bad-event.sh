#!/bin/sh
# Unknown event name: exit 2, file and line named.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

sed "7s/,established,/,establishd,/" "$DATA/base.csv" >"$T/ev.csv"
expect_bad "$T/ev.csv" 7 "unknown event name in column event: 'establishd'"
sed "2s/\"state_change\"/\"statechange\"/" "$DATA/base.jsonl" >"$T/ev.jsonl"
expect_bad "$T/ev.jsonl" 2 "unknown event name"
finish
