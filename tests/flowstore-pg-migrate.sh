#!/bin/sh
# flowstore-pg-migrate.sh - a PostgreSQL database of schema version 3
# (before captures.status/error/settings/kind and capture_files) is
# brought to version 4 by the next flowstore that opens it, in place: its
# captures kept (complete, alone, no settings: matched by the options
# they were stored with, as SQLite does for its own older captures), its
# tables then with the columns of a new database's, the old identity
# (sha256, options) replaced by (sha256, settings); sets and damaged
# captures stored after. A newer version is refused.
. "$top_srcdir/tests/flowstore-common.sh"
. "$top_srcdir/tests/pg-common.sh"

"$FLOWGEN" --flows 30 --seed 2 -o "$T/w.pcap" || fail flowgen
head -c -10 "$T/w.pcap" >"$T/cut.pcap"
"$FLOWGEN" --flows 20 --seed 3 -o "$T/whole.pcap" || fail flowgen
split_pcap "$T/whole.pcap" 100 "$T/part"
uri() { echo "postgresql:///$1?host=$PGSOCK&user=$PGUSER_NAME"; }
cols() { # DB TABLE: its columns in order
    psql_q "$1" "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable
                 || ' ' || coalesce(column_default, ''), ', ' ORDER BY ordinal_position)
                 FROM information_schema.columns WHERE table_name = '$2'
                 AND table_schema = 'public'"
}

# Version 3, as flowstore of that schema left it: captures without the
# four columns, keyed by (sha256, options), no capture_files.
psql_q postgres "CREATE DATABASE v3" >/dev/null || fail "CREATE DATABASE v3"
"$FLOWSTORE" -q -d "$(uri v3)" "$FIX/reset.pcap" || fail "store"
"$FLOWSTORE" -q -d "$(uri v3)" --tcp-timeout 5m "$FIX/refused.pcap" || fail "store"
psql_q v3 "ALTER TABLE captures DROP COLUMN status, DROP COLUMN error, DROP COLUMN settings,
           DROP COLUMN kind; ALTER TABLE captures ADD UNIQUE (sha256, options);
           DROP TABLE capture_files; UPDATE flowstore_meta SET schema_version = 3" >/dev/null ||
    fail "making version 3"
flows_before=$(psql_q v3 "SELECT count(*) FROM flows")

# the same file, the same options: already stored (no settings to match)
"$FLOWSTORE" -d "$(uri v3)" "$FIX/reset.pcap" 2>"$T/err" || fail "after migration: $(cat "$T/err")"
grep -q "reset.pcap: already stored as capture 1 (same SHA-256, same settings)" "$T/err" ||
    fail "old capture not matched: $(cat "$T/err")"
expect "version" "$(psql_q v3 'SELECT schema_version FROM flowstore_meta')" 4
expect "old captures" "$(psql_q v3 "SELECT id, status, error IS NULL, settings IS NULL, kind
    FROM captures ORDER BY id")" "1|complete|t|t|file
2|complete|t|t|file"
expect "old flows kept" "$(psql_q v3 "SELECT count(*) FROM flows")" "$flows_before"
expect "old identity gone" "$(psql_q v3 "SELECT count(*) FROM pg_constraint
    WHERE conname = 'captures_sha256_options_key'")" 0

# the columns of a new database's, in the same order
psql_q postgres "CREATE DATABASE v4" >/dev/null || fail "CREATE DATABASE v4"
"$FLOWSTORE" -q -d "$(uri v4)" "$FIX/reset.pcap" || fail "store v4"
for t in captures capture_files flows events; do
    expect "$t columns" "$(cols v3 $t)" "$(cols v4 $t)"
done
expect "indexes" "$(psql_q v3 "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
    AND tablename IN ('captures', 'capture_files') ORDER BY 1" | tr '\n' ' ')" \
    "$(psql_q v4 "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
    AND tablename IN ('captures', 'capture_files') ORDER BY 1" | tr '\n' ' ')"

# options as given stand in for the settings of an old capture: the
# same settings spelt otherwise are another run (as SQLite)
"$FLOWSTORE" -d "$(uri v3)" "$FIX/refused.pcap" 2>"$T/err" || fail "refused: $(cat "$T/err")"
grep -q "refused.pcap: stored as capture 3, .*another run of capture 2" "$T/err" ||
    fail "refused: $(cat "$T/err")"
"$FLOWSTORE" -d "$(uri v3)" --tcp-timeout 300 "$FIX/refused.pcap" 2>"$T/err" ||
    fail "refused again: $(cat "$T/err")"
grep -q "already stored as capture 3" "$T/err" || fail "refused again: $(cat "$T/err")"

# what version 4 adds works on the migrated database
"$FLOWSTORE" -q -d "$(uri v3)" --merge $(ls "$T"/part_*.pcap | sort -t_ -k2 -n) ||
    fail "merge after migration"
"$FLOWSTORE" -q -d "$(uri v3)" "$T/cut.pcap" 2>/dev/null
expect "damaged: status" $? 1
expect "new captures" "$(psql_q v3 "SELECT id, status, kind, settings IS NOT NULL FROM captures
    WHERE id > 3 ORDER BY id")" "4|complete|set|t
5|truncated|file|t"
expect "set files" "$(psql_q v3 "SELECT count(*) FROM capture_files WHERE capture_id = 4")" \
    "$(ls "$T"/part_*.pcap | wc -l | tr -d ' ')"

# a newer version: refused, nothing written
psql_q v3 "UPDATE flowstore_meta SET schema_version = 5" >/dev/null || fail "UPDATE"
"$FLOWSTORE" -q -d "$(uri v3)" "$FIX/udp-exchange.pcap" 2>"$T/err"
expect "newer: status" $? 1
grep -q "schema version 5 is newer than this flowstore supports (4)" "$T/err" ||
    fail "newer: $(cat "$T/err")"
expect "newer: nothing stored" "$(psql_q v3 'SELECT count(*) FROM captures')" 5
exit 0
