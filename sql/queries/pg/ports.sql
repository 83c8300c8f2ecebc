-- Ports: the twenty responder ports with the most flows, with their clients and servers.
--
-- TCP, UDP and SCTP only (other protocols have no ports). clients and
-- servers count the distinct addresses on each side; a port with many
-- servers and few clients is being looked for (see port-scan), one with
-- many clients and few servers is a service in use.
SELECT proto,
       resp_p                           AS port,
       count(*)                         AS flows,
       count(DISTINCT orig_h)           AS clients,
       count(DISTINCT resp_h)           AS servers,
       sum(orig_bytes + resp_bytes)     AS bytes
FROM flows
WHERE proto IN ('tcp', 'udp', 'sctp')
GROUP BY proto, resp_p
ORDER BY flows DESC, proto COLLATE "C", port
LIMIT 20;
