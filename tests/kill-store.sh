#!/bin/bash
# kill-store.sh - flowstore killed with SIGKILL at random moments during
# imports (20 times) leaves the database valid every time: PRAGMA
# integrity_check is "ok", every capture listed is whole (its flows and
# events all there, as many as an uninterrupted replay ends) and no
# partial capture is visible. A last uninterrupted run then stores what
# is missing. Moments are random, seeded from $KILL_SEED when given.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
store="$top_builddir/tools/flowstore/flowstore"
gen="$top_builddir/tools/flowgen/flowgen"
replay="$top_builddir/tools/flowreplay/flowreplay"
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 shell not found"; exit 77; }
[ -x "$store" ] || { echo "FAIL: $store not built"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
seed=${KILL_SEED:-$$}
RANDOM=$seed
kills=${KILLS:-20}
echo "kill-store: seed $seed (rerun with KILL_SEED=$seed)"
db="$tmp/flows.db"
q() { sqlite3 -batch -noheader "$db" "$1"; }

# One capture per kill, each with its expected flow and event counts.
declare -A want_flows want_events
for i in $(seq 1 "$kills"); do
    "$gen" --flows 1500 --seed "$i" -o "$tmp/c$i.pcap" || { echo "FAIL: flowgen"; exit 1; }
    "$replay" -q -o "$tmp/c$i.csv" "$tmp/c$i.pcap" || { echo "FAIL: flowreplay"; exit 1; }
    want_flows[c$i]=$(grep -c ',ended,' "$tmp/c$i.csv")
    want_events[c$i]=$(($(wc -l < "$tmp/c$i.csv") - 1))
done
start=$(date +%s%N)
"$store" -q --events -d "$tmp/ref.db" "$tmp/c1.pcap" || { echo "FAIL: reference import"; exit 1; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "kill-store: one uninterrupted import takes ${ms} ms"

fail=0
# check LABEL: the database is valid and every capture in it is whole.
check() {
    local ic rows id path n
    ic=$(q 'PRAGMA integrity_check;' 2>&1)
    [ "$ic" = ok ] || { echo "FAIL: $1: integrity_check: $ic"; fail=1; return; }
    stored=0
    # killed before the schema was committed: an empty database is valid
    [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'captures';")" = 1 ] || return
    rows=$(q "SELECT c.id, c.path, c.flows,
                     (SELECT count(*) FROM flows f WHERE f.capture_id = c.id),
                     (SELECT count(*) FROM events e WHERE e.capture_id = c.id)
              FROM captures c;" 2>&1) || { echo "FAIL: $1: query: $rows"; fail=1; return; }
    n=0
    while IFS='|' read -r id path cflows nflows nevents; do
        [ -n "$id" ] || continue
        n=$((n + 1))
        local k; k=$(basename "$path" .pcap)
        if [ "$cflows" != "${want_flows[$k]}" ] || [ "$nflows" != "${want_flows[$k]}" ] ||
           [ "$nevents" != "${want_events[$k]}" ]; then
            echo "FAIL: $1: capture $k partial: flows $cflows/$nflows events $nevents," \
                 "want ${want_flows[$k]} flows ${want_events[$k]} events"
            fail=1
        fi
    done <<< "$rows"
    stored=$n
}

stored=0
for i in $(seq 1 "$kills"); do
    # each run imports the capture for this round and every earlier one
    # (already stored ones are skipped by SHA-256)
    files=(); for j in $(seq 1 "$i"); do files+=("$tmp/c$j.pcap"); done
    delay=$(( RANDOM % (ms + 30) ))
    "$store" -q --events -d "$db" "${files[@]}" 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null && killed=yes || killed="no (finished)"
    wait "$pid" 2>/dev/null
    check "kill $i"
    echo "kill $i after ${delay} ms: killed $killed; $stored whole captures, integrity ok"
done
"$store" -q --events -d "$db" "$tmp"/c*.pcap || { echo "FAIL: final import"; fail=1; }
check final
[ "$stored" = "$kills" ] || { echo "FAIL: final: $stored captures stored, want $kills"; fail=1; }
echo "kill-store: $kills kills, database valid after each; final run stored all $stored"
exit $fail
