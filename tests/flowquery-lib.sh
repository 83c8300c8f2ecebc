# flowquery-lib.sh - sourced by the tests/flowquery-*.sh scripts: what
# tests/flowstore-common.sh gives, the flowquery binary, and expected
# answers computed without flowkit (tshark's packet fields and awk).
. "$top_srcdir/tests/flowstore-common.sh"
FLOWQUERY=$top_builddir/tools/flowquery/flowquery
# the named queries of this tree, whatever is installed elsewhere
FLOWKIT_SQLDIR=$top_srcdir/sql/queries
export FLOWKIT_SQLDIR

need_tshark() {
    TSHARK=$(command -v tshark) || skip "no tshark"
}

# tshark_conv FILE...: the conversations of the captures as tshark's
# packet fields give them, one line each:
# proto,a,port_a,b,port_b,packets_a_to_b,bytes_a_to_b,packets_b_to_a,bytes_b_to_a
# A is the sender of a pair's first packet; ICMP has port 0; bytes are
# frame lengths. Only plain IPv4/IPv6 over TCP, UDP, ICMP (the captures
# used have nothing else).
tshark_conv() {
    for f in "$@"; do
        "$TSHARK" -r "$f" -T fields -E separator=/t -E occurrence=f \
            -e frame.len -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e ip.proto -e ipv6.nxt \
            -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport 2>/dev/null ||
            fail "tshark -r $f"
    done | awk -F'\t' '
    BEGIN { name[6] = "tcp"; name[17] = "udp"; name[1] = "icmp"; name[58] = "icmp6" }
    {
        src = $2 != "" ? $2 : $3; dst = $4 != "" ? $4 : $5
        p = $6 != "" ? $6 : $7
        if (!(p in name)) next
        sp = $8 != "" ? $8 : ($10 != "" ? $10 : 0)
        dp = $9 != "" ? $9 : ($11 != "" ? $11 : 0)
        fwd = name[p] "," src "," sp "," dst "," dp
        rev = name[p] "," dst "," dp "," src "," sp
        if (fwd in ab) { ab[fwd]++; abb[fwd] += $1 }
        else if (rev in ab) { ba[rev]++; bab[rev] += $1 }
        else { ab[fwd] = 1; abb[fwd] = $1; ba[fwd] = 0; bab[fwd] = 0 }
    }
    END { for (k in ab) print k "," ab[k] "," abb[k] "," ba[k] "," bab[k] }' | sort
}

# fq_csv QUERY ARGS...: flowquery's CSV rows without the header line.
# --ignore-checksums (as zeek -C): the loopback captures have offloaded
# checksums and those written here none, so that Zeek's conn_state
# describes the handshakes, not the checksums.
fq_csv() {
    q=$1
    shift
    "$FLOWQUERY" --ignore-checksums --format csv "$q" "$@" >"$T/fq.out" || fail "flowquery $q $* failed"
    tail -n +2 "$T/fq.out"
}

# same WHAT EXPECTED_FILE GOT_FILE: the two must be equal.
same() {
    if ! diff -u "$2" "$3" >"$T/diff.out"; then
        cat "$T/diff.out" >&2
        fail "$1: flowquery's answer differs from the one computed without it"
    fi
    [ -s "$2" ] || fail "$1: empty expectation (the check would prove nothing)"
}
