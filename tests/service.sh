#!/bin/sh
# service.sh - the service column (nDPI under Zeek's names): the HTTP
# fixture's connection is named http by flowreplay --zeek --format zeek,
# --zeek-fields (zeek_service) and flowstore (flows.service, conn view);
# --no-service leaves it unset; and naming services changes nothing but
# that column (tests/service-only-diff.sh), on the fixtures and on Zeek's
# test captures when ../shared is there.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
DIFF=$top_srcdir/tests/service-only-diff.sh
H=$FIX/http-download.pcap
# loopback captures carry unfinished checksums: as zeek -C
C=--ignore-checksums

"$FLOWREPLAY" -q --zeek --format zeek $C "$H" >"$T/on.log" || fail "flowreplay --zeek"
"$FLOWREPLAY" -q --zeek --format zeek $C --no-service "$H" >"$T/off.log" || fail "--no-service"
expect "conn.log service" "$(grep -v '^#' "$T/on.log" | cut -f8 | sort | tr '\n' ' ')" "http "
expect "--no-service" "$(grep -v '^#' "$T/off.log" | cut -f8 | sort -u | tr '\n' ' ')" "- "
"$DIFF" "$T/on.log" "$T/off.log" >"$T/d" || fail "conn.log differs beyond service: $(cat "$T/d")"
# the diff check itself sees a change outside the column
sed 's/\tShADadFf\t/\tShADadF\t/' "$T/on.log" >"$T/other.log"
"$DIFF" "$T/on.log" "$T/other.log" >/dev/null && fail "service-only-diff missed a history change"
# without -C the data packets fail their checksums: Zeek's analyzers never
# see them, so nothing is named
"$FLOWREPLAY" -q --zeek --format zeek "$H" | grep -v '^#' | cut -f8 | sort -u >"$T/nocsum"
expect "bad checksums" "$(cat "$T/nocsum")" "-"

"$FLOWREPLAY" -q --zeek-fields $C --events lifecycle "$H" >"$T/on.csv" || fail "--zeek-fields"
"$FLOWREPLAY" -q --zeek-fields $C --events lifecycle --no-service "$H" >"$T/off.csv" ||
    fail "--zeek-fields --no-service"
svc_col() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "zeek_service") c = i; next }
             $3 == "ended" { print $c }' "$1" | sort | tr '\n' ' '
}
expect "zeek_service" "$(svc_col "$T/on.csv")" "http "
expect "zeek_service off" "$(svc_col "$T/off.csv")" " "
"$DIFF" "$T/on.csv" "$T/off.csv" >"$T/d" || fail "CSV differs beyond service: $(cat "$T/d")"

"$FLOWSTORE" -q -d "$T/on.db" $C "$H" || fail "flowstore"
"$FLOWSTORE" -q -d "$T/off.db" $C --no-service "$H" || fail "flowstore --no-service"
"$FLOWSTORE" -q -d "$T/zeek.db" --zeek $C "$H" || fail "flowstore --zeek"
expect "flows.service" "$(q "$T/on.db" 'SELECT service FROM flows')" "http"
expect "conn.service" "$(q "$T/on.db" 'SELECT service FROM conn')" "http"
expect "flowstore --zeek" "$(q "$T/zeek.db" 'SELECT group_concat(quote(service)) FROM
        (SELECT service FROM conn ORDER BY service)')" "'http'"
expect "flowstore --no-service" "$(q "$T/off.db" 'SELECT quote(service) FROM conn')" "NULL"

# nothing but the service column moves, on every fixture and train capture
SH=${FLOWKIT_SHARED:-$top_srcdir/../shared}/zeek-conn/train
n=0
for p in "$FIX"/*.pcap "$SH"/*.pcap; do
    [ -f "$p" ] || continue
    modes="--zeek --format zeek"
    # seed mode on the fixtures only: each run pays nDPI's set-up
    case $p in "$FIX"/*) modes="$modes|--zeek-fields --events lifecycle" ;; esac
    IFS='|'
    set -- $modes
    unset IFS
    for opts in "$@"; do
        # shellcheck disable=SC2086
        "$FLOWREPLAY" -q $opts "$p" >"$T/a" 2>/dev/null
        # shellcheck disable=SC2086
        "$FLOWREPLAY" -q $opts --no-service "$p" >"$T/b" 2>/dev/null
        "$DIFF" "$T/a" "$T/b" >"$T/d" || fail "$p ($opts): differs beyond service:
$(head -5 "$T/d")"
        n=$((n + 1))
    done
done
[ "$n" -ge 20 ] || fail "only $n outputs compared"
echo "$n outputs differ in the service column only"
exit 0
