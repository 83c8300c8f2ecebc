/* flowcore.h - everything a program needs from libflowcore: every
 * installed header, so one include is enough.
 *
 *   fc_tracker.h  the flow tracker (track, sweep, flush, lookups)
 *   fc_event.h    events and per-flow statistics
 *   fc_decode.h   frame decoding, link types, TCP flags
 *   fc_key.h      bidirectional five-tuple keys, address formatting
 *   fc_tcp.h      TCP states;  fc_history.h  the history string
 *   fc_time.h     integer-nanosecond time;  fc_timefmt.h  ISO 8601 times
 *   fc_error.h    result codes
 *   fc_source.h   reading (and merging) capture files
 *   fc_replay.h   driving a tracker (or Zeek's table) from sources in
 *                 packet time
 *   fc_writer.h   event writers (CSV, JSON Lines)
 *   fc_zeek.h     Zeek-compatible connection records and conn.log rows
 *   fc_service.h  service detection (nDPI) as Zeek names services
 *   fc_version.h  FC_VERSION, the version these headers belong to
 *   fc_export.h   FC_API, which marks the exported functions
 *
 * tests/abi-symbols.sh compiles a program that includes only this file
 * and refers to every exported function. */
#ifndef FLOWCORE_H
#define FLOWCORE_H

#include "fc_decode.h"
#include "fc_error.h"
#include "fc_event.h"
#include "fc_export.h"
#include "fc_history.h"
#include "fc_key.h"
#include "fc_replay.h"
#include "fc_service.h"
#include "fc_source.h"
#include "fc_tcp.h"
#include "fc_time.h"
#include "fc_timefmt.h"
#include "fc_tracker.h"
#include "fc_version.h"
#include "fc_writer.h"
#include "fc_zeek.h"

#endif
