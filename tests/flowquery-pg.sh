#!/bin/sh
# flowquery-pg.sh - flowquery -d on a PostgreSQL database answers as it
# does on SQLite: the same captures (fixtures, generated scenarios, a
# damaged capture kept up to the damage, a capture set) stored into both
# by the same flowstore commands; every named query (flowquery --list)
# in every output format, SQL text and -n give the same output. The
# PostgreSQL database is only read. A database that is not flowstore's,
# a bad query and --html say one line each.
. "$top_srcdir/tests/flowquery-lib.sh"
need_sqlite3
. "$top_srcdir/tests/pg-common.sh"
. "$top_srcdir/tests/backends-lib.sh"

for s in handshake reset midstream idle-tcp idle-udp icmp sctp ipv6-ext; do
    "$FLOWGEN" --scenario "$s" -o "$T/$s.pcap" || fail "flowgen --scenario $s"
done
"$FLOWGEN" --scenario synflood --flows 40 -o "$T/synflood.pcap" || fail "flowgen synflood"
"$FLOWGEN" --flows 300 --seed 11 -o "$T/work.pcap" || fail "flowgen workload"
"$FLOWGEN" --flows 60 --seed 5 -o "$T/cut-src.pcap" || fail "flowgen"
head -c -10 "$T/cut-src.pcap" >"$T/cut.pcap"
"$FLOWGEN" --flows 40 --seed 9 -o "$T/whole.pcap" || fail flowgen
split_pcap "$T/whole.pcap" 150 "$T/part"
write_scan_pcap "$T/scan.pcap"

