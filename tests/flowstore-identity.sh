#!/bin/sh
# flowstore-identity.sh - a capture's identity is its SHA-256 and the
# replay settings (a shard, a packet window and --no-service among them):
# the same file with the same settings (however spelt)
# is already stored; with other settings it is stored as another run,
# said so, with the flows of those settings; --replace replaces the run
# of the settings given only.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

"$FLOWGEN" --flows 30 --seed 7 -o "$T/w.pcap" || fail flowgen
db=$T/t.db
"$FLOWSTORE" -q -d "$db" "$T/w.pcap" || fail "first"

# the defaults spelt out, in another unit: the same run
"$FLOWSTORE" -d "$db" --tcp-timeout 5m --udp-timeout 60 "$T/w.pcap" 2>"$T/err" ||
    fail "same settings: status"
grep -q "w.pcap: already stored as capture 1 (same SHA-256, same settings)" "$T/err" ||
    fail "same settings: $(cat "$T/err")"
expect "same settings: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 1

# other settings: another run, with its own flows
"$FLOWSTORE" -d "$db" --max-flows 3 "$T/w.pcap" 2>"$T/err" || fail "other: status"
grep -q "w.pcap: stored as capture 2, [0-9]* flows; another run of capture 1 (same file, other settings)" \
    "$T/err" || fail "other: $(cat "$T/err")"
expect "other: options" "$(q "$db" 'SELECT options FROM captures WHERE id = 2')" "--max-flows 3"
expect "other: flows" "$(flows_as_csv "$db" 2)" "$(ended_csv --max-flows 3 "$T/w.pcap")"
expect "first run intact" "$(flows_as_csv "$db" 1)" "$(ended_csv "$T/w.pcap")"
[ "$(flows_as_csv "$db" 1)" != "$(flows_as_csv "$db" 2)" ] || fail "the settings changed nothing"
# and that run again: already stored
"$FLOWSTORE" -q -d "$db" --sweep-interval 1s --max-flows 3 "$T/w.pcap" || fail "other again"
expect "other again: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 2

# Zeek's table: another run; the tracker's options do not apply to it
"$FLOWSTORE" -q -d "$db" --zeek "$T/w.pcap" || fail "zeek"
"$FLOWSTORE" -q -d "$db" --zeek --tcp-timeout 1ms "$T/w.pcap" || fail "zeek again"
expect "zeek: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 3
# a filter and a Zeek option are settings too
"$FLOWSTORE" -q -d "$db" -f tcp "$T/w.pcap" || fail "filter"
"$FLOWSTORE" -q -d "$db" --ignore-checksums "$T/w.pcap" || fail "-C"
expect "filter, -C: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 5

# --replace: the run of these settings only
n1=$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id = 1')
"$FLOWSTORE" -d "$db" --replace --max-flows 3 "$T/w.pcap" 2>"$T/err" || fail "replace"
grep -q "w.pcap: replaced capture 2" "$T/err" || fail "replace: $(cat "$T/err")"
expect "replace: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 5
expect "replace: first run intact" "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id = 1')" "$n1"

# a shard, a packet window and --no-service change the rows: runs of
# their own (the shards together hold the file's flows)
"$FLOWSTORE" -q -d "$db" --shard 0/2 "$T/w.pcap" || fail "shard 0/2"
"$FLOWSTORE" -d "$db" --shard 1/2 "$T/w.pcap" 2>"$T/err" || fail "shard 1/2"
grep -q "w.pcap: stored as capture 7, .*another run of capture 1" "$T/err" ||
    fail "shard 1/2: $(cat "$T/err")"
expect "shards: flows" "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id IN (6, 7)')" "$n1"
"$FLOWSTORE" -q -d "$db" --no-service "$T/w.pcap" || fail "--no-service"
"$FLOWSTORE" -q -d "$db" --from "$(q "$db" 'SELECT first_ns / 1000000000 + 1 FROM captures
    WHERE id = 1')" "$T/w.pcap" || fail "--from"
expect "shard, service, window: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 9
"$FLOWSTORE" -d "$db" --shard 1/2 "$T/w.pcap" 2>"$T/err" || fail "shard again"
grep -q "already stored as capture 7" "$T/err" || fail "shard again: $(cat "$T/err")"
exit 0
