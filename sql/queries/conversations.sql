-- Conversations: endpoint pairs with packets and bytes each way and duration (as tshark -z conv).
--
-- One row per protocol and pair of endpoints (address and port; ICMP and
-- other protocols without ports have port 0), summing every flow between
-- them: A is the side that started the flows, B the one that answered.
-- Bytes are on the wire (whole frames), as tshark counts them; start is
-- the first packet (UTC), duration runs to the last one. Most bytes first.
SELECT proto,
       orig_h                                   AS a,
       orig_p                                   AS port_a,
       resp_h                                   AS b,
       resp_p                                   AS port_b,
       sum(orig_pkts)                           AS packets_a_to_b,
       sum(orig_bytes)                          AS bytes_a_to_b,
       sum(resp_pkts)                           AS packets_b_to_a,
       sum(resp_bytes)                          AS bytes_b_to_a,
       sum(orig_pkts + resp_pkts)               AS packets,
       sum(orig_bytes + resp_bytes)             AS bytes,
       strftime('%Y-%m-%d %H:%M:%S', min(start_ns) / 1000000000, 'unixepoch')
           || printf('.%06d', min(start_ns) % 1000000000 / 1000) AS start,
       printf('%.6f', (max(end_ns) - min(start_ns)) / 1e9)       AS duration,
       count(*)                                 AS flows
FROM flows
GROUP BY proto, orig_h, orig_p, resp_h, resp_p
ORDER BY bytes DESC, proto, a, port_a, b, port_b;
