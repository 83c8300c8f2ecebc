#!/bin/sh
# flowstore-pg-faults.sh - PostgreSQL faults. Connection failures (bad
# connection string, wrong password, missing database, server down): one
# line, exit 2. A database that is not flowstore's, or of a newer schema:
# refused. The connection lost mid-load (backend terminated from another
# session; server restarted with -m immediate): nothing of the capture
# stored, exit 1 with one line, a rerun stores it once. An interrupted
# --replace leaves the old capture whole.
. "$top_srcdir/tests/flowstore-common.sh"
. "$top_srcdir/tests/pg-common.sh"

# one_line_exit WANT_STATUS WHAT -- flowstore args: runs flowstore -q,
# checks the status and that stderr is exactly one line
one_line_exit() {
    want=$1 what=$2
    shift 3
    "$FLOWSTORE" -q "$@" >"$T/out" 2>"$T/err"
    st=$?
    [ $st = "$want" ] || fail "$what: exit $st, want $want: $(cat "$T/err")"
    [ "$(wc -l <"$T/err")" = 1 ] || fail "$what: not one line: $(cat "$T/err")"
    grep -q '^flowstore: ' "$T/err" || fail "$what: $(cat "$T/err")"
}

psql_q flows "CREATE ROLE pwuser LOGIN PASSWORD 'right'" >/dev/null || fail "CREATE ROLE"
F=$FIX/reset.pcap
one_line_exit 2 "bad connection string" -- -d "host=$PGSOCK dbname=flows user=$PGUSER_NAME nosuchkeyword=1" "$F"
grep -q 'nosuchkeyword' "$T/err" || fail "bad connection string: $(cat "$T/err")"
one_line_exit 2 "bad URI" -- -d "postgresql://[::1" "$F"
one_line_exit 2 "wrong password" -- -d "host=$PGSOCK dbname=flows user=pwuser password=wrong" "$F"
grep -q 'password authentication failed' "$T/err" || fail "wrong password: $(cat "$T/err")"
grep -q 'wrong' "$T/err" && fail "the password is shown: $(cat "$T/err")"
one_line_exit 2 "missing database" -- -d "host=$PGSOCK dbname=nosuchdb user=$PGUSER_NAME" "$F"
grep -q 'nosuchdb' "$T/err" || fail "missing database: $(cat "$T/err")"
mkdir "$T/nosrv"
one_line_exit 2 "server down" -- -d "host=$T/nosrv dbname=flows user=$PGUSER_NAME" "$F"
one_line_exit 2 "server down (URI)" -- -d "postgresql:///flows?host=$T/nosrv" "$F"
# the right password works
PGPASSWORD=right "$FLOWSTORE" -q -d "host=$PGSOCK dbname=postgres user=pwuser" "$F" 2>"$T/err" &&
    fail "pwuser has no right to create tables in postgres, yet stored"
psql_q postgres "CREATE DATABASE pwdb OWNER pwuser" >/dev/null || fail "CREATE DATABASE pwdb"
PGPASSWORD=right "$FLOWSTORE" -q -d "host=$PGSOCK dbname=pwdb user=pwuser" "$F" ||
    fail "storing with the right password"

# someone else's tables; a newer schema
psql_q postgres "CREATE DATABASE other" >/dev/null || fail "CREATE DATABASE other"
psql_q other "CREATE TABLE payroll (name text)" >/dev/null || fail "CREATE TABLE"
one_line_exit 1 "someone else's database" -- -d "host=$PGSOCK dbname=other user=$PGUSER_NAME" "$F"
grep -q 'not a flowkit database' "$T/err" || fail "other: $(cat "$T/err")"
expect "other's tables untouched" "$(psql_q other "SELECT count(*) FROM pg_tables
    WHERE schemaname = 'public'")" 1
# an older schema version is brought up to date (the views made again)
psql_q pwdb "UPDATE flowstore_meta SET schema_version = 1; DROP VIEW conn" >/dev/null ||
    fail "UPDATE"
PGPASSWORD=right "$FLOWSTORE" -q -d "host=$PGSOCK dbname=pwdb user=pwuser" "$FIX/refused.pcap" ||
    fail "storing into an older schema"
expect "migrated" "$(psql_q pwdb 'SELECT schema_version FROM flowstore_meta')" 4
expect "views made again" "$(psql_q pwdb 'SELECT count(*) FROM conn')" \
    "$(psql_q pwdb 'SELECT count(*) FROM flows')"
expect "captures kept" "$(psql_q pwdb 'SELECT count(*) FROM captures')" 2
psql_q pwdb "UPDATE flowstore_meta SET schema_version = 99" >/dev/null || fail "UPDATE"
PGPASSWORD=right "$FLOWSTORE" -q -d "host=$PGSOCK dbname=pwdb user=pwuser" "$FIX/icmp-echo.pcap" \
    2>"$T/err"
expect "newer schema status" $? 1
grep -q 'newer than this flowstore' "$T/err" || fail "newer schema: $(cat "$T/err")"

# --- mid-load faults, on a capture whose load takes a while ---
big_capture "$T/big.pcap"
nflows=$(ended_csv "$T/big.pcap" | wc -l)
[ "$nflows" -gt 100000 ] || fail "big capture: $nflows flows"

