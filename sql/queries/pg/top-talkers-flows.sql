-- Top talkers by flows: the ten hosts that started the most flows, with their peers and ports.
--
-- A host starting many flows to many peers or ports is a client, a
-- crawler or a scanner; see port-scan for the last. bytes counts both
-- directions of the flows the host started. Ties go to the lower address
-- text so the list is stable.
SELECT host(orig_h)                  AS host,
       count(*)                      AS flows,
       count(DISTINCT resp_h)        AS peers,
       count(DISTINCT resp_p)        AS ports,
       sum(orig_bytes + resp_bytes)  AS bytes
FROM flows
GROUP BY host(orig_h)
ORDER BY flows DESC, host(orig_h) COLLATE "C"
LIMIT 10;
