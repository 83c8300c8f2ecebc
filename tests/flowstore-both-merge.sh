#!/bin/sh
# flowstore-both-merge.sh - capture sets (flowstore --merge) on both
# backends, as tests/flowstore-merge.sh checks them on SQLite: the same
# commands say the same and store the same rows (one set row, a
# capture_files row per piece, the flows of the whole capture) in SQLite
# and in PostgreSQL; stored again, nothing done; a piece stored alone is
# reported and the set refused, unless --replace drops it; --zeek too.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3
. "$top_srcdir/tests/pg-common.sh"
. "$top_srcdir/tests/backends-lib.sh"

"$FLOWGEN" --flows 40 --seed 9 -o "$T/whole.pcap" || fail flowgen
split_pcap "$T/whole.pcap" 150 "$T/part"
set -- $(ls "$T"/part_*.pcap | sort -t_ -k2 -n)
[ $# -ge 3 ] || fail "only $# pieces"
"$FLOWSTORE" -q -d "$T/whole.db" "$T/whole.pcap" || fail "whole"

both_init merge
both --events --merge "$@"
expect "merge: status" "$BOTH_RC" 0
grep -q "part_1.pcap .. part_$#.pcap ($# files): stored as capture 1, " "$T/both.err" ||
    fail "merge: message: $(cat "$T/both.err")"
both_same "merge"
expect "one set row" "$(both_q "SELECT count(*), min(kind) FROM captures")" "1|set"
expect "file rows" "$(both_q "SELECT count(*), sum(packets) FROM capture_files")" \
    "$#|$(q "$T/whole.db" 'SELECT packets FROM captures')"
expect "the whole capture's flows" "$(both_q "SELECT count(*) FROM flows")" \
    "$(q "$T/whole.db" 'SELECT count(*) FROM flows')"
expect "totals" "$(both_q "SELECT packets, flows, first_ns, last_ns FROM captures")" \
    "$(q "$T/whole.db" "SELECT packets, flows, first_ns, last_ns FROM captures")"

# again: nothing done
both --merge "$@"
expect "again: status" "$BOTH_RC" 0
grep -q "already stored as capture 1" "$T/both.err" || fail "again: $(cat "$T/both.err")"
both_same "merge again"

# a piece stored alone: the set refused, then --replace
both_init lone
both -q "$2"
both -q --merge "$@"
expect "lone: status" "$BOTH_RC" 1
expect "lone: one line" "$(wc -l <"$T/both.err" | tr -d ' ')" 1
grep -q "^flowstore: $2: already stored alone as capture 1; set .* not stored (--replace" \
    "$T/both.err" || fail "lone: $(cat "$T/both.err")"
both_same "lone piece, set refused"
expect "lone: nothing added" "$(both_q 'SELECT count(*), min(kind) FROM captures')" "1|file"
both --replace --merge "$@"
expect "replace: status" "$BOTH_RC" 0
grep -q "capture 1 (the file alone) dropped for the set" "$T/both.err" ||
    fail "replace: $(cat "$T/both.err")"
both_same "lone piece replaced by the set"
expect "replace: the set only" "$(both_q 'SELECT count(*), min(kind) FROM captures')" "1|set"
expect "replace: no stray rows" "$(both_q 'SELECT count(*) FROM capture_files')" "$#"

# Zeek's connection table over the merged stream
both_init zmerge
both -q --zeek --merge "$@"
expect "zeek: status" "$BOTH_RC" 0
both_same "zeek merge"
zrows=$("$FLOWREPLAY" -q --zeek --format zeek "$@" | grep -vc '^#')
expect "zeek: flows" "$(both_q 'SELECT count(*) FROM flows')" "$zrows"
exit 0
