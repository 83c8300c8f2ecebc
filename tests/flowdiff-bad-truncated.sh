#!/bin/sh
# A last row without its newline (writer killed) is rejected.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

head -c -1 "$DATA/base.csv" >"$T/cut.csv"
expect_bad "$T/cut.csv" 15 "no newline"
head -c 1000 "$DATA/base.csv" >"$T/mid.csv"
expect_bad "$T/mid.csv" 10 "no newline"
head -c -1 "$DATA/base.jsonl" >"$T/cut.jsonl"
expect_bad "$T/cut.jsonl" 14 "no newline"
# A quoted field left open at the end of the file.
{ cat "$DATA/base.csv"; printf "15,1700000031.000000000,packet,udp,10.0.0.3,5353,224.0.0.251,5353,orig,60,,,,,,,,\"D\n"; } >"$T/quote.csv"
expect_bad "$T/quote.csv" 16 "quoted field not closed"
finish
