#!/bin/sh
# flowgen-determinism.sh - flowgen writes the same bytes for the same
# arguments, different bytes for different seeds, and files that are
# valid pcap: checked by our own record walker and, when present, by
# tcpdump. Exit 0 pass, 1 fail, 77 skip.

# tool paths, scratch directory, fail/finish
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"

# Prints "MAGIC RECORDS NONMONO" for a classic little-endian pcap, or
# "bad ..." if the records do not tile the file exactly or a caplen
# exceeds its original length. NONMONO counts timestamps that did not
# strictly increase.
pcap_walk() {
    od -An -v -tu1 "$1" | awk '
    function flush_rec() {
        cap = r[8] + r[9] * 256 + r[10] * 65536 + r[11] * 16777216
        orig = r[12] + r[13] * 256 + r[14] * 65536 + r[15] * 16777216
        if (cap > orig || cap > 262144) bad = 1
        sec = r[0] + r[1] * 256 + r[2] * 65536 + r[3] * 16777216
        frac = r[4] + r[5] * 256 + r[6] * 65536 + r[7] * 16777216
        if (recs > 0 && (sec < psec || (sec == psec && frac <= pfrac)))
            nonmono++
        psec = sec; pfrac = frac
        recs++
        skip = cap
    }
    {
        for (i = 1; i <= NF; i++) {
            if (pos < 24) {
                h[pos++] = $i
                continue
            }
            pos++
            if (skip > 0) { skip--; continue }
            r[n++] = $i
            if (n == 16) { flush_rec(); n = 0 }
        }
    }
    END {
        if (pos < 24 || n != 0 || skip != 0) bad = 1
        magic = sprintf("%02x%02x%02x%02x", h[3], h[2], h[1], h[0])
        if (bad) print "bad", magic, recs + 0
        else print magic, recs + 0, nonmono + 0
    }'
}

# Runs flowgen -v with the given arguments into $1 and prints the
# packet count it reported.
gen() {
    out=$1
    shift
    "$FLOWGEN" "$@" -o "$out" -v 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
    sed -n 's/^flowgen: wrote \([0-9][0-9]*\) packets to .*/\1/p' "$tmp/err"
}

# Checks one generated file: determinism against a second run, magic,
# record count against flowgen's report, and tcpdump's packet count.
check() {
    name=$1
    magic=$2
    mono=$3
    shift 3
    n1=$(gen "$tmp/$name.1" "$@") || { fail "$name: flowgen failed"; return; }
    gen "$tmp/$name.2" "$@" >/dev/null || { fail "$name: rerun failed"; return; }
    cmp -s "$tmp/$name.1" "$tmp/$name.2" || fail "$name: two runs differ"
    [ -n "$n1" ] && [ "$n1" -gt 0 ] || fail "$name: no packet count reported"
    set -- $(pcap_walk "$tmp/$name.1")
    [ "$1" = "$magic" ] || fail "$name: magic/structure '$*', want $magic"
    [ "$2" = "$n1" ] || fail "$name: $2 records, flowgen said $n1"
    if [ "$mono" = mono ] && [ "$3" != 0 ]; then
        fail "$name: $3 timestamps not increasing"
    fi
    if [ -n "$TCPDUMP" ]; then
        c=$("$TCPDUMP" -r "$tmp/$name.1" -nn 2>/dev/null | grep -c '^[0-9]')
        [ "$c" = "$n1" ] || fail "$name: tcpdump read $c packets, want $n1"
    fi
    rm -f "$tmp/$name.2"
}

TCPDUMP=$(command -v tcpdump 2>/dev/null)

# Workload: deterministic, exact count (flows * packets-per-flow).
check work a1b23c4d mono --flows 2000 --seed 42
[ "$n1" = 20000 ] || fail "workload: $n1 packets, want 20000"
check work-usec a1b2c3d4 mono --flows 500 --seed 9 --usec \
    --packets-per-flow 4 --concurrency 3 --linktype raw --ipv6 50
[ "$n1" = 2000 ] || fail "workload --usec: $n1 packets, want 2000"

# Different seed or start: different bytes, same count.
gen "$tmp/seed43" --flows 2000 --seed 43 >/dev/null || fail "seed 43 run"
cmp -s "$tmp/work.1" "$tmp/seed43" && fail "seeds 42 and 43 gave the same bytes"
gen "$tmp/start" --flows 2000 --seed 42 --start 1600000000 >/dev/null ||
    fail "--start run"
cmp -s "$tmp/work.1" "$tmp/start" && fail "--start changed nothing"

# stdout output equals file output.
"$FLOWGEN" --flows 2000 --seed 42 -o - >"$tmp/stdout" || fail "-o - failed"
cmp -s "$tmp/work.1" "$tmp/stdout" || fail "-o - differs from -o FILE"

# Every scenario. backwards-ts and merge-* are not monotonic on purpose
# (merge-b repeats no stamp itself, but keep the check for the rest).
scenarios=$("$FLOWGEN" --list-scenarios | awk '{ print $1 }')
[ "$(echo "$scenarios" | wc -l)" -ge 21 ] || fail "too few scenarios listed"
for s in $scenarios; do
    case $s in
    backwards-ts) mono=any ;;
    *) mono=mono ;;
    esac
    check "sc-$s" a1b23c4d $mono --scenario "$s"
done
set -- $(pcap_walk "$tmp/sc-backwards-ts.1")
[ "$3" -ge 1 ] || fail "backwards-ts: timestamps never go back"

# Sized scenarios honour --flows.
check sc-synflood-big a1b23c4d mono --scenario synflood --flows 5000 --seed 3
[ "$n1" = 5000 ] || fail "synflood --flows 5000: $n1 packets"
check sc-collide-big a1b23c4d mono --scenario collide --flows 3000
[ "$n1" = 3000 ] || fail "collide --flows 3000: $n1 packets"
check sc-eviction-big a1b23c4d mono --scenario eviction --flows 150
[ "$n1" = 300 ] || fail "eviction --flows 150: $n1 packets"
gen "$tmp/syn-seed4" --scenario synflood --flows 5000 --seed 4 >/dev/null
cmp -s "$tmp/sc-synflood-big.1" "$tmp/syn-seed4" &&
    fail "synflood ignores --seed"

# Distinct keys in the workload and in collide (needs tcpdump).
if [ -n "$TCPDUMP" ]; then
    k=$("$TCPDUMP" -r "$tmp/work.1" -nn 2>/dev/null | awk '
        { a = $3; b = $5; sub(/:$/, "", b); p = ($0 ~ /ICMP/) ? "i" : "o"
          k[p " " (a < b ? a " " b : b " " a)] = 1 }
        END { for (x in k) n++; print n }')
    [ "$k" = 2000 ] || fail "workload: $k distinct keys, want 2000"
    k=$("$TCPDUMP" -r "$tmp/sc-collide-big.1" -nn 2>/dev/null |
        awk '{ k[$3 " " $5] = 1 } END { for (x in k) n++; print n }')
    [ "$k" = 3000 ] || fail "collide: $k distinct keys, want 3000"
fi

finish
