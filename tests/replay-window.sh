#!/bin/sh
# replay-window.sh - --from/--to in every replaying tool: packets outside
# are not tracked, flows still live at --to end there with reason eof
# (after the idle timeouts due by then), an input ending before --to ends
# as without it, both time notations, bad times refused.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
FLOWDIFF=$top_builddir/tools/flowdiff/flowdiff
FLOWQUERY=$top_builddir/tools/flowquery/flowquery

# idle-tcp (flowgen's description): 10.0.1.1:40010 -> 10.0.1.2:80
# handshake and data at 1700000000.000 .. .004 (5 packets), then idle;
# at 1700000400.000 one more data packet of that pair and at .001 a SYN
# from 10.0.1.3:40011. 7 packets.
"$FLOWGEN" --scenario idle-tcp -o "$T/idle.pcap" || fail flowgen
P=$T/idle.pcap
ended() { # ARGS...: the ended events: ts,orig_h,reason,orig_pkts,resp_pkts
    "$FLOWREPLAY" -q --events lifecycle "$@" | awk -F, '$3 == "ended" { print $2","$5","$13","$14","$15 }'
}

# --to inside the first flow's life: it ends there, eof, 3+2 packets
expect "--to" "$(ended --to 1700000001.5 "$P")" "1700000001.500000000,10.0.1.1,eof,3,2"
"$FLOWREPLAY" -q --to 1700000001.5 --stats "$T/st.json" -o /dev/null "$P" || fail stats
grep -q '"packets_read":5,' "$T/st.json" || fail "tracked packets: $(cat "$T/st.json")"
grep -q '"packets_outside_window":2' "$T/st.json" || fail "outside: $(cat "$T/st.json")"
"$FLOWREPLAY" --to 1700000001.5 -o /dev/null "$P" 2>"$T/err" || fail "summary run"
grep -q '2 packets outside --from/--to' "$T/err" || fail "summary: $(cat "$T/err")"
# the same instant in ISO 8601 UTC (1700000001 s = 2023-11-14 22:13:21)
expect "--to ISO" "$(ended --to 2023-11-14T22:13:21.5Z "$P")" "$(ended --to 1700000001.5 "$P")"
expect "--to ISO, space" "$(ended --to '2023-11-14 22:13:21.500' "$P")" \
    "1700000001.500000000,10.0.1.1,eof,3,2"
# --to after the idle timeout (300 s after .004, swept at the 1 s tick
# 1700000301): the flow times out on the way, nothing is left for eof
expect "--to past the timeout" "$(ended --to 1700000350 "$P")" \
    "1700000301.000000000,10.0.1.1,idle_timeout,3,2"
# --from: only the two later packets, two new flows, ended by the input's end
expect "--from" "$(ended --from 1700000400 "$P" | sort)" \
    "1700000400.001000000,10.0.1.1,eof,1,0
1700000400.001000000,10.0.1.3,eof,1,0"
# a window the whole capture is inside changes nothing
"$FLOWREPLAY" -q "$P" >"$T/all.csv" || fail replay
"$FLOWREPLAY" -q --from 1699999999 --to 1800000000 "$P" >"$T/win.csv" || fail replay
cmp -s "$T/all.csv" "$T/win.csv" || fail "a window around the capture changed the output"
# the date alone is its midnight: 2023-11-15 is after every packet
expect "--from a date" "$(ended --from 2023-11-15 "$P")" ""

# bad times and windows: status 2 and one line naming the option
for bad in "--to x" "--to 2023-02-29" "--to 2023-11-14T25:00:00Z" "--to 2023-11-14T22:13:20+01:00" \
    "--from 1700000002 --to 1700000001" "--to 1.0000000001"; do
    st=0
    # shellcheck disable=SC2086
    "$FLOWREPLAY" $bad "$P" >/dev/null 2>"$T/err" || st=$?
    expect "$bad: status" "$st" 2
    expect "$bad: lines" "$(grep -c '' "$T/err")" 1
    grep -q -- '--to\|--from' "$T/err" || fail "$bad: $(cat "$T/err")"
done

# flowreplay --zeek: the packets outside are left out the same way
expect "--zeek --from" "$("$FLOWREPLAY" -q --zeek --from 1700000400 "$P" |
    awk -F, '$3 == "ended" { print $5 }' | sort)" "10.0.1.1
10.0.1.3"

# --zeek runs under the same driver: --to ends what is live there too,
# the summary counts the packets left out, and the conn.log writers
# (TSV and Zeek's JSON) get only the window's connections
expect "--zeek --to" "$(ended --zeek --to 1700000001.5 "$P")" "1700000001.500000000,10.0.1.1,eof,3,2"
"$FLOWREPLAY" -q --zeek --to 1700000001.5 --stats "$T/zst.json" -o /dev/null "$P" || fail stats
grep -q '"packets_outside_window":2' "$T/zst.json" || fail "--zeek outside: $(cat "$T/zst.json")"
expect "zeek-json --from" "$("$FLOWREPLAY" -q --format zeek-json --fields id.orig_h --from 1700000400 \
    "$P" | sort)" '{"id.orig_h":"10.0.1.1"}
{"id.orig_h":"10.0.1.3"}'
expect "conn.log --to" "$("$FLOWREPLAY" -q --format zeek --to 1700000001.5 "$P" | grep -c '^1700000000')" 1

# flowstore (seed and --zeek) and flowquery
"$FLOWSTORE" -q -d "$T/w.db" --to 1700000001.5 "$P" || fail flowstore
expect "flowstore --to" "$(q "$T/w.db" 'SELECT end_ns, reason, orig_pkts FROM flows')" \
    "1700000000004000000|eof|3"
expect "flowstore options" "$(q "$T/w.db" 'SELECT options FROM captures')" "--to 1700000001.5"
"$FLOWSTORE" -q -d "$T/z.db" --zeek --from 1700000400 "$P" || fail "flowstore --zeek"
# (captures.packets stays the records read, the window being no filter)
expect "flowstore --zeek --from" "$(q "$T/z.db" \
    'SELECT count(*), min(start_ns) >= 1700000400000000000 FROM flows')" "2|1"
expect "flowquery --from" "$("$FLOWQUERY" --from 1700000400 --format csv \
    'SELECT count(*) AS n FROM flows' "$P" | tail -1)" 2

# flowdiff passes the window to its replay
"$FLOWREPLAY" -q --to 1700000001.5 -o "$T/golden.csv" "$P" || fail replay
"$FLOWDIFF" --to 1700000001.5 "$T/golden.csv" "$P" >/dev/null || fail "flowdiff --to: differs"
st=0
"$FLOWDIFF" "$T/golden.csv" "$P" >/dev/null || st=$?
expect "flowdiff without --to" "$st" 1
exit 0
