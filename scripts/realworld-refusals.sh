#!/bin/sh
# realworld-refusals.sh - replays every capture listed in
# ../shared/realworld/train/index.tsv through flowreplay (seed mode, no
# output) and counts the exit statuses, then lists the link types of the
# captures refused with exit 2. Slow (one process per capture); not part
# of make check. Usage: scripts/realworld-refusals.sh [FLOWREPLAY [DIR]]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
replay=${1:-$top/tools/flowreplay/flowreplay}
dir=${2:-$top/../shared/realworld/train}
[ -f "$dir/index.tsv" ] || { echo "realworld-refusals: no $dir/index.tsv"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# path and link types (columns 1 and 6), header skipped
awk -F'\t' 'NR > 1 { print $1 "\t" $6 }' "$dir/index.tsv" |
    while IFS="$(printf '\t')" read -r path lt; do
        "$replay" -q -o /dev/null "$dir/$path" >/dev/null 2>&1
        printf '%s\t%s\n' "$?" "$lt"
    done >"$tmp/rc"
echo "captures by exit status:"
cut -f1 "$tmp/rc" | sort -n | uniq -c
echo "refused (exit 2) by link type:"
awk -F'\t' '$1 == 2 { print $2 }' "$tmp/rc" | sort | uniq -c | sort -rn
