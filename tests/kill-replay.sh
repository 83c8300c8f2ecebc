#!/bin/bash
# kill-replay.sh - flowreplay killed with SIGKILL at random moments while
# writing a large event file leaves either whole rows (a byte prefix of
# the uninterrupted output) or a last row cut short that flowdiff rejects
# clearly (exit 2, "truncated"); never a half row read as a whole one.
# Ten kills, alternating CSV and JSONL; the moment is random (seeded from
# $KILL_SEED when given, printed so a failure can be rerun).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
replay="$top_builddir/tools/flowreplay/flowreplay"
diff="$top_builddir/tools/flowdiff/flowdiff"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
seed=${KILL_SEED:-$$}
RANDOM=$seed
echo "kill-replay: seed $seed (rerun with KILL_SEED=$seed)"
kills=${KILLS:-10}

"$top_builddir/tools/flowgen/flowgen" --flows 15000 --packets-per-flow 12 -o "$tmp/in.pcap" ||
    { echo "FAIL: flowgen"; exit 1; }
for fmt in csv jsonl; do
    start=$(date +%s%N)
    "$replay" -q --format "$fmt" -o "$tmp/full.$fmt" "$tmp/in.pcap" ||
        { echo "FAIL: reference replay ($fmt)"; exit 1; }
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "kill-replay: uninterrupted $fmt: $(wc -c < "$tmp/full.$fmt") bytes in ${ms} ms"
    eval "ms_$fmt=$ms"
done

fail=0 whole=0 cut=0 empty=0
for i in $(seq 1 "$kills"); do
    fmt=csv; [ $((i % 2)) -eq 0 ] && fmt=jsonl
    eval "ms=\$ms_$fmt"
    delay=$(( RANDOM % (ms > 20 ? ms : 20) ))  # anywhere in the run
    out="$tmp/killed.$fmt"
    rm -f "$out"
    "$replay" -q --format "$fmt" -o "$out" "$tmp/in.pcap" &
    pid=$!
    sleep "$(printf '0.%03d' "$delay")" 2>/dev/null || sleep 1
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    size=0
    [ -f "$out" ] && size=$(wc -c < "$out")
    # Whatever reached the file is exactly the start of the full output.
    if [ "$size" -gt 0 ] && ! cmp -s -n "$size" "$out" "$tmp/full.$fmt"; then
        echo "FAIL: kill $i ($fmt, ${delay} ms): output is not a prefix of the full output"
        fail=1
        continue
    fi
    if [ "$size" -eq 0 ]; then
        empty=$((empty + 1))
        echo "kill $i ($fmt, ${delay} ms): nothing written yet"
        continue
    fi
    "$diff" "$out" "$out" > "$tmp/diff.out" 2> "$tmp/diff.err"
    rc=$?
    if [ "$(tail -c 1 "$out" | od -An -c | tr -d ' ')" = '\n' ]; then
        # whole rows: a valid file that compares equal to itself
        whole=$((whole + 1))
        echo "kill $i ($fmt, ${delay} ms): $size bytes, whole rows, flowdiff exit $rc"
        [ $rc -eq 0 ] || { echo "FAIL: whole rows rejected:"; cat "$tmp/diff.err"; fail=1; }
    else
        cut=$((cut + 1))
        echo "kill $i ($fmt, ${delay} ms): $size bytes, last row cut, flowdiff exit $rc:" \
             "$(head -1 "$tmp/diff.err")"
        if [ $rc -ne 2 ] || ! grep -q 'truncated\|not closed' "$tmp/diff.err"; then
            echo "FAIL: a cut last row was not rejected as truncated"
            fail=1
        fi
    fi
done
echo "kill-replay: $kills kills: $whole whole, $cut cut and rejected, $empty empty"
exit $fail
