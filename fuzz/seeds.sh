#!/bin/bash
# fuzz/seeds.sh - builds the seed corpora of the fuzz targets in OUTDIR:
#   pcap/      fixtures/real/*.pcap, every flowgen scenario, the shared
#              Zeek training captures (cut to 64 KiB: the fuzzer's limit)
#   decode/    frame lists made from those captures (seedgen)
#   flowdiff/  tests/data/flowdiff/* and event files made by seedgen
# Usage: FLOWGEN=... SEEDGEN=... [FLOWKIT_SHARED=...] fuzz/seeds.sh OUTDIR
set -eu
out=$1
src=$(cd "$(dirname "$0")/.." && pwd)
shared=${FLOWKIT_SHARED:-$src/../shared}
rm -rf "$out"
mkdir -p "$out/pcap" "$out/decode" "$out/flowdiff"

for f in "$src"/fixtures/real/*.pcap; do
    [ -f "$f" ] && cp "$f" "$out/pcap/real-$(basename "$f")"
done
for s in $("$FLOWGEN" --list-scenarios | cut -d' ' -f1); do
    "$FLOWGEN" --scenario "$s" --flows 20 -o "$out/pcap/gen-$s.pcap" 2>/dev/null ||
        "$FLOWGEN" --scenario "$s" -o "$out/pcap/gen-$s.pcap"
done
"$FLOWGEN" --flows 30 --packets-per-flow 6 --ipv6 30 -o "$out/pcap/gen-workload.pcap"
"$FLOWGEN" --flows 20 --linktype raw --usec -o "$out/pcap/gen-raw-usec.pcap"
if [ -d "$shared/zeek-conn/train" ]; then
    for f in "$shared"/zeek-conn/train/*.pcap; do
        head -c 65536 "$f" > "$out/pcap/zeek-$(basename "$f")"
    done
fi
# the public captures of other projects' test suites: odd link types,
# pcapng variants, hostile files (names flattened, cut like the above)
if [ -f "$shared/realworld/train/index.tsv" ]; then
    tail -n +2 "$shared/realworld/train/index.tsv" | cut -f1 | while read -r p; do
        f="$shared/realworld/train/$p"
        [ -f "$f" ] && head -c 65536 "$f" > "$out/pcap/rw-$(echo "$p" | tr / _)"
    done
fi
"$SEEDGEN" "$out" "$out"/pcap/*.pcap
# the reader's targets: every capture we hold (cut to 64 KiB), pcapng
# apart, and compressed copies of a few
mkdir -p "$out/rdpcap" "$out/rdpcapng" "$out/rdzip"
cp "$out"/pcap/*.pcap "$out/rdpcap/"
if [ -f "$shared/realworld/train/index.tsv" ]; then
    tail -n +2 "$shared/realworld/train/index.tsv" | cut -f1,5 | while read -r p fmt; do
        [ -f "$shared/realworld/train/$p" ] || continue
        d=rdpcap
        [ "$fmt" = pcapng ] && d=rdpcapng
        head -c 65536 "$shared/realworld/train/$p" >"$out/$d/rw-$(echo "$p" | tr / _)"
    done
fi
n=0
for f in "$out"/rdpcap/real-*.pcap "$out"/rdpcapng/rw-*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    [ $n -gt 40 ] && break
    for z in gzip zstd xz bzip2 lz4; do
        command -v $z >/dev/null && head -c 32768 "$f" | $z -c >"$out/rdzip/$z-$n" 2>/dev/null
    done
done
cp "$src"/tests/data/flowdiff/* "$out/flowdiff/" 2>/dev/null || true
echo "fuzz: seeds: $(ls "$out/pcap" | wc -l) captures, $(ls "$out/decode" | wc -l)" \
     "frame lists, $(ls "$out/flowdiff" | wc -l) event files, reader: $(ls "$out/rdpcap" | wc -l)" \
     "pcap, $(ls "$out/rdpcapng" | wc -l) pcapng, $(ls "$out/rdzip" | wc -l) compressed"
