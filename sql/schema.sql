-- flowstore database schema, version 7 (PRAGMA user_version = 7).
--
-- Compiled into flowstore; this file creates the current schema in an
-- empty database. Older databases are brought up to date by the steps in
-- tools/flowstore_db.c, never by editing this file's history.
-- Version 2 added the Zeek columns of flows (zeek_history .. zeek_resp_pkts);
-- rows stored by version 1 have NULL there.
-- Version 3 added captures.status and captures.error (damaged captures
-- kept up to the damage); captures stored before are 'complete'.
-- Version 4 made the replay settings part of a capture's identity:
-- captures.settings, unique with sha256 (was: sha256 alone); captures
-- stored before have NULL there and are matched by their options.
-- Version 5 added capture sets (flowstore --merge): captures.kind and
-- the table capture_files.
-- Version 6 added flows.uid, the connection's uid as flowreplay's
-- conn.log gives it; NULL in rows stored before.
-- Version 7 added flows.service (Zeek's service column, from nDPI).
-- Times are integer nanoseconds since the Unix epoch (UTC); addresses are
-- text in standard notation (dotted quad, RFC 5952 IPv6).

-- One row per stored capture: a file replayed with given settings (the
-- same file stored with other settings is another row, another run).
CREATE TABLE captures (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,            -- as given on the command line
    size         INTEGER NOT NULL,         -- bytes
    sha256       TEXT NOT NULL,            -- of the file's bytes, lower-case hex
    linktype     INTEGER NOT NULL,         -- DLT/LINKTYPE number
    first_ns     INTEGER,                  -- first packet time; NULL if none
    last_ns      INTEGER,                  -- last packet time; NULL if none
    packets      INTEGER NOT NULL,         -- records read (after the filter)
    flows        INTEGER NOT NULL,         -- rows in flows for this capture
    imported_at  TEXT NOT NULL,            -- wall clock, ISO 8601 UTC
    tool_version TEXT NOT NULL,            -- "flowstore 0.1.0"
    options      TEXT NOT NULL,            -- replay options as given ("" = defaults)
    -- 'complete': read to its end; 'truncated': damaged, its flows are
    -- those read before the damage (ended there with reason eof) and
    -- packets counts the records read before it
    status       TEXT NOT NULL DEFAULT 'complete',
    error        TEXT,                     -- the read error, as flowstore printed it
    -- the effective replay settings, canonical (tools/flowstore_settings.c);
    -- NULL in captures stored before version 4
    settings     TEXT,
    -- 'file': one file replayed alone; 'set': several files replayed as
    -- one merged stream (flowstore --merge), each in capture_files. A
    -- set's sha256 is that of its files' hex digests in the order given,
    -- each followed by a newline; its path "FIRST .. LAST (N files)", its
    -- size, packets and time range those of all its files.
    kind         TEXT NOT NULL DEFAULT 'file'
);
-- A capture's identity: its bytes and the settings it was replayed with.
CREATE UNIQUE INDEX captures_identity ON captures (sha256, settings);

-- The files of a capture set, in the order given.
CREATE TABLE capture_files (
    capture_id  INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE, -- the set
    file_no     INTEGER NOT NULL,          -- position in the set, from 1
    path        TEXT NOT NULL,             -- as given on the command line
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,             -- of the file's bytes
    linktype    INTEGER NOT NULL,
    first_ns    INTEGER,                   -- its first and last packet; NULL if none
    last_ns     INTEGER,
    packets     INTEGER NOT NULL,          -- its records read (after the filter)
    PRIMARY KEY (capture_id, file_no)
);
CREATE INDEX capture_files_sha256 ON capture_files (sha256);

-- One row per ended flow. Endpoints are in initiator orientation.
CREATE TABLE flows (
    id          INTEGER PRIMARY KEY,
    capture_id  INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
    flow_no     INTEGER NOT NULL,          -- order of ending in the capture, from 1
    proto       TEXT NOT NULL,             -- tcp, udp, icmp, icmp6, sctp or the number
    orig_h      TEXT NOT NULL,
    orig_p      INTEGER NOT NULL,          -- 0 for protocols without ports
    resp_h      TEXT NOT NULL,
    resp_p      INTEGER NOT NULL,
    start_ns    INTEGER NOT NULL,          -- first packet
    end_ns      INTEGER NOT NULL,          -- last packet
    duration_ns INTEGER NOT NULL,          -- end_ns - start_ns
    orig_pkts   INTEGER NOT NULL,
    resp_pkts   INTEGER NOT NULL,
    orig_bytes  INTEGER NOT NULL,          -- wire bytes
    resp_bytes  INTEGER NOT NULL,
    state       TEXT NOT NULL,             -- final tracker state (closed, reset, ...)
    reason      TEXT NOT NULL,             -- fin, rst, idle_timeout, evicted, eof
    history     TEXT NOT NULL,             -- S F R D, upper case = initiator, 16 max
    -- Zeek's conn.log fields (docs/zeek-compat.md); NULL in rows stored
    -- before version 2, and where Zeek leaves the field unset.
    zeek_history       TEXT,               -- Zeek's history letters; NULL = "-"
    conn_state         TEXT,               -- S0, S1, SF, REJ, RSTO, OTH, ...
    orig_ip_bytes      INTEGER,            -- IP bytes, Zeek's orientation
    resp_ip_bytes      INTEGER,
    orig_payload_bytes INTEGER,            -- Zeek's orig_bytes (TCP: sequence
    resp_payload_bytes INTEGER,            --   space); NULL when duration is 0
    missed_bytes       INTEGER,
    community_id       TEXT,               -- Community ID v1, seed 0
    zeek_orig_h        TEXT,               -- Zeek's originator (it may flip
    zeek_orig_p        INTEGER,            --   the seed's initiator); ICMP
    zeek_resp_h        TEXT,               --   ports are type and code
    zeek_resp_p        INTEGER,
    zeek_orig_pkts     INTEGER,            -- packets, Zeek's orientation
    zeek_resp_pkts     INTEGER,
    uid                TEXT,               -- the connection's uid, as in flowreplay's
                                           --   conn.log (docs/zeek-compat.md); NULL
                                           --   before version 6
    service            TEXT,               -- Zeek's service ("http", "smtp,ssl");
                                           --   NULL: none found, or not looked for
    UNIQUE (capture_id, flow_no)
);

