#!/bin/bash
# fuzz-regressions.sh - replays every saved fuzz input through the entry
# point of the fuzz target that found it (fuzz/replay_TARGET, built by
# make check from the same source as the libFuzzer target).
#
# tests/regressions/TARGET/* are inputs that once crashed TARGET or broke
# one of its checks; each must now run clean. An input still waiting for
# its fix is listed in tests/regressions/known-open ("TARGET/NAME why"):
# it still runs, but its failure is reported, not counted. Known-good
# inputs (fixtures, flowdiff test data) run too, so the replayers
# themselves are shown to work even with no regression saved.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
reg="$top_srcdir/tests/regressions"
open_list="$reg/known-open"
fail=0 ran=0

is_open() { [ -f "$open_list" ] && grep -q "^$1 " "$open_list"; }

# run TARGET FILE [LABEL]: one process per input, so one crash cannot
# hide the inputs after it.
run() {
    local t=$1 f=$2 label=${3:-}
    local out
    out=$("$top_builddir/fuzz/replay_$t" "$f" 2>&1)
    local rc=$?
    ran=$((ran + 1))
    if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q ': 1 inputs replayed$'; then
        if [ -n "$label" ] && is_open "$label"; then
            echo "NOTE: $label now runs clean: remove it from tests/regressions/known-open"
        fi
        return 0
    fi
    if [ -n "$label" ] && is_open "$label"; then
        echo "OPEN: $label still fails (known, see known-open)"
        return 0
    fi
    echo "FAIL: replay_$t $f (exit $rc)"
    printf '%s\n' "$out" | tail -30
    fail=1
}

for t in decode zeek pcap flowdiff flowstore rdpcap rdpcapng rdzip; do
    [ -x "$top_builddir/fuzz/replay_$t" ] || { echo "FAIL: fuzz/replay_$t not built"; exit 1; }
    [ -d "$reg/$t" ] || continue
    for f in "$reg/$t"/*; do
        [ -f "$f" ] && run "$t" "$f" "$t/$(basename "$f")"
    done
done

# Known-good inputs through the same entry points.
for f in "$top_srcdir"/fixtures/real/*.pcap; do
    run pcap "$f"
    run flowstore "$f"
    run rdpcap "$f"
    run rdzip "$f"
done
for f in "$top_srcdir"/tests/data/flowdiff/*; do
    run flowdiff "$f"
done
run decode /dev/null
run zeek /dev/null


echo "fuzz-regressions: $ran inputs replayed"
exit $fail
