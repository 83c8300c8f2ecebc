#!/bin/sh
# CSV without its header row, or with a broken one.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

tail -n +2 "$DATA/base.csv" >"$T/nohdr.csv"
expect_bad "$T/nohdr.csv" 1 "missing header row"
sed "1s/,history,/,hist,/" "$DATA/base.csv" >"$T/hdr.csv"
expect_bad "$T/hdr.csv" 1 "header lacks column 'history'"
sed "1s/,fmt$/,fmt,ts/" "$DATA/base.csv" >"$T/dup.csv"
expect_bad "$T/dup.csv" 1 "duplicate column"
finish
