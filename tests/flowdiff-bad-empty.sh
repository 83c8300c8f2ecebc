#!/bin/sh
# An empty file, and empty lines, are errors.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

: >"$T/empty.csv"
expect_bad "$T/empty.csv" 1 "empty file"
sed "4s/.*//" "$DATA/base.csv" >"$T/blank.csv"
expect_bad "$T/blank.csv" 4 "empty line"
sed "4s/.*//" "$DATA/base.jsonl" >"$T/blank.jsonl"
expect_bad "$T/blank.jsonl" 4 "empty line"
finish
