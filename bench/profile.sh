#!/bin/bash
# bench/profile.sh - callgrind profiles of the benchmark matrix's shapes.
#
# For each shape of bench/shapes.txt, a 1/100 variant (flows, --max-flows
# and timeouts divided by 100, at least 10,000 flows) is made with flowgen
# and run under callgrind twice: the floor (bench_floor next_ex) and
# flowreplay --events lifecycle, all threads counted together.
# Instruction counts do not move with the machine's load, so their ratio
# is the one comparison that stays honest on a busy shared machine. Prints
# per shape: instructions per packet (floor, lifecycle, ratio) and
# flowreplay's top functions by own cost; the callgrind files stay in DIR.
#
# Usage: bench/profile.sh [-d DIR] [-m SHAPES] [-t TOP]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${top_builddir:-$(cd "$here/.." && pwd)}
dir=/tmp/flowkit-profile shapes=all ntop=12
while getopts "d:m:t:" o; do
    case $o in d) dir=$OPTARG ;; m) shapes=$OPTARG ;; t) ntop=$OPTARG ;; *) exit 2 ;; esac
done
command -v valgrind >/dev/null || { echo "profile: valgrind not installed"; exit 1; }
mkdir -p "$dir"
T=$top/tools B=$top/bench
rp=$T/flowreplay/.libs/flowreplay
[ -x "$rp" ] || rp=$T/flowreplay/flowreplay
export LD_LIBRARY_PATH=$top/libcore/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# scale_replay ARGS: timeouts (whole seconds) and --max-flows / 100
scale_replay() {
    echo "$1" | awk '{ for (i = 1; i <= NF; i++) {
        if ($i ~ /-timeout$/ && $(i + 1) ~ /^[0-9]+s$/) { $(i + 1) = ($(i + 1) + 0) * 10 "ms"; i++ }
        else if ($i == "--max-flows") { $(i + 1) = int($(i + 1) / 100); i++ } }
        print }'
}
# instr CALLGRIND_LOG: total instructions ("refs")
instr() { sed -n 's/.*refs: *//p' "$1" | tr -d ,; }

printf '%-8s %9s %11s %11s %7s\n' shape packets floor_ipp replay_ipp ratio >"$dir/summary.txt"
grep -v '^#' "$here/shapes.txt" | while IFS='|' read -r name gen rargs what; do
    case ",$shapes," in ,all, | *",$name,"*) ;; *) continue ;; esac
    nfl=$(echo "$gen" | sed -n 's/.*--flows \([0-9]*\).*/\1/p')
    small=$((nfl / 100 > 10000 ? nfl / 100 : 10000))
    gen=$(echo "$gen" | sed "s/--flows $nfl/--flows $small/")
    [ "$rargs" = - ] && rargs=""
    rargs=$(scale_replay "$rargs")
    cap=$dir/p-$name.pcap files=$cap
    case $gen in *--split*) files=$(printf "$cap.%04d " $(seq 0 999)) ;; esac
    # shellcheck disable=SC2086
    "$T/flowgen/flowgen" $gen -o "$cap"
    # shellcheck disable=SC2086
    read -r _ npk _ < <("$B/bench_floor" next_ex $files)
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file="$dir/floor-$name.cg" \
        "$B/bench_floor" next_ex $files >/dev/null 2>"$dir/floor-$name.log"
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file="$dir/replay-$name.cg" \
        "$rp" -q --events lifecycle $rargs -o /dev/null $files 2>"$dir/replay-$name.log"
    fi=$(instr "$dir/floor-$name.log") ri=$(instr "$dir/replay-$name.log")
    printf '%-8s %9s %11d %11d %7.2f\n' "$name" "$npk" $((fi / npk)) $((ri / npk)) \
        "$(awk -v a="$fi" -v b="$ri" 'BEGIN { print a / b }')" >>"$dir/summary.txt"
    {
        echo "== $name: flowgen $gen; flowreplay ${rargs:-defaults}"
        echo "   $npk packets; floor $((fi / npk)), flowreplay $((ri / npk)) instructions a packet"
        # own cost by function (inlined parts folded into their function;
        # code without symbols, libpcap's, by library)
        callgrind_annotate --inclusive=no --threshold=100 --auto=no "$dir/replay-$name.cg" 2>/dev/null |
            awk '/^ *[0-9,]+ \( *[0-9.]+%\)  / && !/PROGRAM TOTALS/ {
                    c = $1; gsub(",", "", c)
                    line = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\)  /, "", line)
                    obj = ""; if (match(line, / \[[^]]*\]$/)) { obj = substr(line, RSTART + 2, RLENGTH - 3); line = substr(line, 1, RSTART - 1) }
                    f = line; sub(/^.*:/, "", f)
                    if (line ~ /^\?\?\?:/) { sub(/^.*\//, "", obj); f = obj "(no-symbols)" }
                    cost[f] += c }
                END { for (f in cost) print cost[f], f }' | sort -k1,1nr | awk -v n="$ntop" 'NR <= n' |
            awk -v p="$npk" -v t="$ri" '{ printf "   %5.1f%% %6.0f/pkt  %s\n", 100 * $1 / t, $1 / p, $2 " " $3 " " $4 }'
    } >"$dir/top-$name.txt"
    cat "$dir/top-$name.txt"
    rm -f $files
done
echo
echo "instructions a packet (callgrind; ratio = floor / flowreplay lifecycle):"
cat "$dir/summary.txt"
