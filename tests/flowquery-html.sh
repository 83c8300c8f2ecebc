#!/bin/sh
# flowquery-html.sh - the --html report in headless Chromium: the page
# loads without a console message, fetches nothing, and every chart has
# its marks laid out (counted by the browser, not by grep); the counts
# that are known by hand are checked too. Skipped (77) without chromium.
. "$top_srcdir/tests/flowquery-lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser) || skip "no chromium"

# chromium_run OUT.dom LOG URL: the DOM after load, and chromium's log
chromium_run() {
    prof=$(mktemp -d "$T/profile.XXXXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
        --enable-logging=stderr --v=0 --dump-dom "$3" >"$1" 2>"$2" ||
        fail "chromium failed on $3: $(tail -3 "$2")"
}

write_scan_pcap "$T/scan.pcap"
bytes 212 195 178 161 2 0 4 0 0 0 0 0 0 0 0 0 255 255 0 0 1 0 0 0 >"$T/empty.pcap"
# a damaged capture: the scan cut in the middle of a record
head -c 300 "$T/scan.pcap" >"$T/cut.pcap"
set -- "$FIX"/*.pcap "$T/scan.pcap" "$T/empty.pcap" "$T/cut.pcap"
status=0
"$FLOWQUERY" --ignore-checksums --html "$T/report.html" "$@" 2>"$T/err" || status=$?
expect "exit status with a damaged capture" "$status" 1
grep -q "cut.pcap" "$T/err" || fail "the damaged capture is not named on stderr: $(cat "$T/err")"
[ -s "$T/report.html" ] || fail "no report written"
ls "$T"/report.html.tmp* 2>/dev/null && fail "temporary file left behind"

# self-contained: no script, stylesheet, image, font or frame from elsewhere
if grep -Eio '<script|<link|<img|<iframe|@import|url\(|src=|href=' "$T/report.html"; then
    fail "the report refers to something outside itself"
fi
[ "$(grep -o 'https\?://[^"]*' "$T/report.html" | sort -u)" = "http://www.w3.org/2000/svg" ] ||
    fail "the report names an address other than the SVG namespace"

# 1. the page as written: no console message at all
chromium_run "$T/page.dom" "$T/page.log" "file://$T/report.html"
if grep ':CONSOLE' "$T/page.log"; then
    fail "the report logs to the console"
fi
grep -q 'data-chart="talkers-bytes"' "$T/page.dom" || fail "chromium did not load the report"

# the console check sees an error when there is one (a page that logs)
printf '<!DOCTYPE html><html><body><script>console.error("planted")</script></body></html>\n' \
    >"$T/planted.html"
chromium_run "$T/planted.dom" "$T/planted.log" "file://$T/planted.html"
grep -q 'CONSOLE.*planted' "$T/planted.log" || fail "chromium's console log is not seen"

# 2. a copy with a probe script: for each chart, the marks the browser
# laid out with a non-empty box, against the marks the page says it has
cat >"$T/probe.js" <<'JS'
<script>
var r = [];
document.querySelectorAll("figure[data-chart]").forEach(function (f) {
  var n = 0;
  f.querySelectorAll("svg rect.mark").forEach(function (m) {
    var b = m.getBBox();
    if (m instanceof SVGRectElement && b.width > 0 && b.height > 0) n++;
  });
  r.push(f.dataset.chart + "=" + n + "/" + f.dataset.marks);
});
var p = document.createElement("pre");
p.id = "probe";
p.textContent = r.join(" ");
document.body.appendChild(p);
</script>
JS
awk -v js="$T/probe.js" '/<\/body>/ { while ((getline l < js) > 0) print l } { print }' \
    "$T/report.html" >"$T/probe.html"
chromium_run "$T/probe.dom" "$T/probe.log" "file://$T/probe.html"
probe=$(sed -n 's|.*<pre id="probe">\(.*\)</pre>.*|\1|p' "$T/probe.dom")
[ -n "$probe" ] || fail "the probe did not run: $(grep CONSOLE "$T/probe.log")"
echo "marks laid out: $probe"
for c in flows-over-time packets-over-time bytes-over-time talkers-bytes talkers-flows \
    conversations-bytes conn-state protocols ports ports-bytes; do
    m=$(echo " $probe " | sed -n "s/.* $c=\([0-9]*\)\/\([0-9]*\) .*/\1 \2/p")
    [ -n "$m" ] || fail "chart $c missing"
    set -- $m
    [ "$1" -gt 0 ] || fail "chart $c has no marks"
    [ "$1" = "$2" ] || fail "chart $c: $1 marks laid out, the page says $2"
done

# counts known by hand: hosts that start flows are 127.0.0.1, ::1 (the
# loopback captures) and 198.51.100.7 (the scan); the protocols tcp, udp,
# icmp, icmp6; the scan's 20 ports and the fixtures' 8 make 28 responder
# ports, of which the chart shows 15
expect "talkers" "$(echo " $probe " | sed -n 's/.* talkers-flows=\([0-9]*\)\/.*/\1/p')" 3
expect "protocols" "$(echo " $probe " | sed -n 's/.* protocols=\([0-9]*\)\/.*/\1/p')" 4
expect "ports" "$(echo " $probe " | sed -n 's/.* ports=\([0-9]*\)\/.*/\1/p')" 15

# the captures table: every file, the empty one and the damaged one marked
rows=$(grep -c '^<tr><td>' "$T/page.dom" | head -1)
grep -q '<td>[^<]*empty.pcap</td>.*no packets' "$T/page.dom" || fail "the empty capture is not marked"
grep -q '<td>[^<]*cut.pcap</td>.*class="bad">truncated' "$T/page.dom" ||
    fail "the damaged capture is not marked truncated in the report"
[ "$rows" -ge 13 ] || fail "captures table has too few rows ($rows)"

# the report of a stored database is the same page
"$FLOWSTORE" -q -d "$T/f.db" --ignore-checksums "$FIX"/*.pcap "$T/scan.pcap" "$T/empty.pcap" ||
    fail "flowstore"
"$FLOWQUERY" -d "$T/f.db" --html "$T/db.html" || fail "flowquery -d --html"
grep -q 'data-chart="conn-state" data-marks="[1-9]' "$T/db.html" || fail "-d report lacks charts"
# and the report never replaces an input
status=0
"$FLOWQUERY" -d "$T/f.db" --html "$T/f.db" 2>/dev/null || status=$?
expect "--html over the database" "$status" 2
"$FLOWSTORE" -q -d "$T/f.db" --sha256 "$T/scan.pcap" >/dev/null || fail "the database was harmed"
exit 0
