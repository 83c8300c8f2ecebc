#!/bin/bash
# lint.sh - static analysis of libcore/ and tools/: cppcheck, then
# clang-tidy (bugprone and the clang static analyzer). Fails on any
# finding. The suppressions below are the whole list; each says why.
# A tool that is not installed is reported and skipped (exit 77 when
# neither is), so the script is usable on a bare machine.
# Usage: scripts/lint.sh [FILE.c...]   (default: every .c under libcore/ tools/)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
jobs=$(nproc 2>/dev/null || echo 2)
if [ $# -gt 0 ]; then files=("$@"); else
    mapfile -t files < <(find libcore tools -name '*.c' | sort); fi
incs=(-Ilibcore -Itools/common -Itools/flowdiff -Itools/flowstore -Itools/flowgen)
pkgflags=$(pkg-config --cflags libpcap sqlite3 libndpi libpq 2>/dev/null)
status=0 ran=0

if command -v cppcheck >/dev/null; then
    ran=1
    # missingIncludeSystem: system headers are not given to cppcheck.
    # unusedFunction: off (needs the whole program; libcore is a library).
    # arrayIndexOutOfBounds in tools/flowdiff/flowdiff.h: fd_ev_val returns early
    #   for id >= e->nf and nf <= FD_MAXF, which cppcheck cannot see.
    if ! cppcheck -q -j "$jobs" --std=c11 --error-exitcode=1 --inline-suppr \
        --enable=warning,portability,performance \
        --suppress=missingIncludeSystem --suppress=unmatchedSuppression \
        --suppress=arrayIndexOutOfBounds:tools/flowdiff/flowdiff.h \
        --suppress=arrayIndexOutOfBounds:tools/flowdiff/flowdiff_event.h \
        -D__GNUC__ -DHAVE_GETRANDOM "${incs[@]}" "${files[@]}" 2> "${TMPDIR:-/tmp}/lint.$$"; then
        status=1
    fi
    sed 's/^/cppcheck: /' "${TMPDIR:-/tmp}/lint.$$"
    [ -s "${TMPDIR:-/tmp}/lint.$$" ] && status=1
    rm -f "${TMPDIR:-/tmp}/lint.$$"
else
    echo "lint: cppcheck not installed: skipped"
fi

if command -v clang-tidy >/dev/null; then
    ran=1
    # Off, with reasons:
    #  easily-swappable-parameters  every (len, cap) pair; not a bug class here
    #  narrowing-conversions        integer width changes are checked by hand
    #  DeprecatedOrUnsafeBufferHandling  flags every memcpy/snprintf (Annex K)
    #  reserved-identifier          our fc__ internal prefix is allowed in C
    #  assignment-in-if-condition   `if ((x = f()) == NULL)` is house style
    #  implicit-widening-of-multiplication-result, misplaced-widening-cast:
    #                               small constant products, widths checked by hand
    #  suspicious-string-compare    `!memcmp(...)` is house style
    #  sizeof-expression            flags calloc(n, sizeof *pp) on pointer tables
    #  signal-handler               fc_replay_interrupt is documented signal-safe
    #  deadcode.DeadStores          `rc = ...` kept for symmetry; not a bug
    checks='-*,bugprone-*,clang-analyzer-*,cert-err33-c,cert-err34-c'
    checks+=',-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions'
    checks+=',-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
    checks+=',-bugprone-reserved-identifier,-bugprone-assignment-in-if-condition'
    checks+=',-cert-err33-c,-bugprone-implicit-widening-of-multiplication-result'
    checks+=',-bugprone-misplaced-widening-cast,-bugprone-suspicious-string-compare'
    checks+=',-bugprone-sizeof-expression,-bugprone-signal-handler'
    checks+=',-clang-analyzer-deadcode.DeadStores'
    # clang-tidy 14 reports every va_start/vfprintf/va_end sequence as an
    # "uninitialized va_list" (a known analyzer false positive)
    checks+=',-clang-analyzer-valist.Uninitialized'
    # the files go before "--": after it they would be compiler arguments
    out=$(printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 4 sh -c \
        'c=$1; f=$2; shift 2; clang-tidy --quiet --checks="$c" --warnings-as-errors="*" \
             "$@" -- $f 2>&1' _ "$checks" "-std=gnu11 -D_GNU_SOURCE ${incs[*]} $pkgflags")
    if printf '%s\n' "$out" | grep -q 'Error while processing\|no input files'; then
        printf '%s\n' "$out" | grep 'Error while\|no input' | sed 's/^/clang-tidy: /'
        status=1
    fi
    if printf '%s\n' "$out" | grep -q 'warning:\|error:'; then
        printf '%s\n' "$out" | grep -A3 'warning:\|error:' | sed 's/^/clang-tidy: /'
        status=1
    fi
else
    echo "lint: clang-tidy not installed: skipped"
fi
[ $ran -eq 0 ] && exit 77
[ $status -eq 0 ] && echo "lint: clean (${#files[@]} files)"
exit $status
