-- Protocols: flows, packets and bytes per IP protocol, with its share of the bytes.
--
-- proto is tcp, udp, icmp, icmp6, sctp or the protocol number. Bytes are
-- on the wire, both directions.
SELECT proto,
       count(*)                         AS flows,
       sum(orig_pkts + resp_pkts)       AS packets,
       sum(orig_bytes + resp_bytes)     AS bytes,
       to_char(round(100.0 * sum(orig_bytes + resp_bytes)
                     / (SELECT sum(orig_bytes + resp_bytes) FROM flows), 1), 'FM990.0') AS percent_bytes
FROM flows
GROUP BY proto
ORDER BY bytes DESC, proto COLLATE "C";
