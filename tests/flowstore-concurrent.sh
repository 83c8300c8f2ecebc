#!/bin/sh
# flowstore-concurrent.sh - four flowstore processes write one new
# database at once (creating it, too): all succeed, every capture is
# stored once with all its flows, a capture given to two of them is
# stored once.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

for s in 1 2 3 4; do
    "$FLOWGEN" --flows 20000 --seed $s -o "$T/w$s.pcap" || fail flowgen
    ended_csv "$T/w$s.pcap" | wc -l | tr -d ' ' >"$T/w$s.n"
done
db=$T/shared.db
pids=
for s in 1 2 3 4; do
    # each also stores the shared fixture: only one of them may
    "$FLOWSTORE" -q -d "$db" "$T/w$s.pcap" "$FIX/http-download.pcap" 2>"$T/err$s" &
    pids="$pids $!"
done
BG_PIDS=$pids
for p in $pids; do
    wait $p || fail "a flowstore failed: $(cat "$T"/err*)"
done

expect "integrity" "$(q "$db" 'PRAGMA integrity_check')" ok
expect "captures" "$(q "$db" 'SELECT count(*) FROM captures')" 5
expect "shared capture once" "$(q "$db" "SELECT count(*) FROM captures
    WHERE path LIKE '%http-download.pcap'")" 1
for s in 1 2 3 4; do
    n=$(cat "$T/w$s.n")
    [ "$n" -gt 1000 ] || fail "w$s: only $n flows from flowreplay"
    expect "w$s flows" "$(q "$db" "SELECT count(*) FROM flows JOIN captures AS c
        ON c.id = flows.capture_id WHERE c.path = '$T/w$s.pcap'")" "$n"
    expect "w$s flows column" "$(q "$db" "SELECT flows FROM captures
        WHERE path = '$T/w$s.pcap'")" "$n"
done
expect "all flows" "$(q "$db" 'SELECT count(*) FROM flows')" \
    "$(q "$db" 'SELECT sum(flows) FROM captures')"
exit 0