-- The full event sequence, filled only by flowstore --events; the
-- columns are those of the CSV event format (docs/format-csv.md), empty
-- fields as NULL.
CREATE TABLE events (
    capture_id  INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,          -- event number in the capture, from 1
    ts_ns       INTEGER NOT NULL,
    event       TEXT NOT NULL,             -- started, packet, established, state_change, ended
    proto       TEXT NOT NULL,
    orig_h      TEXT NOT NULL,
    orig_p      INTEGER NOT NULL,
    resp_h      TEXT NOT NULL,
    resp_p      INTEGER NOT NULL,
    side        TEXT,                      -- orig or resp
    len         INTEGER,
    from_state  TEXT,
    to_state    TEXT,
    reason      TEXT,
    orig_pkts   INTEGER,
    resp_pkts   INTEGER,
    orig_bytes  INTEGER,
    resp_bytes  INTEGER,
    history     TEXT,
    flow_start_ns INTEGER NOT NULL,        -- with the key, names the flow
    PRIMARY KEY (capture_id, seq)
) WITHOUT ROWID;

-- Indexes for the usual filters. flowstore drops and rebuilds the
-- indexes on flows around the first bulk import (faster than keeping
-- them up to date row by row); later imports maintain them.
CREATE INDEX flows_orig_h   ON flows (orig_h);
CREATE INDEX flows_resp_h   ON flows (resp_h);
CREATE INDEX flows_resp_p   ON flows (resp_p);
CREATE INDEX flows_start_ns ON flows (start_ns);
CREATE INDEX flows_history  ON flows (history);
