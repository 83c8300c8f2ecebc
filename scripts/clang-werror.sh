#!/bin/sh
# clang-werror.sh - every C file of the library, the tools, the tests and
# the benchmarks compiles with clang -Wall -Wextra -Werror (syntax only;
# the gcc build does the same through configure --enable-werror).
set -u
cd "$(dirname "$0")/.." || exit 1
command -v clang >/dev/null || { echo "clang-werror: clang not installed"; exit 77; }
flags="-std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
-fsyntax-only -D_GNU_SOURCE -Ilibcore -Itools/common -Itools/flowdiff -Itools/flowstore -Itools/flowgen -Itests -Ifuzz"
flags="$flags $(pkg-config --cflags libpcap sqlite3 check libndpi libpq)"
# fc_version.h is made by configure; before it, one from configure.ac
if [ ! -f libcore/fc_version.h ]; then
    gen=$(mktemp -d) || exit 1
    trap 'rm -rf "$gen"' EXIT
    v=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' configure.ac)
    sed "s/@PACKAGE_VERSION@/$v/" libcore/fc_version.h.in > "$gen/fc_version.h" || exit 1
    flags="$flags -I$gen"
fi
fail=0 n=0
for f in libcore/*.c tools/*/*.c tests/*.c bench/*.c; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    clang $flags "$f" || { echo "clang-werror: $f"; fail=1; }
done
[ $fail -eq 0 ] && echo "clang-werror: $n files clean"
exit $fail
