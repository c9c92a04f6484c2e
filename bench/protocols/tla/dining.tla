---- MODULE dining ----
\* Dining philosophers (N = 5), each taking its lower-numbered fork first, written for
\* symcheck's bench/protocols (safety and state count; liveness is in docs/constructs.md).
EXTENDS Integers
N == 5
P == 0 .. N - 1
VARIABLES phase, holder
Low(i) == IF i < (i + 1) % N THEN i ELSE (i + 1) % N
High(i) == IF i < (i + 1) % N THEN (i + 1) % N ELSE i
Init == /\ phase = [i \in P |-> "thinking"]
        /\ holder = [f \in P |-> -1]
Hungry(i) == /\ phase[i] = "thinking"
             /\ phase' = [phase EXCEPT ![i] = "hungry"]
             /\ UNCHANGED holder
TakeFirst(i) == /\ phase[i] = "hungry" /\ holder[Low(i)] = -1
                /\ phase' = [phase EXCEPT ![i] = "first"]
                /\ holder' = [holder EXCEPT ![Low(i)] = i]
TakeSecond(i) == /\ phase[i] = "first" /\ holder[High(i)] = -1
                 /\ phase' = [phase EXCEPT ![i] = "eating"]
                 /\ holder' = [holder EXCEPT ![High(i)] = i]
PutDown(i) == /\ phase[i] = "eating"
              /\ phase' = [phase EXCEPT ![i] = "thinking"]
              /\ holder' = [f \in P |-> IF f = Low(i) \/ f = High(i) THEN -1 ELSE holder[f]]
Next == \E i \in P : Hungry(i) \/ TakeFirst(i) \/ TakeSecond(i) \/ PutDown(i)
Exclusive == \A i \in P : phase[i] = "eating" => holder[Low(i)] = i /\ holder[High(i)] = i
====
