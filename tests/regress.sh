#!/bin/sh
# regress.sh - replays every case of fixtures/TESTLIST and compares the
# events with its golden file using flowdiff. With BLESS=1 (make bless)
# it rewrites the golden files instead.
SRC=${top_srcdir:-.}
BUILD=${top_builddir:-.}
REPLAY=$BUILD/tools/flowreplay/flowreplay
FLOWGEN=$BUILD/tools/flowgen/flowgen
FLOWDIFF=$BUILD/tools/flowdiff/flowdiff
TZ=UTC LC_ALL=C
export TZ LC_ALL
for t in "$REPLAY" "$FLOWGEN" "$FLOWDIFF"; do
    [ -x "$t" ] || { echo "SKIP: $t not built"; exit 77; }
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass=0 fail=0 blessed=0
while read -r name rest; do
    case "$name" in ''|'#'*) continue ;; esac
    caps=${rest%% -- *}
    opts=
    case "$rest" in *' -- '*) opts=${rest#* -- } ;; esac
    files=
    for c in $caps; do
        case "$c" in
        gen:*)
            f="$tmp/${c#gen:}.pcap"
            [ -f "$f" ] || "$FLOWGEN" --scenario "${c#gen:}" -o "$f" || { echo "FAIL $name: flowgen $c"; fail=$((fail + 1)); continue 2; }
            ;;
        *) f="$SRC/fixtures/$c" ;;
        esac
        files="$files $f"
    done
    ext=csv
    case "$opts" in *jsonl*) ext=jsonl ;; esac
    golden="$SRC/fixtures/golden/$name.$ext"
    # shellcheck disable=SC2086
    if ! "$REPLAY" -q $opts -o "$tmp/$name.$ext" $files; then
        echo "FAIL $name: flowreplay exit $?"
        fail=$((fail + 1))
        continue
    fi
    if [ "${BLESS:-0}" = 1 ]; then
        cmp -s "$tmp/$name.$ext" "$golden" || { cp "$tmp/$name.$ext" "$golden"; echo "blessed $name"; blessed=$((blessed + 1)); }
        continue
    fi
    if [ ! -f "$golden" ]; then
        echo "FAIL $name: no golden file $golden (run make bless)"
        fail=$((fail + 1))
    elif "$FLOWDIFF" --color=never "$golden" "$tmp/$name.$ext" >"$tmp/diff" 2>&1 &&
        cmp -s "$golden" "$tmp/$name.$ext"; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: events differ from $golden"
        cat "$tmp/diff"
        cmp "$golden" "$tmp/$name.$ext"
        fail=$((fail + 1))
    fi
done <"$SRC/fixtures/TESTLIST"

if [ "${BLESS:-0}" = 1 ]; then
    echo "$blessed golden file(s) rewritten"
    exit 0
fi
echo "regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
