"""Enumerate the classes of a claim's counterexamples: ask an engine for a violation, name
the class it falls in (the first of a given list of predicates that holds on it), block that
class, and ask again, until the engine finds none (the list is complete for the model, to
the claim's depth) or cannot tell (unknown: not complete), or a violation falls in no
known class (a new class: not complete either). Each witness is checked by the explicit
evaluator (it must break the same invariant); one that is not ends the loop, not complete.

The claim says which violations count through one definition its invariant reads,
`in_class(PARAMS) -> bool` ("True" in the claim): each round patches it to "none of the
blocked classes", and adds each class as a definition `class_<i>(PARAMS)` that the explicit
evaluator (which shares no code with the solver's encoding) evaluates on the witness to
name it. bench/strings.py runs it on oc-routing-strings; tests/test_strings_classes.py on
a small claim whose classes are known.

`on_instance` answers the same question without a solver on a finite instance of the claim:
the explicit evaluator gives every message of a finite set its key, and every two messages
with one key that the claim forbids are named by the classes; the list is complete for that
instance when each such pair is in one of them."""
from __future__ import annotations

import os
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from symcheck import api


@dataclass(frozen=True)
class Round:
    """One question: how long it took and what came back (a witness and its class's
    index in the list, None for a witness in no known class; no witness at the end)."""
    seconds: float
    witness: Any = None
    cls: int | None = None
    confirmed: bool = True  # the explicit evaluator finds the witness's state violating the same invariant


@dataclass
class Enumeration:
    classes: Sequence[tuple[str, str]]
    rounds: list[Round] = field(default_factory=list)
    verdict: str = ""  # the last round's: holds (complete), unknown, or violated (a new class)
    reason: str = ""
    depth: int = 0
    seconds: float = 0.0

    @property
    def found(self) -> list[Round]:
        return [r for r in self.rounds if r.cls is not None]

    @property
    def complete(self) -> bool:
        """No violation outside the classes found: only an engine's holds says so."""
        return self.verdict == "holds"

    def summary(self) -> str:
        names = "; ".join(self.classes[r.cls][0] for r in self.found if r.cls is not None)
        if self.complete:
            end = f"complete: no other violation to depth {self.depth}"
        elif self.verdict == "violated":
            end = "NOT complete: a witness in no known class (add its class and run again)"
        elif self.verdict == "unconfirmed":
            end = f"NOT complete: {self.reason}"
        else:
            end = f"NOT complete: {self.verdict} ({self.reason})"
        return f"{len(self.found)} classes ({names}); {end}; {self.seconds:.1f} s"


def patched(doc: dict, patch: dict, add: dict, classes: Sequence[tuple[str, str]], blocked: Sequence[int],
            params: str) -> dict:
    """The claim document with one variant, `enumerate`: `patch` and `add` (a variant's:
    the derivation and scope to search), in_class as none of the blocked classes, and
    every class as a new definition class_<i>."""
    cond = " or ".join(f"({classes[i][1]})" for i in blocked) or "False"
    defs = dict(patch.get("defs", {}))
    defs[f"in_class({params}) -> bool"] = f"not ({cond})"
    added = dict(add.get("defs", {}))
    added.update({f"class_{i}({params}) -> bool": text for i, (_, text) in enumerate(classes)})
    out = dict(doc)
    out["variants"] = {"enumerate": {"patch": {**patch, "defs": defs}, "add": {**add, "defs": added}}}
    return out


