-- Damaged captures: files that broke before their end (a cut download,
-- a sensor that lost power).
--
-- PostgreSQL variant of ../damaged-captures.sql (same columns, same
-- answer): flows read before the damage, packets read before it, the
-- error line without the path it starts with.
SELECT id,
       substring(path from '[^/]*$')                                     AS file,
       status,
       packets                                                           AS packets_read,
       flows,
       to_char(timestamp '1970-01-01' + (last_ns / 1000000000) * interval '1 second',
               'YYYY-MM-DD HH24:MI:SS')                                  AS last_packet,
       CASE WHEN substr(error, 1, length(path) + 2) = path || ': '
            THEN substr(error, length(path) + 3) ELSE error END          AS error
FROM captures
WHERE status <> 'complete'
ORDER BY id;
