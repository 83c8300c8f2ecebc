#!/bin/sh
# flowstore-sha256.sh - the SHA-256 flowstore records, on the FIPS 180-4
# example vectors and on every length around the block boundaries, with
# the SHA-NI code (when the CPU has it) and the portable code.
. "$top_srcdir/tests/flowstore-common.sh"

printf '' >"$T/empty"
printf 'abc' >"$T/abc"
printf 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq' >"$T/two-blocks"
awk 'BEGIN { s = "aaaaaaaaaa"; for (i = 0; i < 100000; i++) printf "%s", s }' >"$T/million"
cat >"$T/vectors" <<'V'
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty
ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc
248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1  two-blocks
cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0  million
V

for portable in "" 1; do
    cd "$T" || fail cd
    FLOWSTORE_SHA256_PORTABLE=$portable "$FLOWSTORE" --sha256 empty abc two-blocks million \
        >"$T/got" || fail "--sha256 status (portable='$portable')"
    diff -u "$T/vectors" "$T/got" || fail "FIPS vectors (portable='$portable')"
done

# lengths 0..200: both implementations agree, and with sha256sum if any
i=0
set --
while [ $i -le 200 ]; do
    awk -v n=$i 'BEGIN { for (j = 0; j < n; j++) printf "%c", 33 + (j * 7) % 90 }' >"$T/len$i"
    set -- "$@" "len$i"
    i=$((i + 1))
done
"$FLOWSTORE" --sha256 "$@" >"$T/fast" || fail "--sha256 lengths"
FLOWSTORE_SHA256_PORTABLE=1 "$FLOWSTORE" --sha256 "$@" >"$T/portable" || fail "portable"
diff -u "$T/portable" "$T/fast" || fail "SHA-NI and portable code differ"
if command -v sha256sum >/dev/null; then
    sha256sum "$@" >"$T/ref"
    diff -u "$T/ref" "$T/fast" || fail "differs from sha256sum"
fi

# a missing file: one line, status 1
"$FLOWSTORE" --sha256 "$T/nope" >/dev/null 2>"$T/err"; expect "missing file" $? 1
expect "missing file: lines" "$(wc -l <"$T/err" | tr -d ' ')" 1

# what is stored is the file's digest
need_sqlite3
"$FLOWSTORE" -q -d "$T/db" "$FIX/reset.pcap" || fail "store"
want=$("$FLOWSTORE" --sha256 "$FIX/reset.pcap" | cut -d' ' -f1)
expect "captures.sha256" "$(q "$T/db" 'SELECT sha256 FROM captures')" "$want"

# A file is hashed while its indexes are built, unless a capture of its
# size is stored: then first, to look for a duplicate. Either way the
# digest recorded is the file's, and a same-size file with other bytes
# is a capture of its own.
"$FLOWGEN" --flows 300 --seed 9 -o "$T/a.pcap" || fail flowgen
cp "$T/a.pcap" "$T/b.pcap"
size=$(wc -c <"$T/a.pcap" | tr -d ' ')
for byte in X Y; do
    cmp -s "$T/a.pcap" "$T/b.pcap" || break
    printf '%s' $byte | dd of="$T/b.pcap" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
done
cmp -s "$T/a.pcap" "$T/b.pcap" && fail "b.pcap is still a.pcap"
"$FLOWSTORE" -v -d "$T/db2" "$T/a.pcap" "$T/b.pcap" 2>"$T/err" || fail "same size: status"
for f in a b; do
    want=$("$FLOWSTORE" --sha256 "$T/$f.pcap" | cut -d' ' -f1)
    expect "$f: sha256" "$(q "$T/db2" "SELECT sha256 FROM captures WHERE path = '$T/$f.pcap'")" \
        "$want"
    expect "$f: size" "$(q "$T/db2" "SELECT size FROM captures WHERE path = '$T/$f.pcap'")" \
        "$size"
    grep -q "$f.pcap: sha256 $want" "$T/err" || fail "$f: -v does not give the digest"
done
"$FLOWSTORE" -d "$T/db2" "$T/b.pcap" 2>"$T/err" || fail "b again: status"
grep -q "b.pcap: already stored as capture 2" "$T/err" || fail "b again: $(cat "$T/err")"
exit 0
