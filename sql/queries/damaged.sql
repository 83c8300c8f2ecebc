-- Damaged captures: captures stored that gave no packet at all.
--
-- flowstore stores a capture whole or not at all: one that breaks while
-- being read (a truncated record, a bad header) is refused with a
-- one-line error and is not in the database. What can be seen here is a
-- capture that was read to its end without yielding a packet: only a
-- file header, or every record left out by the filter or the time
-- window. (Databases that record partial reads can list those here too.)
SELECT id,
       substr(path, length(rtrim(path, replace(path, '/', ''))) + 1) AS file,
       size,
       linktype,
       packets,
       options,
       'no packets'                                                  AS damage
FROM captures
WHERE packets = 0
ORDER BY id;
