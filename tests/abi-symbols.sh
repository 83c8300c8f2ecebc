#!/bin/sh
# abi-symbols.sh - libflowcore's ABI is what libcore/flowcore.sym says.
#
# 1. The dynamic symbols libflowcore.so defines are exactly the names in
#    libcore/flowcore.sym: any extra (an internal that leaked: a missing
#    -fvisibility, a stray FC_API) or missing one (an API function that
#    lost its FC_API) is printed and fails the test.
# 2. The list records the libtool -version-info it was written for, and
#    that is the one the library is built with (mk/libcore.am), with the
#    soname libtool derives from it: changing the list means deciding
#    the version.
# 3. A program that includes only <flowcore.h>, from a directory holding
#    just the installed headers (as `make install` lays them out, the .pc
#    file's Cflags), refers to every listed function, compiles with
#    -Werror, links against the shared library and runs: flowcore.h
#    includes every public header, a public header includes no internal
#    one, and FC_VERSION is the package's version.
# 4. The tools include only installed headers of libflowcore.
# Environment (mk/libcore.am): FLOWCORE_LT_VERSION, FLOWCORE_HEADERS,
# FLOWCORE_NODIST_HEADERS, ABI_CC, ABI_CFLAGS, ABI_LDFLAGS, PACKAGE_VERSION.
SRC=${top_srcdir:-.}
B=${top_builddir:-.}
so=$B/libcore/.libs/libflowcore.so
sym=$SRC/libcore/flowcore.sym
[ -f "$so" ] || { echo "SKIP: $so not built (--disable-shared?)"; exit 77; }
command -v nm >/dev/null || { echo "SKIP: nm not installed"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# 1. exported names against the list
nm -D --defined-only "$so" | awk 'NF == 3 { print $3 }' | sort > "$tmp/exported"
grep -v -e '^#' -e '^$' "$sym" | sort > "$tmp/listed"
comm -23 "$tmp/exported" "$tmp/listed" > "$tmp/extra"
comm -13 "$tmp/exported" "$tmp/listed" > "$tmp/missing"
if [ -s "$tmp/extra" ]; then
    fail "exported but not in libcore/flowcore.sym:"
    sed 's/^/    /' "$tmp/extra"
fi
if [ -s "$tmp/missing" ]; then
    fail "in libcore/flowcore.sym but not exported:"
    sed 's/^/    /' "$tmp/missing"
fi
n=$(wc -l < "$tmp/exported")
[ "$n" -gt 0 ] || fail "no symbols read from $so"
if grep -v '^fc_' "$tmp/exported" > "$tmp/foreign"; then
    fail "names outside the fc_ namespace:"
    sed 's/^/    /' "$tmp/foreign"
fi
if grep '^fc__' "$tmp/listed" > "$tmp/internal"; then
    fail "internal (fc__) names in the list:"
    sed 's/^/    /' "$tmp/internal"
fi

# 2. version-info and soname
listed_v=$(sed -n 's/^# version-info: *//p' "$sym")
[ "$listed_v" = "${FLOWCORE_LT_VERSION:-}" ] ||
    fail "flowcore.sym is for version-info '$listed_v', the library is built as '${FLOWCORE_LT_VERSION:-?}' (mk/libcore.am)"
cur=${FLOWCORE_LT_VERSION%%:*}
age=${FLOWCORE_LT_VERSION##*:}
if command -v readelf >/dev/null && [ -n "$cur" ] && [ -n "$age" ]; then
    soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "libflowcore.so.$((cur - age))" ] ||
        fail "soname '$soname', expected libflowcore.so.$((cur - age))"
fi

# 3. a program of <flowcore.h> alone, against the installed layout
inc=$tmp/include/flowcore
mkdir -p "$inc"
for h in ${FLOWCORE_HEADERS:-}; do cp "$SRC/$h" "$inc/" || fail "copy $h"; done
for h in ${FLOWCORE_NODIST_HEADERS:-}; do cp "$B/$h" "$inc/" || fail "copy $h"; done
[ -f "$inc/flowcore.h" ] || fail "flowcore.h is not installed"
{
    cat <<'C'
#include <flowcore.h>
#include <stdio.h>
#include <string.h>
typedef void (*any_fn)(void);
static const any_fn api[] = {
C
    sed 's/.*/    (any_fn)&,/' "$tmp/listed"
    cat <<'C'
};
int main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++)
        if (!api[i])
            return 1;
    if (argc < 2 || strcmp(FC_VERSION, argv[1]) != 0) {
        printf("FC_VERSION %s, package %s\n", FC_VERSION, argc < 2 ? "?" : argv[1]);
        return 1;
    }
    return strcmp(fc_strerror(FC_ENOMEM), "out of memory") != 0;
}
C
} > "$tmp/api.c"
# shellcheck disable=SC2086
if ${ABI_CC:-cc} -std=c11 -Wall -Wextra -Werror -pedantic ${ABI_CFLAGS:-} -I"$inc" \
    "$tmp/api.c" -o "$tmp/api" ${ABI_LDFLAGS:-} -L"$B/libcore/.libs" -lflowcore \
    > "$tmp/cc.log" 2>&1; then
    LD_LIBRARY_PATH="$B/libcore/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$tmp/api" "${PACKAGE_VERSION:-}" || fail "the program of <flowcore.h> failed"
else
    fail "a program including only <flowcore.h> does not build:"
    head -20 "$tmp/cc.log"
fi

# 4. the tools include no uninstalled libflowcore header
for h in ${FLOWCORE_HEADERS:-} ${FLOWCORE_NODIST_HEADERS:-}; do basename "$h"; done |
    sort > "$tmp/installed"
find "$SRC/tools" -name '*.[ch]' | sort | while read -r f; do
    sed -n 's/^#include "\(fc_[a-z0-9_]*\.h\)".*/\1/p' "$f" | while read -r h; do
        # a tool's own fc_-named header sits next to it
        [ -f "$(dirname "$f")/$h" ] && continue
        grep -qx "$h" "$tmp/installed" || echo "${f#"$SRC"/} includes $h"
    done
done > "$tmp/private"
if [ -s "$tmp/private" ]; then
    fail "tools include headers that are not installed:"
    sed 's/^/    /' "$tmp/private"
fi

echo "libflowcore.so exports $n names"
[ "$fails" -eq 0 ] && { echo "all checks passed"; exit 0; }
echo "$fails check(s) failed"
exit 1
