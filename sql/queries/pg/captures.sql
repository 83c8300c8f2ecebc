-- PostgreSQL variant of ../captures.sql (same columns, same answer).
SELECT id,
       substring(path from '[^/]*$')                                     AS file,
       size,
       linktype,
       packets,
       flows,
       to_char(timestamp '1970-01-01' + (first_ns / 1000000000) * interval '1 second',
               'YYYY-MM-DD HH24:MI:SS')                                  AS first_packet,
       to_char(timestamp '1970-01-01' + (last_ns / 1000000000) * interval '1 second',
               'YYYY-MM-DD HH24:MI:SS')                                  AS last_packet,
       substr(sha256, 1, 16)                                             AS sha256_prefix,
       options
FROM captures
ORDER BY id;
