-- Rejected connections: SYNs answered by a RST (Zeek's REJ), per client and service.
--
-- Rejected connections: a SYN answered by a RST from the responder
-- (Zeek's REJ), i.e. nothing listening or a firewall refusing. One row
-- per client and refused service.
SELECT "id.orig_h"   AS client,
       "id.resp_h"   AS server,
       "id.resp_p"   AS port,
       count(*)      AS rejected,
       min(ts)       AS first_seen
FROM conn
WHERE conn_state = 'REJ'
GROUP BY client, server, port
ORDER BY rejected DESC, client, server, port;
