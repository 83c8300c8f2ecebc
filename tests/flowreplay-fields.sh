#!/bin/sh
# flowreplay-fields.sh - --fields on every writer (CSV, JSON Lines, Zeek
# TSV, Zeek JSON), --format zeek-json and --time-format iso: a chosen
# column holds what the full output holds; all columns chosen give the
# default output byte for byte; an unknown name exits 2 with one line
# listing the valid ones and creates no output; the Zeek JSON log parses
# as JSON (python3, and jq when installed) and agrees with the TSV
# conn.log of the same capture field by field.
. "${top_srcdir:-.}/tests/flowreplay-lib.sh"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
R=$SRC/fixtures/real
H=$R/http-download.pcap
C=--ignore-checksums
"$FLOWGEN" --flows 40 --seed 3 -o "$tmp/w.pcap" || fail "flowgen"

# compare.py FULL SUB KIND: SUB's columns equal FULL's same-named ones.
cat >"$tmp/compare.py" <<'PY'
import csv, json, sys
full, sub, kind = sys.argv[1:4]
def load(p):
    if kind == "csv":
        r = list(csv.reader(open(p, newline="")))
        return [dict(zip(r[0], row)) for row in r[1:]], r[0]
    if kind == "jsonl":
        return [json.loads(l) for l in open(p)], None
    rows, names = [], None
    for l in open(p):
        l = l.rstrip("\n")
        if l.startswith("#fields\t"):
            names = l.split("\t")[1:]
        elif not l.startswith("#"):
            rows.append(dict(zip(names, l.split("\t"))))
    return rows, names
f, _ = load(full)
s, names = load(sub)
assert len(f) == len(s), "row counts %d %d" % (len(f), len(s))
assert len(f) > 0, "no rows"
for a, b in zip(f, s):
    for k, v in b.items():
        assert a.get(k) == v, "%s: %r != %r" % (k, a.get(k), v)
    if kind == "jsonl":  # left out = empty in both
        for k in sys.argv[4].split(","):
            assert (k in a) == (k in b), k
print("ok", len(s))
PY

for mode in "" "--zeek-fields $C" "--zeek $C"; do
    # shellcheck disable=SC2086
    for f in "$H" "$tmp/w.pcap"; do
        "$REPLAY" -q $mode "$f" >"$tmp/full.csv" || fail "$mode csv"
        "$REPLAY" -q $mode --format jsonl "$f" >"$tmp/full.jsonl" || fail "$mode jsonl"
        all=$(head -1 "$tmp/full.csv")
        "$REPLAY" -q $mode --fields "$all" "$f" | cmp -s - "$tmp/full.csv" ||
            fail "$mode: all fields, CSV not as the default"
        "$REPLAY" -q $mode --format jsonl --fields "$all" "$f" | cmp -s - "$tmp/full.jsonl" ||
            fail "$mode: all fields, JSONL not as the default"
        sel=history,ts,orig_p,event,len,orig_h
        case $mode in *zeek*) sel=$sel,zeek_service,community_id,conn_state ;; esac
        "$REPLAY" -q $mode --fields "$sel" "$f" >"$tmp/sub.csv" || fail "$mode --fields csv"
        expect_head=$(head -1 "$tmp/sub.csv")
        [ "$expect_head" = "$sel" ] || fail "$mode: header '$expect_head', want '$sel'"
        python3 "$tmp/compare.py" "$tmp/full.csv" "$tmp/sub.csv" csv >/dev/null ||
            fail "$mode: CSV columns differ"
        "$REPLAY" -q $mode --format jsonl --fields "$sel" "$f" >"$tmp/sub.jsonl" ||
            fail "$mode --fields jsonl"
        python3 "$tmp/compare.py" "$tmp/full.jsonl" "$tmp/sub.jsonl" jsonl "$sel" >/dev/null ||
            fail "$mode: JSONL columns differ"
    done
done

# Zeek TSV: chosen columns, their #fields and #types
"$REPLAY" -q --zeek --format zeek $C "$tmp/w.pcap" >"$tmp/full.log" || fail "zeek tsv"
"$REPLAY" -q --zeek --format zeek $C --fields service,id.resp_p,ts,history,duration \
    "$tmp/w.pcap" >"$tmp/sub.log" || fail "zeek tsv --fields"
grep -q "^#fields	service	id.resp_p	ts	history	duration$" "$tmp/sub.log" ||
    fail "zeek tsv #fields"
grep -q "^#types	string	port	time	string	interval$" "$tmp/sub.log" || fail "zeek tsv #types"
python3 "$tmp/compare.py" "$tmp/full.log" "$tmp/sub.log" tsv >/dev/null || fail "zeek tsv columns"
"$REPLAY" -q --zeek --format zeek $C --fields "$(grep '^#fields' "$tmp/full.log" | cut -f2- |
    tr '\t' ,)" "$tmp/w.pcap" | cmp -s - "$tmp/full.log" || fail "zeek tsv: all fields not as the default"

