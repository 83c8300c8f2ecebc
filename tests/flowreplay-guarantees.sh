#!/bin/bash
# flowreplay-guarantees.sh - what every replay path promises, seed and
# --zeek alike: an input is never written over, SIGINT/SIGTERM end with
# whole output and exit 1, the summary and --stats JSON are there, options
# a mode does not use are refused (or mapped: Zeek's inactivity timeouts),
# --no-flush is honoured, and a reader that goes away (| head) ends the
# run quietly.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
DIFF=${top_builddir:-.}/tools/flowdiff/flowdiff
cd "$tmp" || exit 1
cp "$SRC/fixtures/real/http-download.pcap" t.pcap
sum0=$(cksum < t.pcap)

# --- inputs are never written -------------------------------------------
ln t.pcap hard.pcap
ln -s t.pcap soft.pcap
refuse() { # refuse DESC CMD...: exit 2, one line on stderr, input unchanged
    local desc=$1; shift
    "$@" > out.txt 2> err.txt
    local rc=$?
    [ "$rc" -eq 2 ] || fail "$desc: exit $rc, expected 2"
    [ "$(wc -l < err.txt)" -eq 1 ] || fail "$desc: expected one line on stderr, got: $(cat err.txt)"
    grep -q 'refusing to overwrite' err.txt || fail "$desc: message: $(cat err.txt)"
    [ "$(cksum < t.pcap)" = "$sum0" ] || fail "$desc: the input was changed"
    cp "$SRC/fixtures/real/http-download.pcap" t.pcap # for the next case, whatever happened
}
refuse "-o same name" "$REPLAY" -q -o t.pcap t.pcap
refuse "-o ./ spelling" "$REPLAY" -q -o ./t.pcap "$tmp/t.pcap"
refuse "-o hard link" "$REPLAY" -q -o hard.pcap t.pcap
refuse "-o symbolic link" "$REPLAY" -q -o soft.pcap t.pcap
refuse "-o second of merged inputs" "$REPLAY" -q -o t.pcap "$SRC/fixtures/real/reset.pcap" t.pcap
refuse "--zeek -o" "$REPLAY" -q --zeek --format zeek -o t.pcap t.pcap
refuse "--stats onto an input" "$REPLAY" -q --stats t.pcap -o x.csv t.pcap
[ ! -e x.csv ] || fail "--stats refused, but the output was created first"
# standard output redirected onto the input file (appending keeps it)
"$REPLAY" -q t.pcap >> t.pcap 2> err.txt
rc=$?
[ "$rc" -eq 2 ] && grep -q 'refusing' err.txt || fail "stdout onto an input: exit $rc, $(cat err.txt)"
[ "$(cksum < t.pcap)" = "$sum0" ] || fail "stdout onto an input: the input was changed"
"$DIFF" t.pcap t.pcap >> t.pcap 2> err.txt
rc=$?
[ "$rc" -eq 2 ] && grep -q 'refusing' err.txt || fail "flowdiff stdout onto an input: exit $rc, $(cat err.txt)"
[ "$(cksum < t.pcap)" = "$sum0" ] || fail "flowdiff: the input was changed"
# a different existing file is still overwritten, as before
echo old > other.csv
"$REPLAY" -q -o other.csv t.pcap || fail "-o onto an existing non-input file"
head -1 other.csv | grep -q '^seq,' || fail "other.csv was not written"

# --- options a mode does not use ------------------------------------------
for opt in "--max-flows 10" "--sweep-interval 2s"; do
    "$REPLAY" -q --zeek $opt t.pcap > out.txt 2> err.txt
    rc=$?
    [ "$rc" -eq 2 ] || fail "--zeek $opt: exit $rc, expected 2"
    [ "$(wc -l < err.txt)" -eq 1 ] && grep -q -- "${opt% *} does not apply with --zeek" err.txt ||
        fail "--zeek $opt: message: $(cat err.txt)"
    [ -s out.txt ] && fail "--zeek $opt: output written anyway"
