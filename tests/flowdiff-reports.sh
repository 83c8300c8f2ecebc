#!/bin/sh
# --format json and junit are well-formed and carry the differences.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }

sed 's/^11,\(.*\),resp,1514,/11,\1,resp,1500,/' "$DATA/base.csv" | grep -v 2001:db8 | renumber >"$T/act.csv"

run --format json "$DATA/base.csv" "$T/act.csv"
expect_rc 1 "json"
python3 - "$T/out" <<'PY' || fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counts"]
assert d["equivalent"] is False
assert (c["flows_compared"], c["identical"], c["changed"], c["only_in_expected"], c["only_in_actual"]) == (3, 1, 1, 1, 0), c
kinds = [x["kind"] for x in d["differences"]]
assert kinds == ["changed", "only_in_expected"], kinds
ch = d["differences"][0]
assert ch["flow"] == {"proto": "tcp", "orig_h": "10.0.0.1", "orig_p": 40000, "resp_h": "10.0.0.2", "resp_p": 80, "flow_start": "1700000000.000000000"}, ch["flow"]
assert ch["fields"] == [{"field": "len", "expected": "1514", "actual": "1500"}], ch["fields"]
assert len(ch["context"]) == 3
assert ch["expected_event"]["line"] == 12
PY

run --format json "$DATA/base.csv" "$DATA/base.jsonl"
expect_rc 0 "json equal"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["equivalent"] and d["differences"] == []' "$T/out" ||
    fail "json equal content"

run --format junit "$DATA/base.csv" "$T/act.csv"
expect_rc 1 "junit"
python3 - "$T/out" <<'PY' || fail "junit content"
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
suites = doc.getElementsByTagName("testsuite")
assert len(suites) == 1
cases = doc.getElementsByTagName("testcase")
assert len(cases) == 3, len(cases)
assert suites[0].getAttribute("failures") == "2"
names = [c.getAttribute("name") for c in cases]
assert names[0] == "tcp 10.0.0.1:40000 -> 10.0.0.2:80 start 1700000000.000000000", names
fails = doc.getElementsByTagName("failure")
assert len(fails) == 2
text = fails[0].firstChild.data
assert "field len: expected 1514, actual 1500" in text, text
PY

run --format junit --order strict "$DATA/base.csv" "$T/act.csv"
python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$T/out" || fail "junit strict"
expect_out 'name="event order"' "junit order case"
run --format yaml "$DATA/base.csv" "$T/act.csv"
expect_rc 2 "bad --format"
finish
