-- Resets: flows a RST ended, by protocol, port and Zeek's conn_state.
--
-- Resets: flows that a RST ended, by service and by who sent it, in
-- Zeek's states: RSTO/RSTR after a handshake (originator/responder
-- reset), REJ for a refused SYN, RSTOS0/RSTRH when the originator/responder
-- reset a half-open connection, RSTOS0 also when the originator gave up on
-- its own SYN. Flows stored before schema version 2 get a state derived
-- from the seed history (OTH when its 16 letters no longer show who).
SELECT proto,
       "id.resp_p"   AS port,
       conn_state,
       count(*)      AS flows
FROM conn
WHERE end_reason = 'rst'
GROUP BY proto, port, conn_state
ORDER BY flows DESC, proto, port, conn_state;
