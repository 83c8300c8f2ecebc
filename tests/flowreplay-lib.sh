# flowreplay-lib.sh - sourced by the flowreplay-*.sh and flowgen-*.sh
# tests: tool paths, a scratch directory removed on exit, fail/finish.
REPLAY=${top_builddir:-.}/tools/flowreplay/flowreplay
FLOWGEN=${top_builddir:-.}/tools/flowgen/flowgen
SRC=${top_srcdir:-.}
TZ=UTC LC_ALL=C
export TZ LC_ALL
[ -x "$REPLAY" ] || { echo "SKIP: $REPLAY not built"; exit 77; }
[ -x "$FLOWGEN" ] || { echo "SKIP: $FLOWGEN not built"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
finish() {
    [ "$fails" -eq 0 ] && { echo "all checks passed"; exit 0; }
    echo "$fails check(s) failed"
    exit 1
}
# col FILE N: column N of every data row (naive split: our rows hold no
# quoted commas)
col() { tail -n +2 "$1" | cut -d, -f"$2"; }
