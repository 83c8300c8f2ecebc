#!/bin/sh
# flowstore-both-identity.sh - a capture's identity (its SHA-256 and the
# canonical replay settings) on both backends, as
# tests/flowstore-identity.sh checks it on SQLite: the same settings
# however spelt are already stored, other settings (the tracker's, Zeek's
# table, a filter, -C, a shard, a packet window, --no-service) are
# another run, said so; --replace replaces the run of the settings given
# only; the shards of a file together hold its flows. The same commands
# say the same and store the same rows in SQLite and PostgreSQL.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
. "$top_srcdir/tests/pg-common.sh"
. "$top_srcdir/tests/backends-lib.sh"

"$FLOWGEN" --flows 30 --seed 7 -o "$T/w.pcap" || fail flowgen
both_init ident
both -q "$T/w.pcap"
expect "first: status" "$BOTH_RC" 0

# the defaults spelt out, in another unit: the same run
both --tcp-timeout 5m --udp-timeout 60 "$T/w.pcap"
grep -q "w.pcap: already stored as capture 1 (same SHA-256, same settings)" "$T/both.err" ||
    fail "same settings: $(cat "$T/both.err")"
expect "same settings: captures" "$(both_q 'SELECT count(*) FROM captures')" 1

# other settings: another run
both --max-flows 3 "$T/w.pcap"
grep -q "w.pcap: stored as capture 2, [0-9]* flows; another run of capture 1 (same file, other settings)" \
    "$T/both.err" || fail "other: $(cat "$T/both.err")"
both -q --sweep-interval 1s --max-flows 3 "$T/w.pcap"
expect "other again: captures" "$(both_q 'SELECT count(*) FROM captures')" 2

# Zeek's table (the tracker's options do not apply to it), a filter, -C
both -q --zeek "$T/w.pcap"
both -q --zeek --tcp-timeout 1ms "$T/w.pcap"
both -q -f tcp "$T/w.pcap"
both -q --ignore-checksums "$T/w.pcap"
expect "zeek, filter, -C: captures" "$(both_q 'SELECT count(*) FROM captures')" 5

# the shards of a file are runs of their own, together its flows
both -q --shard 0/2 "$T/w.pcap"
both -q --shard 1/2 "$T/w.pcap"
both --shard 1/2 "$T/w.pcap"
grep -q "already stored as capture 7" "$T/both.err" || fail "shard again: $(cat "$T/both.err")"
expect "shards: captures" "$(both_q 'SELECT count(*) FROM captures')" 7
expect "shards: all the flows" \
    "$(both_q "SELECT count(*) FROM flows WHERE capture_id IN (6, 7)")" \
    "$(both_q "SELECT count(*) FROM flows WHERE capture_id = 1")"

# a packet window and service detection off: other runs too
t0=$(both_q 'SELECT first_ns / 1000000000 + 1 FROM captures WHERE id = 1')
both -q --from "$t0" "$T/w.pcap"
both -q --no-service "$T/w.pcap"
both --no-service "$T/w.pcap"
grep -q "already stored as capture 9" "$T/both.err" || fail "--no-service again: $(cat "$T/both.err")"
expect "window, no service: captures" "$(both_q 'SELECT count(*) FROM captures')" 9
expect "no service: none stored" "$(both_q 'SELECT count(service) FROM flows WHERE capture_id = 9')" 0

# --replace: the run of these settings only
n1=$(both_q 'SELECT count(*) FROM flows WHERE capture_id = 1')
both --replace --max-flows 3 "$T/w.pcap"
grep -q "w.pcap: replaced capture 2" "$T/both.err" || fail "replace: $(cat "$T/both.err")"
expect "replace: captures" "$(both_q 'SELECT count(*) FROM captures')" 9
expect "replace: first run intact" "$(both_q 'SELECT count(*) FROM flows WHERE capture_id = 1')" "$n1"
both_same "identity"
expect "settings kept" "$(both_q "SELECT count(DISTINCT settings) FROM captures")" 9
exit 0
