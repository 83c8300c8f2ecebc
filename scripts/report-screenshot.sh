#!/bin/sh
# report-screenshot.sh - regenerates docs/report.png, the README's picture
# of flowquery --html: the report of the bundled loopback captures
# (fixtures/real), rendered by headless Chromium. Run from a built tree.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tools/flowquery/flowquery --ignore-checksums --html "$tmp/report.html" fixtures/real/*.pcap
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
    --hide-scrollbars --window-size=1000,1500 --screenshot="$tmp/report.png" \
    "file://$tmp/report.html" 2>/dev/null
mv "$tmp/report.png" docs/report.png
echo "wrote docs/report.png"
