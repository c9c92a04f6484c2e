---- MODULE hourclock ----
\* The hour clock (Specifying Systems, ch. 2), written for symcheck's bench/protocols.
EXTENDS Naturals
VARIABLE hr
Init == hr \in 1 .. 12
Tick == hr' = IF hr # 12 THEN hr + 1 ELSE 1
Skips == hr' = IF hr < 11 THEN hr + 1 ELSE 1
TypeOK == hr \in 1 .. 12
NextHour == [][hr' = (hr % 12) + 1]_hr
====
