#!/bin/sh
# flowstore-pg-query-print.sh - fs_pg_query_print (for flowquery) prints
# what psql -A prints for every query of sql/queries/pg/, and says one
# line for bad SQL and for a database it cannot reach.
. "$top_srcdir/tests/flowstore-common.sh"
. "$top_srcdir/tests/pg-common.sh"
QP=$top_builddir/tests/pg_query_print

"$FLOWGEN" --flows 500 --seed 4 -o "$T/w.pcap" || fail flowgen
"$FLOWSTORE" -q -d "$PGCONN" "$FIX"/*.pcap "$T/w.pcap" || fail "flowstore"
n=0
for f in "$QUERIES"/pg/*.sql; do
    sql=$(grep -v '^--' "$f")
    "$QP" "$PGCONN" "$sql" >"$T/got" || fail "$f: pg_query_print failed"
    "$PSQL" -X -q -A -F '|' -P null=NULL -P footer=off -h "$PGSOCK" -U "$PGUSER_NAME" \
        -d flows -c "$sql" >"$T/want" || fail "$f: psql failed"
    [ "$(wc -l <"$T/want")" -ge 1 ] || fail "$f: no header"
    diff -u "$T/want" "$T/got" || fail "$f: differs from psql"
    n=$((n + 1))
    rows=$((${rows:-0} + $(wc -l <"$T/want") - 1))
done
[ $n -ge 10 ] || fail "only $n queries"
[ "$rows" -ge 50 ] || fail "only $rows rows in all"
"$QP" "$PGCONN" "SELECT nosuchcolumn FROM flows" >/dev/null 2>"$T/err"
expect "bad SQL status" $? 1
[ "$(wc -l <"$T/err")" = 1 ] && grep -q nosuchcolumn "$T/err" || fail "bad SQL: $(cat "$T/err")"
"$QP" "host=$T dbname=flows" "SELECT 1" >/dev/null 2>"$T/err"
expect "unreachable status" $? 1
[ "$(wc -l <"$T/err")" = 1 ] || fail "unreachable: $(cat "$T/err")"
exit 0
