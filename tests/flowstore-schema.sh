#!/bin/sh
# flowstore-schema.sh - schema version and identity: a new database and
# an empty (version 0) SQLite database get schema 3; a newer schema, a
# database with other programs' tables and a file that is not SQLite are
# refused without being modified.
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

tables="SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master
        WHERE type IN ('table', 'view') ORDER BY name)"

# a path that does not exist yet
db=$T/new.db
"$FLOWSTORE" -q -d "$db" "$FIX/reset.pcap" || fail "new database"
expect "user_version" "$(q "$db" 'PRAGMA user_version')" 3
expect "application_id" "$(q "$db" 'PRAGMA application_id')" $((0x666b7374))
expect "journal_mode" "$(q "$db" 'PRAGMA journal_mode')" wal
expect "tables" "$(q "$db" "$tables")" "captures,conn,events,flows"
expect "indexes" "$(q "$db" "SELECT count(*) FROM sqlite_master WHERE type = 'index'
                              AND tbl_name = 'flows' AND sql IS NOT NULL")" 5
# opening it again changes nothing in the schema
"$FLOWSTORE" -q -d "$db" "$FIX/refused.pcap" || fail "second import"
expect "user_version again" "$(q "$db" 'PRAGMA user_version')" 3
expect "captures" "$(q "$db" 'SELECT count(*) FROM captures')" 2

# an empty SQLite database (user_version 0, no tables) is migrated
db=$T/v0.db
"$SQLITE3" "$db" 'CREATE TABLE x (a); DROP TABLE x;' || fail "sqlite3"
expect "v0 before" "$(q "$db" 'PRAGMA user_version')" 0
"$FLOWSTORE" -q -d "$db" "$FIX/reset.pcap" || fail "v0 database"
expect "v0 migrated" "$(q "$db" 'PRAGMA user_version')" 3
expect "v0 tables" "$(q "$db" "$tables")" "captures,conn,events,flows"
expect "v0 flows" "$(q "$db" 'SELECT count(*) FROM flows')" 1

# an empty file is an empty database too
: >"$T/zero.db"
"$FLOWSTORE" -q -d "$T/zero.db" "$FIX/reset.pcap" || fail "empty file"

# refused cases: status 1, one clear line, the file unchanged
refused() { # refused NAME DB MESSAGE
    cksum <"$2" >"$T/before"
    "$FLOWSTORE" -q -d "$2" "$FIX/reset.pcap" 2>"$T/err"
    expect "$1: status" $? 1
    grep -q -- "$3" "$T/err" || fail "$1: message: $(cat "$T/err")"
    cksum <"$2" | cmp -s - "$T/before" || fail "$1: the database file was modified"
}

db=$T/newer.db
"$FLOWSTORE" -q -d "$db" "$FIX/reset.pcap" || fail "store"
"$SQLITE3" "$db" 'PRAGMA user_version = 4' || fail "sqlite3"
refused newer "$db" "database schema version 4 is newer than this flowstore supports (3)"

db=$T/foreign.db
"$SQLITE3" "$db" "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
                  INSERT INTO customers VALUES (1, 'x');" || fail "sqlite3"
refused foreign "$db" "^flowstore: $db: not a flowkit database (has tables but no flowkit schema)$"
expect "foreign: data intact" "$(q "$db" 'SELECT name FROM customers')" x

printf 'this is not a database, just some text long enough to have a header.\n' >"$T/text.db"
i=0
while [ $i -lt 10 ]; do cat "$T/text.db" "$T/text.db" >"$T/t2" && mv "$T/t2" "$T/text.db"; i=$((i + 1)); done
refused not-sqlite "$T/text.db" "$T/text.db: file is not a database"
exit 0
