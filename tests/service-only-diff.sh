#!/bin/sh
# service-only-diff.sh OLD NEW - compares two outputs of the same capture
# with the service column left out, and prints every other difference:
# a Zeek TSV conn.log (the column named service in #fields), a CSV event
# file (zeek_service), or JSON Lines (the key zeek_service or service).
# Exit 0 when there is none, 1 otherwise, 2 on a usage error. Shows that
# naming services changed nothing but that column (tests/service.sh, and
# by hand on old/new goldens).
[ $# -eq 2 ] || { echo "usage: service-only-diff.sh OLD NEW" >&2; exit 2; }
exec python3 - "$1" "$2" <<'PY'
import csv, difflib, io, json, sys

def rows(path):
    text = open(path, newline="").read()
    lines = text.splitlines(keepends=False)
    if lines and lines[0].startswith("#separator"):
        col = None
        out = []
        for ln in lines:
            if ln.startswith("#fields\t"):
                col = ln.split("\t").index("service") - 1
            if ln.startswith("#") or col is None:
                out.append(ln.replace("\tservice\t", "\t", 1) if ln.startswith("#fields") else ln)
                continue
            f = ln.split("\t")
            del f[col]
            out.append("\t".join(f))
        return out
    if lines and lines[0].startswith("{"):
        out = []
        for ln in lines:
            o = json.loads(ln)
            o.pop("zeek_service", None)
            o.pop("service", None)
            out.append(json.dumps(o, sort_keys=True))
        return out
    r = list(csv.reader(io.StringIO(text)))
    if not r:
        return []
    col = r[0].index("zeek_service") if "zeek_service" in r[0] else None
    out = []
    for f in r:
        if col is not None and col < len(f):
            del f[col]
        out.append(",".join(f))
    return out

a, b = rows(sys.argv[1]), rows(sys.argv[2])
d = list(difflib.unified_diff(a, b, sys.argv[1], sys.argv[2], lineterm="", n=0))
for ln in d:
    print(ln)
sys.exit(1 if d else 0)
PY
