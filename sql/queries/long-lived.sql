-- Long-lived flows: a minute or more from first to last packet, longest first.
--
-- Long-lived flows: those lasting a minute or more from first to last
-- packet, longest first. Idle timeouts cut flows that pause longer than
-- the timeout, so a long flow here was busy at least that often. bytes
-- are Zeek's payload bytes (NULL for flows stored before schema 2).
SELECT uid,
       proto,
       "id.orig_h" AS orig_h, "id.orig_p" AS orig_p,
       "id.resp_h" AS resp_h, "id.resp_p" AS resp_p,
       printf('%.3f', duration) AS seconds,
       orig_bytes + resp_bytes  AS bytes
FROM conn
WHERE duration >= 60
ORDER BY duration DESC, uid;
