-- flowstore views, compiled into flowstore and (re)created whenever the
-- schema is created or migrated. Views hold no data, so they are dropped
-- and created again rather than migrated.

-- conn: the flows with Zeek conn.log column names, for analysts and
-- scripts that know Zeek. ts is the flow start in UTC with nanoseconds;
-- uid is deterministic: 'C', the capture id in hex (4 digits or more),
-- the flow number in hex (8 digits). conn_state follows Zeek's meaning
-- as far as the seed history (S F R D, 16 letters at most) tells it:
--   S0 SYN, no reply          REJ SYN answered by RST     SF closed by FIN
--   S1 established, not closed  S2/S3 only the orig/resp FIN seen
--   RSTO/RSTR established, then RST from orig/resp
--   RSTOS0 SYN then RST from orig   OTH no SYN seen (midstream) or unclear
-- Non-TCP flows are SF with replies and S0 without.
DROP VIEW IF EXISTS conn;
CREATE VIEW conn AS
SELECT
    strftime('%Y-%m-%dT%H:%M:%S', f.start_ns / 1000000000, 'unixepoch')
        || printf('.%09dZ', f.start_ns % 1000000000)         AS ts,
    printf('C%04x%08x', f.capture_id, f.flow_no)               AS uid,
    f.orig_h                                                   AS "id.orig_h",
    f.orig_p                                                   AS "id.orig_p",
    f.resp_h                                                   AS "id.resp_h",
    f.resp_p                                                   AS "id.resp_p",
    f.proto                                                    AS proto,
    f.duration_ns / 1e9                                        AS duration,
    f.orig_bytes                                               AS orig_bytes,
    f.resp_bytes                                               AS resp_bytes,
    CASE
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
    END                                                        AS conn_state,
    f.history                                                  AS history,
    f.orig_pkts                                                AS orig_pkts,
    f.resp_pkts                                                AS resp_pkts,
    -- not Zeek's: where the row comes from and why the flow ended
    f.capture_id                                               AS capture_id,
    f.start_ns                                                 AS start_ns,
    f.reason                                                   AS end_reason
FROM flows AS f;
