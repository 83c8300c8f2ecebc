#!/bin/sh
# Memory follows the flows open at once, not file size: ten times more
# flows, one after the other, must not raise peak RSS by more than 2 MB.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"
command -v /usr/bin/time >/dev/null || { echo "SKIP: /usr/bin/time not found"; exit 77; }

# gen N: N TCP flows of five events each, each ended before the next.
gen() {
    awk -v n="$1" 'BEGIN {
        print "seq,ts,event,proto,orig_h,orig_p,resp_h,resp_p,side,len,from_state,to_state,reason,orig_pkts,resp_pkts,orig_bytes,resp_bytes,history,flow_start,fmt"
        s = 0
        for (i = 0; i < n; i++) {
            t = 1700000000 + i; st = t ".000000000"
            k = "tcp,10." int(i / 65536) "." int(i / 256) % 256 "." i % 256 "," 1024 + i % 60000 ",10.9.9.9,80"
            print ++s "," st ",started," k ",orig,,,,,,,,,," st ",1"
            for (j = 1; j <= 3; j++)
                print ++s "," t ".00000000" j ",packet," k ",orig,60,,,,,,,,," st ",1"
            print ++s "," t ".000000009,ended," k ",,,,,fin,3,0,180,0,S," st ",1"
        }
    }'
}
gen 5000 >"$T/small.csv"
gen 50000 >"$T/big.csv"
# Under AddressSanitizer freed memory is quarantined, not reused.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS
for n in small big; do
    /usr/bin/time -f %M -o "$T/$n.rss" "$FLOWDIFF" "$T/$n.csv" "$T/$n.csv" >"$T/out" 2>"$T/err" ||
        fail "$n: flowdiff failed"
    expect_out "flows compared: $( [ $n = small ] && echo 5000 || echo 50000 )," "$n: flow count"
done
small=$(tail -1 "$T/small.rss"); big=$(tail -1 "$T/big.rss")
echo "peak RSS: ${small} KB for 5000 flows, ${big} KB for 50000"
[ "$big" -le $((small + 2048)) ] || fail "RSS grows with file size: $small -> $big KB"
finish
