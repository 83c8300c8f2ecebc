-- Flows per minute: flows started each minute (UTC), with packets and bytes.
--
-- Flows per minute: how many flows started in each minute (UTC), with
-- their packets and bytes; gaps are minutes without a new flow.
SELECT strftime('%Y-%m-%d %H:%M', start_ns / 1000000000, 'unixepoch') AS minute,
       count(*)                                   AS flows,
       sum(orig_pkts + resp_pkts)                 AS packets,
       sum(orig_bytes + resp_bytes)               AS bytes
FROM flows
GROUP BY minute
ORDER BY minute;
