#!/bin/sh
# One file mixing CSV and JSONL is an error (two files of different formats are fine).
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

{ head -n 3 "$DATA/base.csv"; sed -n 3p "$DATA/base.jsonl"; } >"$T/mix.csv"
expect_bad "$T/mix.csv" 4 "JSON object in a CSV file"
{ head -n 2 "$DATA/base.jsonl"; sed -n 4p "$DATA/base.csv"; } >"$T/mix.jsonl"
expect_bad "$T/mix.jsonl" 3 "CSV row in a JSONL file"
finish
