#!/bin/sh
# flowstore-import.sh - what is stored is what flowreplay reports: one row
# per ended flow in the order flows ended, the same fields; the event
# table equals flowreplay's CSV; replay options are applied and recorded;
# a capture stored again is a no-op, or replaced with --replace.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

db=$T/t.db
"$FLOWGEN" --flows 3000 --seed 5 -o "$T/work.pcap" || fail flowgen
"$FLOWGEN" --scenario merge-a -o "$T/merge-a.pcap" || fail flowgen
"$FLOWGEN" --scenario merge-b -o "$T/merge-b.pcap" || fail flowgen
set -- "$FIX"/*.pcap "$T/work.pcap" "$T/merge-a.pcap" "$T/merge-b.pcap"
"$FLOWSTORE" -q -d "$db" "$@" || fail "store"
expect "captures" "$(q "$db" 'SELECT count(*) FROM captures')" $#

# every capture on its own, compared with flowreplay of that file alone
id=0
for f in "$@"; do
    id=$((id + 1))
    ended_csv "$f" >"$T/want"
    flows_as_csv "$db" $id >"$T/got"
    [ -s "$T/want" ] || fail "$f: no flows from flowreplay"
    diff -u "$T/want" "$T/got" >"$T/diff" || fail "$f: flows differ: $(head -20 "$T/diff")"
    expect "$f: path" "$(q "$db" "SELECT path FROM captures WHERE id = $id")" "$f"
    expect "$f: flows column" "$(q "$db" "SELECT flows FROM captures WHERE id = $id")" \
        "$(wc -l <"$T/want" | tr -d ' ')"
    expect "$f: size" "$(q "$db" "SELECT size FROM captures WHERE id = $id")" \
        "$(wc -c <"$f" | tr -d ' ')"
done
expect "flow numbers" "$(q "$db" "SELECT count(*) FROM flows
    WHERE flow_no <> (SELECT count(*) FROM flows AS g
                      WHERE g.capture_id = flows.capture_id AND g.id <= flows.id)")" 0
expect "end and duration" "$(q "$db" "SELECT count(*) FROM flows
    WHERE duration_ns <> end_ns - start_ns OR end_ns < start_ns")" 0
# capture facts from the packets
expect "packets" "$(q "$db" "SELECT packets FROM captures WHERE id = 11")" 30000
expect "linktype" "$(q "$db" "SELECT DISTINCT linktype FROM captures")" 1
expect "first/last" "$(q "$db" "SELECT first_ns = (SELECT min(start_ns) FROM flows WHERE capture_id = 11)
    AND last_ns = (SELECT max(end_ns) FROM flows WHERE capture_id = 11) FROM captures WHERE id = 11")" 1
expect "metadata" "$(q "$db" "SELECT DISTINCT tool_version || '|' || options || '|' ||
    (imported_at GLOB '2[0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T*Z') FROM captures")" "flowstore 0.1.0||1"
# merge-a and merge-b were replayed apart: two trackers, not a merge
expect "no merge" "$(q "$db" "SELECT count(DISTINCT capture_id) FROM flows WHERE capture_id IN (12, 13)")" 2

# the same capture again: nothing stored, said so, status 0
"$FLOWSTORE" -d "$db" "$FIX/reset.pcap" 2>"$T/err" || fail "again: status"
grep -q "reset.pcap: already stored as capture 8 (same SHA-256, same settings)" "$T/err" || fail "again: message"
expect "again: captures" "$(q "$db" 'SELECT count(*) FROM captures')" $#
# under another name too (same bytes)
cp "$FIX/reset.pcap" "$T/copy.pcap"
"$FLOWSTORE" -q -d "$db" "$T/copy.pcap" || fail "copy: status"
expect "copy: captures" "$(q "$db" 'SELECT count(*) FROM captures')" $#

# --replace: same id, fresh rows, still one copy
before=$(q "$db" "SELECT count(*) FROM flows")
"$FLOWSTORE" -d "$db" --replace "$T/copy.pcap" 2>"$T/err" || fail "replace: status"
grep -q "copy.pcap: replaced capture 8, 1 flows" "$T/err" || fail "replace: message"
expect "replace: captures" "$(q "$db" 'SELECT count(*) FROM captures')" $#
expect "replace: path" "$(q "$db" 'SELECT path FROM captures WHERE id = 8')" "$T/copy.pcap"
expect "replace: flows" "$(q "$db" 'SELECT count(*) FROM flows')" "$before"
flows_as_csv "$db" 8 >"$T/got"
ended_csv "$FIX/reset.pcap" | diff -u - "$T/got" || fail "replace: rows"

# replay options apply and are recorded
db2=$T/opts.db
"$FLOWSTORE" -q -d "$db2" -f tcp --tcp-timeout 1s --no-flush "$T/work.pcap" || fail "options"
expect "options" "$(q "$db2" 'SELECT options FROM captures')" "-f tcp --tcp-timeout 1s --no-flush"
ended_csv -f tcp --tcp-timeout 1s --no-flush "$T/work.pcap" >"$T/want"
flows_as_csv "$db2" 1 >"$T/got"
diff -u "$T/want" "$T/got" >/dev/null || fail "options: flows differ from flowreplay"
expect "options: only tcp" "$(q "$db2" "SELECT DISTINCT proto FROM flows")" tcp
expect "options: no eof" "$(q "$db2" "SELECT count(*) FROM flows WHERE reason = 'eof'")" 0

# --events: the events table is flowreplay's CSV
db3=$T/events.db
"$FLOWGEN" --flows 300 --seed 9 -o "$T/small.pcap" || fail flowgen
"$FLOWSTORE" -q -d "$db3" --events "$T/small.pcap" "$FIX/reset-v6.pcap" || fail "--events"
for id in 1 2; do
    f=$T/small.pcap
    [ $id = 2 ] && f=$FIX/reset-v6.pcap
    "$FLOWREPLAY" -q "$f" | tail -n +2 >"$T/want"
    "$SQLITE3" -batch -noheader -csv "$db3" "SELECT seq,
        (ts_ns / 1000000000) || '.' || printf('%09d', ts_ns % 1000000000), event, proto,
        orig_h, orig_p, resp_h, resp_p, side, len, from_state, to_state, reason, orig_pkts,
        resp_pkts, orig_bytes, resp_bytes, nullif(history, ''),
        (flow_start_ns / 1000000000) || '.' || printf('%09d', flow_start_ns % 1000000000), 1
        FROM events WHERE capture_id = $id ORDER BY seq" | tr -d '\r' >"$T/got"
    diff -u "$T/want" "$T/got" >"$T/diff" || fail "events of $f differ: $(head "$T/diff")"
done
expect "no events unless asked" "$(q "$db" 'SELECT count(*) FROM events')" 0
exit 0
