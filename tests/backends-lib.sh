# backends-lib.sh - sourced by the tests/flowstore-both-*.sh scripts after
# flowstore-common.sh (with need_sqlite3) and pg-common.sh: the same
# flowstore command, run on a SQLite database and on a PostgreSQL one,
# must say the same (exit status, stderr) and store the same (every
# column of captures, capture_files, flows, events and the conn view
# but the import's wall clock and tool version).
#
#   both_init NAME      a fresh pair: $T/NAME.db and PostgreSQL database
#                       NAME (BOTH_DB, BOTH_PG, BOTH_URI)
#   both ARGS...        flowstore -d DB ARGS on each; fails when the exit
#                       status or stderr differ, else BOTH_RC is the
#                       status and $T/both.err the stderr (the SQLite
#                       run's, with the timing line left out)
#   both_same WHAT      fails when the two databases' dumps differ
#   both_q SQL          the answer of SQL (text common to both) on both
#                       databases, when they agree; fails otherwise
#
# Capture ids may differ: PostgreSQL takes them from a sequence, which
# neither a rollback nor a deletion gives back; SQLite takes the next
# after the largest stored (reusing a deleted largest one). Messages are
# compared with ids as '#', rows with each capture id as its rank among
# the ids (1 for the lowest), which keeps order and what belongs to what.

both_init() {
    BOTH_DB=$T/$1.db
    BOTH_PG=$1
    BOTH_URI="postgresql:///$1?host=$PGSOCK&user=$PGUSER_NAME"
    rm -f "$BOTH_DB" "$BOTH_DB-wal" "$BOTH_DB-shm"
    psql_q postgres "DROP DATABASE IF EXISTS \"$1\"" >/dev/null 2>&1 &&
        psql_q postgres "CREATE DATABASE \"$1\"" >/dev/null || fail "CREATE DATABASE $1"
}

# The lines of flowstore's stderr that say what happened (not how fast).
both_said() {
    grep -v '^flowstore: [0-9.]* s, ' "$1" || true
}

both() {
    "$FLOWSTORE" -d "$BOTH_DB" "$@" 2>"$T/both.sqlite.err"
    rc_s=$?
    "$FLOWSTORE" -d "$BOTH_URI" "$@" 2>"$T/both.pg.err"
    rc_p=$?
    both_said "$T/both.sqlite.err" >"$T/both.err"
    sed 's/capture [0-9][0-9]*/capture #/g' "$T/both.err" >"$T/both.sqlite.said"
    both_said "$T/both.pg.err" | sed 's/capture [0-9][0-9]*/capture #/g' >"$T/both.pg.said"
    [ "$rc_s" = "$rc_p" ] ||
        fail "flowstore $*: exit status $rc_s with SQLite, $rc_p with PostgreSQL: $(cat "$T/both.pg.err")"
    diff -u "$T/both.sqlite.said" "$T/both.pg.said" >&2 ||
        fail "flowstore $*: SQLite and PostgreSQL say different things"
    BOTH_RC=$rc_s
}

# One SQL text on both; psql prints inet host addresses without a prefix,
# as SQLite holds them.
both_sql_sqlite() {
    printf '%s\n' "$1" |
        "$SQLITE3" -batch -noheader -list -separator '|' -nullvalue NULL "$BOTH_DB" ||
        fail "sqlite3: $1"
}
both_sql_pg() {
    printf '%s\n' "$1" |
        "$PSQL" -X -q -A -t -F '|' -P null=NULL -v ON_ERROR_STOP=1 -h "$PGSOCK" \
            -U "$PGUSER_NAME" -d "$BOTH_PG" -f - || fail "psql: $1"
}

both_q() {
    a=$(both_sql_sqlite "$1")
    b=$(both_sql_pg "$1")
    [ "$a" = "$b" ] || fail "$1: SQLite says '$a', PostgreSQL '$b'"
    printf '%s\n' "$a"
}

# a capture id as its rank
both_rank() {
    echo "(SELECT count(*) FROM captures AS r WHERE r.id <= $1)"
}
BOTH_DUMP="
SELECT 'captures', $(both_rank captures.id), path, size, sha256, linktype, first_ns, last_ns, packets, flows, options,
       status, error, settings, kind FROM captures ORDER BY id;
SELECT 'capture_files', $(both_rank capture_files.capture_id), file_no, path, size, sha256, linktype, first_ns, last_ns,
       packets FROM capture_files ORDER BY capture_id, file_no;
SELECT 'flows', $(both_rank flows.capture_id), flow_no, proto, orig_h, orig_p, resp_h, resp_p, start_ns, end_ns,
       duration_ns, orig_pkts, resp_pkts, orig_bytes, resp_bytes, state, reason, history,
       zeek_history, conn_state, orig_ip_bytes, resp_ip_bytes, orig_payload_bytes,
       resp_payload_bytes, missed_bytes, community_id, zeek_orig_h, zeek_orig_p, zeek_resp_h,
       zeek_resp_p, zeek_orig_pkts, zeek_resp_pkts, uid, service
FROM flows ORDER BY capture_id, flow_no;
SELECT 'events', $(both_rank events.capture_id), seq, ts_ns, event, proto, orig_h, orig_p, resp_h, resp_p, side, len,
       from_state, to_state, reason, orig_pkts, resp_pkts, orig_bytes, resp_bytes, history,
       flow_start_ns FROM events ORDER BY capture_id, seq;
SELECT 'conn', $(both_rank conn.capture_id), start_ns, uid, \"id.orig_h\", \"id.orig_p\", \"id.resp_h\",
       \"id.resp_p\", proto, service, conn_state, history, orig_pkts, resp_pkts, end_reason, zeek
FROM conn ORDER BY capture_id, start_ns, uid;"

both_same() {
    both_sql_sqlite "$BOTH_DUMP" >"$T/dump.sqlite"
    both_sql_pg "$BOTH_DUMP" >"$T/dump.pg"
    grep -q '^captures|' "$T/dump.sqlite" || fail "$1: no captures stored"
    diff -u "$T/dump.sqlite" "$T/dump.pg" >&2 ||
        fail "$1: SQLite and PostgreSQL store different rows"
}