# Zeek JSON against the TSV conn.log of the same capture
cat >"$tmp/zjson.py" <<'PY'
import json, sys
tsv, js = sys.argv[1], sys.argv[2]
names, rows = None, []
types = {}
for l in open(tsv):
    l = l.rstrip("\n")
    if l.startswith("#fields\t"):
        names = l.split("\t")[1:]
    elif l.startswith("#types\t"):
        types = dict(zip(names, l.split("\t")[1:]))
    elif not l.startswith("#"):
        rows.append(dict(zip(names, l.split("\t"))))
objs = [json.loads(l) for l in open(js)]
assert len(objs) == len(rows) > 0, (len(objs), len(rows))
for o, r in zip(objs, rows):
    for k, v in r.items():
        t = types[k]
        if v == "-":
            assert k not in o, "%s set in JSON, unset in TSV" % k
            continue
        j = o[k]
        if t in ("time", "interval"):
            assert isinstance(j, float) and abs(j - float(v)) < 5e-7, (k, j, v)
        elif t in ("port", "count"):
            assert isinstance(j, int) and j == int(v), (k, j, v)
        else:
            assert isinstance(j, str) and j == v, (k, j, v)
    assert set(o) <= set(r), set(o) - set(r)
print("ok", len(objs))
PY
for f in "$H" "$tmp/w.pcap" "$R/icmp-echo-v6.pcap" "$R/udp-exchange.pcap"; do
    "$REPLAY" -q --zeek --format zeek $C "$f" >"$tmp/z.log" || fail "tsv $f"
    "$REPLAY" -q --zeek --format zeek-json $C "$f" >"$tmp/z.json" || fail "zeek-json $f"
    python3 "$tmp/zjson.py" "$tmp/z.log" "$tmp/z.json" >/dev/null || fail "zeek-json vs tsv: $f"
    if command -v jq >/dev/null; then
        [ "$(jq -s length "$tmp/z.json")" = "$(grep -vc '^#' "$tmp/z.log")" ] || fail "jq $f"
    fi
done
grep -q '"service":"http"' "$tmp/z.json" 2>/dev/null || \
    "$REPLAY" -q --zeek --format zeek-json $C "$H" | grep -q '"service":"http"' ||
    fail "zeek-json: no service"
"$REPLAY" -q --zeek --format zeek-json $C --fields id.orig_h,service,ts "$H" >"$tmp/s.json"
python3 -c 'import json,sys; o=json.loads(open(sys.argv[1]).readline()); assert list(o)==["id.orig_h","service","ts"], o' \
    "$tmp/s.json" || fail "zeek-json --fields: keys"
"$REPLAY" -q --format zeek-json $C "$H" | python3 -m json.tool >/dev/null || fail "json.tool"

# unknown names: exit 2, one line with the valid ones, no output file
for args in "--fields ts,nosuch" "--zeek-fields --fields nosuch" "--zeek --fields nosuch" \
    "--format zeek --fields ts,nosuch" "--format zeek-json --fields nosuch" "--fields ts,,seq"; do
    # shellcheck disable=SC2086
    "$REPLAY" -q $args -o "$tmp/none.out" "$H" 2>"$tmp/err"
    rc=$?
    [ $rc = 2 ] || fail "$args: exit $rc, want 2"
    [ "$(wc -l <"$tmp/err")" = 1 ] || fail "$args: not one line: $(cat "$tmp/err")"
    grep -q "unknown field '.*'; valid: .*ts" "$tmp/err" || fail "$args: $(cat "$tmp/err")"
    [ -e "$tmp/none.out" ] && fail "$args: output file created"
done
grep -q "zeek_service" "$tmp/err" && fail "plain mode lists Zeek columns"

# --time-format iso: the same instants, readable, nanoseconds kept
"$REPLAY" -q --events lifecycle "$H" >"$tmp/e.csv"
"$REPLAY" -q --events lifecycle --time-format iso "$H" >"$tmp/i.csv"
python3 - "$tmp/e.csv" "$tmp/i.csv" <<'PY' || fail "--time-format iso values"
import csv, sys, calendar, time
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b) > 0
for x, y in zip(a, b):
    for k in x:
        if k not in ("ts", "flow_start"):
            assert x[k] == y[k], k
            continue
        sec, ns = x[k].split(".")
        iso = y[k]
        assert iso.endswith("Z") and len(iso) == 30, iso
        t = calendar.timegm(time.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S"))
        assert t == int(sec) and iso[20:29] == ns, (x[k], iso)
PY
"$REPLAY" -q --format jsonl --time-format iso "$H" | head -1 | grep -q '"ts":"20[0-9-]*T[0-9:]*\.[0-9]\{9\}Z"' ||
    fail "jsonl iso"
"$REPLAY" -q --time-format local "$H" 2>/dev/null; [ $? = 2 ] || fail "--time-format local accepted"
"$REPLAY" -q --format zeek --time-format iso "$H" 2>/dev/null; [ $? = 2 ] || fail "zeek tsv iso accepted"
finish