# wait_copy: until a session runs the flows COPY (prints its pid)
wait_copy() {
    n=0
    while :; do
        pid=$(psql_q flows "SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY flows%'
                            AND state = 'active' LIMIT 1" 2>/dev/null)
        [ -n "$pid" ] && { echo "$pid"; return 0; }
        kill -0 "$1" 2>/dev/null || return 1
        n=$((n + 1))
        [ $n -lt 1200 ] || return 1
        sleep 0.05
    done
}

# no_capture WHAT: nothing of big.pcap is stored
no_capture() {
    expect "$1: captures" "$(psql_q flows 'SELECT count(*) FROM captures')" 0
    expect "$1: flows" "$(psql_q flows 'SELECT count(*) FROM flows')" 0
}

# 1. the loading backend terminated from another session
"$FLOWSTORE" -q -d "$PGCONN" "$T/big.pcap" 2>"$T/err1" &
fs=$!
BG_PIDS=$fs
bpid=$(wait_copy $fs) || fail "no COPY seen: $(cat "$T/err1")"
psql_q flows "SELECT pg_terminate_backend($bpid)" >/dev/null || fail "pg_terminate_backend"
wait $fs
expect "terminated backend: status" $? 1
[ "$(wc -l <"$T/err1")" = 1 ] || fail "terminated backend: not one line: $(cat "$T/err1")"
grep -q 'big.pcap: not stored' "$T/err1" || fail "terminated: $(cat "$T/err1")"
no_capture "terminated backend"

# 2. the server restarted (immediate: no clean shutdown) mid-load
"$FLOWSTORE" -q -d "$PGCONN" "$T/big.pcap" 2>"$T/err2" &
fs=$!
BG_PIDS=$fs
wait_copy $fs >/dev/null || fail "no COPY seen: $(cat "$T/err2")"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null || fail "pg_ctl stop"
pg_start
wait $fs
expect "server restart: status" $? 1
[ "$(wc -l <"$T/err2")" = 1 ] || fail "server restart: not one line: $(cat "$T/err2")"
no_capture "server restart"

# a rerun stores it once, with every flow
"$FLOWSTORE" -q -d "$PGCONN" "$T/big.pcap" || fail "rerun"
"$FLOWSTORE" -q -d "$PGCONN" "$T/big.pcap" || fail "second rerun"
expect "rerun: captures" "$(psql_q flows 'SELECT count(*) FROM captures')" 1
expect "rerun: flows" "$(psql_q flows 'SELECT count(*) FROM flows')" "$nflows"
expect "rerun: flows column" "$(psql_q flows 'SELECT flows FROM captures')" "$nflows"

# 3. --replace is one transaction: cut short, the old capture stays whole
psql_q flows "UPDATE captures SET path = 'old'" >/dev/null || fail "UPDATE"
id=$(psql_q flows 'SELECT id FROM captures')
"$FLOWSTORE" -q -d "$PGCONN" --replace "$T/big.pcap" 2>"$T/err3" &
fs=$!
BG_PIDS=$fs
bpid=$(wait_copy $fs) || fail "no COPY seen: $(cat "$T/err3")"
psql_q flows "SELECT pg_terminate_backend($bpid)" >/dev/null || fail "pg_terminate_backend"
wait $fs
expect "interrupted replace: status" $? 1
expect "old capture kept" "$(psql_q flows 'SELECT path, flows FROM captures')" "old|$nflows"
expect "old flows kept" "$(psql_q flows 'SELECT count(*) FROM flows')" "$nflows"
"$FLOWSTORE" -q -d "$PGCONN" --replace "$T/big.pcap" || fail "replace"
expect "replaced" "$(psql_q flows 'SELECT id, path, flows FROM captures')" "$id|$T/big.pcap|$nflows"
expect "replaced flows" "$(psql_q flows 'SELECT count(*) FROM flows')" "$nflows"

# 4. a second loader of the same capture waits for the first; when the
# first rolls back (interrupted), the second stores it
psql_q flows "TRUNCATE captures, flows, capture_files" >/dev/null || fail "TRUNCATE"
"$FLOWSTORE" -q -d "$PGCONN" "$T/big.pcap" 2>"$T/errA" &
a=$!
BG_PIDS=$a
wait_copy $a >/dev/null || fail "no COPY seen: $(cat "$T/errA")"
"$FLOWSTORE" -d "$PGCONN" "$T/big.pcap" 2>"$T/errB" &
b=$!
BG_PIDS="$a $b"
n=0
until [ "$(psql_q flows "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                         AND NOT granted")" = 1 ]; do
    n=$((n + 1))
    [ $n -lt 600 ] || fail "the second loader never waited: $(cat "$T/errB")"
    sleep 0.1
done
kill -TERM $a
wait $a
expect "first loader, interrupted" $? 1
wait $b || fail "second loader: $(cat "$T/errB")"
grep -q 'stored as capture' "$T/errB" || fail "second loader did not store: $(cat "$T/errB")"
expect "stored once" "$(psql_q flows 'SELECT count(*), sum(flows) FROM captures')" "1|$nflows"
expect "its flows" "$(psql_q flows 'SELECT count(*) FROM flows')" "$nflows"
exit 0
