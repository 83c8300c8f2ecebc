/* flowcore.h - everything a program needs from libflowcore.
 *
 *   fc_tracker.h  the flow tracker (track, sweep, flush, lookups)
 *   fc_event.h    events and per-flow statistics
 *   fc_decode.h   frame decoding, link types, TCP flags
 *   fc_key.h      bidirectional five-tuple keys, address formatting
 *   fc_tcp.h      TCP states;  fc_history.h  the history string
 *   fc_time.h     integer-nanosecond time;  fc_error.h  result codes
 *   fc_source.h   reading (and merging) capture files
 *   fc_replay.h   driving a tracker from sources in packet time
 *   fc_writer.h   event writers (CSV, JSON Lines) */
#ifndef FLOWCORE_H
#define FLOWCORE_H

#include "fc_error.h"
#include "fc_time.h"
#include "fc_key.h"
#include "fc_decode.h"
#include "fc_tcp.h"
#include "fc_history.h"
#include "fc_event.h"
#include "fc_tracker.h"

#define FC_VERSION "0.1.0"

#endif
