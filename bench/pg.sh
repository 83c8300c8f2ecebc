#!/bin/bash
# bench/pg.sh - flowstore into PostgreSQL against flowstore into SQLite,
# as ratios measured in one alternating run (the machine may be shared):
#   * the 1M-flow capture into a fresh database, PostgreSQL (a throwaway
#     local cluster on a Unix socket) then SQLite, REPEAT times each,
#     alternating; medians and their ratio;
#   * four 100k-flow captures with -j 1 and -j 2, both backends,
#     alternating; the speed-up of -j 2;
#   * database bytes per flow on both (PostgreSQL: the database's growth
#     over an empty flowstore database; SQLite: the file).
# Called by bench/run.sh; alone: bench/pg.sh [-d DIR] [-r REPEAT] [-s].
# Skips (says so, exit 0) where no PostgreSQL server binaries exist.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${top_builddir:-$(cd "$here/.." && pwd)}
dir=/tmp/flowkit-bench repeat=3 scale=1
while getopts "d:r:s" o; do
    case $o in d) dir=$OPTARG ;; r) repeat=$OPTARG ;; s) scale=10 ;; *) exit 2 ;; esac
done
T=$top/tools
pgbin=
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pgbin=$d; done
[ -n "$pgbin" ] || { echo "bench pg: no PostgreSQL server binaries; skipped"; exit 0; }
mkdir -p "$dir"
big=$dir/flows-1m.pcap
nbig=$((1000000 / scale)) nsmall=$((100000 / scale))
[ -s "$big" ] || "$T/flowgen/flowgen" --flows $nbig --seed 1 -o "$big"
smalls=()
for s in 1 2 3 4; do
    f=$dir/flows-j$s.pcap
    [ -s "$f" ] || "$T/flowgen/flowgen" --flows $nsmall --seed $((s + 100)) -o "$f"
    smalls+=("$f")
done
cat "$big" "${smalls[@]}" >/dev/null # warm the page cache

# the cluster: as the postgres user when root (initdb refuses root).
# Default durability (fsync on); a larger WAL so that a 1M-flow load is
# not measured with checkpoints forced by max_wal_size's default 1 GB.
pgtop=$(mktemp -d /tmp/fkpg-bench.XXXXXX)
if [ "$(id -u)" = 0 ]; then
    chown postgres "$pgtop"; as_pg() { runuser -u postgres -- "$@"; }; user=postgres
else
    as_pg() { "$@"; }; user=$(id -un)
fi
trap 'as_pg "$pgbin/pg_ctl" -D "$pgtop/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$pgtop"' EXIT
as_pg "$pgbin/initdb" -D "$pgtop/data" -U "$user" -A trust -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgtop/data" -l "$pgtop/log" -w \
    -o "-k $pgtop -c listen_addresses= -c max_wal_size=4GB -c shared_buffers=256MB" start >/dev/null
psql() { "$pgbin/psql" -X -q -A -t -h "$pgtop" -U "$user" "$@"; }
conn="host=$pgtop user=$user dbname=bench"
fresh_pg() { psql -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"; }

secs() { # secs CMD...: wall seconds of one run
    /usr/bin/time -o "$dir/pgtime.out" -f '%e' "$@" >/dev/null 2>&1 || echo "bench pg: failed: $*" >&2
    tail -1 "$dir/pgtime.out"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

pg1=() sq1=() pgj1=() pgj2=() sqj1=() sqj2=()
for ((i = 0; i < repeat; i++)); do
    fresh_pg
    pg1+=("$(secs "$T/flowstore/flowstore" -q -d "$conn" "$big")")
    rm -f "$dir/pgbench.db"*
    sq1+=("$(secs "$T/flowstore/flowstore" -q -d "$dir/pgbench.db" "$big")")
    fresh_pg
    pgj1+=("$(secs "$T/flowstore/flowstore" -q -j 1 -d "$conn" "${smalls[@]}")")
    fresh_pg
    pgj2+=("$(secs "$T/flowstore/flowstore" -q -j 2 -d "$conn" "${smalls[@]}")")
    rm -f "$dir/pgbench.db"*
    sqj1+=("$(secs "$T/flowstore/flowstore" -q -j 1 -d "$dir/pgbench.db" "${smalls[@]}")")
    rm -f "$dir/pgbench.db"*
    sqj2+=("$(secs "$T/flowstore/flowstore" -q -j 2 -d "$dir/pgbench.db" "${smalls[@]}")")
done
# bytes per flow, from one more load of the big capture each
fresh_pg
"$T/flowstore/flowstore" -q -d "$conn" "$dir/flows-j1.pcap" >/dev/null 2>&1 # creates the schema
psql -d bench -c "TRUNCATE captures; DROP TABLE IF EXISTS $(psql -d bench -c \
    "SELECT string_agg(c.relname, ', ') FROM pg_inherits JOIN pg_class AS c ON c.oid = inhrelid
     WHERE inhparent = 'flows'::regclass")" -c "VACUUM FULL"
empty=$(psql -d bench -c "SELECT pg_database_size('bench')")
"$T/flowstore/flowstore" -q -d "$conn" "$big"
psql -d bench -c "CHECKPOINT" -c "VACUUM ANALYZE"
pgbytes=$(($(psql -d bench -c "SELECT pg_database_size('bench')") - empty))
pgflows=$(psql -d bench -c "SELECT count(*) FROM flows")
rm -f "$dir/pgbench.db"*
"$T/flowstore/flowstore" -q -d "$dir/pgbench.db" "$big"
sqbytes=$(stat -c %s "$dir/pgbench.db")
rm -f "$dir/pgbench.db"*

r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
m_pg=$(median "${pg1[@]}") m_sq=$(median "${sq1[@]}")
echo "flowstore $nbig flows into PostgreSQL (local): $m_pg s; into SQLite: $m_sq s;" \
    "SQLite/PostgreSQL time $(r "$m_sq" "$m_pg") (runs: pg ${pg1[*]}; sqlite ${sq1[*]})"
echo "flowstore 4 x $nsmall flows, -j 2 speed-up over -j 1: PostgreSQL" \
    "$(r "$(median "${pgj1[@]}")" "$(median "${pgj2[@]}")")x ($(median "${pgj1[@]}") s ->" \
    "$(median "${pgj2[@]}") s), SQLite $(r "$(median "${sqj1[@]}")" "$(median "${sqj2[@]}")")x" \
    "($(median "${sqj1[@]}") s -> $(median "${sqj2[@]}") s)"
echo "database bytes per flow: PostgreSQL $((pgbytes / pgflows)), SQLite $((sqbytes / nbig))"
