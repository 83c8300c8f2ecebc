#!/bin/sh
# setup.sh - the first command on a fresh Debian 12 machine: installs what
# flowkit needs (apt-get; sudo when not root), builds everything, and runs
# a short demo on bundled captures. The build's own output (autotools,
# configure, make) goes to setup.log; only setup's lines and the demo are
# shown, and the end of the log when a step fails.
set -eu
cd "$(dirname "$0")"

PKGS="build-essential autoconf automake libtool pkg-config libpcap-dev \
libsqlite3-dev sqlite3 check libcsv-dev tcpdump python3 bsdextrautils time \
chromium tshark \
zlib1g-dev libzstd-dev liblzma-dev libbz2-dev liblz4-dev gzip zstd xz-utils bzip2 lz4 \
libndpi-dev \
postgresql libpq-dev"

LOG=setup.log
: >"$LOG"
# step WHAT CMD...: runs CMD with its output in the log
step() {
    what=$1
    shift
    echo "setup: $what"
    if ! "$@" >>"$LOG" 2>&1; then
        echo "setup: $what failed; the end of $LOG:" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
}

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    step "updating the package lists" $SUDO apt-get update -q
    step "installing$missing" env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi

[ -x configure ] || step "generating configure (autogen.sh)" ./autogen.sh
[ -f Makefile ] || step "configuring" ./configure --enable-werror
step "building (make -j$(nproc 2>/dev/null || echo 2); output in $LOG)" \
    make -j"$(nproc 2>/dev/null || echo 2)"

echo
echo "== flowreplay: the flow events of two captures recorded on loopback =="
echo "   fixtures/real/http-download.pcap: curl downloads 20 KB from a local HTTP server"
echo "   fixtures/real/refused.pcap: a connection to a closed port"
echo "   (seconds from the first packet; packets and bytes as initiator/responder)"
echo
tools/flowreplay/flowreplay -q --events lifecycle fixtures/real/http-download.pcap fixtures/real/refused.pcap |
    awk -F, 'NR == 1 {
        printf "%-9s %-12s %-6s %-12s %-6s %-7s %-11s %s\n", "seconds", "event", "port",
            "to_state", "reason", "packets", "bytes", "history"
        next
    }
    NR == 2 { split($2, b, ".") }
    {
        split($2, a, ".")
        printf "%-9.6f %-12s %-6s %-12s %-6s %-7s %-11s %s\n",
            (a[1] - b[1]) + (a[2] - b[2]) / 1e9, $3, $8, $12, $13,
            ($14 == "" ? "" : $14 "/" $15), ($16 == "" ? "" : $16 "/" $17), $18
    }'
echo
echo "== flowquery: how the connections of all ten bundled captures went =="
echo
tools/flowquery/flowquery --format table --ignore-checksums conn-states fixtures/real/*.pcap
echo
echo "setup: done. Run the tests with: make -j2 check"
