-- Damaged captures: files that broke before their end (a cut download,
-- a sensor that lost power).
--
-- The PostgreSQL backend does not keep a damaged capture up to its
-- damage yet: it stores captures whole or not at all (as flowstore
-- --strict does with SQLite), so no capture here is damaged. The columns
-- are those of the SQLite query, so both answer alike.
SELECT id,
       substring(path from '[^/]*$') AS file,
       'truncated'::text             AS status,
       packets                       AS packets_read,
       flows,
       NULL::text                    AS last_packet,
       NULL::text                    AS error
FROM captures
WHERE false
ORDER BY id;
