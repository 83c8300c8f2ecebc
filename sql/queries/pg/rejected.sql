-- PostgreSQL variant of ../rejected.sql (same columns, same answer).
SELECT host("id.orig_h")   AS client,
       host("id.resp_h")   AS server,
       "id.resp_p"         AS port,
       count(*)            AS rejected,
       min(ts COLLATE "C") AS first_seen
FROM conn
WHERE conn_state = 'REJ'
GROUP BY host("id.orig_h"), host("id.resp_h"), "id.resp_p"
ORDER BY rejected DESC, host("id.orig_h") COLLATE "C", host("id.resp_h") COLLATE "C", port;
