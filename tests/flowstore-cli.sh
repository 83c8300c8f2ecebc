#!/bin/sh
# flowstore-cli.sh - version, help, usage errors, the default database
# name, standard input refused.
. "$top_srcdir/tests/flowstore-common.sh"

expect "--version" "$("$FLOWSTORE" --version)" "flowstore (flowkit) 0.1.0"
"$FLOWSTORE" --help >"$T/help" || fail "--help exit status"
for opt in --database --events --replace --tcp-timeout --no-flush --filter --sha256; do
    grep -q -- "$opt" "$T/help" || fail "--help does not mention $opt"
done
grep -q '^\.TH FLOWSTORE 1' "$top_srcdir/tools/flowstore/flowstore.1" || fail "man page"

# usage errors: exit 2, nothing created
cd "$T" || fail "cd"
"$FLOWSTORE" 2>"$T/err"; expect "no file: status" $? 2
grep -q "no capture file given" "$T/err" || fail "no file: message"
"$FLOWSTORE" --bogus "$FIX/reset.pcap" 2>/dev/null; expect "bad option: status" $? 2
"$FLOWSTORE" --tcp-timeout soon "$FIX/reset.pcap" 2>"$T/err"; expect "bad duration" $? 2
grep -q "tcp-timeout" "$T/err" || fail "bad duration: message"
[ ! -e "$T/flows.db" ] || fail "a usage error created flows.db"

# default database: flows.db in the current directory
"$FLOWSTORE" -q "$FIX/reset.pcap" || fail "store into the default database"
[ -s "$T/flows.db" ] || fail "flows.db not created"

# standard input cannot be hashed before the import: refused, status 1
"$FLOWSTORE" -q -d "$T/x.db" - <"$FIX/reset.pcap" 2>"$T/err"; expect "stdin: status" $? 1
grep -q "standard input cannot be stored" "$T/err" || fail "stdin: message"

# the summary and per-file lines go to stderr, nothing to stdout
"$FLOWSTORE" -d "$T/y.db" "$FIX/refused.pcap" >"$T/out" 2>"$T/err" || fail "store"
[ ! -s "$T/out" ] || fail "output on stdout"
grep -q "refused.pcap: stored as capture 1, 1 flows" "$T/err" || fail "per-file line"
grep -q "^flowstore: 2 packets" "$T/err" || fail "summary line"
grep -q "1 captures stored (1 flows), 0 already stored, 0 failed" "$T/err" || fail "tally"

# -v: when the replay starts, and the phase times once stored (with -q too)
"$FLOWSTORE" -q -v -d "$T/v.db" "$FIX/refused.pcap" 2>"$T/err" || fail "store -v"
grep -q "refused.pcap: storing as capture 1" "$T/err" || fail "-v: start line"
grep -Eq "refused.pcap: replay and insert [0-9.]+ s, indexes [0-9.]+ s, commit [0-9.]+ s$" \
    "$T/err" || fail "-v: phase times"
exit 0
