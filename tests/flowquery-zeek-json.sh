#!/bin/sh
# flowquery-zeek-json.sh - flowquery --format zeek-json: `select * from
# conn` with --zeek gives, for each record, the fields and JSON types that
# flowreplay --zeek --format zeek-json writes for the same capture (parsed
# with python3's json, compared per field); NULL is left out, never null;
# ts is epoch seconds; a named query's rows are its --format json rows
# without the NULLs; -n; no header line.
. "$top_srcdir/tests/flowquery-lib.sh"
command -v python3 >/dev/null || skip "no python3"

"$FLOWGEN" --flows 200 --seed 7 -o "$T/workload.pcap" || fail "flowgen workload"
"$FLOWGEN" --scenario icmp -o "$T/icmp.pcap" || fail "flowgen icmp"
"$FLOWGEN" --scenario sctp -o "$T/sctp.pcap" || fail "flowgen sctp"
write_scan_pcap "$T/scan.pcap"

# cmp_records REPLAY.json QUERY.json: per record, every conn.log field
# equal in value and JSON type (absent in both counts as equal); the
# query's other keys are the view's own columns
cmp_records() {
    python3 - "$1" "$2" <<'PY'
import json, sys
ZEEK = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
        "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp",
        "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
        "tunnel_parents", "community_id"]
OWN = {"capture_id", "start_ns", "end_reason", "seed_history", "zeek"}
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
if len(a) != len(b) or not a:
    sys.exit("%d records from flowreplay, %d from flowquery" % (len(a), len(b)))
for i, (x, y) in enumerate(zip(a, b)):
    if None in y.values():
        sys.exit("record %d: a null value: %r" % (i, y))
    for k in ZEEK:
        if x.get(k) != y.get(k) or type(x.get(k)) is not type(y.get(k)):
            sys.exit("record %d, %s: flowreplay %r, flowquery %r" % (i, k, x.get(k), y.get(k)))
    extra = set(y) - set(ZEEK) - OWN
    if extra:
        sys.exit("record %d: keys %s" % (i, sorted(extra)))
    if set(y) - OWN != set(x):
        sys.exit("record %d: keys %s vs %s" % (i, sorted(x), sorted(set(y) - OWN)))
PY
}

n=0
check() { # check FILE [OPTION...]
    f=$1
    shift
    "$FLOWREPLAY" -q --zeek --format zeek-json "$@" "$f" >"$T/a.json" || fail "flowreplay $f"
    "$FLOWQUERY" --zeek "$@" 'select * from conn' --format zeek-json "$f" >"$T/b.json" ||
        fail "flowquery $f"
    cmp_records "$T/a.json" "$T/b.json" || fail "$f: zeek-json records differ"
    n=$((n + 1))
}
for f in "$FIX"/*.pcap; do
    check "$f" --ignore-checksums # loopback captures: as zeek -C
done
check "$T/workload.pcap"
check "$T/icmp.pcap"  # ICMPv6: Zeek's proto icmp, the view's icmp6
check "$T/sctp.pcap"  # unknown_transport
# Zeek's own test captures, with services, tunnels and odd link types
TRAIN=$top_srcdir/../shared/zeek-conn/train
if [ -d "$TRAIN" ]; then
    for f in "$TRAIN"/*.pcap; do
        check "$f" --ignore-checksums
    done
fi
echo "$n captures: flowquery's zeek-json records are flowreplay's"

# the HTTP fixture names its service; the typed values, as Zeek has them
"$FLOWQUERY" --zeek --ignore-checksums --format zeek-json \
    'select ts, service, duration, orig_bytes, "id.resp_p", 1 AS local_orig,
            NULL AS local_resp, '"'"'Ca,Cb'"'"' AS tunnel_parents from conn' \
    "$FIX/http-download.pcap" >"$T/http.json" || fail "flowquery http"
python3 - "$T/http.json" <<'PY' || fail "typed values: $(cat "$T/http.json")"
import json, sys
(r,) = [json.loads(l) for l in open(sys.argv[1])]
assert r["service"] == "http", r
assert isinstance(r["ts"], float) and 1e9 < r["ts"] < 4e9, r
assert len(repr(r["ts"]).split(".")[1]) <= 6, r
assert isinstance(r["duration"], float) and r["duration"] > 0, r
assert type(r["orig_bytes"]) is int and type(r["id.resp_p"]) is int, r
assert r["local_orig"] is True and "local_resp" not in r, r  # bool; NULL left out
assert r["tunnel_parents"] == ["Ca", "Cb"], r  # a set: an array
PY

# a named query: its --format json rows, NULLs left out, one a line, and
# its duration column (printf text there) a number: Zeek's interval
"$FLOWQUERY" --format json conversations "$T/scan.pcap" >"$T/conv.json" || fail "json"
"$FLOWQUERY" --format zeek-json conversations "$T/scan.pcap" >"$T/conv.zjson" || fail "zeek-json"
python3 - "$T/conv.json" "$T/conv.zjson" <<'PY' || fail "named query in zeek-json"
import json, sys
want = [{k: float(v) if k == "duration" else v for k, v in r.items() if v is not None}
        for r in json.load(open(sys.argv[1]))]
got = [json.loads(l) for l in open(sys.argv[2])]
assert want and all(type(r["duration"]) is float for r in got), got[:2]
assert got == want, (got[:2], want[:2])
PY
expect "-n" "$("$FLOWQUERY" --format zeek-json -n 3 conversations "$T/scan.pcap" | grep -c '')" 3
# no header, nothing but objects
expect "lines" "$(grep -vc '^{.*}$' "$T/conv.zjson")" 0
# a query with no rows writes nothing
expect "no rows" "$("$FLOWQUERY" --format zeek-json 'select * from conn where 0' \
    "$T/scan.pcap" | wc -c)" 0
echo "ok"
