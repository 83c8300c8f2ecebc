#!/bin/sh
# flowstore-merge.sh - a capture rotated into pieces, stored with
# --merge, gives the rows of the whole capture: one set row (kind 'set'),
# one capture_files row per piece (its SHA-256, time range, packets)
# pointing at it, the flows belonging to the set, as flowreplay replays
# the pieces together. Stored again: nothing done. A piece stored alone
# before is reported and the set refused, unless --replace drops it.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

"$FLOWGEN" --flows 40 --seed 9 -o "$T/whole.pcap" || fail flowgen
split_pcap "$T/whole.pcap" 150 "$T/part"
set -- "$T"/part_*.pcap
[ $# -ge 3 ] || fail "only $# pieces"
# pieces sort by their number (ties in the merge follow the order given)
set -- $(ls "$T"/part_*.pcap | sort -t_ -k2 -n)

"$FLOWSTORE" -q -d "$T/whole.db" "$T/whole.pcap" || fail "whole"
db=$T/set.db
"$FLOWSTORE" -d "$db" --merge "$@" 2>"$T/err" || fail "merge: $(cat "$T/err")"
grep -q "part_1.pcap .. part_$#.pcap ($# files): stored as capture 1, " "$T/err" ||
    fail "merge: message: $(cat "$T/err")"
expect "one set row" "$(q "$db" "SELECT count(*), kind FROM captures")" "1|set"
expect "the whole capture's flows" "$(flows_as_csv "$db" 1)" "$(flows_as_csv "$T/whole.db" 1)"
expect "as flowreplay over the pieces" "$(flows_as_csv "$db" 1)" "$(ended_csv "$@")"
expect "totals" "$(q "$db" "SELECT packets, flows, first_ns, last_ns FROM captures")" \
    "$(q "$T/whole.db" "SELECT packets, flows, first_ns, last_ns FROM captures")"
# each piece: its own row, its digest, size, packets and time range
expect "file rows" "$(q "$db" "SELECT count(*), min(capture_id), max(capture_id), sum(packets)
    FROM capture_files")" "$#|1|1|$(q "$db" 'SELECT packets FROM captures')"
i=1
for f in "$@"; do
    sha=$("$FLOWSTORE" --sha256 "$f" | cut -d' ' -f1)
    expect "piece $i" "$(q "$db" "SELECT path, sha256, size FROM capture_files WHERE file_no = $i")" \
        "$f|$sha|$(wc -c <"$f" | tr -d ' ')"
    # its time range: that of its packets, as a capture of its own
    "$FLOWSTORE" -q -d "$T/alone$i.db" "$f" || fail "piece $i alone"
    expect "piece $i range" "$(q "$db" "SELECT first_ns, last_ns, packets FROM capture_files
        WHERE file_no = $i")" "$(q "$T/alone$i.db" "SELECT first_ns, last_ns, packets FROM captures")"
    i=$((i + 1))
done
# the set's digest: of its files' digests in order, one per line
want=$(for f in "$@"; do "$FLOWSTORE" --sha256 "$f" | cut -d' ' -f1; done | sha256sum | cut -d' ' -f1)
expect "set digest" "$(q "$db" 'SELECT sha256 FROM captures')" "$want"

# the set again: nothing done
"$FLOWSTORE" -d "$db" --merge "$@" 2>"$T/err" || fail "again: status"
grep -q "already stored as capture 1" "$T/err" || fail "again: $(cat "$T/err")"
expect "again: captures" "$(q "$db" 'SELECT count(*) FROM captures')" 1
expect "again: files" "$(q "$db" 'SELECT count(*) FROM capture_files')" "$#"

# a piece stored alone before: reported, the set refused
db=$T/lone.db
"$FLOWSTORE" -q -d "$db" "$2" || fail "lone piece"
"$FLOWSTORE" -q -d "$db" --merge "$@" 2>"$T/err"
expect "lone: status" $? 1
expect "lone: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
grep -q "^flowstore: $2: already stored alone as capture 1; set .* not stored (--replace" "$T/err" ||
    fail "lone: $(cat "$T/err")"
expect "lone: nothing added" "$(q "$db" 'SELECT count(*) FROM captures')" 1
# --replace: the lone capture gives way to the set
"$FLOWSTORE" -q -d "$db" --replace --merge "$@" || fail "lone: --replace"
expect "replace: the set only" "$(q "$db" "SELECT count(*), kind FROM captures")" "1|set"
id=$(q "$db" 'SELECT id FROM captures')
expect "replace: flows" "$(flows_as_csv "$db" "$id")" "$(flows_as_csv "$T/whole.db" 1)"
expect "replace: no stray rows" "$(q "$db" 'SELECT count(*) FROM flows') $(q "$db" 'SELECT count(*) FROM capture_files')" \
    "$(q "$T/whole.db" 'SELECT count(*) FROM flows') $#"

# Zeek's connection table over the merged stream, as flowreplay --zeek
"$FLOWSTORE" -q --zeek -d "$T/z.db" --merge "$@" || fail "zeek merge"
zrows=$("$FLOWREPLAY" -q --zeek --format zeek "$@" | grep -vc '^#')
expect "zeek: flows" "$(q "$T/z.db" 'SELECT count(*) FROM flows')" "$zrows"
exit 0
