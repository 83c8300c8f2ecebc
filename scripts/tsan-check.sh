#!/bin/sh
# tsan-check.sh - tests/test_threads under ThreadSanitizer: two trackers
# and two Zeek tables on two threads must share no mutable state;
# tests/test_asyncw, the event writer's thread; tests/test_readahead and
# tests/test_replay, the reading thread. Builds
# libcore and the test with clang -fsanitize=thread into $TSAN_DIR (default
# tsan-build/), outside the autotools build; needs config.h from a
# configured tree (run after ./configure). Exit 77 when clang or its
# ThreadSanitizer runtime is missing.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
out=${TSAN_DIR:-$top/tsan-build}
command -v clang >/dev/null || { echo "tsan-check: clang not installed"; exit 77; }
[ -f config.h ] && [ -f Makefile ] ||
    { echo "tsan-check: run ./configure first (config.h, Makefile)"; exit 1; }
mkdir -p "$out" || exit 1
printf 'int main(void){return 0;}\n' > "$out/probe.c"
clang -fsanitize=thread "$out/probe.c" -o "$out/probe" 2>/dev/null ||
    { echo "tsan-check: no ThreadSanitizer runtime (libclang-rt-14-dev)"; exit 77; }
# nDPI (service detection) and the reader's decompressors, as configure
# found them
mk() { sed -n "s/^$1 = //p" Makefile; }
flags="-std=gnu11 -O1 -g -fsanitize=thread -fno-omit-frame-pointer -D_GNU_SOURCE
-I$top -I$top/libcore -I$top/tests $(pkg-config --cflags libpcap check) $(mk NDPI_CFLAGS)"
libs="$(mk NDPI_LIBS) $(mk ZLIB_LIBS) $(mk ZSTD_LIBS) $(mk LZMA_LIBS) $(mk BZ2_LIBS) $(mk LZ4_LIBS)
$(mk PCAP_LIBS)"
rm -f "$out"/*.o "$out/libcore-tsan.a"
for f in libcore/*.c tests/fc_testframes.c; do
    # shellcheck disable=SC2086
    clang $flags -c "$f" -o "$out/$(basename "$f" .c).o" || { echo "tsan-check: $f"; exit 1; }
done
ar rcs "$out/libcore-tsan.a" "$out"/*.o || exit 1
# only the objects the test needs are pulled from the archive
# shellcheck disable=SC2086
clang $flags tests/test_threads.c "$out/libcore-tsan.a" -o "$out/test_threads" \
    $(pkg-config --libs check) $libs -lpthread -lm || exit 1
# halt_on_error: a race fails the run even if the digests agree
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" CK_FORK=no \
    "$out/test_threads" || { echo "tsan-check: FAILED"; exit 1; }
# the event writer on its own thread (tools/common/fk_asyncw.c), failures included
# shellcheck disable=SC2086
clang $flags -I$top/tools/common tests/test_asyncw.c tools/common/fk_asyncw.c "$out/libcore-tsan.a" \
    -o "$out/test_asyncw" $(pkg-config --libs check) $libs $(mk CSV_LIBS) -lpthread -lm || exit 1
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" CK_FORK=no \
    "$out/test_asyncw" || { echo "tsan-check: FAILED (test_asyncw)"; exit 1; }
# the read-ahead thread (records, deferred frees, work done per record on
# it) and the replay reading real captures through it
for t in test_readahead test_replay; do
    # shellcheck disable=SC2086
    clang $flags tests/$t.c "$out/libcore-tsan.a" -o "$out/$t" $(pkg-config --libs check) \
        $libs -lpthread -lm || exit 1
    top_srcdir=$top TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
        CK_FORK=no "$out/$t" || { echo "tsan-check: FAILED ($t)"; exit 1; }
done
echo "tsan-check: no data race in tests/test_threads, test_asyncw, test_readahead, test_replay"
