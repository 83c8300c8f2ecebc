#!/bin/bash
# bench/run.sh - flowkit's benchmarks, as ratios within one run.
#
# Generates (deterministically, with tools/flowgen/flowgen) a ~10M-packet / 1M-flow
# capture and a 100k-flow capture under DIR (default /tmp/flowkit-bench;
# never committed), then, page cache warm, runs every case REPEAT times
# (default 3) and prints the median: the bare libpcap loop (the floor),
# flowkit's own reader walking the file, compressed replays against
# zcat/zstdcat alone,
# flowreplay (lifecycle, all events, --zeek), flowstore, flowdiff, the tracker in
# memory, the cost of the service column (--zeek and flowstore with and
# without --no-service, run alternately so that load on the machine falls
# on both alike; and instruction counts from callgrind), and
# other flow tools found on this machine. Ratios are what to
# compare between machines and commits.
#
# Then the matrix of capture shapes (bench/shapes.sh): each shape against
# its own libpcap floor and against the peers installed (softflowd,
# nfpcapd, argus), as one table.
#
# Usage: bench/run.sh [-d DIR] [-r REPEAT] [-s] [-n] [-m SHAPES] [-M|-X] [-k]
#        bench/run.sh --install-peers
#   -s: small, 10x fewer flows;  -n: leave out the other flow tools
#   -m: only these matrix shapes (comma-separated names, see bench/shapes.sh)
#   -M: the matrix only;  -X: no matrix;  -k: keep the matrix captures
#   --install-peers: apt-get install softflowd nfdump argus-server (Debian)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${top_builddir:-$(cd "$here/.." && pwd)}
if [ "${1:-}" = --install-peers ]; then
    # The peers the matrix compares against, from Debian's archive; as
    # root, or through sudo when there is one.
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends \
        softflowd nfdump argus-server
    exit
fi
dir=/tmp/flowkit-bench repeat=3 scale=1 peers=1 shapes=all legacy=1 matrix=1 keep=0
while getopts "d:r:snm:MXk" o; do
    case $o in
    d) dir=$OPTARG ;; r) repeat=$OPTARG ;; s) scale=10 ;; n) peers=0 ;;
    m) shapes=$OPTARG ;; M) legacy=0 ;; X) matrix=0 ;; k) keep=1 ;; *) exit 2 ;;
    esac
done
mkdir -p "$dir"
T=$top/tools
B=$top/bench
for t in "$T/flowreplay/flowreplay" "$T/flowgen/flowgen" "$T/flowdiff/flowdiff" "$B/bench_floor" "$B/bench_tracker"; do
    [ -x "$t" ] || { echo "bench: $t not built (make all bench/bench_floor bench/bench_tracker)"; exit 1; }
done
big=$dir/flows-1m.pcap small=$dir/flows-100k.pcap
nbig=$((1000000 / scale)) nsmall=$((100000 / scale))
if [ "$legacy" = 1 ]; then
# (the matrix's `many` shape is this capture; it makes it when needed)
[ -s "$big" ] || "$T/flowgen/flowgen" --flows $nbig --seed 1 -o "$big"
[ -s "$small" ] || "$T/flowgen/flowgen" --flows $nsmall --seed 2 -o "$small"
pk=$("$B/bench_floor" next_ex "$big" | cut -d' ' -f2)
cat "$big" "$small" >/dev/null # warm the page cache

