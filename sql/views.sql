-- flowstore views, compiled into flowstore and (re)created whenever the
-- schema is created or migrated. Views hold no data, so they are dropped
-- and created again rather than migrated.

-- conn: the flows with Zeek conn.log column names, for analysts and
-- scripts that know Zeek. ts is the flow start in UTC with nanoseconds;
-- uid is the connection's, as flowreplay --format zeek writes it in its
-- conn.log (a digest of Zeek's key, the protocol and the start time:
-- docs/zeek-compat.md), the same on any machine and backend. Rows stored
-- before schema version 6 have none: theirs is 'C', the capture id in hex
-- (4 digits or more) and the flow number in hex (8 digits).
--
-- Rows stored with the Zeek fields (schema version 2 on) give Zeek's
-- values: its originator (which may be the seed's responder: Zeek flips
-- roles, e.g. for a SYN-ACK first or a server port on the originator's
-- side), payload bytes (orig_bytes/resp_bytes; NULL, Zeek's "-", when the
-- duration is 0), conn_state, missed_bytes, history, packets and IP bytes
-- in that orientation, and the Community ID; service is Zeek's service
-- names found by nDPI (schema version 3 on; NULL for none, Zeek's "-").
--
-- Rows stored before (version 1) have NULL in the Zeek columns, so here
-- too (bytes, missed_bytes, history, IP bytes, community_id), except: the
-- endpoints and packets are the seed's (initiator orientation), and
-- conn_state is derived from the seed history (S F R D, 16 letters at
-- most) as far as it tells:
--   S0 SYN, no reply          REJ SYN answered by RST     SF closed by FIN
--   S1 established, not closed  S2/S3 only the orig/resp FIN seen
--   RSTO/RSTR established, then RST from orig/resp
--   RSTOS0 SYN then RST from orig   OTH no SYN seen (midstream) or unclear
--   non-TCP flows: SF with replies, S0 without.
-- seed_history is the seed tracker's own history in either case.
DROP VIEW IF EXISTS conn;
CREATE VIEW conn AS
SELECT
    strftime('%Y-%m-%dT%H:%M:%S', f.start_ns / 1000000000, 'unixepoch')
        || printf('.%09dZ', f.start_ns % 1000000000)         AS ts,
    coalesce(f.uid, printf('C%04x%08x', f.capture_id, f.flow_no)) AS uid,
    coalesce(f.zeek_orig_h, f.orig_h)                          AS "id.orig_h",
    coalesce(f.zeek_orig_p, f.orig_p)                          AS "id.orig_p",
    coalesce(f.zeek_resp_h, f.resp_h)                          AS "id.resp_h",
    coalesce(f.zeek_resp_p, f.resp_p)                          AS "id.resp_p",
    f.proto                                                    AS proto,
    f.service                                                  AS service,
    f.duration_ns / 1e9                                        AS duration,
    f.orig_payload_bytes                                       AS orig_bytes,
    f.resp_payload_bytes                                       AS resp_bytes,
    coalesce(f.conn_state, CASE
        WHEN f.proto <> 'tcp' THEN CASE WHEN f.resp_pkts > 0 THEN 'SF' ELSE 'S0' END
        WHEN instr(f.history, 'S') = 0 THEN 'OTH'
        WHEN instr(f.history, 's') = 0 THEN
            CASE
                WHEN instr(f.history, 'r') > 0 THEN 'REJ'
                WHEN instr(f.history, 'R') > 0 THEN 'RSTOS0'
                WHEN f.resp_pkts = 0 THEN 'S0'
                ELSE 'OTH'
            END
        WHEN f.reason = 'fin' THEN 'SF'
        WHEN instr(f.history, 'R') > 0 THEN 'RSTO'
        WHEN instr(f.history, 'r') > 0 THEN 'RSTR'
        WHEN f.reason = 'rst' THEN 'OTH'
        WHEN instr(f.history, 'F') > 0 AND instr(f.history, 'f') > 0 THEN 'SF'
        WHEN instr(f.history, 'F') > 0 THEN 'S2'
        WHEN instr(f.history, 'f') > 0 THEN 'S3'
        ELSE 'S1'
    END)                                                       AS conn_state,
    f.missed_bytes                                             AS missed_bytes,
    f.zeek_history                                             AS history,
    coalesce(f.zeek_orig_pkts, f.orig_pkts)                    AS orig_pkts,
    f.orig_ip_bytes                                            AS orig_ip_bytes,
    coalesce(f.zeek_resp_pkts, f.resp_pkts)                    AS resp_pkts,
    f.resp_ip_bytes                                            AS resp_ip_bytes,
    f.community_id                                             AS community_id,
    -- not Zeek's: where the row comes from, why the flow ended, the seed's
    -- history and whether the row has the Zeek fields
    f.capture_id                                               AS capture_id,
    f.start_ns                                                 AS start_ns,
    f.reason                                                   AS end_reason,
    f.history                                                  AS seed_history,
    f.conn_state IS NOT NULL                                   AS zeek
FROM flows AS f;
