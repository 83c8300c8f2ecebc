-- PostgreSQL variant of ../top-talkers.sql (same columns, same answer):
-- ties go to the lower address text, compared as SQLite compares text.
SELECT host(orig_h)                  AS host,
       count(*)                      AS flows,
       sum(orig_bytes)               AS bytes_sent,
       sum(resp_bytes)               AS bytes_received,
       sum(orig_bytes + resp_bytes)  AS bytes_total
FROM flows
GROUP BY host(orig_h)
ORDER BY bytes_total DESC, host(orig_h) COLLATE "C"
LIMIT 10;
