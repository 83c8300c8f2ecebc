#!/bin/sh
# Wrong column count in a CSV row: exit 2, file and line named.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

sed "6s/,orig,120,/,orig,120,,/" "$DATA/base.csv" >"$T/more.csv"
expect_bad "$T/more.csv" 6 "row has 21 fields, header has 20"
sed "8s/,resp,74,/,resp,/" "$DATA/base.csv" >"$T/fewer.csv"
expect_bad "$T/fewer.csv" 8 "row has 19 fields, header has 20"
grep -v "\"len\"" "$DATA/base.jsonl" | head -n 2 >"$T/ok.jsonl"
sed "2s/,\"fmt\":1}/}/" "$T/ok.jsonl" >"$T/nofmt.jsonl"
expect_bad "$T/nofmt.jsonl" 2 "missing key 'fmt'"
finish
