-- PostgreSQL variant of ../flows-per-minute.sql (same columns, same answer).
SELECT to_char(timestamp '1970-01-01' + (start_ns / 1000000000) * interval '1 second',
               'YYYY-MM-DD HH24:MI')       AS minute,
       count(*)                            AS flows,
       sum(orig_pkts + resp_pkts)          AS packets,
       sum(orig_bytes + resp_bytes)        AS bytes
FROM flows
GROUP BY 1
ORDER BY 1;
