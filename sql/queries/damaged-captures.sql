-- Damaged captures: files that broke before their end (a cut download,
-- a sensor that lost power). Their flows are those read before the
-- damage, the live ones ended there with reason eof; packets is the
-- count of records read before it, error the line flowstore printed.
-- flowstore --strict stores such files not at all.
SELECT id,
       substr(path, length(rtrim(path, replace(path, '/', ''))) + 1) AS file,
       status,
       packets                                                           AS packets_read,
       flows,
       strftime('%Y-%m-%d %H:%M:%S', last_ns / 1000000000, 'unixepoch')  AS last_packet,
       -- the error line without the path it starts with
       CASE WHEN substr(error, 1, length(path) + 2) = path || ': '
            THEN substr(error, length(path) + 3) ELSE error END          AS error
FROM captures
WHERE status <> 'complete'
ORDER BY id;
