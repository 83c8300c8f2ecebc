-- Conversations: endpoint pairs with packets and bytes each way and duration (as tshark -z conv).
--
-- One row per protocol and pair of endpoints (address and port; ICMP and
-- other protocols without ports have port 0), summing every flow between
-- them: A is the side that started the flows, B the one that answered.
-- Bytes are on the wire (whole frames), as tshark counts them; start is
-- the first packet (UTC), duration runs to the last one. Most bytes first.
SELECT proto,
       host(orig_h)                             AS a,
       orig_p                                   AS port_a,
       host(resp_h)                             AS b,
       resp_p                                   AS port_b,
       sum(orig_pkts)                           AS packets_a_to_b,
       sum(orig_bytes)                          AS bytes_a_to_b,
       sum(resp_pkts)                           AS packets_b_to_a,
       sum(resp_bytes)                          AS bytes_b_to_a,
       sum(orig_pkts + resp_pkts)               AS packets,
       sum(orig_bytes + resp_bytes)             AS bytes,
       to_char(timestamp '1970-01-01' + (min(start_ns) / 1000000000) * interval '1 second',
               'YYYY-MM-DD HH24:MI:SS')
           || '.' || lpad((min(start_ns) % 1000000000 / 1000)::text, 6, '0') AS start,
       to_char((max(end_ns) - min(start_ns)) / 1e9, 'FM999999999990.000000')  AS duration,
       count(*)                                 AS flows
FROM flows
GROUP BY proto, orig_h, orig_p, resp_h, resp_p
ORDER BY bytes DESC, proto COLLATE "C", host(orig_h) COLLATE "C", orig_p, host(resp_h) COLLATE "C", resp_p;