def enumerate_classes(doc: dict, classes: Sequence[tuple[str, str]], pair: Callable[[dict], tuple],
                      params: str = "p: Msg, q: Msg", patch: dict | None = None, add: dict | None = None,
                      engine: str = "bmc",
                      timeout: float | None = None, rounds: int | None = None,
                      progress: Callable[[Round, Enumeration], None] | None = None) -> Enumeration:
    """Witness, name its class, block it, ask again. `pair(state)` gives the class
    predicates' arguments from the violating state; `timeout` is per question."""
    from symcheck.explicit.evaluator import Definitions, Evaluator, check_state
    out = Enumeration(classes)
    blocked: list[int] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{doc['claim']}.yaml"
        for _ in range(rounds or len(classes) + 1):
            path.write_text(yaml.safe_dump(patched(doc, patch or {}, add or {}, classes, blocked, params), sort_keys=False,
                                           allow_unicode=True), encoding="utf-8")
            model = api.load_claim(str(path), variant="enumerate")
            out.depth = model.depth
            t0 = time.perf_counter()
            res = api.prove(model, engine=engine, timeout=timeout)
            took = time.perf_counter() - t0
            out.verdict, out.reason = res.verdict, res.reason or ""
            if not res.violated:
                out.rounds.append(Round(took))
                if progress:
                    progress(out.rounds[-1], out)
                break
            state = res.trace.steps[-1].state
            args = pair(state)
            broken = check_state(model, Evaluator(model), state)  # the witness, checked without the solver
            if broken != res.invariant:
                out.verdict = "unconfirmed"
                out.reason = (f"BMC's witness breaks {res.invariant}, the explicit evaluator finds "
                              f"{broken or 'no invariant'} broken in its last state")
                out.rounds.append(Round(took, args, None, confirmed=False))
                if progress:
                    progress(out.rounds[-1], out)
                break
            defs = Definitions(str(path), variant="enumerate", claims=tmp)
            named = next((i for i in range(len(classes)) if i not in blocked and defs.call(f"class_{i}", *args)), None)
            out.rounds.append(Round(took, args, named))
            if progress:
                progress(out.rounds[-1], out)
            if named is None:
                break
            blocked.append(named)
        else:
            out.verdict, out.reason = "unknown", f"stopped after {len(out.rounds)} rounds"
    out.seconds = time.perf_counter() - start
    return out


@dataclass
class Instance:
    """The collisions among a finite set of messages: how many messages and keys, the
    forbidden pairs with one key, how many fall in each class (with the first of each),
    and those in none (the list is complete for the instance when there are none)."""
    classes: Sequence[tuple[str, str]]
    messages: int = 0
    keys: int = 0
    pairs: int = 0
    by_class: Counter = field(default_factory=Counter)
    first: dict[int, tuple] = field(default_factory=dict)
    unnamed: list[tuple] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return not self.unnamed

    def summary(self) -> str:
        end = ("complete: every one is in a class" if self.complete
               else f"NOT complete: {len(self.unnamed)} pairs in no known class")
        return (f"{self.messages} messages, {self.keys} keys, {self.pairs} forbidden pairs with one key in "
                f"{len(self.by_class)} classes; {end}; {self.seconds:.1f} s")


def on_instance(doc: dict, classes: Sequence[tuple[str, str]], messages: Iterable[tuple], key: str, allowed: str,
                patch: dict | None = None, add: dict | None = None, elem: str = "Msg") -> Instance:
    """Every collision among `messages`, named without a solver. `key` is the claim's key of
    a message m, `allowed` whether two messages p and q may share one (both claim
    expressions); a pair is named by the first class that holds on it either way round."""
    from symcheck.explicit.evaluator import Definitions
    out = Instance(classes)
    start = time.perf_counter()
    extra = {"defs": {**(add or {}).get("defs", {}), f"key_of(m: {elem}) -> str": key,
                      f"allowed(p: {elem}, q: {elem}) -> bool": allowed}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{doc['claim']}.yaml"
        path.write_text(yaml.safe_dump(patched(doc, patch or {}, {**(add or {}), **extra}, classes, [],
                                               f"p: {elem}, q: {elem}"), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        defs = Definitions(str(path), variant="enumerate", claims=tmp)
        groups: dict[str, list[tuple]] = defaultdict(list)
        for m in messages:
            groups[defs.call("key_of", m)].append(m)
            out.messages += 1
        out.keys = len(groups)
        for group in groups.values():
            for i, p in enumerate(group):
                for q in group[i + 1:]:
                    if defs.call("allowed", p, q):
                        continue
                    out.pairs += 1
                    named = next((c for c in range(len(classes))
                                  if defs.call(f"class_{c}", p, q) or defs.call(f"class_{c}", q, p)), None)
                    if named is None:
                        out.unnamed.append((p, q))
                    else:
                        out.by_class[named] += 1
                        out.first.setdefault(named, (p, q))
    out.seconds = time.perf_counter() - start
    return out


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"
