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
from typing import Callable

import z3

from . import kind
from .bmc import depth_checks, new_solver
from .encode import Encoding
from .ir import Model, configurations, with_constants
from .solve import Deadline, check
from .trace import HOLDS, PROVED, UNKNOWN, VIOLATED, Matrix, MatrixRow, Result


def matrix(model: Model, depth: int | None = None, timeout: Deadline | float | None = None,
           prover: Callable[[Model], Result] | None = None, prove_timeout: float | None = None) -> Matrix:
    """Every configuration with its verdict. `prover(model)`, given the model fixed to
    one configuration that holds to the bound, may return a proof (or a deeper
    violation), which replaces that row's verdict."""
    depth = model.depth if depth is None else depth
    start = time.perf_counter()
    deadline = Deadline.of(timeout)
    enc = Encoding(model)
    solver = new_solver()
    solver.add(enc.init()[0], enc.config_constraint())
    found: dict = {}  # configuration key -> MatrixRow
    unknown = None
    d = 0
    for d in range(depth + 1):
        if d > 0:
            solver.add(enc.trans(d - 1))
        for name, bad in depth_checks(model, enc, d, enc.init()[1]):
            while unknown is None:
                answer = check(solver, deadline, bad)
                if answer.unsat:
                    break
                if answer.unknown:
                    unknown = f"{answer.reason} at depth {d}"
                    break
                config = enc.decode_config(solver.model())
                found[_key(config)] = MatrixRow(config, VIOLATED, d, name)
                solver.add(z3.Not(enc.config_is(config)))  # block this configuration
            if unknown is not None:
                break
            solver.add(z3.Not(bad))  # no remaining configuration violates it here: a lemma
        if unknown is not None:
            break
    proof = None
    if prove_timeout and unknown is None:
        violating = tuple(row.config for row in found.values())
        kenc = Encoding(model)
        budget = deadline.within(prove_timeout)  # within --timeout too: one deadline for the run
        out = kind.check_kind(model, kind.MAX_K, timeout=budget, enc=kenc,
                              assume=tuple(z3.Not(kenc.config_is(c)) for c in violating))
        if out.status == "proved" and kind.recheck(model, out, timeout=budget, assume_configs=violating):
            proof = out
    rows = []
    for config in configurations(model):
        row = found.get(_key(config))
        if row is None and proof is not None:
            rows.append(MatrixRow(config, PROVED, proof.k, engine="kind"))
            continue
        if row is None:
            row = MatrixRow(config, UNKNOWN, d, reason=unknown) if unknown else MatrixRow(config, HOLDS, depth)
            if prover is not None and row.verdict == HOLDS:
                row = _upgrade(row, prover(with_constants(model, config)))
        rows.append(row)
    return Matrix(model.name, model.expect, depth, model.symbolic, rows,
                  {"encode+solve": time.perf_counter() - start})


def _key(config: dict) -> tuple:
    return tuple(sorted(config.items()))


def _upgrade(row: MatrixRow, r: Result) -> MatrixRow:
    if r.verdict == VIOLATED:
        return MatrixRow(row.config, r.verdict, r.length, r.invariant, r.engine)
    if r.verdict == PROVED:
        return MatrixRow(row.config, r.verdict, r.k if r.k is not None else 0, r.invariant, r.engine)
    return row
