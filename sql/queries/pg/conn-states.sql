-- Connection states: flows per Zeek conn_state, with what each state means.
--
-- The states of Zeek's conn.log (docs/zeek-compat.md), from the conn
-- view: its own values where the flows have the Zeek fields, else derived
-- from the seed history. Most frequent first.
SELECT conn_state,
       count(*)                                        AS flows,
       to_char(round(100.0 * count(*) / (SELECT count(*) FROM conn), 1), 'FM990.0') AS percent,
       CASE conn_state
           WHEN 'S0'     THEN 'attempt seen, no reply'
           WHEN 'S1'     THEN 'established, not terminated'
           WHEN 'SF'     THEN 'normal establishment and termination'
           WHEN 'REJ'    THEN 'attempt rejected'
           WHEN 'S2'     THEN 'established, close attempt by originator only'
           WHEN 'S3'     THEN 'established, close attempt by responder only'
           WHEN 'RSTO'   THEN 'established, originator aborted (RST)'
           WHEN 'RSTR'   THEN 'responder sent a RST'
           WHEN 'RSTOS0' THEN 'originator sent a SYN then a RST, no SYN-ACK'
           WHEN 'RSTRH'  THEN 'responder sent a SYN-ACK then a RST, no SYN seen'
           WHEN 'SH'     THEN 'originator sent a SYN then a FIN, no SYN-ACK'
           WHEN 'SHR'    THEN 'responder sent a SYN-ACK then a FIN, no SYN seen'
           WHEN 'OTH'    THEN 'no SYN seen, midstream traffic'
           ELSE '-'
       END                                             AS meaning
FROM conn
GROUP BY conn_state
ORDER BY flows DESC, conn_state COLLATE "C";
