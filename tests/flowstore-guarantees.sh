#!/bin/bash
# flowstore-guarantees.sh - flowstore never writes over a capture it is
# given (the database or --stats named like an input, through links or
# ./ spellings too), and refuses options --zeek does not use, as
# flowreplay does; Zeek's inactivity timeouts are taken from the idle
# timeout options.
. "$top_srcdir/tests/flowstore-common.sh"
cd "$T" || exit 1
cp "$FIX/http-download.pcap" c.pcap
sum0=$(cksum < c.pcap)
ln c.pcap hard.pcap
ln -s c.pcap soft.pcap
for args in "-d c.pcap c.pcap" "-d ./c.pcap $T/c.pcap" "-d hard.pcap c.pcap" "-d soft.pcap c.pcap" \
            "-d x.db --stats c.pcap c.pcap" "-d soft.pcap $FIX/reset.pcap c.pcap" \
            "--zeek -d c.pcap c.pcap"; do
    "$FLOWSTORE" -q $args > out.txt 2> err.txt
    rc=$?
    [ "$rc" -eq 2 ] || fail "flowstore $args: exit $rc, expected 2"
    [ "$(wc -l < err.txt)" -eq 1 ] && grep -q 'refusing to overwrite' err.txt ||
        fail "flowstore $args: stderr: $(cat err.txt)"
    [ "$(cksum < c.pcap)" = "$sum0" ] || fail "flowstore $args: the capture was changed"
    [ -e x.db ] && fail "flowstore $args: the database was created anyway"
done
for opt in "--max-flows 10" "--sweep-interval 2s" "--no-flush"; do
    "$FLOWSTORE" -q --zeek -d z.db $opt c.pcap > out.txt 2> err.txt
    rc=$?
    [ "$rc" -eq 2 ] || fail "flowstore --zeek $opt: exit $rc, expected 2"
    grep -q -- "${opt% *} does not apply with --zeek" err.txt || fail "flowstore --zeek $opt: $(cat err.txt)"
    [ -e z.db ] && fail "flowstore --zeek $opt: the database was created anyway"
done
# the timeouts reach the Zeek table: ICMP echo 130 s apart is one
# connection with a 500 s inactivity timeout, two with Zeek's 60 s
"$FLOWGEN" --scenario idle-other -o idle.pcap || fail "flowgen"
"$FLOWSTORE" -q --zeek -d a.db idle.pcap || fail "flowstore --zeek"
"$FLOWSTORE" -q --zeek --other-timeout 500 -d b.db idle.pcap || fail "flowstore --zeek --other-timeout"
need_sqlite3
na=$(q a.db "SELECT count(*) FROM flows")
nb=$(q b.db "SELECT count(*) FROM flows")
[ "$nb" -lt "$na" ] || fail "--other-timeout 500: $nb flows stored, $na with Zeek's default"
echo "all checks passed"
