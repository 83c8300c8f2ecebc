-- Resets: flows that a RST ended, by service and by who sent it. Zeek's
-- states: RSTO/RSTR after a handshake (originator/responder reset),
-- REJ for a refused SYN, RSTOS0 when the originator gave up on its own
-- SYN; OTH when the history (16 letters at most) no longer shows who.
SELECT proto,
       "id.resp_p"   AS port,
       conn_state,
       count(*)      AS flows
FROM conn
WHERE end_reason = 'rst'
GROUP BY proto, port, conn_state
ORDER BY flows DESC, proto, port, conn_state;
