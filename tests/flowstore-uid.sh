#!/bin/sh
# flowstore-uid.sh - one uid per connection: flowreplay's conn.log and
# flowstore's conn view give the same connection the same uid, derived as
# docs/zeek-compat.md says (checked against an independent computation),
# the same in every run and every database, unique within a capture.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

"$FLOWGEN" --flows 300 --seed 4 -o "$T/work.pcap" || fail flowgen
caps="$FIX/http-download.pcap $FIX/refused-v6.pcap $FIX/icmp-echo.pcap $FIX/udp-exchange.pcap $T/work.pcap"

# uid and key of each connection of flowreplay's conn.log
conn_log() {
    "$FLOWREPLAY" -q --format zeek "$@" | awk -F'\t' '!/^#/ { print $2"|"$3"|"$4"|"$5"|"$6"|"$7 }' | sort
}
# (the view names ICMPv6 icmp6 where Zeek's conn.log says icmp)
conn_view() { # DB [WHERE]
    q "$1" "SELECT uid, \"id.orig_h\", \"id.orig_p\", \"id.resp_h\", \"id.resp_p\",
                   replace(proto, 'icmp6', 'icmp') FROM conn ${2:-}" | sort
}

# --zeek: the same connections as the conn.log, with the same uids
for c in $caps; do
    rm -f "$T/z.db"*
    "$FLOWSTORE" -q --zeek -d "$T/z.db" "$c" || fail "store --zeek $c"
    conn_log "$c" >"$T/log"
    [ -s "$T/log" ] || fail "$c: empty conn.log"
    conn_view "$T/z.db" | diff -u "$T/log" - || fail "$c: conn view and conn.log differ"
    # stable across runs
    conn_log "$c" | cmp -s - "$T/log" || fail "$c: conn.log uids changed between runs"
done

# seed mode: each flow that Zeek sees the same way has Zeek's uid
rm -f "$T/s.db"*
"$FLOWSTORE" -q -d "$T/s.db" $caps || fail "store seed"
for c in "$FIX/http-download.pcap" "$FIX/refused-v6.pcap" "$FIX/udp-exchange.pcap"; do
    id=$(q "$T/s.db" "SELECT id FROM captures WHERE path = '$c'")
    conn_view "$T/s.db" "WHERE capture_id = $id" >"$T/seed"
    [ -s "$T/seed" ] || fail "$c: no rows"
    conn_log "$c" | comm -13 - "$T/seed" >"$T/extra"
    [ -s "$T/extra" ] && fail "$c: seed uids not in the conn.log: $(cat "$T/extra")"
done

# another database, captures in another order (other capture ids): same uids
rm -f "$T/r.db"*
"$FLOWSTORE" -q -d "$T/r.db" $(echo $caps | tr ' ' '\n' | sort -r) || fail "store reversed"
conn_view "$T/r.db" | cut -d'|' -f1 | sort >"$T/a"
conn_view "$T/s.db" | cut -d'|' -f1 | sort >"$T/b"
cmp -s "$T/a" "$T/b" || fail "uids depend on the database"
expect "unique in a capture" "$(q "$T/s.db" "SELECT count(*) FROM (SELECT capture_id, uid
    FROM conn GROUP BY 1, 2 HAVING count(*) > 1)")" 0
[ "$(q "$T/s.db" "SELECT count(*) FROM conn WHERE uid GLOB 'C[0-9A-Za-z]*' AND length(uid) = 18")" = \
  "$(q "$T/s.db" 'SELECT count(*) FROM conn')" ] || fail "uid shape"

# the documented derivation, computed apart (SHA-1 of "fkuid1", family,
# protocol, addresses, ports, start ns; 17 base-62 digits)
if command -v python3 >/dev/null; then
    q "$T/s.db" "SELECT uid, \"id.orig_h\", \"id.orig_p\", \"id.resp_h\", \"id.resp_p\", proto,
                 start_ns FROM conn" | python3 -c '
import hashlib, ipaddress, struct, sys
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PROTO = {"tcp": 6, "udp": 17, "icmp": 1, "icmp6": 58}
bad = 0
for line in sys.stdin:
    uid, oh, op, rh, rp, proto, start = line.strip().split("|")
    o, r = ipaddress.ip_address(oh), ipaddress.ip_address(rh)
    pn = 58 if proto == "icmp" and o.version == 6 else PROTO[proto]
    data = b"fkuid1" + bytes([o.version, pn]) + o.packed + r.packed
    data += struct.pack(">HHq", int(op), int(rp), int(start))
    d = hashlib.sha1(data).digest()
    w = [int.from_bytes(d[:8], "big"), int.from_bytes(d[8:16], "big")]
    s = "C"
    for i in range(17):
        k = 0 if i < 9 else 1
        s += B62[w[k] % 62]
        w[k] //= 62
    if s != uid:
        bad += 1
        print("uid", uid, "computed", s, line.strip(), file=sys.stderr)
sys.exit(1 if bad else 0)
' || fail "uid not as documented"
fi
exit 0
