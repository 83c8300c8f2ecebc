#!/bin/sh
# flowstore-queries.sh - builds a database from the fixture captures (the
# real ones, flowgen scenarios, a generated port scan, a flowgen workload)
# and runs every analyst query in sql/queries/ plus a dump of the conn
# view, comparing each with tests/data/flowstore/NAME.out.
# After a deliberate change: FLOWSTORE_REGEN=1 make check
# TESTS=tests/flowstore-queries.sh rewrites the expected files.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

SCENARIOS="handshake graceful-close reset midstream fin-retransmit idle-tcp idle-udp
idle-other icmp sctp ipv6-ext vlan fragments mpls pppoe"
for s in $SCENARIOS; do
    "$FLOWGEN" --scenario "$s" -o "$T/$s.pcap" || fail "flowgen --scenario $s"
done
"$FLOWGEN" --scenario synflood --flows 40 -o "$T/synflood.pcap" || fail "flowgen synflood"
"$FLOWGEN" --scenario eviction -o "$T/eviction.pcap" || fail "flowgen eviction"
"$FLOWGEN" --flows 400 --seed 3 -o "$T/workload.pcap" || fail "flowgen workload"
write_scan_pcap "$T/scan.pcap"
# the idle scenarios again, an hour later each, for long timeouts
"$FLOWGEN" --scenario idle-tcp --start 1700003600 -o "$T/idle-tcp-late.pcap" || fail flowgen
"$FLOWGEN" --scenario idle-udp --start 1700007200 -o "$T/idle-udp-late.pcap" || fail flowgen

# --ignore-checksums: the real captures were recorded on loopback with
# checksum offload, and the generated scan has none; as zeek -C, so that
# Zeek's conn_state and history describe the handshakes, not the checksums.
db=$T/fixtures.db
set -- "$FIX"/*.pcap
for s in $SCENARIOS synflood scan; do
    set -- "$@" "$T/$s.pcap"
done
"$FLOWSTORE" -q -d "$db" --ignore-checksums "$@" || fail "storing the fixtures"
"$FLOWSTORE" -q -d "$db" --ignore-checksums "$T/workload.pcap" || fail "storing the workload"
"$FLOWSTORE" -q -d "$db" --ignore-checksums --max-flows 100 "$T/eviction.pcap" ||
    fail "storing eviction"
"$FLOWSTORE" -q -d "$db" --ignore-checksums --tcp-timeout 10m --udp-timeout 5m \
    "$T/idle-tcp-late.pcap" "$T/idle-udp-late.pcap" || fail "storing with long timeouts"
expect "captures stored" "$(q "$db" 'SELECT count(*) FROM captures')" $(($# + 4))

# run NAME: runs the SQL on stdin with fixed output settings
run() {
    "$SQLITE3" -batch -header -list -separator '|' -nullvalue NULL "$db" >"$T/$1.out" ||
        fail "$1: sqlite3 failed"
}

status=0
check() {
    if [ "${FLOWSTORE_REGEN:-}" = 1 ]; then
        cp "$T/$1.out" "$EXPECTED/$1.out"
        echo "regenerated $EXPECTED/$1.out"
    elif ! diff -u "$EXPECTED/$1.out" "$T/$1.out"; then
        echo "FAIL: $1: output differs from $EXPECTED/$1.out" >&2
        status=1
    fi
}

n=0
for f in "$QUERIES"/*.sql; do
    name=$(basename "$f" .sql)
    run "$name" <"$f"
    # damaged: none of these captures is (flowquery-queries.sh has one)
    [ -s "$T/$name.out" ] || [ "$name" = damaged ] || fail "$name: no output"
    check "$name"
    n=$((n + 1))
done
[ $n -ge 8 ] || fail "only $n queries in $QUERIES"

# The conn view, all but the workload's and eviction's many rows.
run conn <<'SQL'
SELECT ts, uid, "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", proto,
       printf('%.9f', duration) AS duration, orig_bytes, resp_bytes, conn_state,
       missed_bytes, history, orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes,
       community_id, seed_history
FROM conn
WHERE capture_id IN (SELECT id FROM captures WHERE path NOT LIKE '%workload.pcap'
                                               AND path NOT LIKE '%eviction.pcap')
ORDER BY uid;
SQL
check conn
exit $status
