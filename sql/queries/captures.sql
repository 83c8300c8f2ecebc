-- Captures: each capture file stored, with its time range, packets and flows.
--
-- Captures: what is stored, one row per file in import order: file
-- name, size, link type, packets, flows, first and last packet (UTC) and
-- the start of its SHA-256 (to find it again: flowstore --sha256 FILE).
SELECT id,
       substr(path, length(rtrim(path, replace(path, '/', ''))) + 1) AS file,
       size,
       linktype,
       packets,
       flows,
       strftime('%Y-%m-%d %H:%M:%S', first_ns / 1000000000, 'unixepoch') AS first_packet,
       strftime('%Y-%m-%d %H:%M:%S', last_ns / 1000000000, 'unixepoch')  AS last_packet,
       substr(sha256, 1, 16)                                              AS sha256_prefix,
       options
FROM captures
ORDER BY id;
