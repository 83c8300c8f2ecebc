#!/bin/bash
# valgrind-check.sh - the tools under valgrind memcheck on the fixtures:
# flowgen writing scenarios, flowreplay reading them (CSV, JSONL, merged,
# evicting, broken inputs), flowdiff comparing files and captures,
# flowstore importing. Any memory error or definite/indirect leak fails.
# Tools linked with libtool run through `libtool --mode=execute` so
# valgrind sees the real binary, not the wrapper script.
# Env: top_srcdir, top_builddir (default: this checkout, ./).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
B=$top_builddir
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 runs=0
VG=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --track-origins=yes)

# vg EXPECTED-EXIT TOOL ARGS...: runs TOOL under memcheck; fails on a
# memcheck error, or when the tool's own exit status is not the expected.
vg() {
    local want=$1 tool=$2; shift 2
    local log="$tmp/vg.$runs.log" wrap=()
    runs=$((runs + 1))
    # a libtool wrapper is a script: run the real binary inside it
    if head -c 2 "$B/tools/$tool/$tool" | grep -q '#!'; then
        wrap=("$B/libtool" --mode=execute)
    fi
    "${wrap[@]}" "${VG[@]}" --log-file="$log" "$B/tools/$tool/$tool" "$@" \
        > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    if grep -q 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]\|indirectly lost: [1-9]' "$log" ||
       [ -s "$log" ]; then
        echo "FAIL: memcheck: $tool $*"; sed 's/^/  /' "$log" | head -40; fail=1
    elif [ "$rc" != "$want" ]; then
        echo "FAIL: $tool $*: exit $rc, expected $want"; head -5 "$tmp/err"; fail=1
    else
        echo "ok: $tool $*"
    fi
}

for s in handshake fragments vlan ipv6-ext eviction sctp; do
    vg 0 flowgen --scenario "$s" -o "$tmp/$s.pcap"
done
vg 0 flowgen --flows 200 --ipv6 30 -o "$tmp/work.pcap"
for f in "$top_srcdir"/fixtures/real/*.pcap; do
    vg 0 flowreplay -q -o "$tmp/out.csv" "$f"
done
vg 0 flowreplay -q --format jsonl -o "$tmp/out.jsonl" "$tmp/work.pcap"
vg 0 flowreplay -q --events lifecycle --max-flows 100 -o "$tmp/ev.csv" "$tmp/eviction.pcap"
vg 0 flowreplay -q -o "$tmp/m.csv" "$tmp/fragments.pcap" "$tmp/vlan.pcap" "$tmp/ipv6-ext.pcap"
vg 0 flowreplay -q -f 'tcp' -o "$tmp/f.csv" "$tmp/work.pcap"
head -c 3000 "$tmp/work.pcap" > "$tmp/cut.pcap"
vg 1 flowreplay -q -o "$tmp/cut.csv" "$tmp/cut.pcap"
printf 'not a capture' > "$tmp/junk.pcap"
vg 2 flowreplay -q -o "$tmp/j.csv" "$tmp/junk.pcap"
for f in "$top_srcdir"/tests/regressions/pcap/*; do
    [ -f "$f" ] && vg "$(cd "$tmp" && "$B/tools/flowreplay/flowreplay" -q -o /dev/null "$f" \
        >/dev/null 2>&1; echo $?)" flowreplay -q -o /dev/null "$f"
done

d="$top_srcdir/tests/data/flowdiff"
vg 0 flowdiff "$d/base.csv" "$d/base.jsonl"
vg 0 flowdiff --format json "$tmp/out.jsonl" "$tmp/work.pcap"
head -c -1 "$d/base.csv" > "$tmp/trunc.csv"
vg 2 flowdiff "$d/base.csv" "$tmp/trunc.csv"
# two lifecycle files of different captures: flows only on each side
vg 0 flowreplay -q --events lifecycle --format jsonl -o "$tmp/lc.jsonl" "$tmp/work.pcap"
vg 1 flowdiff "$tmp/ev.csv" "$tmp/lc.jsonl"
# two files made differently (lifecycle, all events): one line, exit 2
vg 2 flowdiff "$tmp/ev.csv" "$tmp/out.jsonl"

if [ -x "$B/tools/flowstore/flowstore" ]; then
    vg 0 flowstore -q --events -d "$tmp/s.db" "$top_srcdir"/fixtures/real/*.pcap
    vg 0 flowstore -q -d "$tmp/s.db" "$top_srcdir"/fixtures/real/*.pcap
    vg 1 flowstore -q -d "$tmp/s.db" "$tmp/cut.pcap"
fi
echo "valgrind-check: $runs runs, $([ $fail = 0 ] && echo clean || echo FAILED)"
exit $fail
