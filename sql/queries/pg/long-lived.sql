-- PostgreSQL variant of ../long-lived.sql (same columns, same answer).
SELECT uid,
       proto,
       "id.orig_h" AS orig_h, "id.orig_p" AS orig_p,
       "id.resp_h" AS resp_h, "id.resp_p" AS resp_p,
       to_char(duration, 'FM999999999990.000') AS seconds,
       orig_bytes + resp_bytes  AS bytes
FROM conn
WHERE duration >= 60
ORDER BY duration DESC, uid COLLATE "C";
