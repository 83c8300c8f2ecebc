#!/bin/sh
# zeek-agreement.sh - our Zeek-compatible records against Zeek's own
# conn.log for every capture of shared/zeek-conn/train; fails when a
# field's agreement drops below tests/data/zeek-agreement.ratchet.
# Prints the per-field figures and every disagreement (-v).
BUILD=${top_builddir:-.}
SRC=${top_srcdir:-.}
exec "$BUILD/tests/zeek-agreement" -v --ratchet "$SRC/tests/data/zeek-agreement.ratchet"
