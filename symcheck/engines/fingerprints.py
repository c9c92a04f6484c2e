"""Compact storage for the explicit-state engine's breadth-first search, as TLC's
FPSet and state queue: the visited states (exactly while few, then as 64-bit
fingerprints), the parent of each state as two array entries (a trace is re-derived
by replaying actions from the initial state), and a wide level's states packed by
`pickle` in chunks. The search is then bounded by memory (the process's
resident size, `rss`), not by a count of states.

A fingerprint is Python's own `hash` of the state tuple: 64 bits, computed in C, and
the same for equal states. Two states that differ in exactly one leaf never share it
(the tuple hash is a bijection of each item's hash); otherwise a collision is as
likely as for a random function, except that `hash(-1) == hash(-2)`. So a model whose
variables may hold -1 or -2 keeps exact storage throughout (`Visited(exact=None)`), and
a collision's chance is reported next to a proof that rests on fingerprints."""
from __future__ import annotations

import os
import pickle
import resource
import sys
import zlib
from array import array
from collections.abc import Iterator
from typing import Any

EXACT_STATES = 200_000  # states stored exactly (as tuples) before fingerprints take over
RECENT = 1 << 19  # fingerprints kept in a Python set (fast lookups) before they move to the table
MAX_LOAD = 0.7  # the open-addressing table doubles beyond this share of used slots
PACKED_AFTER = 1 << 16  # states of a level kept as tuples before the rest is packed
CHUNK = 4096  # states of a level packed together
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class OverBudget(Exception):
    """Growing the fingerprint table would pass the memory budget."""


def rss() -> int:
    """The process's resident memory in bytes: the current size where /proc tells it,
    else the peak (getrusage: kilobytes on Linux, bytes on macOS)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def collision_chance(states: int, exact: int) -> float:
    """The chance that two of `states` distinct states share a fingerprint, when the
    first `exact` of them were stored exactly (those pairs cannot collide), for a hash
    that behaves as a random function into 64 bits (the birthday bound; TLC prints the
    same kind of estimate). A collision can only hide states, never add one."""
    return max(0, states * states - exact * exact) / 2.0 ** 65


class Visited:
    """The set of visited states. `add(state)` is True when the state is new. The first
    `exact` states are kept as they are (no collision possible); beyond, their
    fingerprints: the latest `RECENT` in a set, the rest in an open-addressing table
    of signed 64-bit ints (0 marks a free slot; a fingerprint of 0 is stored as 1).
    `budget`: bytes of resident memory the table may grow to (OverBudget)."""

    def __init__(self, exact: int | None = EXACT_STATES, budget: int | None = None, recent: int = RECENT) -> None:
        self.exact: set[Any] | None = set()
        self.limit = exact
        self.budget = budget
        self.spill_at = recent
        self.recent: set[int] = set()
        self.table = array("q")
        self.mask = -1
        self.stored = 0  # fingerprints in the table
        self.exactly = 0  # states that were stored exactly before the switch

    def add(self, state: Any) -> bool:
        exact = self.exact
        if exact is not None:
            if state in exact:
                return False
            exact.add(state)
            if self.limit is not None and len(exact) > self.limit:
                self._to_fingerprints()
            return True
        fp = hash(state) or 1
        if fp in self.recent:
            return False
        if self.stored:
            table, mask = self.table, self.mask
            i = fp & mask
            while v := table[i]:
                if v == fp:
                    return False
                i = (i + 1) & mask
        self.recent.add(fp)
        if len(self.recent) >= self.spill_at:
            self._spill()
        return True

    @property
    def fingerprinted(self) -> bool:
        return self.exact is None

    def _to_fingerprints(self) -> None:
        assert self.exact is not None
        self.exactly = len(self.exact)
        self.recent = {hash(s) or 1 for s in self.exact}
        self.exact = None
        if len(self.recent) >= self.spill_at:
            self._spill()

    def _spill(self) -> None:
        """Move the recent fingerprints into the table, doubling it as needed."""
        need = self.stored + len(self.recent)
        size = len(self.table) or 1 << 20
        while need > size * MAX_LOAD:
            size *= 2
        if size != len(self.table):
            self._grow(size)
        self._insert(self.recent)
        self.stored = need
        self.recent = set()

    def _grow(self, size: int) -> None:
        if self.budget is not None and rss() + 8 * size > self.budget:
            raise OverBudget(f"a fingerprint table of {8 * size >> 20} MB")
        old = self.table
        self.table, self.mask = array("q", [0]) * size, size - 1
        self._insert(v for v in old if v)

    def _insert(self, fps: Any) -> None:
        table, mask = self.table, self.mask
        for fp in fps:
            i = fp & mask
            while table[i]:
                i = (i + 1) & mask
            table[i] = fp


class Parents:
    """Per state, in the order states are added (indexes 0 .. roots - 1: the initial
    states), the index of the state it was first reached from and the action instance
    taken: 6 to 8 bytes a state instead of the state itself."""

    def __init__(self, instances: int, roots: int = 1) -> None:
        self.parent = array("I")
        self.action = array("H" if instances < 1 << 16 else "I")
        self.roots = roots

    def __len__(self) -> int:
        return len(self.parent)

    def add(self, parent: int, action: int) -> int:
        """Record a new state; its index."""
        self.parent.append(parent)
        self.action.append(action)
        return len(self.parent) - 1

    def actions_to(self, index: int) -> list[int]:
        """The action instances of the path from its initial state to state `index`."""
        out = []
        while index >= self.roots:
            out.append(self.action[index])
            index = self.parent[index]
        out.reverse()
        return out

    def root_of(self, index: int) -> int:
        """The initial state the path to state `index` starts from."""
        while index >= self.roots:
            index = self.parent[index]
        return index


class Level:
    """The states of one breadth-first level in the order they were found. With `pack`
    (once the visited states are fingerprints, so that nothing else holds the states),
    the states beyond the first `PACKED_AFTER` are pickled and compressed in chunks of
    `CHUNK`: a state then costs 10 to 20 bytes instead of the few hundred of its tuples
    (a narrow level stays as it is: packing costs a few microseconds a state).
    `drain()` gives the states once, freeing each chunk as it goes."""

    def __init__(self, pack: bool = False) -> None:
        self.pack = pack
        self.head: list[Any] = []
        self.chunks: list[bytes] = []
        self.pending: list[Any] = []
        self.count = 0

    def append(self, state: Any) -> None:
        self.count += 1
        if not self.pack or self.count <= PACKED_AFTER:
            self.head.append(state)
            return
        self.pending.append(state)
        if len(self.pending) >= CHUNK:
            self.chunks.append(zlib.compress(pickle.dumps(self.pending, 5), 1))
            self.pending = []

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Any]:
        yield from self.head
        for chunk in self.chunks:
            yield from _unpack(chunk)
        yield from self.pending

    def drain(self) -> Iterator[Any]:
        head, self.head = self.head, []
        yield from head
        head.clear()
        chunks, self.chunks = self.chunks, []
        chunks.reverse()
        while chunks:
            yield from _unpack(chunks.pop())
        pending, self.pending = self.pending, []
        yield from pending


def _unpack(chunk: bytes) -> list[Any]:
    states: list[Any] = pickle.loads(zlib.decompress(chunk))  # noqa: S301 - the search's own states, packed above
    return states
