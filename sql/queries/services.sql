-- Services: flows, answered flows and bytes per protocol and responder port.
--
-- Services: flows per protocol and responder port (0 for ICMP and other
-- protocols without ports), with bytes and how many answered.
SELECT proto,
       resp_p                          AS port,
       count(*)                        AS flows,
       sum(resp_pkts > 0)              AS answered,
       sum(orig_bytes + resp_bytes)    AS bytes
FROM flows
GROUP BY proto, port
ORDER BY flows DESC, proto, port
LIMIT 20;
