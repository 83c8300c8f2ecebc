#!/bin/bash
# fuzz/run.sh - builds the libFuzzer targets with clang and runs each one.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60; `fuzz/run.sh 600` for ten minutes).
# Targets: decode zeek pcap flowdiff flowstore rdpcap rdpcapng rdzip (default: all).
# Environment:
#   FUZZ_BUILD_DIR   where objects, corpora and crashes go (default ./fuzz-build)
#   FLOWKIT_SHARED   the shared/ checkout (default $top_srcdir/../shared)
#   CC               clang by default; must support -fsanitize=fuzzer
#   FUZZ_KEEP_GOING  1: fork mode, crashes are saved and fuzzing goes on
#                    (to measure a target whose known crash is not fixed yet)
# Corpora persist in $FUZZ_BUILD_DIR/corpus/TARGET between runs; crashes
# land in $FUZZ_BUILD_DIR/artifacts/TARGET/ and make the script exit 1.
# Copy a crash to tests/regressions/TARGET/ so make check replays it.
set -eu

secs=${1:-60}
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
[ $# -gt 0 ] && shift
targets=${*:-decode zeek pcap flowdiff flowstore rdpcap rdpcapng rdzip}

src=$(cd "$(dirname "$0")/.." && pwd)
B=${FUZZ_BUILD_DIR:-$(pwd)/fuzz-build}
mkdir -p "$B"
B=$(cd "$B" && pwd)
shared=${FLOWKIT_SHARED:-$src/../shared}
CC=${CC:-clang}

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
    "$CC" -x c -fsanitize=fuzzer -o "$B/probe" - >/dev/null 2>&1; then
    echo "fuzz/run.sh: $CC cannot link -fsanitize=fuzzer (install clang and" \
         "libclang-rt-dev)" >&2
    exit 77
fi

pkg() { pkg-config "$@" libpcap sqlite3 zlib libzstd liblzma liblz4 libndpi libpq; }
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# fc_version.h is made by configure; without it, one from configure.ac
if [ ! -f "$src/libcore/fc_version.h" ]; then
    v=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$src/configure.ac")
    sed "s/@PACKAGE_VERSION@/$v/" "$src/libcore/fc_version.h.in" > "$B/fc_version.h"
fi
CFLAGS="-g -O1 -std=gnu11 -D_GNU_SOURCE= $SAN -I$src/libcore -I$src/tools/common -I$src/tools/flowdiff -I$src/tools/flowstore -I$src/fuzz -I$B $(pkg --cflags)"
LIBS="$(pkg --libs) -lbz2 -lcsv -lpthread -lm"

# Sources as the Makefile fragments list them, so new modules come along.
am_sources() { grep -o "$2/[A-Za-z0-9_/]*\.c" "$src/mk/$1" | sort -u; }
lib_srcs="$(am_sources libcore.am libcore) $(am_sources zeek.am libcore)"
diff_srcs="tools/flowdiff/flowdiff_read.c tools/flowdiff/flowdiff_lines.c tools/flowdiff/flowdiff_values.c
tools/flowdiff/flowdiff_csv.c tools/flowdiff/flowdiff_jsonl.c
tools/flowdiff/flowdiff_fields.c tools/flowdiff/flowdiff_connlog.c"
store_srcs="$(am_sources flowstore.am tools | grep -v -e 'tools/flowstore/flowstore\.c' -e flowstore_sql)
tools/common/fk_cli.c tools/common/fk_asyncw.c tools/common/fk_zeek_cli.c"
gen_srcs=$(am_sources flowgen.am tools)

# Compiles each source once per flavour (fuzz: instrumented; plain: for
# the seed tools) into $B/obj/FLAVOUR/, two at a time.
compile() {
    local flavour=$1 flags=$2; shift 2
    mkdir -p "$B/obj/$flavour"
    printf '%s\n' "$@" | xargs -P 2 -I{} sh -c \
        'o="$1/$(echo "$2" | tr / _ | sed "s/\.c$/.o/")"; '"$CC"' $3 -c "$4/$2" -o "$o"' \
        _ "$B/obj/$flavour" {} "$flags" "$src"
}
objs() { local flavour=$1; shift; for s in "$@"; do
    printf '%s ' "$B/obj/$flavour/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')"; done; }

echo "fuzz: building in $B"
bash "$src/tools/flowstore/sql2c.sh" fs_schema_sql "$src/sql/schema.sql" \
    fs_views_sql "$src/sql/views.sql" fs_pg_schema_sql "$src/sql/pg/schema.sql" \
    fs_pg_views_sql "$src/sql/pg/views.sql" > "$B/flowstore_sql.c"
FZ="$CFLAGS -fsanitize=fuzzer-no-link"
# shellcheck disable=SC2086
compile fuzz "$FZ" $lib_srcs $diff_srcs $store_srcs fuzz/fuzz_memfile.c
$CC $FZ -c "$B/flowstore_sql.c" -o "$B/obj/fuzz/flowstore_sql.o"
link() { # NAME EXTRA-OBJS...
    local name=$1; shift
    $CC $FZ -fsanitize=fuzzer "$src/fuzz/fuzz_$name.c" "$@" $LIBS -o "$B/fuzz_$name"
}
# shellcheck disable=SC2046,SC2086
{
    link decode $(objs fuzz $lib_srcs)
    link zeek $(objs fuzz $lib_srcs)
    link pcap $(objs fuzz $lib_srcs fuzz/fuzz_memfile.c)
    for t in rdpcap rdpcapng rdzip; do
        link $t $(objs fuzz $lib_srcs fuzz/fuzz_memfile.c)
    done
    link flowdiff $(objs fuzz $diff_srcs libcore/fc_time.c fuzz/fuzz_memfile.c)
    link flowstore $(objs fuzz $lib_srcs $store_srcs fuzz/fuzz_memfile.c) \
        "$B/obj/fuzz/flowstore_sql.o"
    PLAIN="-O1 -std=gnu11 -D_GNU_SOURCE= -I$src/libcore -I$src/tools/common -I$src/tools/flowdiff -I$src/tools/flowstore -I$B $(pkg --cflags)"
    compile plain "$PLAIN" $lib_srcs $gen_srcs
    $CC $PLAIN "$src/fuzz/seedgen.c" $(objs plain $lib_srcs) $LIBS -o "$B/seedgen"
    $CC $PLAIN $(objs plain $gen_srcs) -lm -o "$B/flowgen"
}

FLOWGEN="$B/flowgen" SEEDGEN="$B/seedgen" FLOWKIT_SHARED="$shared" \
    bash "$src/fuzz/seeds.sh" "$B/seeds"

declare -A maxlen=([decode]=16384 [zeek]=16384 [pcap]=65536 [flowdiff]=65536 [flowstore]=131072
    [rdpcap]=65536 [rdpcapng]=65536 [rdzip]=65536)
declare -A seeds=([decode]=decode [zeek]=decode [pcap]=pcap [flowdiff]=flowdiff [flowstore]=pcap
    [rdpcap]=rdpcap [rdpcapng]=rdpcapng [rdzip]=rdzip)
status=0
summary="$B/summary.txt"
printf '%-10s %8s %12s %10s %8s %7s %s\n' target seconds executions exec/s corpus cov \
    crashes > "$summary"
for t in $targets; do
    [ -x "$B/fuzz_$t" ] || { echo "fuzz: no target $t" >&2; exit 2; }
    mkdir -p "$B/corpus/$t" "$B/artifacts/$t"
    echo "fuzz: $t for ${secs}s"
    keep=()
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1)
    dict=()
    [ -f "$src/fuzz/$t.dict" ] && dict=(-dict="$src/fuzz/$t.dict")
    (cd "$B" && "./fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len="${maxlen[$t]}" -print_final_stats=1 -close_fd_mask=3 "${dict[@]}" "${keep[@]}" \
        -artifact_prefix="$B/artifacts/$t/" "$B/corpus/$t" "$B/seeds/${seeds[$t]}") \
        > "$B/$t.log" 2>&1 || status=1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/$t.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$B/$t.log" | tail -1)
    if [ -z "$execs" ]; then # fork mode: last status line "#N: cov: ... exec/s: R"
        execs=$(grep -o '^#[0-9]*' "$B/$t.log" | tail -1 | tr -d '#')
        rate=$(grep -o 'exec/s:\? [0-9]*' "$B/$t.log" | tail -1 | grep -o '[0-9]*$')
    fi
    cov=$(grep -o 'cov: [0-9]*' "$B/$t.log" | tail -1 | cut -d' ' -f2)
    crashes=$(find "$B/artifacts/$t" -type f | wc -l)
    printf '%-10s %8s %12s %10s %8s %7s %s\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" \
        "$(find "$B/corpus/$t" -type f | wc -l)" "${cov:-?}" "$crashes" >> "$summary"
    if [ "$crashes" -gt 0 ]; then
        status=1
        echo "fuzz: $t: crash inputs in $B/artifacts/$t/ (log $B/$t.log):" >&2
        find "$B/artifacts/$t" -type f >&2
    fi
done
cat "$summary"
exit $status
