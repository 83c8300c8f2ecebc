-- PostgreSQL variant of ../cut-by-eof.sql (same columns, same answer).
SELECT c.id                                                  AS capture,
       substring(c.path from '[^/]*$')                       AS file,
       count(*) FILTER (WHERE f.reason = 'eof')              AS cut,
       count(*)                                              AS flows,
       to_char(100.0 * count(*) FILTER (WHERE f.reason = 'eof') / count(*), 'FM99990.0')
                                                             AS percent
FROM captures AS c
JOIN flows AS f ON f.capture_id = c.id
GROUP BY c.id
HAVING count(*) FILTER (WHERE f.reason = 'eof') > 0
ORDER BY c.id;
