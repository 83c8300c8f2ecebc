#!/bin/sh
# flowreplay-shard.sh - --shard K/N: the N shards' ended flows together
# are those of the unsharded run (no eviction), on the fixtures, flowgen
# captures (fragments, tunnels of flowgen's scenarios, a workload) and
# Zeek's training captures; a shard tracks only its own flows (its
# flows_created adds up to the whole); the hash is fixed (the same shard
# of a flow in every run); bad values are refused. flowstore --shard
# stores one shard per capture.
. "$top_srcdir/tests/flowstore-common.sh"

SHARED=${FLOWKIT_SHARED:-$top_srcdir/../shared}
TRAIN=$SHARED/zeek-conn/train

# ended FILE [OPTION...]: the ended events (without seq), sorted
ended() {
    f=$1
    shift
    "$FLOWREPLAY" -q --events lifecycle "$@" "$f" >"$T/ev.csv" || fail "flowreplay $* $f"
    awk -F, 'NR > 1 && $3 == "ended"' "$T/ev.csv" | cut -d, -f2- | sort
}

for s in handshake fragments vlan mpls pppoe ipv6-ext icmp sctp idle-udp; do
    "$FLOWGEN" --scenario "$s" -o "$T/s-$s.pcap" || fail "flowgen --scenario $s"
done
"$FLOWGEN" --flows 3000 --seed 9 -o "$T/workload.pcap" || fail "flowgen workload"
set -- "$FIX"/*.pcap "$T"/s-*.pcap "$T/workload.pcap"
if [ -d "$TRAIN" ]; then
    set -- "$@" "$TRAIN"/*.pcap
else
    echo "note: $TRAIN not found; fixtures and flowgen captures only" >&2
fi

checked=0
for f in "$@"; do
    ended "$f" >"$T/all"
    # three shards of the small captures, two of the many training ones
    # (the machine's time, not the check, is what differs)
    case $f in "$TRAIN"/*) n=2 ;; *) n=3 ;; esac
    for n in $n; do
        : >"$T/union"
        k=0
        while [ $k -lt $n ]; do
            ended "$f" --shard $k/$n >>"$T/union"
            k=$((k + 1))
        done
        sort -o "$T/union" "$T/union"
        cmp -s "$T/all" "$T/union" || {
            diff "$T/all" "$T/union" | head -5 >&2
            fail "$f: the $n shards' ended flows differ from the unsharded run"
        }
    done
    checked=$((checked + 1))
done
[ $checked -ge 20 ] || [ ! -d "$TRAIN" ] || fail "only $checked captures checked"

# A shard tracks its own flows only, and each of 4 shards has some of
# the workload's 3000 (so the split is real).
total=0
for k in 0 1 2 3; do
    "$FLOWREPLAY" -q --events lifecycle --stats "$T/st$k.json" --shard $k/4 \
        "$T/workload.pcap" >/dev/null || fail "flowreplay --shard $k/4"
    c=$(sed 's/.*"flows_created":\([0-9]*\).*/\1/' "$T/st$k.json")
    [ "$c" -gt 300 ] && [ "$c" -lt 1500 ] || fail "shard $k/4 created $c of 3000 flows"
    total=$((total + c))
done
"$FLOWREPLAY" -q --events lifecycle --stats "$T/st.json" "$T/workload.pcap" >/dev/null ||
    fail "flowreplay"
expect "flows created by the 4 shards" $total \
    "$(sed 's/.*"flows_created":\([0-9]*\).*/\1/' "$T/st.json")"

# The documented hash (64-bit FNV-1a, docs/scale-out.md): the flow
# 127.0.0.1:45782 <-> 127.0.0.1:18084/tcp of reset.pcap is in shard
# 45782... computed here by awk over the same bytes.
fnv_shard() { # fnv_shard N BYTE...: FNV-1a 64 of the bytes, mod N
    n=$1
    shift
    printf '%s\n' "$@" | awk -v n="$n" '
    function mulp(h,   lo, hi, a, b) { # h * 0x100000001b3 mod 2^64, in 32-bit halves
        hi = int(h / 4294967296); lo = h - hi * 4294967296
        # (hi*2^32 + lo) * (2^40 + 0x1b3) mod 2^64
        a = lo * 435                         # lo * 0x1b3
        b = (hi * 435 + (lo % 16777216) * 256) % 4294967296 # high half
        lo = a % 4294967296
        hi = (b + int(a / 4294967296)) % 4294967296
        return hi * 4294967296 + lo
    }
    BEGIN { hi = 3421674724; lo = 2216829733 } # 0xcbf29ce484222325
    { # xor the byte into the low 8 bits, then multiply
        l8 = lo % 256; x = 0; v = $1
        for (bit = 1; bit < 256; bit *= 2) {
            if ((int(l8 / bit) % 2) != (int(v / bit) % 2)) x += bit
        }
        lo = lo - l8 + x
        a = lo * 435
        nhi = (hi * 435 + (lo % 16777216) * 256 + int(a / 4294967296)) % 4294967296
        lo = a % 4294967296; hi = nhi
    }
    END { # (hi * 2^32 + lo) mod n
        print ((hi % n) * (4294967296 % n) + lo % n) % n
    }'
}
# key of reset.pcap's flow: family 4, proto 6, 127.0.0.1 port 18084,
# 127.0.0.1 port 45782 (canonical: equal addresses, lower port first)
want=$(fnv_shard 7 4 6 127 0 0 1 $((18084 / 256)) $((18084 % 256)) 127 0 0 1 \
    $((45782 / 256)) $((45782 % 256)))
got=
for k in 0 1 2 3 4 5 6; do
    [ -n "$(ended "$FIX/reset.pcap" --shard $k/7)" ] && got="$got$k"
done
expect "shard of reset.pcap's flow (of 7)" "$got" "$want"

# Bad values
for bad in 3/3 1 a/2 1/0 -1/2 0/65537; do
    "$FLOWREPLAY" -q --shard "$bad" "$FIX/reset.pcap" >/dev/null 2>"$T/err" &&
        fail "--shard $bad accepted"
    grep -q "shard" "$T/err" || fail "--shard $bad: no message"
done
"$FLOWREPLAY" -q --zeek --shard 0/2 "$FIX/reset.pcap" >/dev/null 2>"$T/err"
expect "--shard with --zeek" "$?" 2

# flowstore --shard: two shards of the workload into two SQLite files
# hold every flow once between them.
if command -v sqlite3 >/dev/null; then
    need_sqlite3
    "$FLOWSTORE" -q -d "$T/a.db" --shard 0/2 "$T/workload.pcap" || fail "flowstore --shard 0/2"
    "$FLOWSTORE" -q -d "$T/b.db" --shard 1/2 "$T/workload.pcap" || fail "flowstore --shard 1/2"
    a=$(q "$T/a.db" 'SELECT count(*) FROM flows')
    b=$(q "$T/b.db" 'SELECT count(*) FROM flows')
    expect "flows of the two shards" $((a + b)) "$(ended "$T/workload.pcap" | wc -l)"
    expect "options recorded" "$(q "$T/b.db" 'SELECT options FROM captures')" "--shard 1/2"
fi
exit 0
