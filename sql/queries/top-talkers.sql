-- Top talkers by bytes: the ten hosts whose flows moved the most bytes.
--
-- Top talkers: the ten hosts that started the flows moving the most
-- bytes (both directions counted), with how many flows they started.
-- Ties go to the lower address text so the list is stable.
SELECT orig_h                        AS host,
       count(*)                      AS flows,
       sum(orig_bytes)               AS bytes_sent,
       sum(resp_bytes)               AS bytes_received,
       sum(orig_bytes + resp_bytes)  AS bytes_total
FROM flows
GROUP BY orig_h
ORDER BY bytes_total DESC, host
LIMIT 10;
