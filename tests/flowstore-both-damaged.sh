#!/bin/sh
# flowstore-both-damaged.sh - a damaged capture on both backends, as
# tests/flowstore-damaged.sh checks it on SQLite: stored up to the damage
# (status truncated, the error line, the packets read, flows ended there
# with reason eof), exit 1 with flowreplay's error line, the same rows in
# SQLite and PostgreSQL, the damaged-captures query (and its PostgreSQL
# variant) listing it alike; --zeek the same; --strict stores nothing.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
. "$top_srcdir/tests/pg-common.sh"
. "$top_srcdir/tests/backends-lib.sh"

"$FLOWGEN" --flows 60 --seed 5 -o "$T/work.pcap" || fail flowgen
head -c -10 "$T/work.pcap" >"$T/cut.pcap"
"$FLOWREPLAY" -q -o /dev/null "$T/cut.pcap" 2>"$T/replay.err"
[ -s "$T/replay.err" ] || fail "flowreplay did not find the damage"
line=$(sed 's/^flowreplay: //' "$T/replay.err")

both_init damaged
both --events "$T/cut.pcap" "$FIX/reset.pcap"
expect "status" "$BOTH_RC" 1
grep -qxF "flowstore: $line" "$T/both.err" || fail "error line: $(cat "$T/both.err")"
grep -q "cut.pcap: stored as capture 1, [0-9]* flows read before the damage (status truncated)" \
    "$T/both.err" || fail "stored line: $(cat "$T/both.err")"
both_same "damaged"
expect "rows" "$(both_q "SELECT id, status, CASE WHEN error = '$line' THEN 'same' ELSE error END FROM captures ORDER BY id")" \
    "1|truncated|same
2|complete|NULL"
[ "$(both_q "SELECT count(*) FROM flows WHERE capture_id = 1 AND reason = 'eof'")" -gt 0 ] ||
    fail "no flow ended by the damage"

# the named query lists it alike
"$SQLITE3" -batch -noheader -list -nullvalue NULL "$BOTH_DB" <"$QUERIES/damaged-captures.sql" \
    >"$T/q.sqlite" || fail "query on SQLite"
"$PSQL" -X -q -A -t -P null=NULL -v ON_ERROR_STOP=1 -h "$PGSOCK" -U "$PGUSER_NAME" -d "$BOTH_PG" \
    -f "$QUERIES/pg/damaged-captures.sql" >"$T/q.pg" || fail "query on PostgreSQL"
grep -q "^1|cut.pcap|truncated|" "$T/q.sqlite" || fail "query: $(cat "$T/q.sqlite")"
diff -u "$T/q.sqlite" "$T/q.pg" >&2 || fail "damaged-captures differs"

# again: already stored
both -q "$T/cut.pcap"
expect "again: status" "$BOTH_RC" 0
both_same "damaged again"

both_init zdamaged
both -q --zeek "$T/cut.pcap"
expect "zeek: status" "$BOTH_RC" 1
grep -qxF "flowstore: $line" "$T/both.err" || fail "zeek: error line: $(cat "$T/both.err")"
both_same "zeek damaged"
expect "zeek: status row" "$(both_q 'SELECT status FROM captures')" truncated

# --strict: all or nothing on both
both_init strict
both -q --strict "$T/cut.pcap"
expect "strict: status" "$BOTH_RC" 1
grep -qxF "flowstore: $line (capture not stored)" "$T/both.err" || fail "strict: $(cat "$T/both.err")"
expect "strict: nothing" "$(both_q 'SELECT count(*) FROM captures')" 0
expect "strict: no flows" "$(both_q 'SELECT count(*) FROM flows')" 0
exit 0
