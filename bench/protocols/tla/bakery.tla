---- MODULE bakery ----
\* Lamport's atomic bakery algorithm with flickering writes (after the PlusCal
\* Bakery of Lamport and Merz), numbers bounded by MaxNat, written for symcheck's
\* bench/protocols. Each either/or branch of a label is a disjunct of its own.
EXTENDS Naturals
CONSTANTS N, MaxNat
Procs == 1 .. N
Nums == 0 .. MaxNat
VARIABLES num, flag, pc, unchecked, max, nxt
Init == /\ num = [p \in Procs |-> 0]
        /\ flag = [p \in Procs |-> FALSE]
        /\ pc = [p \in Procs |-> "ncs"]
        /\ unchecked = [p \in Procs |-> {}]
        /\ max = [p \in Procs |-> 0]
        /\ nxt = [p \in Procs |-> 1]
Before(p, q) == num[p] < num[q] \/ (num[p] = num[q] /\ p < q)
Goto(p, l) == pc' = [pc EXCEPT ![p] = l]

Ncs(p) == pc[p] = "ncs" /\ Goto(p, "e1") /\ UNCHANGED <<num, flag, unchecked, max, nxt>>
Flip(p, l) == pc[p] = l /\ flag' = [flag EXCEPT ![p] = ~ flag[p]] /\ UNCHANGED <<num, pc, unchecked, max, nxt>>
E1Enter(p) == /\ pc[p] = "e1" /\ Goto(p, "e2")
              /\ flag' = [flag EXCEPT ![p] = TRUE]
              /\ unchecked' = [unchecked EXCEPT ![p] = Procs \ {p}]
              /\ max' = [max EXCEPT ![p] = 0]
              /\ UNCHANGED <<num, nxt>>
E2Read(p, i) == /\ pc[p] = "e2" /\ i \in unchecked[p]
                /\ unchecked' = [unchecked EXCEPT ![p] = unchecked[p] \ {i}]
                /\ max' = IF num[i] > max[p] THEN [max EXCEPT ![p] = num[i]] ELSE max
                /\ UNCHANGED <<num, flag, pc, nxt>>
E2Done(p) == pc[p] = "e2" /\ unchecked[p] = {} /\ Goto(p, "e3") /\ UNCHANGED <<num, flag, unchecked, max, nxt>>
Flicker(p, l, k) == pc[p] = l /\ num' = [num EXCEPT ![p] = k] /\ UNCHANGED <<flag, pc, unchecked, max, nxt>>
E3Pick(p, k) == /\ pc[p] = "e3" /\ k > max[p] /\ Goto(p, "e4")
                /\ num' = [num EXCEPT ![p] = k]
                /\ UNCHANGED <<flag, unchecked, max, nxt>>
E4Enter(p) == /\ pc[p] = "e4" /\ Goto(p, "w1")
              /\ flag' = [flag EXCEPT ![p] = FALSE]
              /\ unchecked' = [unchecked EXCEPT ![p] = Procs \ {p}]
              /\ UNCHANGED <<num, max, nxt>>
W1Next(p, i) == /\ pc[p] = "w1" /\ i \in unchecked[p] /\ ~ flag[i] /\ Goto(p, "w2")
                /\ nxt' = [nxt EXCEPT ![p] = i]
                /\ UNCHANGED <<num, flag, unchecked, max>>
\* The planted bug: the flag of the process waited for is not read.
W1NextNoDoorway(p, i) == /\ pc[p] = "w1" /\ i \in unchecked[p] /\ Goto(p, "w2")
                         /\ nxt' = [nxt EXCEPT ![p] = i]
                         /\ UNCHANGED <<num, flag, unchecked, max>>
W1Done(p) == pc[p] = "w1" /\ unchecked[p] = {} /\ Goto(p, "cs") /\ UNCHANGED <<num, flag, unchecked, max, nxt>>
W2(p) == /\ pc[p] = "w2" /\ (num[nxt[p]] = 0 \/ Before(p, nxt[p]))
         /\ unchecked' = [unchecked EXCEPT ![p] = unchecked[p] \ {nxt[p]}]
         /\ Goto(p, "w1")
         /\ UNCHANGED <<num, flag, max, nxt>>
Cs(p) == pc[p] = "cs" /\ Goto(p, "exit") /\ UNCHANGED <<num, flag, unchecked, max, nxt>>
ExitDone(p) == /\ pc[p] = "exit" /\ Goto(p, "ncs")
               /\ num' = [num EXCEPT ![p] = 0]
               /\ UNCHANGED <<flag, unchecked, max, nxt>>

Common(p) == \/ Ncs(p) \/ Flip(p, "e1") \/ E1Enter(p) \/ E2Done(p) \/ Flip(p, "e4") \/ E4Enter(p)
             \/ W1Done(p) \/ W2(p) \/ Cs(p) \/ ExitDone(p)
             \/ \E i \in Procs : E2Read(p, i)
             \/ \E k \in Nums : Flicker(p, "e3", k) \/ E3Pick(p, k) \/ Flicker(p, "exit", k)
Next == \E p \in Procs : Common(p) \/ \E i \in Procs : W1Next(p, i)
NextNoDoorway == \E p \in Procs : Common(p) \/ \E i \in Procs : W1NextNoDoorway(p, i)

MutualExclusion == \A p, q \in Procs : p # q => ~ (pc[p] = "cs" /\ pc[q] = "cs")
====
