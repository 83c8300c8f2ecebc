-- flowstore views for PostgreSQL: the conn view of sql/views.sql with
-- the same columns and values, in PostgreSQL's SQL. Addresses are inet
-- (print as text without a prefix length); duration is float8 seconds;
-- zeek is 1 or 0 as in SQLite.
DROP VIEW IF EXISTS conn;
CREATE VIEW conn AS
SELECT
    to_char(timestamp '1970-01-01' + (f.start_ns / 1000000000) * interval '1 second',
            'YYYY-MM-DD"T"HH24:MI:SS')
        || '.' || lpad((f.start_ns % 1000000000)::text, 9, '0') || 'Z'   AS ts,
    coalesce(f.uid,
             'C' || lpad(to_hex(f.capture_id), greatest(4, length(to_hex(f.capture_id))), '0')
             || lpad(to_hex(f.flow_no), greatest(8, length(to_hex(f.flow_no))), '0')) AS uid,
    coalesce(f.zeek_orig_h, f.orig_h)                          AS "id.orig_h",
    coalesce(f.zeek_orig_p, f.orig_p)                          AS "id.orig_p",
    coalesce(f.zeek_resp_h, f.resp_h)                          AS "id.resp_h",
    coalesce(f.zeek_resp_p, f.resp_p)                          AS "id.resp_p",
    f.proto                                                    AS proto,
    f.service                                                  AS service,
    f.duration_ns / 1e9::float8                                AS duration,
    f.orig_payload_bytes                                       AS orig_bytes,
    f.resp_payload_bytes                                       AS resp_bytes,
    coalesce(f.conn_state, CASE
        WHEN f.proto <> 'tcp' THEN CASE WHEN f.resp_pkts > 0 THEN 'SF' ELSE 'S0' END
        WHEN strpos(f.history, 'S') = 0 THEN 'OTH'
        WHEN strpos(f.history, 's') = 0 THEN
            CASE
                WHEN strpos(f.history, 'r') > 0 THEN 'REJ'
                WHEN strpos(f.history, 'R') > 0 THEN 'RSTOS0'
                WHEN f.resp_pkts = 0 THEN 'S0'
                ELSE 'OTH'
            END
        WHEN f.reason = 'fin' THEN 'SF'
        WHEN strpos(f.history, 'R') > 0 THEN 'RSTO'
        WHEN strpos(f.history, 'r') > 0 THEN 'RSTR'
        WHEN f.reason = 'rst' THEN 'OTH'
        WHEN strpos(f.history, 'F') > 0 AND strpos(f.history, 'f') > 0 THEN 'SF'
        WHEN strpos(f.history, 'F') > 0 THEN 'S2'
        WHEN strpos(f.history, 'f') > 0 THEN 'S3'
        ELSE 'S1'
    END)                                                       AS conn_state,
    f.missed_bytes                                             AS missed_bytes,
    f.zeek_history                                             AS history,
    coalesce(f.zeek_orig_pkts, f.orig_pkts)                    AS orig_pkts,
    f.orig_ip_bytes                                            AS orig_ip_bytes,
    coalesce(f.zeek_resp_pkts, f.resp_pkts)                    AS resp_pkts,
    f.resp_ip_bytes                                            AS resp_ip_bytes,
    f.community_id                                             AS community_id,
    f.capture_id                                               AS capture_id,
    f.start_ns                                                 AS start_ns,
    f.reason                                                   AS end_reason,
    f.history                                                  AS seed_history,
    (f.conn_state IS NOT NULL)::integer                        AS zeek
FROM flows AS f;
