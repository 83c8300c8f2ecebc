#!/bin/sh
# flowquery-cli.sh - flowquery's command line: --list and the query
# search path, SQL text, the output formats (parsed back), -n, -d on a
# stored database (read-only), damaged input, bad usage.
. "$top_srcdir/tests/flowquery-lib.sh"
need_sqlite3
write_scan_pcap "$T/scan.pcap"
S=$T/scan.pcap

# --list: every query file, with its first comment line
"$FLOWQUERY" --list >"$T/list" || fail "--list"
for f in "$QUERIES"/*.sql; do
    n=$(basename "$f" .sql)
    d=$(head -1 "$f" | sed 's/^-- *//')
    [ -n "$d" ] || fail "$f: no first comment line"
    grep -qxF "$(printf '%s' "$n")$(printf '%*s' $((18 - ${#n})) '')  $d" "$T/list" ||
        grep -q "^$n  *$d\$" "$T/list" || fail "--list lacks '$n  $d'"
done
expect "--list lines" "$(grep -c '' "$T/list")" "$(ls "$QUERIES"/*.sql | grep -c '')"

# the search path: $FLOWKIT_SQLDIR first; '_' finds '-'
mkdir "$T/q"
printf -- '-- Mine: the number of flows.\nSELECT count(*) AS n FROM flows;\n' >"$T/q/mine.sql"
expect "FLOWKIT_SQLDIR" "$(FLOWKIT_SQLDIR=$T/q "$FLOWQUERY" mine "$S")" "n
20"
expect "--list of FLOWKIT_SQLDIR" "$(FLOWKIT_SQLDIR=$T/q "$FLOWQUERY" --list)" \
    "mine  Mine: the number of flows."
expect "a .sql path" "$("$FLOWQUERY" "$T/q/mine.sql" "$S" | tail -1)" 20
expect "top_talkers" "$("$FLOWQUERY" --format csv top_talkers "$S" | tail -1)" \
    "198.51.100.7,20,1188,1080,2268"
# without $FLOWKIT_SQLDIR: the source tree (this is an uninstalled build)
expect "built-in search" "$(env -u FLOWKIT_SQLDIR "$FLOWQUERY" --format csv port-scan \
    --ignore-checksums "$S" | cut -d, -f1-3 | tail -1)" "198.51.100.7,192.0.2.50,20"

# unknown name, bad SQL: status 2, one line, before any replay
st=0
"$FLOWQUERY" no-such-query "$S" 2>"$T/err" || st=$?
expect "unknown query status" "$st" 2
grep -q "no query named 'no-such-query'" "$T/err" || fail "unknown query: $(cat "$T/err")"
st=0
"$FLOWQUERY" "SELEC nothing FROM flows" "$S" 2>"$T/err" || st=$?
expect "bad SQL status" "$st" 2
grep -q 'syntax error' "$T/err" || fail "bad SQL: $(cat "$T/err")"
expect "bad SQL lines" "$(grep -c '' "$T/err")" 1

# formats: a text with a comma, a quote and a tab, NULL, a number, a real
SQL="SELECT 'a,b \"c\"	d' AS t, NULL AS u, 3 AS i, 0.5 AS r"
expect "csv" "$("$FLOWQUERY" --format csv "$SQL" "$S")" 't,u,i,r
"a,b ""c""	d",,3,0.5'
expect "tsv (the default in a pipe)" "$("$FLOWQUERY" "$SQL" "$S")" 't	u	i	r
a,b "c"\td		3	0.5'
"$FLOWQUERY" --format json "$SQL" "$S" >"$T/j" || fail "json"
python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert v == [{"t": "a,b \"c\"\td", "u": None, "i": 3, "r": 0.5}], v
' "$T/j" || fail "json does not parse back: $(cat "$T/j")"
"$FLOWQUERY" --format json rejected --ignore-checksums "$S" >"$T/j" || fail "json rejected"
python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert len(v) == 18 and all(r["rejected"] == 1 and r["server"] == "192.0.2.50" for r in v), v
' "$T/j" || fail "json rows: $(cat "$T/j")"
# table: aligned, numbers to the right, NULL as -
"$FLOWQUERY" --format table "SELECT 'x' AS name, 12345 AS n, NULL AS z UNION ALL
    SELECT 'longer', 7, NULL ORDER BY 1 DESC" "$S" >"$T/t" || fail "table"
