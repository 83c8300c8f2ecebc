-- Flows cut by the end of the capture (reason eof), per capture.
--
-- Flows cut by the end of the capture: still open when the file ended
-- (reason eof), so their counters and duration stop at the capture's
-- edge. Per capture, with the share of its flows; a high share means
-- the capture window was too short for the traffic.
SELECT c.id                                                  AS capture,
       substr(c.path, length(rtrim(c.path, replace(c.path, '/', ''))) + 1) AS file,
       sum(f.reason = 'eof')                                 AS cut,
       count(*)                                              AS flows,
       printf('%.1f', 100.0 * sum(f.reason = 'eof') / count(*)) AS percent
FROM captures AS c
JOIN flows AS f ON f.capture_id = c.id
GROUP BY c.id
HAVING cut > 0
ORDER BY c.id;
