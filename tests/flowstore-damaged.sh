#!/bin/sh
# flowstore-damaged.sh - a capture cut short (its last record incomplete)
# is stored up to the damage, as flowreplay replays it: the flows read
# before, the live ones ended with reason eof; the captures row says
# status 'truncated', the error line and the packets read; flowstore
# prints flowreplay's error line and exits 1. --strict stores nothing of
# it. sql/queries/damaged-captures.sql lists it.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

"$FLOWGEN" --flows 60 --seed 5 -o "$T/work.pcap" || fail flowgen
head -c -10 "$T/work.pcap" >"$T/cut.pcap"
packets=$("$FLOWREPLAY" -q --stats "$T/st.json" -o /dev/null "$T/cut.pcap" 2>"$T/replay.err";
          sed -n 's/.*"packets_read":\([0-9]*\).*/\1/p' "$T/st.json")
[ -s "$T/replay.err" ] || fail "flowreplay did not find the damage"
line=$(sed 's/^flowreplay: //' "$T/replay.err")

db=$T/t.db
"$FLOWSTORE" -d "$db" "$T/cut.pcap" "$FIX/reset.pcap" 2>"$T/err"
expect "status" $? 1
grep -qxF "flowstore: $line" "$T/err" || fail "error line: $(cat "$T/err")"
expect "one error line" "$(grep -c "truncated dump file\|packet [0-9]" "$T/err")" 1
expect "row" "$(q "$db" "SELECT status, error, packets FROM captures WHERE id = 1")" \
    "truncated|$line|$packets"
expect "good file after it" "$(q "$db" "SELECT status, quote(error) FROM captures WHERE id = 2")" \
    "complete|NULL"
# the flows are flowreplay's over the same damaged file
expect "flows" "$(flows_as_csv "$db" 1)" "$(ended_csv "$T/cut.pcap" 2>/dev/null)"
[ "$(q "$db" "SELECT count(*) FROM flows WHERE capture_id = 1 AND reason = 'eof'")" -gt 0 ] ||
    fail "no flow ended by the damage"
expect "captures.flows" "$(q "$db" 'SELECT flows FROM captures WHERE id = 1')" \
    "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id = 1')"

# the query lists it, and only it
"$SQLITE3" -batch -noheader -list "$db" <"$QUERIES/damaged-captures.sql" >"$T/q.out" ||
    fail "query"
expect "query" "$(cut -d'|' -f1-5,7 "$T/q.out")" \
    "1|cut.pcap|truncated|$packets|$(q "$db" 'SELECT flows FROM captures WHERE id = 1')|${line#"$T/cut.pcap: "}"

# storing it again: already stored
"$FLOWSTORE" -q -d "$db" "$T/cut.pcap" 2>"$T/err2" || fail "again: $(cat "$T/err2")"
expect "again: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 2

# --zeek: Zeek's connection table, also ended at the damage
"$FLOWSTORE" -q --zeek -d "$T/z.db" "$T/cut.pcap" 2>"$T/err"
expect "zeek: status" $? 1
grep -qxF "flowstore: $line" "$T/err" || fail "zeek: error line: $(cat "$T/err")"
zrows=$("$FLOWREPLAY" -q --zeek --format zeek "$T/cut.pcap" 2>/dev/null | grep -vc '^#')
expect "zeek: flows" "$(q "$T/z.db" 'SELECT count(*) FROM flows')" "$zrows"
expect "zeek: status row" "$(q "$T/z.db" 'SELECT status FROM captures')" truncated

# --strict: all or nothing, as before
"$FLOWSTORE" -q --strict -d "$T/s.db" "$T/cut.pcap" 2>"$T/err"
expect "strict: status" $? 1
grep -qxF "flowstore: $line (capture not stored)" "$T/err" || fail "strict: $(cat "$T/err")"
expect "strict: nothing" "$(q "$T/s.db" 'SELECT count(*) FROM captures')" 0
expect "strict: no flows" "$(q "$T/s.db" 'SELECT count(*) FROM flows')" 0
exit 0
