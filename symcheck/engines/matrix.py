"""The configuration matrix: every configuration of a claim's symbolic constants with
its verdict. One incremental BMC solver asks for a violation, depth by depth in the
engine's check order (so each configuration is reported with its shortest violation),
records the configuration and blocks it with a clause on the constants, until no
configuration is left that violates anything; every other configuration holds to the
bound. Then one k-induction run, with the violating configurations excluded, proves
all the others at once (re-checked like any proof); or a caller's `prover` hook
tries each remaining configuration on its own."""
from __future__ import annotations

import time
from collections.abc import Callable

from symcheck.engines import kind
from symcheck.front.ir import Model, configurations, with_constants
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline, neg
from symcheck.smt.unroll import Unroller
from symcheck.trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Config, Matrix, MatrixRow, Outcome

Prover = Callable[[Model], Outcome]
Key = tuple[tuple[str, object], ...]  # a configuration, hashable


def run(model: Model, encoding: Encoding, deadline: Deadline, depth: int | None = None,
        prover: Prover | None = None, prove_timeout: float | None = None) -> Outcome:
    """The matrix in the outcome's `matrix`, its verdict the outcome's. `prover(model)`,
    given the model fixed to one configuration that holds to the bound, may return a
    proof (or a deeper violation), which replaces that row's verdict."""
    m = _matrix(model, encoding, deadline, model.depth if depth is None else depth, prover, prove_timeout)
    return Outcome(model.name, m.verdict, m.depth, model.expect, matrix=m, timings=m.timings)


def _enumerate(model: Model, enc: Encoding, deadline: Deadline,
               depth: int) -> tuple[dict[Key, MatrixRow], str | None, int]:
    """The violating configurations (key -> row, each with its shortest violation), why
    the enumeration stopped early (or None), and the depth it reached."""
    u = Unroller(enc, deadline)
    found: dict[Key, MatrixRow] = {}
    unknown = None
    d = 0
    for d in u.depths(depth):
        for name, bad in u.checks(d):
            while unknown is None:
                answer = u.check(bad)
                if answer.unsat:
                    break
                if answer.unknown:
                    unknown = f"{answer.reason} at depth {d}"
                    break
                config = enc.decode_config(u.model())
                found[_key(config)] = MatrixRow(config, VIOLATED, d, name)
                u.block(enc.config_is(config))  # block this configuration
            if unknown is not None:
                break
            u.lemma(bad)  # no remaining configuration violates it here
        if unknown is not None:
            break
    return found, unknown, d


def _matrix(model: Model, enc: Encoding, deadline: Deadline, depth: int, prover: Prover | None,
            prove_timeout: float | None) -> Matrix:
    start = time.perf_counter()
    found, unknown, d = _enumerate(model, enc, deadline, depth)
    proof = None
    if prove_timeout and unknown is None:
        violating = tuple(row.config for row in found.values())
        budget = deadline.within(prove_timeout)  # within --timeout too: one deadline for the run
        out = kind.run(model, enc, budget, kind.MAX_K, assume=tuple(neg(enc.config_is(c)) for c in violating))
        if out.verdict == PROVED and kind.recheck(model, out, timeout=budget, assume_configs=violating, enc=enc):
            proof = out
    rows = []
    for config in configurations(model):
        row = found.get(_key(config))
        if row is None and proof is not None:
            rows.append(MatrixRow(config, PROVED, proof.k or 0, engine="kind"))
            continue
        if row is None:
            row = MatrixRow(config, UNKNOWN, d, reason=unknown) if unknown else MatrixRow(config, HOLDS, depth)
            if prover is not None and row.verdict == HOLDS:
                row = _upgrade(row, prover(with_constants(model, config)))
        rows.append(row)
    return Matrix(model.name, model.expect, depth, model.symbolic, rows,
                  {"encode+solve": time.perf_counter() - start})


def _key(config: Config) -> Key:
    return tuple(sorted(config.items()))


def _upgrade(row: MatrixRow, r: Outcome) -> MatrixRow:
    if r.verdict == VIOLATED:
        return MatrixRow(row.config, r.verdict, r.length or 0, r.invariant, r.engine)
    if r.verdict == PROVED:
        return MatrixRow(row.config, r.verdict, r.k if r.k is not None else 0, r.invariant, r.engine)
    return row


def matrix(model: Model, depth: int | None = None, timeout: Deadline | float | None = None,
           prover: Prover | None = None, prove_timeout: float | None = None) -> Matrix:
    """`run`'s matrix, for callers without an encoding or a deadline. The matrix has an
    encoding of its own (with every symbolic constant free), never the shared one."""
    t0 = time.perf_counter()
    m = run(model, Encoding(model), Deadline.of(timeout), depth, prover, prove_timeout).matrix
    assert m is not None
    m.timings = {"encode+solve": time.perf_counter() - t0}
    return m
