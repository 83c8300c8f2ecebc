#!/bin/sh
# flowstore-kill.sh - SIGKILL in the middle of an import: the database
# stays valid (integrity_check ok), earlier captures intact, nothing of
# the killed capture left; the next run stores it in full.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

big_capture "$T/big.pcap"
db=$T/kill.db
"$FLOWSTORE" -q -d "$db" "$FIX/reset.pcap" "$FIX/udp-exchange.pcap" || fail "earlier captures"
want1=$(flows_as_csv "$db" 1)
want2=$(flows_as_csv "$db" 2)

"$FLOWSTORE" -v -d "$db" "$T/big.pcap" 2>"$T/err" &
pid=$!
BG_PIDS="$BG_PIDS $pid"
wait_for "$T/err" "big.pcap: storing as capture 3" $pid
sleep 0.5
kill -9 $pid
wait $pid
expect "status" $? 137

expect "integrity" "$(q "$db" 'PRAGMA integrity_check')" ok
expect "captures" "$(q "$db" 'SELECT group_concat(id) FROM captures')" "1,2"
expect "flows" "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id > 2')" 0
expect "capture 1" "$(flows_as_csv "$db" 1)" "$want1"
expect "capture 2" "$(flows_as_csv "$db" 2)" "$want2"

"$FLOWSTORE" -q -d "$db" "$T/big.pcap" || fail "store after the kill"
expect "big stored" "$(q "$db" 'SELECT flows FROM captures WHERE id = 3')" 200000
expect "big rows" "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id = 3')" 200000
expect "integrity after" "$(q "$db" 'PRAGMA integrity_check')" ok
exit 0
