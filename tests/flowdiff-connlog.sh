#!/bin/sh
# flowdiff-connlog.sh - Zeek conn.log files (TSV as Zeek's ASCII writer
# and flowreplay --format zeek write them, and Zeek's JSON logs) are
# compared column by column with each other and with a capture, which is
# then replayed through Zeek's connection table (--format zeek) with the
# options given. A conn.log against an event file, or a broken conn.log,
# is one line and status 2.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"
REPLAY=$top_builddir/tools/flowreplay/flowreplay
FLOWGEN=$top_builddir/tools/flowgen/flowgen
[ -x "$REPLAY" ] && [ -x "$FLOWGEN" ] || { echo "SKIP: tools not built"; exit 77; }

"$FLOWGEN" --flows 80 --seed 12 -o "$T/w.pcap" || exit 1
CAP=$top_srcdir/fixtures/real/http-download.pcap
"$REPLAY" -q --format zeek -o "$T/w.log" "$T/w.pcap" || exit 1
"$REPLAY" -q --format zeek --ignore-checksums -o "$T/c.log" "$CAP" || exit 1
"$REPLAY" -q -o "$T/events.csv" "$T/w.pcap" || exit 1

run "$T/w.log" "$T/w.pcap"
expect_rc 0 "conn.log vs its capture"
expect_out "flows compared: $(grep -vc '^#' "$T/w.log")" "every connection compared"

# one column changed in one row: that difference, named
awk -F'\t' 'BEGIN { OFS = "\t" } /^#fields/ { for (i = 2; i <= NF; i++) if ($i == "conn_state") c = i - 1 }
            !/^#/ && !done { $c = "S3"; done = 1 } { print }' "$T/w.log" >"$T/w-changed.log"
cmp -s "$T/w.log" "$T/w-changed.log" && fail "the edit changed nothing"
run "$T/w-changed.log" "$T/w.pcap"
expect_rc 1 "changed conn_state vs capture"
expect_out "field conn_state: expected S3" "the column is named"
expect_out "changed: 1," "one flow changed"
run "$T/w-changed.log" "$T/w.log"
expect_rc 1 "changed conn_state vs conn.log"

# the options of the golden are given on the command line
run "$T/c.log" "$CAP"
expect_rc 1 "made with -C, replayed without"
run --ignore-checksums "$T/c.log" "$CAP"
expect_rc 0 "made with -C, replayed with --ignore-checksums"

# Zeek's JSON logs: the same connections
if command -v python3 >/dev/null; then
    to_json() {
        python3 - "$1" <<'PY'
import json, sys
names, types = [], []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("#fields\t"):
        names = line.split("\t")[1:]
    elif line.startswith("#types\t"):
        types = line.split("\t")[1:]
    elif line and not line.startswith("#"):
        o = {}
        for n, t, v in zip(names, types, line.split("\t")):
            if v == "-":
                continue
            if t.startswith("set["):
                o[n] = [] if v == "(empty)" else v.split(",")
            elif t in ("count", "port"):
                o[n] = int(v)
            elif t in ("time", "interval"):
                o[n] = float(v)
            elif t == "bool":
                o[n] = v == "T"
            else:
                o[n] = v
        print(json.dumps(o, separators=(",", ":")))
PY
    }
    to_json "$T/w.log" >"$T/w.json" || fail "to_json"
    to_json "$T/w-changed.log" >"$T/w-changed.json" || fail "to_json"
    run "$T/w.json" "$T/w.pcap"
    expect_rc 0 "JSON conn.log vs capture"
    run "$T/w.json" "$T/w.log"
    expect_rc 0 "JSON vs TSV conn.log"
    run "$T/w-changed.json" "$T/w.pcap"
    expect_rc 1 "changed JSON conn.log vs capture"
    expect_out "field conn_state: expected S3" "JSON: the column is named"
fi

# a log whose uids differ (Zeek draws them at random): --ignore uid
awk -F'\t' 'BEGIN { OFS = "\t" } !/^#/ { $2 = "Cx" NR } { print }' "$T/w.log" >"$T/uids.log"
run "$T/uids.log" "$T/w.pcap"
expect_rc 1 "other uids"
run --ignore uid "$T/uids.log" "$T/w.pcap"
expect_rc 0 "other uids, --ignore uid"

# a conn.log against an event file: one line, status 2
run "$T/w.log" "$T/events.csv"
expect_rc 2 "conn.log vs events"
expect_err "w.log is a Zeek conn.log, $T/events.csv a flowreplay event file" "kinds message"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "kinds: one line"
# a row with a field missing
awk -F'\t' 'BEGIN { OFS = "\t" } !/^#/ && ++n == 3 { NF = NF - 1 } { print }' "$T/w.log" >"$T/short.log"
run "$T/short.log" "$T/w.log"
expect_rc 2 "short row"
expect_err "short.log:11: fewer fields than the #fields line names" "short row message"
finish
