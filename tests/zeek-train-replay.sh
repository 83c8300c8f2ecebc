#!/bin/sh
# zeek-train-replay.sh - every real capture of Zeek's test suite (in
# ../shared/zeek-conn/train) replays without error, or with the clear
# unsupported-link-type error, and twice to the same events (flowdiff).
SHARED=${FLOWKIT_SHARED:-${top_srcdir:-.}/../shared}
DIR=$SHARED/zeek-conn/train
BUILD=${top_builddir:-.}
[ -d "$DIR" ] || { echo "SKIP: $DIR not found (set FLOWKIT_SHARED)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
ok=0 unsupported=0 bad=0
for p in "$DIR"/*.pcap; do
    n=$(basename "$p" .pcap)
    "$BUILD/tools/flowreplay/flowreplay" -q -o "$tmp/a.csv" "$p" 2>"$tmp/err"
    rc=$?
    if [ $rc = 2 ] && grep -q 'unsupported link type' "$tmp/err"; then
        unsupported=$((unsupported + 1))
        continue
    fi
    if [ $rc != 0 ]; then
        echo "FAIL $n: exit $rc: $(cat "$tmp/err")"
        bad=$((bad + 1))
        continue
    fi
    "$BUILD/tools/flowreplay/flowreplay" -q -o "$tmp/b.csv" "$p"
    if ! "$BUILD/tools/flowdiff/flowdiff" --color=never "$tmp/a.csv" "$tmp/b.csv" >"$tmp/d" 2>&1 ||
        ! cmp -s "$tmp/a.csv" "$tmp/b.csv"; then
        echo "FAIL $n: two runs differ"; cat "$tmp/d"
        bad=$((bad + 1))
        continue
    fi
    ok=$((ok + 1))
done
echo "zeek train captures: $ok replayed, $unsupported unsupported link type, $bad failed"
[ $bad -eq 0 ] && [ $ok -gt 0 ]
