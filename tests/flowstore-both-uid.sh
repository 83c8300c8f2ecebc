#!/bin/sh
# flowstore-both-uid.sh - the uid and service of each flow on both
# backends, as tests/flowstore-uid.sh and tests/service.sh check them on
# SQLite: the same captures stored by the same commands (seed mode, and
# Zeek's table with --zeek) give every flow the same uid and service in
# SQLite and PostgreSQL, the conn view the same columns, and the uids
# those of flowreplay's conn.log; --no-service is a run of its own.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
. "$top_srcdir/tests/pg-common.sh"
. "$top_srcdir/tests/backends-lib.sh"

"$FLOWGEN" --flows 300 --seed 4 -o "$T/work.pcap" || fail flowgen
set -- "$FIX"/*.pcap "$T/work.pcap"

both_init seed
both -q --events "$@"
expect "seed: status" "$BOTH_RC" 0
[ "$(both_q 'SELECT count(DISTINCT service) FROM flows')" -ge 2 ] ||
    fail "seed: fewer than two services: $(both_q 'SELECT DISTINCT service FROM flows')"
expect "seed: every flow has a uid" "$(both_q 'SELECT count(*) FROM flows WHERE uid IS NULL')" 0
# service detection off: a run of its own on both, with the same uids
# and no service
both --no-service "$T/work.pcap"
grep -q "work.pcap: stored as capture [0-9]*, [0-9]* flows; another run of capture" "$T/both.err" ||
    fail "--no-service: $(cat "$T/both.err")"
both_same "seed mode, --no-service"
w=$(both_q "SELECT min(id) FROM captures WHERE path = '$T/work.pcap'")
n=$(both_q "SELECT max(id) FROM captures")
expect "--no-service: no service" "$(both_q "SELECT count(service) FROM flows WHERE capture_id = $n")" 0
expect "--no-service: the same uids" \
    "$(both_q "SELECT uid FROM flows WHERE capture_id = $n ORDER BY uid")" \
    "$(both_q "SELECT uid FROM flows WHERE capture_id = $w ORDER BY uid")"

both_init zeek
both -q --zeek "$@"
expect "zeek: status" "$BOTH_RC" 0
both_same "zeek mode"
# the uids of flowreplay's conn.log, capture by capture
for c in "$FIX/http-download.pcap" "$FIX/udp-exchange.pcap"; do
    "$FLOWREPLAY" -q --format zeek "$c" | awk -F'\t' '!/^#/ { print $2"|"$8 }' | sort >"$T/log"
    [ -s "$T/log" ] || fail "$c: empty conn.log"
    both_q "SELECT uid, coalesce(service, '-') FROM conn
            WHERE capture_id = (SELECT id FROM captures WHERE path = '$c')" | sort >"$T/view"
    diff -u "$T/log" "$T/view" >&2 || fail "$c: uids or services differ from the conn.log"
done
exit 0
