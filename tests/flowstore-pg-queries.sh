#!/bin/sh
# flowstore-pg-queries.sh - the same captures stored into SQLite and into
# PostgreSQL by the same flowstore commands: every query in sql/queries/
# (its PostgreSQL variant from sql/queries/pg/ where one exists) and a
# dump of the conn view give the same answer on both backends.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
. "$top_srcdir/tests/pg-common.sh"

SCENARIOS="handshake graceful-close reset midstream fin-retransmit idle-tcp idle-udp
idle-other icmp sctp ipv6-ext vlan fragments mpls pppoe"
for s in $SCENARIOS; do
    "$FLOWGEN" --scenario "$s" -o "$T/$s.pcap" || fail "flowgen --scenario $s"
done
"$FLOWGEN" --scenario synflood --flows 40 -o "$T/synflood.pcap" || fail "flowgen synflood"
"$FLOWGEN" --scenario eviction -o "$T/eviction.pcap" || fail "flowgen eviction"
"$FLOWGEN" --flows 400 --seed 3 -o "$T/workload.pcap" || fail "flowgen workload"
write_scan_pcap "$T/scan.pcap"
"$FLOWGEN" --scenario idle-tcp --start 1700003600 -o "$T/idle-tcp-late.pcap" || fail flowgen
"$FLOWGEN" --scenario idle-udp --start 1700007200 -o "$T/idle-udp-late.pcap" || fail flowgen

set -- "$FIX"/*.pcap
for s in $SCENARIOS synflood scan; do
    set -- "$@" "$T/$s.pcap"
done
db=$T/fixtures.db
# load_one TARGET FILE...: the captures of flowstore-queries.sh, in its order
load_one() {
    target=$1
    shift
    "$FLOWSTORE" -q -d "$target" --ignore-checksums "$@" || fail "storing the fixtures into $target"
    "$FLOWSTORE" -q -d "$target" --ignore-checksums "$T/workload.pcap" || fail "storing the workload"
    "$FLOWSTORE" -q -d "$target" --ignore-checksums --max-flows 100 "$T/eviction.pcap" ||
        fail "storing eviction"
    "$FLOWSTORE" -q -d "$target" --ignore-checksums --events --tcp-timeout 10m --udp-timeout 5m \
        "$T/idle-tcp-late.pcap" "$T/idle-udp-late.pcap" || fail "storing with long timeouts"
}
load_one "$db" "$@"
load_one "$PGURI" "$@"
n=$(($# + 4))
expect "SQLite captures" "$(q "$db" 'SELECT count(*) FROM captures')" $n
expect "PostgreSQL captures" "$(psql_q flows 'SELECT count(*) FROM captures')" $n
expect "flows on both" "$(psql_q flows 'SELECT count(*) FROM flows')" \
    "$(q "$db" 'SELECT count(*) FROM flows')"
expect "events on both" "$(psql_q flows 'SELECT count(*) FROM events')" \
    "$(q "$db" 'SELECT count(*) FROM events')"

run_sqlite() {
    "$SQLITE3" -batch -header -list -separator '|' -nullvalue NULL "$db" >"$T/$1.sqlite" ||
        fail "$1: sqlite3 failed"
}
run_pg() {
    "$PSQL" -X -q -A -F '|' -P null=NULL -P footer=off -v ON_ERROR_STOP=1 \
        -h "$PGSOCK" -U "$PGUSER_NAME" -d flows >"$T/$1.pg" || fail "$1: psql failed"
}

status=0
compare() {
    [ -s "$T/$1.sqlite" ] || fail "$1: no output from SQLite"
    if ! diff -u "$T/$1.sqlite" "$T/$1.pg"; then
        echo "FAIL: $1: PostgreSQL's answer differs from SQLite's" >&2
        status=1
    fi
}

nq=0
for f in "$QUERIES"/*.sql; do
    name=$(basename "$f" .sql)
    pgf=$QUERIES/pg/$name.sql
    [ -f "$pgf" ] || pgf=$f
    run_sqlite "$name" <"$f"
    run_pg "$name" <"$pgf"
    # damaged-captures: none of these captures is damaged: no row on
    # either side (sqlite3 prints no header for no rows; damaged captures
    # on both backends: flowstore-both-damaged.sh, flowquery-pg.sh)
    if [ "$name" = damaged-captures ]; then
        [ ! -s "$T/$name.sqlite" ] || fail "$name: SQLite has rows: $(cat "$T/$name.sqlite")"
        [ "$(wc -l <"$T/$name.pg")" -eq 1 ] || fail "$name: PostgreSQL has rows: $(cat "$T/$name.pg")"
        nq=$((nq + 1))
        continue
    fi
    [ "$(wc -l <"$T/$name.sqlite")" -ge 2 ] || fail "$name: no rows"
    compare "$name"
    nq=$((nq + 1))
done
[ $nq -ge 10 ] || fail "only $nq queries in $QUERIES"

# Every column of the conn view, every row (uid and service stored by
# both backends).
run_sqlite conn <<'SQL'
SELECT ts, uid, "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", proto, service,
       printf('%.9f', duration) AS duration, orig_bytes, resp_bytes, conn_state,
       missed_bytes, history, orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes,
       community_id, capture_id, start_ns, end_reason, seed_history, zeek
FROM conn ORDER BY capture_id, start_ns, "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", proto;
SQL
run_pg conn <<'SQL'
SELECT ts, uid, "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", proto, service,
       to_char(duration, 'FM999999999990.000000000') AS duration, orig_bytes, resp_bytes,
       conn_state, missed_bytes, history, orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes,
       community_id, capture_id, start_ns, end_reason, seed_history, zeek
FROM conn ORDER BY capture_id, start_ns, host("id.orig_h") COLLATE "C", "id.orig_p",
         host("id.resp_h") COLLATE "C", "id.resp_p", proto COLLATE "C";
SQL
[ "$(wc -l <"$T/conn.sqlite")" -gt 400 ] || fail "conn: too few rows"
compare conn

# The events, every column.
run_sqlite events <<'SQL'
SELECT * FROM events ORDER BY capture_id, seq;
SQL
run_pg events <<'SQL'
SELECT * FROM events ORDER BY capture_id, seq;
SQL
compare events
exit $status
