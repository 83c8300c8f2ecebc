#!/bin/sh
# flowstore-bad-input.sh - bad captures among good ones, a full disk and
# a database path that cannot be written: one clear line each, status 1,
# the good captures of the run stored, nothing stored before lost.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

db=$T/t.db
"$FLOWSTORE" -q -d "$db" "$FIX/reset.pcap" || fail "earlier capture"
before=$(flows_as_csv "$db" 1)

# not a capture, and a capture cut in the middle of a record
printf 'hello, I am not a capture file\n' >"$T/text.pcap"
size=$(wc -c <"$FIX/http-download.pcap")
head -c $((size - 100)) "$FIX/http-download.pcap" >"$T/truncated.pcap"
"$FLOWSTORE" -q -d "$db" "$FIX/refused.pcap" "$T/text.pcap" "$T/truncated.pcap" \
    "$T/missing.pcap" "$FIX/udp-exchange.pcap" 2>"$T/err"
expect "bad captures: status" $? 1
expect "bad captures: one line each" "$(wc -l <"$T/err" | tr -d ' ')" 3
grep -q "^flowstore: $T/text.pcap: .*(capture not stored)$" "$T/err" || fail "text: $(cat "$T/err")"
# the truncated one is kept up to the damage (flowstore-damaged.sh)
grep -q "^flowstore: $T/truncated.pcap: packet [0-9]*: " "$T/err" ||
    fail "truncated: $(cat "$T/err")"
grep -q "^flowstore: $T/missing.pcap: No such file or directory$" "$T/err" ||
    fail "missing: $(cat "$T/err")"
expect "good ones stored" "$(q "$db" "SELECT group_concat(substr(path, length(path) - 9), ' ')
    FROM (SELECT path FROM captures ORDER BY id)")" "reset.pcap fused.pcap cated.pcap hange.pcap"
expect "truncated: its flow" "$(q "$db" "SELECT count(*) FROM flows WHERE reason = 'eof'
    AND capture_id = (SELECT id FROM captures WHERE status = 'truncated')")" 1
expect "earlier capture intact" "$(flows_as_csv "$db" 1)" "$before"
expect "integrity" "$(q "$db" 'PRAGMA integrity_check')" ok

# disk full: the database may not grow past its size now plus 8 pages
"$FLOWGEN" --flows 20000 --seed 2 -o "$T/work.pcap" || fail flowgen
pages=$(q "$db" 'PRAGMA page_count')
FLOWSTORE_MAX_PAGE_COUNT=$((pages + 8)) "$FLOWSTORE" -q -d "$db" "$T/work.pcap" \
    "$FIX/icmp-echo.pcap" 2>"$T/err"
expect "full: status" $? 1
grep -q "work.pcap: not stored: database error: database or disk is full" "$T/err" ||
    fail "full: message: $(cat "$T/err")"
expect "full: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 5
expect "full: small one stored" "$(q "$db" "SELECT count(*) FROM captures
    WHERE path LIKE '%icmp-echo.pcap'")" 1
expect "full: no rows of work.pcap" "$(q "$db" "SELECT count(*) FROM flows")" 5
expect "full: earlier capture intact" "$(flows_as_csv "$db" 1)" "$before"
expect "full: integrity" "$(q "$db" 'PRAGMA integrity_check')" ok
# with room it goes in
"$FLOWSTORE" -q -d "$db" "$T/work.pcap" || fail "store with room"

# a database path that cannot be written
"$FLOWSTORE" -q -d "$T/no/such/dir/x.db" "$FIX/reset.pcap" 2>"$T/err"
expect "unwritable: status" $? 1
grep -q "^flowstore: $T/no/such/dir/x.db: cannot create the database: directory" "$T/err" ||
    fail "unwritable: $(cat "$T/err")"
if [ "$(id -u)" != 0 ]; then
    # permissions do not stop root
    mkdir "$T/ro" && chmod 555 "$T/ro"
    "$FLOWSTORE" -q -d "$T/ro/x.db" "$FIX/reset.pcap" 2>"$T/err"
    expect "read-only dir: status" $? 1
    cp "$db" "$T/ro.db" && chmod 444 "$T/ro.db"
    "$FLOWSTORE" -q -d "$T/ro.db" "$FIX/icmp-echo-v6.pcap" 2>"$T/err"
    expect "read-only db: status" $? 1
    grep -q "read-only" "$T/err" || fail "read-only db: $(cat "$T/err")"
fi
exit 0
