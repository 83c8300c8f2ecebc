#!/bin/sh
# setup.sh - the first command on a fresh Debian 12 machine: installs what
# flowkit needs (apt-get; sudo when not root), builds everything, and runs
# the main job, flowreplay, on a bundled capture.
set -eu
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake libtool pkg-config libpcap-dev \
libsqlite3-dev sqlite3 check libcsv-dev tcpdump python3 bsdextrautils time \
postgresql libpq-dev"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi

[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure --enable-werror
make -j"$(nproc 2>/dev/null || echo 2)"

echo
echo "== flowreplay: flow events of two bundled captures, recorded on loopback =="
echo "   fixtures/real/http-download.pcap: curl downloads 20 KB from a local HTTP server"
echo "   fixtures/real/refused.pcap: a connection to a closed port"
echo
tools/flowreplay -q --events lifecycle fixtures/real/http-download.pcap fixtures/real/refused.pcap |
    cut -d, -f2-8,11-18 | column -s, -t
echo
echo "setup: done. Run the tests with: make check"