expect "table" "$(cat "$T/t")" "name        n  z
------  -----  -
x       12345  -
longer      7  -"
# -n N
expect "-n" "$("$FLOWQUERY" -n 3 --format csv rejected --ignore-checksums "$S" | grep -c '')" 4
st=0
"$FLOWQUERY" -n 0 rejected "$S" 2>/dev/null || st=$?
expect "-n 0" "$st" 2

# -d: a stored database, read-only, never changed
"$FLOWSTORE" -q -d "$T/f.db" --ignore-checksums "$S" || fail flowstore
sum1=$(cksum <"$T/f.db")
expect "-d" "$("$FLOWQUERY" -d "$T/f.db" --format csv port-scan | cut -d, -f3-4 | tail -1)" "20,18"
st=0
"$FLOWQUERY" -d "$T/f.db" "DELETE FROM flows" 2>"$T/err" || st=$?
[ $st -ne 0 ] || fail "a DELETE through -d succeeded"
grep -q 'readonly' "$T/err" || fail "-d DELETE: $(cat "$T/err")"
expect "flows after the DELETE" "$(q "$T/f.db" 'SELECT count(*) FROM flows')" 20
expect "database bytes" "$(cksum <"$T/f.db")" "$sum1"
st=0
"$FLOWQUERY" -d "$T/none.db" captures 2>"$T/err" || st=$?
expect "-d missing" "$st" 2
[ ! -e "$T/none.db" ] || fail "-d created a missing database"
"$SQLITE3" "$T/other.db" 'CREATE TABLE t (x)' || fail sqlite3
st=0
"$FLOWQUERY" -d "$T/other.db" captures 2>"$T/err" || st=$?
expect "-d foreign" "$st" 2
grep -q 'not a flowkit database' "$T/err" || fail "-d foreign: $(cat "$T/err")"
st=0
"$FLOWQUERY" -d "$T/f.db" captures "$S" 2>/dev/null || st=$?
expect "-d with files" "$st" 2

# a damaged capture: named on stderr, status 1, its flows up to the
# damage answered with the others (as flowreplay ends them at the damage)
head -c 300 "$S" >"$T/cut.pcap"
cutflows=$("$FLOWREPLAY" -q --events lifecycle "$T/cut.pcap" 2>/dev/null | grep -c ',ended,')
[ "$cutflows" -gt 0 ] || fail "the cut capture has no flow before its damage"
st=0
out=$("$FLOWQUERY" --format csv "SELECT count(*) AS n FROM flows" "$S" "$T/cut.pcap" 2>"$T/err") ||
    st=$?
expect "damaged status" "$st" 1
expect "damaged: kept with the rest" "$out" "n
$((20 + cutflows))"
grep -q 'cut.pcap' "$T/err" || fail "damaged capture not named: $(cat "$T/err")"
# the importer's messages name flowquery, the program run (not flowstore,
# whose import code it is): the damage, a file that is no capture, a
# missing one
printf 'not a capture at all' >"$T/junk.pcap"
st=0
"$FLOWQUERY" "SELECT 1" "$T/cut.pcap" "$T/junk.pcap" "$T/missing.pcap" 2>"$T/err" >/dev/null ||
    st=$?
expect "import errors status" "$st" 1
expect "import error lines" "$(grep -c '' "$T/err")" 3
expect "import errors name flowquery" "$(grep -c '^flowquery: ' "$T/err")" 3
grep -q '^flowquery: .*junk.pcap: unknown file format' "$T/err" ||
    fail "not a capture: $(cat "$T/err")"

# replay options reach the import: a filter and a window
expect "-f" "$("$FLOWQUERY" -f 'tcp port 22' "SELECT count(*) AS n FROM flows" "$S" | tail -1)" 1
# 1700000100.005 is the start of port 25's exchange: ports 20..24 before it
expect "--from" "$("$FLOWQUERY" --from 1700000100.005 "SELECT min(resp_p) AS p FROM flows" \
    "$S" | tail -1)" 25

# usage
st=0
"$FLOWQUERY" 2>/dev/null || st=$?
expect "no query" "$st" 2
st=0
"$FLOWQUERY" captures 2>/dev/null || st=$?
expect "no capture" "$st" 2
"$FLOWQUERY" -h | grep -q '^Usage: flowquery' || fail "-h"
"$FLOWQUERY" --version | grep -q '^flowquery (flowkit)' || fail "--version"
exit 0