done
# pacing is the driver's, so it applies to Zeek's table too, and changes
# nothing but the pace
"$REPLAY" -q --zeek --format zeek t.pcap > z.fast || fail "--zeek"
"$REPLAY" -q --zeek --format zeek --speed 1000 t.pcap > z.paced 2> err.txt || fail "--zeek --speed: $(cat err.txt)"
cmp -s z.fast z.paced || fail "--zeek --speed 1000 changed the output"
"$REPLAY" --zeek --speed 1000 -o /dev/null t.pcap 2> err.txt
grep -q 'pacing lateness' err.txt || fail "--zeek --speed: no pacing in the summary: $(cat err.txt)"
# the idle timeouts are Zeek's inactivity timeouts: spelled out at Zeek's
# defaults they change nothing, shorter they split the connections
"$REPLAY" -q --zeek --format zeek t.pcap > z.def || fail "--zeek"
"$REPLAY" -q --zeek --format zeek --tcp-timeout 300 --udp-timeout 60 --other-timeout 60 \
    t.pcap > z.same || fail "--zeek with default timeouts"
cmp -s z.def z.same || fail "--zeek: the default timeouts given explicitly changed the output"
rows() { grep -vc '^#' "$1"; }
# a connection silent for 400 s (TCP) or 130 s (ICMP) is split by Zeek's
# 300 s / 60 s timeouts, not by a 500 s one; UDP packets 0.1 s apart are
# split by a 100 ms timeout
"$FLOWGEN" --scenario idle-tcp -o idle-tcp.pcap && "$FLOWGEN" --scenario idle-other -o idle-other.pcap ||
    fail "flowgen idle scenarios"
for c in "idle-tcp --tcp-timeout 500" "idle-other --other-timeout 500"; do
    set -- $c
    "$REPLAY" -q --zeek --format zeek "$1.pcap" > z.def
    "$REPLAY" -q --zeek --format zeek "$2" "$3" "$1.pcap" > z.long
    [ "$(rows z.long)" -lt "$(rows z.def)" ] || fail "--zeek $2 $3: $(rows z.long) rows, $(rows z.def) by default"
done
"$REPLAY" -q --zeek --format zeek "$SRC/fixtures/real/udp-exchange.pcap" > z.def
"$REPLAY" -q --zeek --format zeek --udp-timeout 100ms "$SRC/fixtures/real/udp-exchange.pcap" > z.short
[ "$(rows z.short)" -gt "$(rows z.def)" ] || fail "--zeek --udp-timeout 100ms: $(rows z.short) rows, $(rows z.def) by default"
"$REPLAY" -q --zeek --udp-timeout 0 t.pcap > /dev/null 2> err.txt
[ $? -eq 2 ] && grep -q -- '--udp-timeout must be above 0' err.txt || fail "--zeek --udp-timeout 0"

# --- --no-flush on the Zeek path -------------------------------------------
"$REPLAY" -q --zeek t.pcap > z.csv || fail "--zeek csv"
"$REPLAY" -q --zeek --no-flush t.pcap > z.nf.csv || fail "--zeek --no-flush"
grep -q ',eof,' z.csv || fail "--zeek: no flow ended at eof in the reference"
grep -q ',eof,' z.nf.csv && fail "--zeek --no-flush: flows still ended at eof"
[ "$(wc -l < z.nf.csv)" -lt "$(wc -l < z.csv)" ] || fail "--zeek --no-flush kept every flow"

# --- summary and --stats on every path ---------------------------------------
for mode in "" "--zeek-fields" "--zeek" "--zeek --format zeek"; do
    "$REPLAY" $mode --stats s.json -o o.txt t.pcap 2> err.txt || fail "[$mode] run"
    grep -q '^flowreplay: 41 packets (41 matched' err.txt || fail "[$mode] summary: $(cat err.txt)"
    grep -q '"packets_read":41,' s.json || fail "[$mode] --stats: $(cat s.json)"
    grep -q '"flows_created":[1-9]' s.json || fail "[$mode] --stats flows: $(cat s.json)"
