#!/bin/sh
# A capture operand is replayed through flowreplay ($FLOWREPLAY here: a
# stand-in script) with the replay options passed through.
. "${top_srcdir:-$(dirname "$0")/..}/tests/flowdiff-common.sh"

printf '\324\303\262\241fake capture\n' >"$T/in.pcap"
printf '\n\r\r\nfake pcapng\n' >"$T/in.pcapng"
cat >"$T/fake-replay" <<FAKE
#!/bin/sh
printf '%s\n' "\$@" >>"$T/args"
case "\$*" in *fail*) exit 3 ;; esac
cat "$DATA/base.csv"
FAKE
chmod +x "$T/fake-replay"

FLOWREPLAY=$T/fake-replay
export FLOWREPLAY
run --tcp-timeout 30s --max-flows 100 -f "tcp port 80" --no-flush --events all \
    "$T/in.pcap" "$DATA/base.jsonl"
expect_rc 0 "replayed capture equals jsonl"
want=$(printf '%s\n' --tcp-timeout 30s --max-flows 100 -f "tcp port 80" --no-flush \
    --events all --format csv -q -o - "$T/in.pcap")
[ "$(cat "$T/args")" = "$want" ] || { fail "flowreplay arguments"; cat "$T/args"; }

# options that contradict the file compared: one line, status 2, no replay
: >"$T/args"
run --events lifecycle "$T/in.pcap" "$DATA/base.jsonl"
expect_rc 2 "--events lifecycle against a file with packet events"
expect_err "base.jsonl was made with --events all; --events lifecycle given" "events message"
[ -s "$T/args" ] && fail "replayed although refused"

: >"$T/args"
run "$T/in.pcapng" - <"$T/in.pcap"
expect_rc 0 "pcapng file and pcap on stdin"
[ "$(grep -c -- '--format' "$T/args")" -eq 2 ] || fail "two replays expected"

run -f fail "$T/in.pcap" "$DATA/base.csv"
expect_rc 2 "flowreplay fails"
expect_err "flowreplay failed on $T/in.pcap (exit status 3)" "failure message"

FLOWREPLAY=$T/does-not-exist
run "$T/in.pcap" "$DATA/base.csv"
expect_rc 2 "flowreplay missing"
expect_err "cannot run" "missing message"
unset FLOWREPLAY
finish
