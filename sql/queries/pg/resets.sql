-- PostgreSQL variant of ../resets.sql (same columns, same answer).
SELECT proto,
       "id.resp_p"   AS port,
       conn_state,
       count(*)      AS flows
FROM conn
WHERE end_reason = 'rst'
GROUP BY proto, "id.resp_p", conn_state
ORDER BY flows DESC, proto COLLATE "C", port, conn_state COLLATE "C";
