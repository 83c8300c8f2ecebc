# bench/matrix.sh - sourced by bench/run.sh: the matrix of capture shapes.
#
# Each shape is a flowgen capture of about 10M packets (1M for full
# packets; 10x fewer with -s) and the flowreplay options it is replayed
# with. For each: the capture is made (deterministic), read once to warm
# the page cache, then the floor (bench_floor, with libpcap's stream and
# with a 1 MiB buffer) and flowreplay --events lifecycle run alternately
# REPEAT times, so that load from elsewhere falls on both; the medians
# give the ratio. Each peer installed runs once on the same file (they
# are 1.5x-40x slower; one run is enough to see which side of 3x they
# are). The capture is deleted afterwards unless -k.
#
# Uses from run.sh: $T $B $dir $repeat $scale $peers $shapes $keep.

# The shapes: bench/shapes.txt (name|flowgen|flowreplay|what it stresses).
matrix_shapes() { grep -v '^#' "$here/shapes.txt"; }

# mtime OUT CMD...: runs CMD, appends "wall user+sys maxRSS_KB rc" to OUT
mtime() {
    local out=$1 rc=0
    shift
    /usr/bin/time -o "$dir/mtime.out" -f '%e %U %S %M' "$@" >/dev/null 2>"$dir/mtime.err" || rc=$?
    awk -v rc=$rc '{ printf "%s %.2f %s %d\n", $1, $2 + $3, $4, rc }' "$dir/mtime.out" >>"$out"
}
# median FILE COL: median of column COL
median() { sort -n -k"$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }

declare -A MP=()
command -v softflowd >/dev/null && MP[softflowd]=1
command -v nfpcapd >/dev/null && MP[nfpcapd]=1
command -v argus >/dev/null && MP[argus]=1
mpeers=""
[ "$peers" = 1 ] && mpeers=$(for o in "${!MP[@]}"; do echo "$o"; done | sort | tr '\n' ' ')

# peer_cmd NAME FILE: the peer's command reading FILE to the end, output
# thrown away (argus and nfpcapd write records; softflowd sends them to
# a closed UDP port)
peer_cmd() {
    case $1 in
    softflowd) echo "softflowd -r $2 -n 127.0.0.1:9 -d -D" ;;
    nfpcapd) echo "nfpcapd -r $2 -w $dir/nf" ;;
    argus) echo "argus -r $2 -w /dev/null" ;;
    esac
}

mtab=$dir/matrix.tsv
printf 'shape\tpackets\tMB\tfloor_s\tlifecycle_s\tratio\tfloor_cpu_s\tlifecycle_cpu_s\tcpu_ratio\tmaxRSS_MB' >"$mtab"
for o in $mpeers; do printf '\t%s_x\t(cpu)' "$o" >>"$mtab"; done
echo >>"$mtab"
while IFS='|' read -r name gen rargs what; do
    case ",$shapes," in ,all, | *",$name,"*) ;; *) continue ;; esac
    # scale the flow count
    nfl=$(echo "$gen" | sed -n 's/.*--flows \([0-9]*\).*/\1/p')
    gen=$(echo "$gen" | sed "s/--flows $nfl/--flows $((nfl / scale))/")
    cap=$dir/m-$name.pcap
    [ "$name" = many ] && cap=$big # run.sh's own capture, same options
    files=$cap
    case $gen in *--split*) files=$(printf "$cap.%04d " $(seq 0 999)) ;; esac
    # shellcheck disable=SC2086
    [ -s "${files%% *}" ] || "$T/flowgen" $gen -o "$cap"
    # shellcheck disable=SC2086
    cat $files >/dev/null
    # shellcheck disable=SC2086
    read -r _ npk _ < <("$B/bench_floor" dispatch $files)
    # shellcheck disable=SC2086
    mb=$(du -cm $files | tail -1 | cut -f1)
    [ "$rargs" = - ] && rargs=""
    rm -f "$dir/f1" "$dir/f2" "$dir/lc"
    for ((i = 0; i < repeat; i++)); do
        # shellcheck disable=SC2086
        mtime "$dir/f1" "$B/bench_floor" dispatch $files
        # shellcheck disable=SC2086
        mtime "$dir/f2" "$B/bench_floor" dispatch-1m $files
        # shellcheck disable=SC2086
        mtime "$dir/lc" "$T/flowreplay" -q --events lifecycle $rargs -o /dev/null $files
    done
    f1=$(median "$dir/f1" 1) f2=$(median "$dir/f2" 1)
    floor=$(awk -v a="$f1" -v b="$f2" 'BEGIN { print (a < b ? a : b) }')
    fcpu=$(median "$dir/f1" 2)
    [ "$floor" = "$f1" ] || fcpu=$(median "$dir/f2" 2)
    lc=$(median "$dir/lc" 1) lcpu=$(median "$dir/lc" 2) lrss=$(median "$dir/lc" 3)
    [ "$(awk '$4 != 0' "$dir/lc")" = "" ] || lc="fail"
    row="$name	$npk	$mb	$floor	$lc	$(awk -v f="$floor" -v l="$lc" 'BEGIN { if (l > 0) printf "%.2f", f / l; else print "-" }')	$fcpu	$lcpu	$(awk -v f="$fcpu" -v l="$lcpu" 'BEGIN { if (l > 0) printf "%.2f", f / l; else print "-" }')	$((lrss / 1024))"
    for o in $mpeers; do
        if [ "$files" != "$cap" ]; then
            row="$row	-	-" # one file at a time only: no merged replay
            continue
        fi
        rm -rf "$dir/nf" && mkdir -p "$dir/nf"
        rm -f "$dir/pt"
        # shellcheck disable=SC2046
        mtime "$dir/pt" $(peer_cmd "$o" "$cap")
        read -r ps pcpu _ prc <"$dir/pt"
        if [ "$prc" != 0 ]; then
            row="$row	fail($prc)	-"
        else
            row="$row	$(awk -v p="$ps" -v l="$lc" 'BEGIN { if (l > 0) printf "%.1f", p / l; else print "-" }')"
            row="$row	$(awk -v p="$pcpu" -v l="$lcpu" 'BEGIN { if (l > 0) printf "(%.1f)", p / l; else print "-" }')"
        fi
    done
    rm -rf "$dir/nf"
    echo "$row" >>"$mtab"
    echo "$row" | awk -F'\t' '{ printf "matrix: %s done (floor %s s, lifecycle %s s)\n", $1, $4, $5 }' >&2
    # shellcheck disable=SC2086
    [ "$keep" = 1 ] || [ "$name" = many ] || rm -f $files
done < <(matrix_shapes)

echo
echo "matrix: each shape against its own floor (median of $repeat alternating runs; floor = faster of"
echo "pcap_dispatch with libpcap's stream or a 1 MiB buffer); ratio = floor / lifecycle (target >= 0.5);"
echo "peer factor = peer seconds (one run) / lifecycle seconds (target >= 3), (cpu) the same in CPU"
echo "seconds; on a loaded machine compare the cpu columns too; $(nproc) cores"
column -t -s "$(printf '\t')" "$mtab"
echo
matrix_shapes | awk -F'|' '{ printf "  %-8s %s\n           flowgen %s; flowreplay %s\n", $1, $4, $2, ($3 == "-" ? "defaults" : $3) }'
