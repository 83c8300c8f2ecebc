#!/bin/sh
# JSON objects cut short or malformed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

head -n 2 "$DATA/base.jsonl" >"$T/short.jsonl"
printf "{\"seq\":3,\"ts\":\"1700000000.000000000\",\"event\":\"packet\"\n" >>"$T/short.jsonl"
expect_bad "$T/short.jsonl" 3 "object cut short"
head -n 2 "$DATA/base.jsonl" >"$T/str.jsonl"
printf "{\"seq\":3,\"ts\":\"1700000000.0000\n" >>"$T/str.jsonl"
expect_bad "$T/str.jsonl" 3 "string cut short"
sed "5s/\"fmt\":1}/\"fmt\":1,}/" "$DATA/base.jsonl" >"$T/comma.jsonl"
expect_bad "$T/comma.jsonl" 5 "expected a key string"
sed "5s/\"side\":\"orig\",/\"side\":\"orig\",\"side\":\"resp\",/" "$DATA/base.jsonl" >"$T/dupkey.jsonl"
expect_bad "$T/dupkey.jsonl" 5 "duplicate key"
sed "5s/\"side\":\"orig\"/\"side\":[1]/" "$DATA/base.jsonl" >"$T/nested.jsonl"
expect_bad "$T/nested.jsonl" 5 "string or an integer"
sed "3s/$/ x/" "$DATA/base.jsonl" >"$T/trail.jsonl"
expect_bad "$T/trail.jsonl" 3 "text after the object"
finish
