---- MODULE alternatingbit ----
\* The alternating-bit protocol over lossy FIFO channels (Specifying Systems, 14.2),
\* written for symcheck's bench/protocols: each channel bounded by a CONSTRAINT, and
\* the refinement to the abstract protocol checked as an action property.
EXTENDS Naturals, Sequences
CONSTANTS Data, MsgQLen, AckQLen
VARIABLES msgQ, ackQ, sBit, sAck, rBit, sent, rcvd
cvars == <<sBit, sAck, rBit, sent, rcvd>>

Init == /\ msgQ = <<>> /\ ackQ = <<>>
        /\ sBit \in {0, 1} /\ sAck = sBit /\ rBit = sBit
        /\ sent \in Data /\ rcvd \in Data

Drop(q, i) == [j \in 1 .. Len(q) - 1 |-> IF j < i THEN q[j] ELSE q[j + 1]]

SendNew(d) == /\ sAck = sBit
              /\ sent' = d /\ sBit' = 1 - sBit
              /\ msgQ' = Append(msgQ, <<1 - sBit, d>>)
              /\ UNCHANGED <<ackQ, sAck, rBit, rcvd>>
Resend == /\ sAck # sBit
          /\ msgQ' = Append(msgQ, <<sBit, sent>>)
          /\ UNCHANGED <<ackQ, sBit, sAck, rBit, sent, rcvd>>
Receive == /\ msgQ # <<>>
           /\ rBit' = Head(msgQ)[1] /\ rcvd' = Head(msgQ)[2]
           /\ msgQ' = Tail(msgQ)
           /\ UNCHANGED <<ackQ, sBit, sAck, sent>>
\* The planted bug: the data channel reorders, the receiver takes any message.
ReceiveAny == \E i \in 1 .. Len(msgQ) :
                /\ rBit' = msgQ[i][1] /\ rcvd' = msgQ[i][2]
                /\ msgQ' = Drop(msgQ, i)
                /\ UNCHANGED <<ackQ, sBit, sAck, sent>>
Ack == /\ ackQ' = Append(ackQ, rBit)
       /\ UNCHANGED <<msgQ, sBit, sAck, rBit, sent, rcvd>>
ReceiveAck == /\ ackQ # <<>>
              /\ sAck' = Head(ackQ) /\ ackQ' = Tail(ackQ)
              /\ UNCHANGED <<msgQ, sBit, rBit, sent, rcvd>>
LoseMsg == \E i \in 1 .. Len(msgQ) : msgQ' = Drop(msgQ, i) /\ UNCHANGED <<ackQ, sBit, sAck, rBit, sent, rcvd>>
LoseAck == \E i \in 1 .. Len(ackQ) : ackQ' = Drop(ackQ, i) /\ UNCHANGED <<msgQ, sBit, sAck, rBit, sent, rcvd>>

Rest == (\E d \in Data : SendNew(d)) \/ Resend \/ Ack \/ ReceiveAck \/ LoseMsg \/ LoseAck
Next == Receive \/ Rest
NextReordering == ReceiveAny \/ Rest

Bounded == Len(msgQ) <= MsgQLen /\ Len(ackQ) <= AckQLen

\* The abstract protocol (ABCorrectness), on the bits and values only.
AbsSendNew == sAck = sBit /\ sBit' = 1 - sBit /\ UNCHANGED <<sAck, rBit, rcvd>>
AbsReceive == rBit # sBit /\ rBit' = sBit /\ rcvd' = sent /\ UNCHANGED <<sBit, sAck, sent>>
AbsReceiveAck == rBit # sAck /\ sAck' = rBit /\ UNCHANGED <<sBit, rBit, sent, rcvd>>
RefinesAbc == [][AbsSendNew \/ AbsReceive \/ AbsReceiveAck]_cvars
====
