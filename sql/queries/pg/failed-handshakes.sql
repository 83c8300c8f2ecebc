-- PostgreSQL variant of ../failed-handshakes.sql (same columns, same
-- answer): addresses as text, ordered as SQLite orders text (bytes).
SELECT host("id.resp_h")             AS server,
       "id.resp_p"                   AS port,
       count(*)                      AS attempts,
       count(DISTINCT "id.orig_h")   AS sources,
       min(ts COLLATE "C")           AS first_seen,
       max(ts COLLATE "C")           AS last_seen
FROM conn
WHERE proto = 'tcp' AND conn_state = 'S0'
GROUP BY host("id.resp_h"), "id.resp_p"
ORDER BY attempts DESC, host("id.resp_h") COLLATE "C", port;
