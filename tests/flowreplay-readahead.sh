#!/bin/sh
# flowreplay-readahead.sh - regular files are read on a thread of their
# own (libcore/fc_readahead.c), standard input directly: the same capture
# either way gives the same rows, exit status and error message. Inputs
# cross many of the thread's blocks, by record count and by bytes (UDP
# records of up to 1,442 bytes), and one ends in a damaged record after
# whole blocks.
. "$top_srcdir/tests/flowreplay-lib.sh"

"$FLOWGEN" --flows 3000 --seed 7 -o "$tmp/many.pcap" || fail "flowgen many"
"$FLOWGEN" --flows 300 --seed 8 --mix tcp=0,udp=100,icmp=0 --packets-per-flow 20 \
    --max-payload 1400 -o "$tmp/big.pcap" || fail "flowgen big"
"$FLOWGEN" --flows 500 --seed 9 -o "$tmp/other.pcap" || fail "flowgen other"
size=$(wc -c <"$tmp/many.pcap")
head -c $((size - 30)) "$tmp/many.pcap" >"$tmp/trunc.pcap"

for f in many big trunc; do
    for mode in "" "--events lifecycle" "--zeek-fields --format jsonl"; do
        # shellcheck disable=SC2086
        "$REPLAY" -q $mode -o "$tmp/file.out" "$tmp/$f.pcap" 2>"$tmp/file.err"
        st_file=$?
        # shellcheck disable=SC2086
        "$REPLAY" -q $mode -o "$tmp/pipe.out" - <"$tmp/$f.pcap" 2>"$tmp/pipe.err"
        st_pipe=$?
        [ "$st_file" = "$st_pipe" ] || fail "$f $mode: status $st_file from the file, $st_pipe from stdin"
        cmp -s "$tmp/file.out" "$tmp/pipe.out" || fail "$f $mode: rows differ"
        sed "s|$tmp/$f.pcap|-|g" "$tmp/file.err" >"$tmp/file.err2"
        cmp -s "$tmp/file.err2" "$tmp/pipe.err" || fail "$f $mode: messages differ"
        [ "$(wc -l <"$tmp/file.out")" -gt 100 ] || fail "$f $mode: too few rows"
    done
done
[ "$st_file" = 1 ] || fail "trunc: want status 1, got $st_file"
grep -q "packet" "$tmp/pipe.err" || fail "trunc: no packet number in the message"

# compressed files are read ahead too, their records handed over from
# the decompressor's buffers (kept until the replay is past them, not
# reused): inputs spanning several 1 MiB buffers, alone and merged, give
# the rows of the plain files
if command -v gzip >/dev/null && command -v zstd >/dev/null; then
    for f in many big other; do
        gzip -c "$tmp/$f.pcap" >"$tmp/$f.pcap.gz" || fail "gzip $f"
        zstd -q -c "$tmp/$f.pcap" >"$tmp/$f.pcap.zst" || fail "zstd $f"
    done
    [ "$(wc -c <"$tmp/big.pcap")" -gt 4000000 ] || fail "big.pcap: want over 4 MB"
    for f in many big; do
        for mode in "" "--events lifecycle"; do
            # shellcheck disable=SC2086
            "$REPLAY" -q $mode -o "$tmp/plain.out" "$tmp/$f.pcap" || fail "$f $mode: plain"
            for z in gz zst; do
                # shellcheck disable=SC2086
                "$REPLAY" -q $mode -o "$tmp/z.out" "$tmp/$f.pcap.$z" || fail "$f.$z $mode"
                cmp -s "$tmp/plain.out" "$tmp/z.out" || fail "$f.$z $mode: rows differ from the plain file's"
            done
        done
    done
    "$REPLAY" -q -o "$tmp/mz.out" "$tmp/many.pcap.zst" "$tmp/big.pcap.gz" "$tmp/other.pcap" ||
        fail "merge: compressed"
    "$REPLAY" -q -o "$tmp/mp.out" "$tmp/many.pcap" "$tmp/big.pcap" "$tmp/other.pcap" ||
        fail "merge: plain"
    cmp -s "$tmp/mz.out" "$tmp/mp.out" || fail "merge: compressed rows differ from the plain files'"
fi

# two files merged on the thread, and with one of them on stdin (direct)
"$REPLAY" -q -o "$tmp/merged-file.out" "$tmp/many.pcap" "$tmp/other.pcap" || fail "merge: files"
"$REPLAY" -q -o "$tmp/merged-pipe.out" - "$tmp/other.pcap" <"$tmp/many.pcap" || fail "merge: stdin"
cmp -s "$tmp/merged-file.out" "$tmp/merged-pipe.out" || fail "merge: rows differ"

# Regular files are also decoded and keyed on the reading thread
# (fc__prep_key; fc__zeek_hint_key for --zeek), stdin on the tracking
# thread: fragments (keyed by the tracker's fragment table, in order),
# another shard's flows, every packet's event and Zeek's conn.log give
# the same rows either way.
"$FLOWGEN" --scenario fragments -o "$tmp/frag.pcap" || fail "flowgen fragments"
for f in frag many; do
    for mode in "--events all" "--shard 1/3 --events all" "--shard 2/3" "--zeek --format zeek"; do
        # shellcheck disable=SC2086
        "$REPLAY" -q $mode -o "$tmp/file.out" "$tmp/$f.pcap" || fail "$f $mode: file"
        # shellcheck disable=SC2086
        "$REPLAY" -q $mode -o "$tmp/pipe.out" - <"$tmp/$f.pcap" || fail "$f $mode: stdin"
        cmp -s "$tmp/file.out" "$tmp/pipe.out" || fail "$f $mode: rows differ"
        [ "$f" = frag ] || [ "$(wc -l <"$tmp/file.out")" -gt 100 ] || fail "$f $mode: too few rows"
    done
done
"$REPLAY" -q --events all -o "$tmp/frag.out" "$tmp/frag.pcap" || fail "frag: file"
[ "$(grep -c ',packet,' "$tmp/frag.out")" -eq 6 ] || fail "frag: want the six fragments' packet rows"
finish
