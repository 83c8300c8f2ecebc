#!/bin/sh
# flowstore-errors.sh - error words that match the cause, one line each,
# status 1: a database in a missing directory, in a directory that is not
# a directory, in a read-only directory (new, and existing: WAL needs
# files beside it), and a pipe or process substitution given as a
# capture (flowstore reads a capture twice: its SHA-256, the replay).
. "$top_srcdir/tests/flowstore-common.sh"
need_sqlite3

# one_line NAME PATTERN: the error file holds exactly one line, matching
one_line() {
    expect "$1: lines" "$(wc -l <"$T/err" | tr -d ' ')" 1
    grep -q -- "$2" "$T/err" || fail "$1: $(cat "$T/err")"
}

"$FLOWSTORE" -q -d "$T/no/such/dir/x.db" "$FIX/reset.pcap" 2>"$T/err"
expect "missing dir: status" $? 1
one_line "missing dir" \
    "^flowstore: $T/no/such/dir/x.db: cannot create the database: directory $T/no/such/dir: No such file or directory$"
[ -e "$T/no" ] && fail "missing dir: something was created"

: >"$T/plain"
"$FLOWSTORE" -q -d "$T/plain/x.db" "$FIX/reset.pcap" 2>"$T/err"
expect "not a dir: status" $? 1
one_line "not a dir" "^flowstore: $T/plain/x.db: cannot create the database: $T/plain is not a directory$"

# A FIFO given as a capture, as bash's <(zcat f.gz) gives one
mkfifo "$T/fifo" || skip "no mkfifo"
cat "$FIX/reset.pcap" >"$T/fifo" &
BG_PIDS="$BG_PIDS $!"
"$FLOWSTORE" -q -d "$T/p.db" "$T/fifo" "$FIX/refused.pcap" 2>"$T/err"
expect "pipe: status" $? 1
one_line "pipe" "^flowstore: $T/fifo: a pipe (or process substitution), not a file: .*save it to a file first$"
expect "pipe: the file after it stored" "$(q "$T/p.db" 'SELECT count(*) FROM captures')" 1
"$FLOWSTORE" -q -d "$T/p.db" --merge "$T/fifo" "$FIX/reset.pcap" 2>"$T/err"
expect "pipe in a set: status" $? 1
one_line "pipe in a set" "^flowstore: $T/fifo: a pipe (or process substitution), not a file"
kill $BG_PIDS 2>/dev/null
# and through bash's process substitution, where there is bash
if command -v bash >/dev/null; then
    FLOWSTORE=$FLOWSTORE FIX=$FIX T=$T bash -c \
        '"$FLOWSTORE" -q -d "$T/p.db" <(cat "$FIX/reset.pcap")' 2>"$T/err"
    expect "<(): status" $? 1
    one_line "<()" "^flowstore: /dev/fd/[0-9]*: a pipe (or process substitution), not a file"
fi

# Permissions: as root they do not apply, so the read-only directory is
# tried as an unprivileged user when root can become one.
RUN=
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || { echo "no setpriv: read-only directory not tried"; exit 0; }
    RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod 755 "$T"
    # the unprivileged user must reach the tools and fixtures
    $RUN test -x "$FLOWSTORE" -a -r "$FIX/reset.pcap" ||
        { echo "tools not readable by nobody: read-only directory not tried"; exit 0; }
fi
mkdir "$T/ro" && chmod 555 "$T/ro"
$RUN "$FLOWSTORE" -q -d "$T/ro/x.db" "$FIX/reset.pcap" 2>"$T/err"
expect "read-only dir: status" $? 1
one_line "read-only dir" \
    "^flowstore: $T/ro/x.db: cannot create the database: directory $T/ro is not writable (Permission denied)$"
# an existing database the user may write, in a directory it may not
mkdir "$T/ro2"
"$FLOWSTORE" -q -d "$T/ro2/x.db" "$FIX/reset.pcap" || fail "ro2: store"
chmod 666 "$T/ro2/x.db" && chmod 555 "$T/ro2"
$RUN "$FLOWSTORE" -q -d "$T/ro2/x.db" "$FIX/refused.pcap" 2>"$T/err"
expect "read-only dir, db writable: status" $? 1
one_line "read-only dir, db writable" \
    "^flowstore: $T/ro2/x.db: cannot write the database: directory $T/ro2 is not writable (Permission denied)"
chmod 755 "$T/ro" "$T/ro2"
exit 0
