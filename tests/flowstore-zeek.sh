#!/bin/sh
# flowstore-zeek.sh - the Zeek fields flowstore stores are those that
# flowreplay --zeek-fields writes for the same capture: per flow (in order
# of ending) Zeek's history, conn_state, IP and payload bytes, missed
# bytes, packets, originator, Community ID and service; with and without
# --ignore-checksums and --zeek-bare, and for --zeek (Zeek's connection
# table) against flowreplay --zeek. flowstore keeps the Zeek records of
# some flows on its replay thread and of others on its storing thread:
# the 300-flow workload has both kinds.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

"$FLOWGEN" --flows 300 --seed 5 -o "$T/workload.pcap" || fail "flowgen workload"
"$FLOWGEN" --scenario icmp -o "$T/icmp.pcap" || fail "flowgen icmp"
"$FLOWGEN" --scenario fragments -o "$T/fragments.pcap" || fail "flowgen fragments"

# The Zeek columns of the ended events, as flowstore stores them.
replay_zeek() {
    "$FLOWREPLAY" -q --events lifecycle "$@" | awk -F, '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["event"] == "ended" {
            print $col["zeek_history"] "," $col["conn_state"] "," $col["orig_ip_bytes"] "," \
                  $col["resp_ip_bytes"] "," $col["orig_payload_bytes"] "," \
                  $col["resp_payload_bytes"] "," $col["missed_bytes"] "," \
                  $col["zeek_orig_pkts"] "," $col["zeek_resp_pkts"] "," $col["zeek_orig_h"] "," \
                  $col["zeek_orig_p"] "," $col["zeek_resp_h"] "," $col["zeek_resp_p"] "," \
                  $col["community_id"] "," $col["zeek_service"]
        }'
}

stored_zeek() {
    q "$1" "SELECT coalesce(zeek_history, '') || ',' || conn_state || ',' || orig_ip_bytes
              || ',' || resp_ip_bytes || ',' || coalesce(orig_payload_bytes, '') || ','
              || coalesce(resp_payload_bytes, '') || ',' || missed_bytes || ','
              || zeek_orig_pkts || ',' || zeek_resp_pkts || ',' || zeek_orig_h || ','
              || zeek_orig_p || ',' || zeek_resp_h || ',' || zeek_resp_p || ',' || community_id
              || ',' || coalesce(service, '')
            FROM flows WHERE capture_id = $2 ORDER BY flow_no"
}

n=0
check() { # check "OPTIONS" FILE
    opts=$1 file=$2
    db=$T/z$n.db
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$FLOWSTORE" -q -d "$db" $opts "$file" || fail "flowstore $opts $file"
    # shellcheck disable=SC2086
    replay_zeek $opts "$file" >"$T/want" || fail "flowreplay $opts $file"
    stored_zeek "$db" 1 >"$T/got"
    [ -s "$T/want" ] || fail "$file: no ended flows from flowreplay $opts"
    diff -u "$T/want" "$T/got" >"$T/diff" || fail "$file ($opts): stored Zeek fields differ:
$(cat "$T/diff")"
}

for f in "$FIX"/*.pcap "$T/workload.pcap" "$T/icmp.pcap" "$T/fragments.pcap"; do
    check "--zeek-fields" "$f"
    check "--zeek-fields --ignore-checksums" "$f"
done
check "--zeek-fields --zeek-bare" "$T/workload.pcap"
check "--zeek-fields --likely-server-ports 443" "$T/workload.pcap"
for f in "$FIX"/*.pcap "$T/workload.pcap" "$T/fragments.pcap"; do
    check "--zeek --ignore-checksums" "$f"
done

# the options are recorded with the capture
"$FLOWSTORE" -q -d "$T/opts.db" --ignore-checksums --zeek-bare "$FIX/reset.pcap" ||
    fail "storing with options"
expect "options" "$(q "$T/opts.db" 'SELECT options FROM captures')" \
    "--ignore-checksums --zeek-bare"

# --zeek: every flow is one of Zeek's, seed columns as flowreplay --zeek
"$FLOWSTORE" -q -d "$T/table.db" --zeek "$T/workload.pcap" || fail "--zeek"
"$FLOWREPLAY" -q --zeek "$T/workload.pcap" | awk -F, '$3 == "ended" { n++ } END { print n }' \
    >"$T/want"
expect "--zeek flows" "$(q "$T/table.db" 'SELECT count(*) FROM flows')" "$(cat "$T/want")"
exit 0
