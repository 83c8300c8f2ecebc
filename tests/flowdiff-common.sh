# flowdiff-common.sh - sourced by the tests/flowdiff-*.sh scripts: paths,
# a temp dir removed on exit, and helpers to run flowdiff and check it.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
FLOWDIFF=${FLOWDIFF:-$top_builddir/tools/flowdiff/flowdiff}
DATA=$top_srcdir/tests/data/flowdiff
if [ ! -x "$FLOWDIFF" ]; then
    echo "SKIP: $FLOWDIFF not built"
    exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/flowdiff-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
unset NO_COLOR FLOWREPLAY
fails=0

# run ARGS...: runs flowdiff, keeps stdout in $T/out, stderr in $T/err,
# the exit status in $rc.
run() {
    rc=0
    "$FLOWDIFF" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

fail() {
    echo "FAIL: $*"
    echo "--- stdout"; cat "$T/out"
    echo "--- stderr"; cat "$T/err"
    fails=$((fails + 1))
}

# expect_rc WANT WHAT
expect_rc() {
    [ "$rc" -eq "$1" ] || fail "$2: exit $rc, wanted $1"
}

# expect_out FIXED-STRING WHAT (and expect_err for stderr)
expect_out() {
    grep -F -q -e "$1" "$T/out" || fail "$2: stdout lacks '$1'"
}
expect_err() {
    grep -F -q -e "$1" "$T/err" || fail "$2: stderr lacks '$1'"
}

# renumber < CSV: rewrites the seq column 1..N after rows were moved or
# dropped, so only the change under test differs.
renumber() {
    awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $1 = NR - 1; print }'
}

# expect_bad FILE LINE MESSAGE: flowdiff must exit 2 with one line
# "flowdiff: FILE:LINE:COL: ..." containing MESSAGE.
expect_bad() {
    run "$DATA/base.csv" "$1"
    expect_rc 2 "$1"
    grep -E -q "^flowdiff: $(echo "$1" | sed 's/[.[\*^$]/\\&/g'):$2:[0-9]+: " "$T/err" ||
        fail "$1: message does not name file and line $2"
    expect_err "$3" "$1"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$1: want one line on stderr"
    [ ! -s "$T/out" ] || fail "$1: stdout not empty"
    # Same verdict with the bad file on the expected side.
    run "$1" "$DATA/base.csv"
    expect_rc 2 "$1 as EXPECTED"
}

finish() {
    [ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
    exit 0
}
