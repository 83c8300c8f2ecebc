# pg-common.sh - sourced by the PostgreSQL tests after flowstore-common.sh:
# starts a throwaway PostgreSQL cluster in a temporary directory (Unix
# socket only, no TCP), stops it and removes it on exit. As root (CI)
# the cluster runs as the postgres user, which initdb requires.
#
# Sets PGBIN, PGSOCK (socket directory), PGCONN (a conninfo string for
# database "flows"), PGURI (the same as a URI) and psql_q DB SQL.
# Skips (77) only where no PostgreSQL server binaries are installed.

PGBIN=${FLOWKIT_PGBIN:-}
if [ -z "$PGBIN" ]; then
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && PGBIN=$d
    done
fi
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] ||
    skip "no PostgreSQL server binaries (initdb, pg_ctl)"
PSQL=$PGBIN/psql
[ -x "$PSQL" ] || PSQL=$(command -v psql) || skip "no psql"

# Its own directory (not $T: the server user must own it); under /tmp
# as root, where the postgres user can reach it whatever TMPDIR is.
if [ "$(id -u)" = 0 ]; then
    PGTOP=$(mktemp -d /tmp/fkpg.XXXXXX) || exit 99
else
    PGTOP=$(mktemp -d "${TMPDIR:-/tmp}/fkpg.XXXXXX") || exit 99
fi
PGSOCK=$PGTOP
PGDATA_DIR=$PGTOP/data
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || skip "running as root without a postgres user"
    chown postgres "$PGTOP"
    chmod 755 "$PGTOP"
    as_pg() { runuser -u postgres -- "$@"; }
    PGUSER_NAME=postgres
else
    as_pg() { "$@"; }
    PGUSER_NAME=$(id -un)
fi

pg_stop() {
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$PGTOP"
}
trap 'pg_stop; cleanup' EXIT

pg_start() {
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGTOP/log" -w -t 60 \
        -o "-k $PGSOCK -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || fail "pg_ctl start: $(tail -5 "$PGTOP/log")"
}

as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U "$PGUSER_NAME" -A trust -E UTF8 --locale=C \
    --no-sync >"$PGTOP/initdb.log" 2>&1 || fail "initdb: $(tail -5 "$PGTOP/initdb.log")"
# a user that must give a password, for the authentication test
{
    echo "local all pwuser scram-sha-256"
    echo "local all all trust"
} >"$PGTOP/hba" && as_pg cp "$PGTOP/hba" "$PGDATA_DIR/pg_hba.conf" || fail "pg_hba.conf"
pg_start

PGCONN="host=$PGSOCK user=$PGUSER_NAME dbname=flows"
PGURI="postgresql:///flows?host=$PGSOCK&user=$PGUSER_NAME"
# psql_q DB SQL: one query in database DB, '|'-separated rows, no headers
psql_q() {
    "$PSQL" -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -h "$PGSOCK" -U "$PGUSER_NAME" -d "$1" -c "$2"
}
psql_q postgres "CREATE DATABASE flows" >/dev/null || fail "CREATE DATABASE flows"