both_init fq
both -q --ignore-checksums "$FIX"/*.pcap "$T/handshake.pcap" "$T/reset.pcap" "$T/midstream.pcap" \
    "$T/idle-udp.pcap" "$T/icmp.pcap" "$T/sctp.pcap" "$T/ipv6-ext.pcap" "$T/synflood.pcap" \
    "$T/scan.pcap"
expect "fixtures stored" "$BOTH_RC" 0
both -q --max-flows 50 "$T/work.pcap"
# flows of more than a minute (long-lived)
both -q --tcp-timeout 10m --udp-timeout 5m "$T/idle-tcp.pcap"
both -q "$T/cut.pcap"
expect "damaged: status" "$BOTH_RC" 1
both -q --merge $(ls "$T"/part_*.pcap | sort -t_ -k2 -n)
expect "set: status" "$BOTH_RC" 0
both -q --zeek "$T/work.pcap"
both_same "the fixture databases"

before=$(both_sql_pg "SELECT count(*), sum(flows), max(id) FROM captures")
"$FLOWQUERY" --list >"$T/list" || fail "--list"
n=0
for name in $(cut -d' ' -f1 "$T/list"); do
    for fmt in table tsv csv json; do
        "$FLOWQUERY" -d "$BOTH_DB" --format $fmt "$name" >"$T/s.out" 2>"$T/s.err" ||
            fail "$name --format $fmt on SQLite: $(cat "$T/s.err")"
        "$FLOWQUERY" -d "$BOTH_URI" --format $fmt "$name" >"$T/p.out" 2>"$T/p.err" ||
            fail "$name --format $fmt on PostgreSQL: $(cat "$T/p.err")"
        [ -s "$T/s.out" ] || fail "$name --format $fmt: no output"
        [ ! -s "$T/p.err" ] || fail "$name --format $fmt: PostgreSQL said: $(cat "$T/p.err")"
        diff -u "$T/s.out" "$T/p.out" >&2 ||
            fail "$name --format $fmt: PostgreSQL's answer differs from SQLite's"
    done
    # every query has rows on this fixture (the header alone is not enough)
    [ "$(wc -l <"$T/s.out")" -ge 3 ] || fail "$name: no rows: $(cat "$T/s.out")"
    n=$((n + 1))
done
[ $n -ge 16 ] || fail "only $n named queries"
# the damaged capture and the set are there
"$FLOWQUERY" -d "$BOTH_URI" --format csv damaged-captures >"$T/d.out" || fail damaged-captures
grep -q ',cut.pcap,truncated,' "$T/d.out" || fail "damaged-captures: $(cat "$T/d.out")"

# SQL text: integers, reals, text, NULL and booleans typed alike
sql="SELECT capture_id, count(*) AS n, avg(duration_ns) / 1e9 AS mean_s, min(service) AS service,
     sum(orig_bytes) AS bytes, max(resp_p) > 1000 AS high FROM flows
     GROUP BY capture_id ORDER BY capture_id"
for fmt in table tsv csv json; do
    "$FLOWQUERY" -d "$BOTH_DB" --format $fmt "$sql" >"$T/s.out" || fail "SQL text on SQLite"
    "$FLOWQUERY" -d "$BOTH_URI" --format $fmt "$sql" >"$T/p.out" || fail "SQL text on PostgreSQL"
    diff -u "$T/s.out" "$T/p.out" >&2 || fail "SQL text --format $fmt differs"
done
grep -q '"mean_s":[0-9]' "$T/p.out" || fail "json: a real is not a number: $(head -3 "$T/p.out")"
# -n: the first rows only, on both; several statements: the last one's rows
sql="SELECT capture_id, flow_no FROM flows ORDER BY capture_id, flow_no"
"$FLOWQUERY" -d "$BOTH_URI" -n 3 --format csv "$sql" >"$T/p.out" || fail "-n"
"$FLOWQUERY" -d "$BOTH_DB" -n 3 --format csv "$sql" >"$T/s.out" || fail "-n"
expect "-n 3" "$(wc -l <"$T/p.out" | tr -d ' ')" 4
diff -u "$T/s.out" "$T/p.out" >&2 || fail "-n 3 differs"
"$FLOWQUERY" -d "$BOTH_URI" --format csv "SELECT 1 AS a; SELECT 2 AS b, 3 AS b" >"$T/p.out" ||
    fail "two statements"
expect "last statement, names kept" "$(cat "$T/p.out" | tr '\n' ' ')" "b,b 2,3 "

# only read: nothing changed, and a writing statement fails
"$FLOWQUERY" -d "$BOTH_URI" "DELETE FROM captures" >/dev/null 2>"$T/err"
expect "DELETE: status" $? 1
grep -q "^flowquery: query: .*read-only" "$T/err" || fail "DELETE: $(cat "$T/err")"
expect "nothing changed" "$(both_sql_pg "SELECT count(*), sum(flows), max(id) FROM captures")" \
    "$before"

# one line each: a bad query (2, as SQLite), not flowstore's database (2),
# --html (2), a server that is not there (2)
"$FLOWQUERY" -d "$BOTH_URI" "SELECT nothing FROM nowhere" 2>"$T/err"
expect "bad SQL: status" $? 2
expect "bad SQL: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
grep -q '^flowquery: query: relation "nowhere" does not exist' "$T/err" || fail "bad SQL: $(cat "$T/err")"
"$FLOWQUERY" -d "postgresql:///postgres?host=$PGSOCK&user=$PGUSER_NAME" captures 2>"$T/err"
expect "not flowkit's: status" $? 2
grep -q "^flowquery: PostgreSQL database postgres.*: not a flowkit database" "$T/err" ||
    fail "not flowkit's: $(cat "$T/err")"
"$FLOWQUERY" -d "$BOTH_URI" --html "$T/r.html" 2>"$T/err"
expect "--html: status" $? 2
grep -q "^flowquery: --html: not with a PostgreSQL database" "$T/err" || fail "--html: $(cat "$T/err")"
[ ! -e "$T/r.html" ] || fail "--html wrote a page"
"$FLOWQUERY" -d "postgresql:///fq?host=$T/nosuchdir" captures 2>"$T/err"
expect "no server: status" $? 2
expect "no server: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
exit 0
