-- PostgreSQL variant of ../port-scan.sql (same columns, same answer).
SELECT host("id.orig_h")                 AS scanner,
       host("id.resp_h")                 AS target,
       count(DISTINCT "id.resp_p")       AS ports,
       count(*) FILTER (WHERE conn_state IN ('REJ', 'S0', 'RSTOS0')) AS failed,
       min("id.resp_p")                  AS lowest_port,
       max("id.resp_p")                  AS highest_port,
       min(ts COLLATE "C")               AS first_seen
FROM conn
WHERE proto = 'tcp'
GROUP BY host("id.orig_h"), host("id.resp_h")
HAVING count(DISTINCT "id.resp_p") >= 10
   AND count(*) FILTER (WHERE conn_state IN ('REJ', 'S0', 'RSTOS0')) * 2 > count(*)
ORDER BY ports DESC, host("id.orig_h") COLLATE "C", host("id.resp_h") COLLATE "C";