done

# --- a big capture: signals and closed pipes -------------------------------
"$FLOWGEN" --flows 20000 --packets-per-flow 10 -o big.pcap || fail "flowgen"
size=$(wc -c < big.pcap)
# caught(PID): the process has its SIGTERM handler installed
caught() { local m; m=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/"$1"/status 2>/dev/null)
           [ -n "$m" ] && [ $(( 0x$m >> 14 & 1 )) -eq 1 ]; }
for sig in TERM INT; do
for mode in "--format csv" "--zeek --format zeek" "--zeek --format jsonl"; do
    rm -f fifo; mkfifo fifo
    "$REPLAY" -q $mode -o sig.out - < fifo 2> sig.err &
    pid=$!
    exec 3> fifo
    head -c $((size / 2)) big.pcap >&3
    for i in $(seq 1 200); do caught "$pid" && break; sleep 0.05; done
    caught "$pid" || fail "[$mode] no SIGTERM handler after 10 s"
    kill -s "$sig" "$pid"
    sleep 0.2
    # the packets after the signal show the replay that it was asked to stop
    tail -c +$((size / 2 + 1)) big.pcap >&3 2>/dev/null
    exec 3>&-
    wait "$pid"
    rc=$?
    [ "$rc" -eq 1 ] || fail "[$mode] SIG$sig: exit $rc, expected 1"
    [ "$(cat sig.err)" = "flowreplay: interrupted" ] || fail "[$mode] SIG$sig: stderr: $(cat sig.err)"
    [ "$(tail -c 1 sig.out | od -An -c | tr -d ' ')" = '\n' ] || fail "[$mode] SIG$sig: last row cut"
    case "$mode" in
    *"format zeek"*)
        tail -1 sig.out | grep -q '^#close' || fail "[$mode] SIG$sig: no #close line"
        # every row has all its columns
        awk -F'\t' '!/^#/ && NF != 22 { bad++ } END { exit bad > 0 }' sig.out ||
            fail "[$mode] SIG$sig: a row with missing columns" ;;
    *)
        # every line a whole row: CSV with its header's column count, or
        # one JSON object per line
        if [ "${mode#*jsonl}" != "$mode" ]; then
            grep -vc '^{.*}$' sig.out > d.err && fail "[$mode] SIG$sig: a line is not a JSON object"
        else
            awk -F, 'NR == 1 { n = NF } NF != n { bad++ } END { exit bad > 0 }' sig.out ||
                fail "[$mode] SIG$sig: a row with missing columns"
        fi ;;
    esac
    rows=$(grep -vc '^#' sig.out)
    [ "$rows" -gt 1 ] || fail "[$mode] SIG$sig: only $rows rows written"
done
done

for mode in "" "--events lifecycle" "--zeek" "--zeek --format zeek" "--zeek-fields"; do
    ( "$REPLAY" $mode big.pcap 2> pipe.err; echo $? > pipe.rc ) | head -n 3 > head.out
    [ "$(cat pipe.rc)" -eq 0 ] || fail "[$mode] | head: exit $(cat pipe.rc)"
    [ -s pipe.err ] && fail "[$mode] | head: stderr: $(head -3 pipe.err)"
    [ "$(wc -l < head.out)" -eq 3 ] || fail "[$mode] | head: $(wc -l < head.out) lines"
done
"$REPLAY" -q big.pcap > big.csv
"$REPLAY" -q --tcp-timeout 1s big.pcap > big2.csv
( "$DIFF" big.csv big2.csv 2> pipe.err; echo $? > pipe.rc ) | head -n 1 > /dev/null
[ -s pipe.err ] && fail "flowdiff | head: stderr: $(head -3 pipe.err)"
finish
