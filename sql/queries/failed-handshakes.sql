-- Failed handshakes: TCP SYNs that never got an answer (Zeek's S0), per service.
--
-- Failed handshakes: TCP connection attempts whose SYN never got an
-- answer (Zeek's S0: no packet at all came back), grouped by the service
-- they tried. Many sources against one service looks like a SYN flood;
-- one source against many services, like a scan (see port-scan.sql).
SELECT "id.resp_h"                   AS server,
       "id.resp_p"                   AS port,
       count(*)                      AS attempts,
       count(DISTINCT "id.orig_h")   AS sources,
       min(ts)                       AS first_seen,
       max(ts)                       AS last_seen
FROM conn
WHERE proto = 'tcp' AND conn_state = 'S0'
GROUP BY server, port
ORDER BY attempts DESC, server, port;
