#!/bin/sh
# flowstore-pg-scaleout.sh - runs the commands of docs/scale-out.md as
# written: two loaders (two "machines") with overlapping lists of
# capture directories into one PostgreSQL server at once, then the
# query. Every capture is stored once with all its flows. Then
# flowstore -j 2 on both backends.
. "$top_srcdir/tests/flowstore-common.sh"
. "$top_srcdir/tests/pg-common.sh"

DOC=$top_srcdir/docs/scale-out.md
# block NAME: the shell block of the doc marked <!-- scale-out: NAME -->
block() {
    awk -v m="<!-- scale-out: $1 -->" '
        $0 == m { on = 1; next }
        on && /^<!-- \/scale-out -->/ { exit }
        on && !/^```/ { print }' "$DOC"
}
block loader >"$T/loader.sh"
block query >"$T/query.sh"
grep -q 'xargs' "$T/loader.sh" || fail "no loader block in $DOC"
grep -q 'psql' "$T/query.sh" || fail "no query block in $DOC"

# three directories of captures; machine A loads d1 and d2, machine B
# d2 and d3 (d2 is in both lists)
for d in 1 2 3; do
    mkdir "$T/d$d"
    for s in 1 2 3; do
        seed=$((d * 10 + s))
        "$FLOWGEN" --flows 3000 --seed $seed --start $((1700000000 + seed * 86400 / 3)) \
            -o "$T/d$d/c$s.pcap" || fail flowgen
    done
done
cp "$FIX/reset.pcap" "$FIX/refused-v6.pcap" "$T/d2/"
# flows on both sides of midnight (UTC) in one capture: the COPY stops
# for the second day's partition and goes on
"$FLOWGEN" --scenario idle-tcp --start 1700006300 -o "$T/d3/midnight.pcap" || fail flowgen
want_captures=12
want_flows=0
for f in "$T"/d*/*.pcap; do
    want_flows=$((want_flows + $(ended_csv "$f" | wc -l)))
done

mkdir "$T/bin"
ln -s "$FLOWSTORE" "$T/bin/flowstore"
ln -s "$PSQL" "$T/bin/psql"
export PATH="$T/bin:$PATH"
export FLOWSTORE_DB="$PGURI"

CAPTURE_DIRS="$T/d1 $T/d2" sh "$T/loader.sh" 2>"$T/errA" &
a=$!
CAPTURE_DIRS="$T/d2 $T/d3" sh "$T/loader.sh" 2>"$T/errB" &
b=$!
BG_PIDS="$a $b"
wait $a || fail "machine A: $(cat "$T/errA")"
wait $b || fail "machine B: $(cat "$T/errB")"
expect "query block" "$(sh "$T/query.sh")" "$want_captures|$want_flows"
expect "flows stored" "$(psql_q flows 'SELECT count(*) FROM flows')" "$want_flows"
expect "each file once" "$(psql_q flows 'SELECT count(DISTINCT sha256) FROM captures')" \
    "$want_captures"
# the days: one partition per UTC day the flows start in, each attached
days=$(psql_q flows "SELECT count(DISTINCT (start_ns / 86400000000000)) FROM flows")
expect "partitions" "$(psql_q flows "SELECT count(*) FROM pg_inherits
    WHERE inhparent = 'flows'::regclass")" "$days"
[ "$days" -ge 4 ] || fail "only $days days"
expect "rows in their day's partition" "$(psql_q flows "SELECT count(*) FROM flows
    WHERE tableoid::regclass::text <> to_char(timestamp '1970-01-01'
        + (start_ns / 1000000000) * interval '1 second', '\"flows_\"YYYYMMDD')")" 0
expect "indexes of each partition" "$(psql_q flows "SELECT count(DISTINCT indrelid)
    FROM pg_index JOIN pg_inherits ON inhrelid = indrelid
    WHERE inhparent = 'flows'::regclass")" "$days"
expect "BRIN on start_ns" "$(psql_q flows "SELECT count(*) FROM pg_indexes
    WHERE tablename = 'flows' AND indexdef LIKE '%USING brin (start_ns)%'")" 1
expect "the capture across midnight" "$(psql_q flows "SELECT count(DISTINCT f.tableoid)
    FROM flows AS f JOIN captures AS c ON c.id = f.capture_id
    WHERE c.path LIKE '%midnight.pcap'")" 2
# dropping a day is dropping its partition
day=$(psql_q flows "SELECT c.relname FROM pg_inherits JOIN pg_class AS c ON c.oid = inhrelid
    WHERE inhparent = 'flows'::regclass ORDER BY 1 LIMIT 1")
n=$(psql_q flows "SELECT count(*) FROM $day")
psql_q flows "DROP TABLE $day" >/dev/null || fail "DROP TABLE $day"
expect "after dropping $day" "$(psql_q flows 'SELECT count(*) FROM flows')" $((want_flows - n))

# -j 2: four captures (one given twice) on both backends
need_sqlite3
for s in 1 2 3 4; do
    "$FLOWGEN" --flows 4000 --seed $((s + 50)) -o "$T/j$s.pcap" || fail flowgen
done
jn=0
for s in 1 2 3 4; do
    jn=$((jn + $(ended_csv "$T/j$s.pcap" | wc -l)))
done
psql_q postgres "CREATE DATABASE jobs" >/dev/null || fail "CREATE DATABASE jobs"
for target in "$T/jobs.db" "host=$PGSOCK dbname=jobs user=$PGUSER_NAME"; do
    "$FLOWSTORE" -j 2 -d "$target" "$T/j1.pcap" "$T/j2.pcap" "$T/j1.pcap" "$T/j3.pcap" \
        "$T/j4.pcap" 2>"$T/errj" || fail "-j 2 into $target: $(cat "$T/errj")"
    grep -q '4 captures stored ([0-9]* flows), 1 already stored, 0 failed' "$T/errj" ||
        fail "-j 2 summary: $(cat "$T/errj")"
    case $target in
    *.db) got=$(q "$target" 'SELECT count(*), sum(flows), (SELECT count(*) FROM flows)
                             FROM captures') ;;
    *) got=$(psql_q jobs 'SELECT count(*), sum(flows), (SELECT count(*) FROM flows)
                          FROM captures') ;;
    esac
    expect "-j 2 into $target" "$got" "4|$jn|$jn"
done
"$FLOWSTORE" -j 0 -d "$T/jobs.db" "$T/j1.pcap" 2>/dev/null
expect "-j 0" $? 2
exit 0
