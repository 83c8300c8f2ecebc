#!/bin/bash
# realworld-san.sh - every capture of ../shared/realworld/train and
# ../shared/zeek-conn/train through a sanitizer build of the tools, in
# each replay mode (default, --zeek-fields, --zeek) and through flowstore.
#
#   BUILD=DIR [FLOWKIT_SHARED=DIR] [JOBS=N] [TIMEOUT=S] scripts/realworld-san.sh
#
# BUILD is a tree configured with --enable-sanitizers and built. A run
# fails the check when a sanitizer reports anything, when the process
# dies of a signal, or when it runs past TIMEOUT seconds (default 60).
# Exit 1 or 2 is a verdict on the capture (damaged, unsupported link
# type) and is fine; the script counts them. Exits 0 when every run was
# clean, 1 otherwise (the failing runs are listed with their stderr), 77
# when the captures are absent.
set -u
: "${BUILD:?set BUILD to a sanitizer build tree}"
src=$(cd "$(dirname "$0")/.." && pwd)
shared=${FLOWKIT_SHARED:-$src/../shared}
jobs=${JOBS:-2}
limit=${TIMEOUT:-60}
R=$BUILD/tools/flowreplay/flowreplay
S=$BUILD/tools/flowstore/flowstore
for t in "$R" "$S"; do
    [ -x "$t" ] || { echo "realworld-san: $t not built" >&2; exit 2; }
done
list=$(mktemp) && work=$(mktemp -d) || exit 1
trap 'rm -rf "$list" "$work"' EXIT
if [ -f "$shared/realworld/train/index.tsv" ]; then
    tail -n +2 "$shared/realworld/train/index.tsv" | cut -f1 |
        sed "s|^|$shared/realworld/train/|" >>"$list"
fi
ls "$shared"/zeek-conn/train/*.pcap >>"$list" 2>/dev/null
[ -s "$list" ] || { echo "SKIP: no captures under $shared" >&2; exit 77; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
export R S work limit

# one capture, every mode: prints "MODE RC FILE" per run
one() {
    local f=$1 i=$2 m rc
    for m in default zeek-fields zeek store; do
        local err="$work/$i.$m.err"
        case $m in
        default) timeout "$limit" "$R" -q -o /dev/null "$f" 2>"$err" ;;
        zeek-fields) timeout "$limit" "$R" -q --zeek-fields -o /dev/null "$f" 2>"$err" ;;
        zeek) timeout "$limit" "$R" -q --zeek --format zeek -o /dev/null "$f" 2>"$err" ;;
        store) rm -f "$work/$i.db"*
            timeout "$limit" "$S" -q -d "$work/$i.db" "$f" 2>"$err"
            rc=$?; rm -f "$work/$i.db"*; (exit $rc) ;;
        esac
        rc=$?
        echo "$m $rc $f"
        if [ "$rc" -le 2 ] && ! grep -q -e 'Sanitizer' -e 'runtime error:' "$err"; then
            rm -f "$err"
        fi
    done
}
export -f one
nl -ba -w1 -s' ' "$list" | xargs -P "$jobs" -L 1 bash -c 'one "$2" "$1"' _ >"$work/results"

runs=$(wc -l <"$work/results")
bad=$(awk '$2 > 2' "$work/results" | wc -l)
san=$(grep -l -e 'Sanitizer' -e 'runtime error:' "$work"/*.err 2>/dev/null | wc -l)
for c in 0 1 2; do
    n[$c]=$(awk -v c=$c '$2 == c' "$work/results" | wc -l)
done
echo "realworld-san: $(wc -l <"$list") captures, $runs runs (4 modes):" \
    "${n[0]} exit 0, ${n[1]} exit 1, ${n[2]} exit 2; $bad crashes/timeouts, $san sanitizer reports"
if [ "$bad" -gt 0 ] || [ "$san" -gt 0 ]; then
    awk '$2 > 2' "$work/results" | head -50
    for e in "$work"/*.err; do
        [ -f "$e" ] || continue
        echo "==== $e"
        head -40 "$e"
    done | head -400
    exit 1
fi
exit 0
