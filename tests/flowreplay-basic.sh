#!/bin/sh
# flowreplay-basic.sh - the event rows of real loopback captures and of
# synthetic scenarios: columns, values, orientation, formats, determinism.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
R=$SRC/fixtures/real

"$REPLAY" -q "$R/http-download.pcap" >"$tmp/http.csv" || fail "http-download: exit $?"
head -1 "$tmp/http.csv" | grep -qx 'seq,ts,event,proto,orig_h,orig_p,resp_h,resp_p,side,len,from_state,to_state,reason,orig_pkts,resp_pkts,orig_bytes,resp_bytes,history,flow_start,fmt' ||
    fail "header row"
# seq runs 1..N without gaps
n=$(tail -n +2 "$tmp/http.csv" | wc -l)
[ "$(col "$tmp/http.csv" 1 | tail -1)" = "$n" ] || fail "seq is not 1..$n"
# one flow, initiated by the client (ephemeral port) to the server 18080
ended=$(grep ',ended,' "$tmp/http.csv")
[ "$(echo "$ended" | wc -l)" = 1 ] || fail "want one ended row"
echo "$ended" | grep -q ',tcp,127.0.0.1,[0-9]*,127.0.0.1,18080,' || fail "orientation: $ended"
echo "$ended" | grep -q ',fin,' || fail "http download should end by fin: $ended"
echo "$ended" | grep -q ',SsDddddddddddddd,' || fail "history capped at 16: $ended"
[ "$(col "$tmp/http.csv" 3 | grep -cx established)" = 1 ] || fail "one established event"
# packets per side match the packet rows
op=$(grep -c ',packet,.*,orig,' "$tmp/http.csv")
rp=$(grep -c ',packet,.*,resp,' "$tmp/http.csv")
echo "$ended" | grep -q ",$op,$rp," || fail "orig/resp packets $op/$rp vs $ended"
# ts is SECONDS.NNNNNNNNN everywhere
col "$tmp/http.csv" 2 | grep -vqE '^[0-9]+\.[0-9]{9}$' && fail "ts format"

# refused connection: SYN then RST-ACK
"$REPLAY" -q --events lifecycle "$R/refused.pcap" >"$tmp/ref.csv"
grep -q ',ended,tcp,127.0.0.1,[0-9]*,127.0.0.1,18082,,,,,rst,1,1,74,54,Sr,' "$tmp/ref.csv" ||
    fail "refused: $(cat "$tmp/ref.csv")"
grep -q ',packet,' "$tmp/ref.csv" && fail "--events lifecycle still has packet rows"

# IPv6 addresses in standard notation
"$REPLAY" -q --events lifecycle "$R/refused-v6.pcap" | grep -q ',tcp,::1,[0-9]*,::1,18083,' ||
    fail "IPv6 refused"

# a graceful close: the seed's history and fin
"$FLOWGEN" --scenario graceful-close -o "$tmp/gc.pcap"
"$REPLAY" -q --events lifecycle "$tmp/gc.pcap" >"$tmp/gc.csv"
grep -q ',ended,.*,fin,6,4,448,620,SsDdFf,' "$tmp/gc.csv" || fail "graceful close: $(grep ended "$tmp/gc.csv")"
[ "$(col "$tmp/gc.csv" 3 | tr '\n' ' ')" = "started state_change state_change established state_change state_change state_change ended " ] ||
    fail "graceful close event sequence: $(col "$tmp/gc.csv" 3 | tr '\n' ' ')"

# reset: ended by rst
"$FLOWGEN" --scenario reset -o "$tmp/rst.pcap"
"$REPLAY" -q "$tmp/rst.pcap" | grep -q ',ended,.*,rst,' || fail "reset scenario"

# mid-stream pickup stays active and ends at eof
"$FLOWGEN" --scenario midstream -o "$tmp/mid.pcap"
"$REPLAY" -q --events lifecycle "$tmp/mid.pcap" >"$tmp/mid.csv"
grep -q 'state_change' "$tmp/mid.csv" && fail "midstream must stay active"
grep -q ',ended,.*,eof,' "$tmp/mid.csv" || fail "midstream ends at eof"
"$REPLAY" -q --no-flush "$tmp/mid.pcap" | grep -q ',ended,' && fail "--no-flush still flushed"

# JSON Lines: same events, valid JSON, same count
"$REPLAY" -q --format jsonl "$R/http-download.pcap" >"$tmp/http.jsonl"
[ "$(wc -l <"$tmp/http.jsonl")" = "$n" ] || fail "jsonl rows"
if command -v python3 >/dev/null; then
    python3 - "$tmp/http.jsonl" <<'PY' || fail "jsonl content"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["fmt"] == 1 for r in rows)
assert rows[0]["event"] == "started" and rows[0]["seq"] == 1
end = [r for r in rows if r["event"] == "ended"][0]
assert end["reason"] == "fin" and isinstance(end["orig_pkts"], int)
assert "len" not in end and isinstance(rows[0]["ts"], str)
PY
fi

# output file and determinism: byte-identical runs
"$REPLAY" -q -o "$tmp/a.csv" "$R/http-download.pcap" "$R/udp-exchange.pcap"
"$REPLAY" -q -o "$tmp/b.csv" "$R/http-download.pcap" "$R/udp-exchange.pcap"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "two runs differ"

# standard input
cat "$R/http-download.pcap" | "$REPLAY" -q - >"$tmp/stdin.csv"
cmp -s "$tmp/stdin.csv" "$tmp/http.csv" || fail "stdin differs from file"

# BPF filter
"$REPLAY" -q --events lifecycle -f 'udp' "$R/http-download.pcap" "$R/udp-exchange.pcap" >"$tmp/f.csv"
grep -q ',tcp,' "$tmp/f.csv" && fail "-f udp let tcp through"
grep -q ',udp,' "$tmp/f.csv" || fail "-f udp dropped udp"

# stats JSON
"$REPLAY" -q --stats "$tmp/st.json" -o /dev/null "$R/http-download.pcap"
grep -q '"packets_read":41' "$tmp/st.json" || fail "stats: $(cat "$tmp/st.json")"
grep -q '"fin":1' "$tmp/st.json" || fail "stats fin count"

# usage and version
"$REPLAY" --version | grep -q '^flowreplay (flowkit) ' || fail "--version"
"$REPLAY" --help | grep -q -- '--sweep-interval' || fail "--help"
"$REPLAY" --bogus 2>/dev/null; [ $? = 2 ] || fail "unknown option exit"
"$REPLAY" 2>/dev/null; [ $? = 2 ] || fail "no file exit"
"$REPLAY" --tcp-timeout 5parsecs "$R/refused.pcap" 2>/dev/null; [ $? = 2 ] || fail "bad duration"
finish
