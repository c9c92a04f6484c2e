---- MODULE window ----
\* A send/acknowledge counter pair bounded by a CONSTRAINT, written for symcheck's bench/protocols.
EXTENDS Naturals
CONSTANT MaxSent
ASSUME MaxSent >= 1
VARIABLES sent, acked
Init == sent = 0 /\ acked = 0
Send == sent' = sent + 1 /\ UNCHANGED acked
Ack == acked < sent /\ acked' = acked + 1 /\ UNCHANGED sent
EagerAck == acked < 5 /\ acked' = acked + 1 /\ UNCHANGED sent
Next == Send \/ Ack
NextEager == Send \/ EagerAck
FewSends == sent <= MaxSent
AckedAfterSent == acked <= sent
====