# time_median CMD...: median wall seconds and max RSS (KB) over REPEAT runs
time_median() {
    local i out secs=() rss=0
    for ((i = 0; i < repeat; i++)); do
        /usr/bin/time -o "$dir/time.out" -f '%e %M' "$@" >/dev/null 2>&1 || true
        out=$(tail -1 "$dir/time.out")
        secs+=("${out% *}")
        [ "${out#* }" -gt "$rss" ] && rss=${out#* }
    done
    printf '%s %s\n' "$(printf '%s\n' "${secs[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p")" "$rss"
}

declare -A S R
run_case() { # NAME CMD...
    local name=$1; shift
    read -r S[$name] R[$name] < <(time_median "$@")
}
# the floor: the fastest bare loop, with libpcap's file stream or with the
# 1 MiB stdio buffer flowkit's reader gives it
run_case floor_dispatch "$B/bench_floor" dispatch "$big"
run_case floor_next_ex "$B/bench_floor" next_ex "$big"
run_case floor_dispatch_1m "$B/bench_floor" dispatch-1m "$big"
run_case floor_next_ex_1m "$B/bench_floor" next_ex-1m "$big"
floor=${S[floor_dispatch]}
for c in floor_next_ex floor_dispatch_1m floor_next_ex_1m; do
    awk -v a="${S[$c]}" -v b="$floor" 'BEGIN{exit !(a<b)}' && floor=${S[$c]}
done
# flowkit's own reader walking the same file (read in 1 MiB pieces and
# walked in place, no decode): the
# floor stays libpcap's loop, what a user would otherwise build on
run_case reader_walk "$B/bench_floor" reader "$big"
# compressed inputs: replay against decompression alone
zcases=""
if command -v gzip >/dev/null && command -v zstd >/dev/null; then
    [ -s "$big.gz" ] || gzip -c "$big" >"$big.gz"
    [ -s "$big.zst" ] || zstd -q -c "$big" >"$big.zst"
    run_case zcat_only bash -c "gzip -dc '$big.gz' >/dev/null"
    run_case replay_gz "$T/flowreplay/flowreplay" -q --events lifecycle -o /dev/null "$big.gz"
    run_case zstdcat_only bash -c "zstd -qdc '$big.zst' >/dev/null"
    run_case replay_zst "$T/flowreplay/flowreplay" -q --events lifecycle -o /dev/null "$big.zst"
    zcases="zcat_only replay_gz zstdcat_only replay_zst"
fi
run_case replay_lifecycle "$T/flowreplay/flowreplay" -q --events lifecycle -o /dev/null "$big"
run_case replay_all "$T/flowreplay/flowreplay" -q -o /dev/null "$big"
run_case replay_zeek "$T/flowreplay/flowreplay" -q --zeek --format zeek -o /dev/null "$big"
"$T/flowreplay/flowreplay" -q -o "$dir/ev-a.csv" "$big" # flowdiff: two files of 10M+ events
cp "$dir/ev-a.csv" "$dir/ev-b.csv"
nev=$(($(wc -l <"$dir/ev-a.csv") - 1))
run_case flowdiff "$T/flowdiff/flowdiff" "$dir/ev-a.csv" "$dir/ev-b.csv"
if [ -x "$T/flowstore/flowstore" ]; then
    run_case flowstore bash -c "rm -f '$dir/bench.db'* && '$T/flowstore/flowstore' -q -d '$dir/bench.db' '$big'"
    dbsize=$(stat -c %s "$dir/bench.db" 2>/dev/null || echo 0)
    # where its time goes, from one more run
    rm -f "$dir/bench.db"*
    phases=$("$T/flowstore/flowstore" -q -v -d "$dir/bench.db" "$big" 2>&1 | sed -n 's/.*: replay and insert/replay and insert/p')
fi
# service detection: with and without, alternately, REPEAT times each
svc_pair() { # NAME_ON NAME_OFF CMD... (the off run adds --no-service)
    local on=$1 off=$2 i a=() b=() t
    shift 2
    for ((i = 0; i < repeat; i++)); do
        /usr/bin/time -o "$dir/time.out" -f '%e' "$@" >/dev/null 2>&1 || true
        a+=("$(tail -1 "$dir/time.out")")
        /usr/bin/time -o "$dir/time.out" -f '%e' "$@" --no-service >/dev/null 2>&1 || true
        b+=("$(tail -1 "$dir/time.out")")
    done
    S[$on]=$(printf '%s\n' "${a[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p")
    S[$off]=$(printf '%s\n' "${b[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p")
}
svc_pair svc_zeek svc_zeek_off "$T/flowreplay/flowreplay" -q --zeek --format zeek -o /dev/null "$big"
if [ -x "$T/flowstore/flowstore" ]; then
    svc_pair svc_store svc_store_off bash -c "rm -f '$dir/svc.db'* && exec '$T/flowstore/flowstore' -q -d '$dir/svc.db' '$big' \"\$@\"" _
fi
declare -A OTHER=()
command -v softflowd >/dev/null && OTHER[softflowd]="softflowd -r $big -n 127.0.0.1:9 -d -D"
command -v argus >/dev/null && OTHER[argus]="argus -r $big -w /dev/null"
command -v nfpcapd >/dev/null && mkdir -p "$dir/nf" && OTHER[nfpcapd]="nfpcapd -r $big -w $dir/nf"
command -v ndpiReader >/dev/null && OTHER[ndpiReader]="ndpiReader -i $big -q"
command -v tshark >/dev/null && OTHER[tshark]="tshark -r $big -q -z conv,tcp"
others=$(for o in "${!OTHER[@]}"; do echo "$o"; done | sort)
[ "$peers" = 1 ] || others=""
for o in $others; do
    # shellcheck disable=SC2086
    run_case "$o" ${OTHER[$o]}
done

rate() { awk -v n="$1" -v s="$2" 'BEGIN{ if (s > 0) printf "%.2f", n / s / 1e6; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a > 0) printf "%.2f", b / a; else print "-" }'; }
echo
echo "capture: $big ($pk packets, $nbig flows); median of $repeat runs; $(nproc) cores"
printf '%-20s %9s %10s %14s %10s\n' case seconds Mpkt/s "rate/floor" "maxRSS MB"
for c in floor_dispatch floor_next_ex floor_dispatch_1m floor_next_ex_1m reader_walk \
    replay_lifecycle replay_all replay_zeek flowstore $zcases; do
    [ -n "${S[$c]:-}" ] || continue
    printf '%-20s %9s %10s %14s %10s\n' "$c" "${S[$c]}" "$(rate "$pk" "${S[$c]}")" \
        "$(ratio "${S[$c]}" "$floor")" "$((R[$c] / 1024))"
done
printf '%-20s %9s %10s %14s %10s\n' flowdiff "${S[flowdiff]}" "$(rate "$nev" "${S[flowdiff]}")" \
    "Mev/s a file" "$((R[flowdiff] / 1024))"
for o in $others; do
    printf '%-20s %9s %10s %14s %10s\n' "$o" "${S[$o]}" "$(rate "$pk" "${S[$o]}")" \
        "x$(awk -v a="${S[$o]}" -v b="${S[replay_lifecycle]}" 'BEGIN{printf "%.1f", a / b}') replay" "$((R[$o] / 1024))"
done
echo "reader walk: $(ratio "${S[reader_walk]}" "$floor")x the floor's rate (goal 2);" \
    "same work per packet in both: each record as a struct pcap_pkthdr through one callback" \
    "called by pointer, which counts it and reads its last byte"
echo "lifecycle: $(ratio "${S[replay_lifecycle]}" "$floor") of the floor's rate (goal 0.6)"
if [ -n "$zcases" ]; then
    echo "gzip: replay takes $(ratio "${S[zcat_only]}" "${S[replay_gz]}")x zcat's time alone;" \
        "zstd: replay takes $(ratio "${S[zstdcat_only]}" "${S[replay_zst]}")x zstdcat's time alone" \
        "(goal 1.3)"
    # the replay of the plain file is the part decompression cannot
    # shrink: when it alone exceeds 1.3x the decompressor's time, the goal
    # is out of reach, and what is left to judge is the overlap
    echo "plain replay: $(ratio "${S[zcat_only]}" "${S[replay_lifecycle]}")x zcat's time," \
        "$(ratio "${S[zstdcat_only]}" "${S[replay_lifecycle]}")x zstdcat's;" \
        "decompression adds $(awk -v a="${S[replay_gz]}" -v b="${S[replay_lifecycle]}" 'BEGIN{printf "%.2f", a - b}') s (gzip)," \
        "$(awk -v a="${S[replay_zst]}" -v b="${S[replay_lifecycle]}" 'BEGIN{printf "%.2f", a - b}') s (zstd) to the plain replay"
fi
if [ "$peers" = 0 ]; then
    echo "(other flow tools left out: -n)"
elif [ -z "$others" ]; then
    echo "(no other flow tools installed: argus, softflowd, nfpcapd, ndpiReader, tshark)"
fi
if [ -n "${dbsize:-}" ]; then
    echo "flowstore: $(awk -v f=$nbig -v s="${S[flowstore]}" 'BEGIN{printf "%.0f", f / s}') flows/s, $((dbsize / nbig)) DB bytes/flow," \
        "$(awk -v r="${S[replay_lifecycle]}" -v s="${S[flowstore]}" 'BEGIN{printf "%.0f", 100 * r / s}')% of flowreplay lifecycle's speed"
    echo "flowstore phases (one run): ${phases:-?}"
fi
if [ -x "$T/flowstore/flowstore" ]; then # PostgreSQL against SQLite, -j (bench/pg.sh)
    echo
    top_builddir=$top bash "$here/pg.sh" -d "$dir" -r "$repeat" $([ "$scale" = 10 ] && echo -s)
fi
echo
echo "service column (nDPI), with / without (--no-service), alternating runs:"
echo "  flowreplay --zeek: ${S[svc_zeek]} s / ${S[svc_zeek_off]} s = x$(ratio "${S[svc_zeek_off]}" "${S[svc_zeek]}")"
[ -n "${S[svc_store]:-}" ] &&
    echo "  flowstore:         ${S[svc_store]} s / ${S[svc_store_off]} s = x$(ratio "${S[svc_store_off]}" "${S[svc_store]}")"
echo
echo "pacing (--speed 1, 2000 packets 1 ms apart):"
python3 - "$dir/paced.pcap" <<'PY'
import struct, sys
out = bytearray(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
frame = b"\0" * 12 + b"\x08\x00" + bytes([0x45, 0, 0, 29, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
                                          10, 0, 0, 2]) + struct.pack(">HHHH", 1000, 2000, 9, 0) + b"x"
for i in range(2000):
    ts = 1700000000 * 10**9 + i * 10**6
    out += struct.pack("<IIII", ts // 10**9, ts % 10**9, len(frame), len(frame)) + frame
open(sys.argv[1], "wb").write(out)
PY
"$T/flowreplay/flowreplay" -q --speed 1 -o /dev/null --stats "$dir/paced.json" "$dir/paced.pcap"
sed 's/.*"pacing":/  lateness (ns): /; s/}}$/}/' "$dir/paced.json"

echo
echo "tracker in memory (bench_tracker):"
"$B/bench_tracker" $nbig 2000
if command -v valgrind >/dev/null; then
    "$T/flowgen/flowgen" --flows 2000 --seed 3 -o "$dir/cg.pcap"
    lib=$top/libcore/.libs
    # the binaries, not libtool's wrapper scripts (valgrind would count
    # the shell too, and print one total per process)
    bf=$B/.libs/bench_floor
    [ -x "$bf" ] || bf=$B/bench_floor
    base=$(LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bf" next_ex "$dir/cg.pcap" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
    rp=$T/flowreplay/.libs/flowreplay
    [ -x "$rp" ] || rp=$T/flowreplay/flowreplay
    full=$(LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file=/dev/null "$rp" -q --events lifecycle -o /dev/null "$dir/cg.pcap" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
    n=$("$B/bench_floor" next_ex "$dir/cg.pcap" | cut -d' ' -f2)
    echo "callgrind: floor $((base / n)) instructions/packet, flowreplay --events lifecycle $((full / n)) instructions/packet ($n packets)"
    # the service column's cost in instructions, load-independent; nDPI's
    # set-up (a fixed cost per run) shows in the small capture's ratio
    zon=$(LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file=/dev/null "$rp" -q --zeek --format zeek -o /dev/null "$dir/cg.pcap" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
    zoff=$(LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file=/dev/null "$rp" -q --zeek --format zeek --no-service -o /dev/null "$dir/cg.pcap" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
    echo "callgrind: --zeek $((zon / n)) instructions/packet with the service column, $((zoff / n)) with --no-service (x$(ratio "$zoff" "$zon"), nDPI set-up included)"
    # flowstore's, on the same capture (its storing thread counted too)
    fs=$T/flowstore/.libs/flowstore
    [ -x "$fs" ] || fs=$T/flowstore/flowstore
    if [ -x "$fs" ]; then
        rm -f "$dir/cg.db"*
        son=$(LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file=/dev/null "$fs" -q -d "$dir/cg.db" "$dir/cg.pcap" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
        rm -f "$dir/cg.db"*
        soff=$(LD_LIBRARY_PATH=$lib valgrind --tool=callgrind --callgrind-out-file=/dev/null "$fs" -q -d "$dir/cg.db" --no-service "$dir/cg.pcap" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
        rm -f "$dir/cg.db"*
        echo "callgrind: flowstore $((son / n)) instructions/packet with the service column, $((soff / n)) with --no-service (x$(ratio "$soff" "$son"), nDPI set-up included)"
    fi
fi
fi # legacy

# shellcheck source=bench/matrix.sh
[ "$matrix" = 0 ] || . "$here/matrix.sh"
