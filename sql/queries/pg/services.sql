-- PostgreSQL variant of ../services.sql (same columns, same answer).
SELECT proto,
       resp_p                                  AS port,
       count(*)                                AS flows,
       count(*) FILTER (WHERE resp_pkts > 0)   AS answered,
       sum(orig_bytes + resp_bytes)            AS bytes
FROM flows
GROUP BY proto, resp_p
ORDER BY flows DESC, proto COLLATE "C", port
LIMIT 20;
