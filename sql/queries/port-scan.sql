-- Port scans: hosts that tried ten or more TCP ports of one target, mostly failing.
--
-- Port scans: hosts that tried ten or more different TCP ports of one
-- target, most of them without a completed handshake (rejected,
-- unanswered or reset before the SYN was answered). Shows how many
-- ports, how many failed, and the lowest and highest port tried.
SELECT "id.orig_h"                       AS scanner,
       "id.resp_h"                       AS target,
       count(DISTINCT "id.resp_p")       AS ports,
       sum(conn_state IN ('REJ', 'S0', 'RSTOS0')) AS failed,
       min("id.resp_p")                  AS lowest_port,
       max("id.resp_p")                  AS highest_port,
       min(ts)                           AS first_seen
FROM conn
WHERE proto = 'tcp'
GROUP BY scanner, target
HAVING ports >= 10 AND failed * 2 > count(*)
ORDER BY ports DESC, scanner, target;
