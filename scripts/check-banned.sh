#!/bin/sh
# check-banned.sh - fails when a banned C function is called in libcore/,
# tools/, tests/ or bench/: sprintf, vsprintf, strcpy, strcat, atoi, gets
# (unbounded writes, or no error reporting). Whole words only, so
# snprintf, vsnprintf, fgets and strtol pass; comments and strings are
# matched too, on purpose (rename the word rather than explain it away).
# Usage: scripts/check-banned.sh [DIR...]   (default: the four above)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
dirs=${*:-libcore tools tests bench}
banned='sprintf|vsprintf|strcpy|strcat|atoi|gets'
# [^A-Za-z0-9_] on both sides: a word boundary that POSIX grep -E has.
pattern="(^|[^A-Za-z0-9_])($banned)[[:space:]]*\\("
found=$(find $dirs -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort |
    xargs -r grep -nE "$pattern" 2>/dev/null)
if [ -n "$found" ]; then
    printf '%s\n' "$found"
    echo "check-banned: $(printf '%s\n' "$found" | wc -l) call(s) of banned functions" \
         "($banned); use snprintf, memcpy with a checked length, strtol/strtoul" >&2
    exit 1
fi
echo "check-banned: no banned calls in $dirs"
