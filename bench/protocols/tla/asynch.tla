---- MODULE asynch ----
\* The asynchronous interface (Specifying Systems, ch. 3), written for symcheck's bench/protocols.
EXTENDS Naturals
CONSTANT Data
VARIABLES val, rdy, ack
Init == val \in Data /\ rdy \in {0, 1} /\ ack = rdy
Send == /\ rdy = ack
        /\ val' \in Data
        /\ rdy' = 1 - rdy
        /\ UNCHANGED ack
Overwrite == /\ val' \in Data
             /\ rdy' = 1 - rdy
             /\ UNCHANGED ack
Rcv == /\ rdy # ack
       /\ ack' = 1 - ack
       /\ UNCHANGED <<val, rdy>>
Next == Send \/ Rcv
NextOverwrite == Overwrite \/ Rcv
TypeOK == rdy \in {0, 1} /\ ack \in {0, 1}
SendsWhenAcknowledged == [][val' = val \/ (rdy = ack /\ rdy' # rdy)]_<<val, rdy, ack>>
====
