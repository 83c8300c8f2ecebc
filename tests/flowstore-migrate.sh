#!/bin/sh
# flowstore-migrate.sh - a version 1 database (made from the version 1
# schema and views kept in tests/data/flowstore, as flowstore 1 created
# them) is migrated to the current version when flowstore opens it: the Zeek columns
# are added, the old rows keep their values and NULL in the new columns,
# the conn view falls back to the derived conn_state for them, and new
# captures get the Zeek fields. A new database has the same columns as a
# migrated one, in the same order.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

db=$T/v1.db
sha=$("$FLOWSTORE" --sha256 "$FIX/refused.pcap" | cut -d' ' -f1)
{
    cat "$EXPECTED/schema-v1.sql" "$EXPECTED/views-v1.sql"
    echo "PRAGMA application_id = $((0x666b7374)); PRAGMA user_version = 1;"
    # one stored capture, as flowstore 1 wrote it (refused.pcap's flow)
    cat <<SQL
INSERT INTO captures VALUES (1, 'refused.pcap', 1000, '$sha', 1, 1795764369617271573,
    1795764369617294588, 2, 1, '2025-01-01T00:00:00.000Z', 'flowstore 0.1.0', '');
INSERT INTO flows VALUES (1, 1, 1, 'tcp', '127.0.0.1', 49512, '127.0.0.1', 18082,
    1795764369617271573, 1795764369617294588, 23015, 1, 1, 74, 54, 'reset', 'rst', 'Sr');
SQL
} | "$SQLITE3" "$db" || fail "creating the version 1 database"
expect "v1 version" "$(q "$db" 'PRAGMA user_version')" 1
expect "v1 conn" "$(q "$db" 'SELECT conn_state, history FROM conn')" "REJ|Sr"

"$FLOWSTORE" -q -d "$db" "$FIX/reset.pcap" 2>"$T/err" || fail "migrating: $(cat "$T/err")"
[ -s "$T/err" ] && fail "migrating said: $(cat "$T/err")"
expect "migrated version" "$(q "$db" 'PRAGMA user_version')" $SCHEMA_VERSION
expect "captures" "$(q "$db" 'SELECT count(*) FROM captures')" 2
# the old row: intact, NULL in every Zeek column
expect "old row" "$(q "$db" "SELECT proto, orig_h, orig_p, resp_h, resp_p, start_ns, end_ns,
        orig_pkts, resp_pkts, orig_bytes, resp_bytes, state, reason, history
        FROM flows WHERE capture_id = 1")" \
    "tcp|127.0.0.1|49512|127.0.0.1|18082|1795764369617271573|1795764369617294588|1|1|74|54|reset|rst|Sr"
expect "old row Zeek columns" "$(q "$db" "SELECT count(*) FROM flows WHERE capture_id = 1
        AND coalesce(zeek_history, conn_state, orig_ip_bytes, resp_ip_bytes,
                     orig_payload_bytes, resp_payload_bytes, missed_bytes, community_id,
                     zeek_orig_h, zeek_orig_p, zeek_resp_h, zeek_resp_p, zeek_orig_pkts,
                     zeek_resp_pkts) IS NULL")" 1
# the view: derived conn_state, seed orientation and packets, no Zeek values
expect "old row in conn" "$(q "$db" "SELECT \"id.orig_h\", \"id.orig_p\", \"id.resp_p\",
        conn_state, orig_pkts, resp_pkts, quote(history), seed_history, quote(orig_bytes),
        quote(community_id), zeek FROM conn WHERE capture_id = 1")" \
    "127.0.0.1|49512|18082|REJ|1|1|NULL|Sr|NULL|NULL|0"
# the new capture has them
expect "new rows filled" "$(q "$db" "SELECT count(*) FROM flows WHERE capture_id = 2
        AND conn_state IS NOT NULL AND community_id LIKE '1:%' AND zeek_orig_h IS NOT NULL
        AND orig_ip_bytes IS NOT NULL AND missed_bytes IS NOT NULL")" \
    "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id = 2')"
expect "new rows in conn" "$(q "$db" 'SELECT min(zeek) FROM conn WHERE capture_id = 2')" 1
# version 3: the captures stored before were read whole
expect "old capture status" "$(q "$db" "SELECT status, quote(error) FROM captures WHERE id = 1")" \
    "complete|NULL"
# version 6: no uid stored before; the view makes one from the ids
expect "old row uid" "$(q "$db" "SELECT quote(f.uid), c.uid FROM flows AS f, conn AS c
    WHERE f.capture_id = 1 AND c.capture_id = 1")" "NULL|C000100000001"
expect "new row uid" "$(q "$db" "SELECT count(*) FROM flows AS f JOIN conn AS c
    ON c.capture_id = f.capture_id AND c.start_ns = f.start_ns
    WHERE f.capture_id = 2 AND c.uid = f.uid AND length(f.uid) = 18")" \
    "$(q "$db" 'SELECT count(*) FROM flows WHERE capture_id = 2')"
# version 4: no settings recorded before; the options as given stand in
expect "old capture settings" "$(q "$db" "SELECT quote(settings) FROM captures WHERE id = 1")" NULL
# opening again: nothing to do; the old capture (same file, same options) is found
"$FLOWSTORE" -d "$db" "$FIX/refused.pcap" 2>"$T/err" || fail "third import"
grep -q "refused.pcap: already stored as capture 1 " "$T/err" || fail "old capture: $(cat "$T/err")"
expect "version again" "$(q "$db" 'PRAGMA user_version')" $SCHEMA_VERSION
# with other options it is another run
"$FLOWSTORE" -q -d "$db" --tcp-timeout 10s "$FIX/refused.pcap" || fail "other options"
expect "another run" "$(q "$db" "SELECT count(*) FROM captures WHERE sha256 = '$sha'")" 2
expect "old row service" "$(q "$db" "SELECT quote(service) FROM flows WHERE capture_id = 1")" NULL

# a version 6 database (no service column) gets it, NULL in its rows
"$FLOWSTORE" -q -d "$T/v6.db" "$FIX/reset.pcap" || fail "v6 base"
"$SQLITE3" "$T/v6.db" 'DROP VIEW conn; ALTER TABLE flows DROP COLUMN service;
        PRAGMA user_version = 6' ||
    fail "making a version 6 database"
"$FLOWSTORE" -q -d "$T/v6.db" "$FIX/refused.pcap" || fail "migrating version 6"
expect "v6 migrated" "$(q "$T/v6.db" 'PRAGMA user_version')" $SCHEMA_VERSION
expect "v6 old rows" "$(q "$T/v6.db" 'SELECT count(*) FROM flows WHERE capture_id = 1 AND service IS NULL')" \
    "$(q "$T/v6.db" 'SELECT count(*) FROM flows WHERE capture_id = 1')"
expect "v6 conn view" "$(q "$T/v6.db" "SELECT count(service IS NULL) FROM conn")" \
    "$(q "$T/v6.db" 'SELECT count(*) FROM flows')"

# a new database: the same columns in the same order as the migrated one
"$FLOWSTORE" -q -d "$T/new.db" "$FIX/reset.pcap" || fail "new database"
for t in captures capture_files flows events; do
    cols="SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' || quote(dflt_value), ',')
          FROM pragma_table_info('$t')"
    expect "$t columns" "$(q "$T/new.db" "$cols")" "$(q "$db" "$cols")"
done
exit 0
