#!/bin/sh
# flowstore-interrupt.sh - SIGINT and SIGTERM during an import roll the
# capture in progress back and exit 1; captures stored before stay whole.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

big_capture "$T/big.pcap"
want=$(ended_csv "$FIX/reset.pcap")

for sig in INT TERM; do
    db=$T/$sig.db
    "$FLOWSTORE" -v -d "$db" "$FIX/reset.pcap" "$T/big.pcap" "$FIX/refused.pcap" \
        2>"$T/err" &
    pid=$!
    BG_PIDS="$BG_PIDS $pid"
    # -v says when the big capture's replay (inside its transaction) starts
    wait_for "$T/err" "big.pcap: storing as capture 2" $pid
    sleep 0.3
    kill -$sig $pid
    wait $pid
    expect "SIG$sig: status" $? 1
    grep -q "big.pcap: interrupted; capture not stored" "$T/err" || fail "SIG$sig: message"
    expect "SIG$sig: integrity" "$(q "$db" 'PRAGMA integrity_check')" ok
    # the earlier capture whole; the big one and the later one not there
    expect "SIG$sig: captures" "$(q "$db" 'SELECT group_concat(id) FROM captures')" 1
    expect "SIG$sig: flows" "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id <> 1')" 0
    expect "SIG$sig: earlier capture" "$(flows_as_csv "$db" 1)" "$want"
done

# the database takes the interrupted capture afterwards
"$FLOWSTORE" -q -d "$T/INT.db" "$FIX/refused.pcap" || fail "store after interrupt"
expect "after" "$(q "$T/INT.db" 'SELECT count(*) FROM captures')" 2
exit 0
