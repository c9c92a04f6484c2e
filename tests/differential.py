"""Differential testing of the engines against the explicit-state evaluator.

A `Case` is one claim taken through the real front end, checked by bounded model
checking and searched breadth-first by the explicit evaluator (to the claim's depth,
and to exhaustion). `PROPERTIES` lists what must hold of every case; the tests and
`bench/soak.py` run each of them on every generated claim. To check a new engine, add
one function `def prop(case: Case) -> None` that asserts, and append it to PROPERTIES
(e.g. "proved is never returned for a claim the evaluator finds violated at any depth":
`assert not (result.proved and case.violated_anywhere)`; "a matrix row equals the
single-configuration run": render `case.claim.yaml(constants=...)` per configuration).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import z3

import symcheck
from claimgen import GenClaim
from symcheck.smt.encode import Encoding
from symcheck.smt.symbolic import default, leaves, lift
from symcheck.front.check import check_variant
from symcheck.errors import ModelError
from symcheck.explicit.evaluator import (Evaluator, Found, check_state, freeze, instances, search, successors,
                               type_violations)
from symcheck.front.ir import MapT, Model, RecordT, SeqT, TupleT
from symcheck.front.source import parse_yaml
from symcheck.trace import Result
from symcheck.front.variants import expand

MAX_STATES = 50_000  # exhaustive search gives up beyond this (the generator stays far below)


@dataclass
class Case:
    claim: GenClaim
    text: str
    model: Model
    bmc: Result
    explicit: Found  # breadth-first search to the claim's depth
    reachable: Found | None  # search to exhaustion (None: too many states)
    notes: dict = field(default_factory=dict)  # properties may leave numbers for the soak report

    @property
    def violated_anywhere(self) -> bool | None:
        """Some reachable state violates an invariant (at any depth); None if unknown."""
        return None if self.reachable is None else self.reachable.invariant is not None


def load(text: str, file: str = "generated.yaml") -> Model:
    variants = expand(parse_yaml(text, file))
    assert len(variants) == 1
    return check_variant(variants[0])


def make_case(claim: GenClaim, text: str | None = None) -> Case:
    text = claim.yaml() if text is None else text
    model = load(text)
    bmc = symcheck.prove(model, engine="bmc")
    explicit = search(model, model.depth)
    try:
        reachable = search(model, 10 ** 9, max_states=MAX_STATES)
    except MemoryError:
        reachable = None
    return Case(claim, text, model, bmc, explicit, reachable)


# ---------------------------------------------------------------- properties


def bmc_matches_explicit(case: Case) -> None:
    """Same verdict, same violated invariant, same shortest counterexample length."""
    bmc, bfs = case.bmc, case.explicit
    assert bmc.verdict in ("holds", "violated"), bmc.reason
    assert bmc.invariant == bfs.invariant, (bmc.invariant, bfs.invariant)
    if bfs.invariant is None:
        assert bmc.holds and bmc.depth == case.model.depth
    else:
        assert bmc.violated and bmc.depth == bfs.depth == bmc.trace.length


def bmc_trace_replays(case: Case) -> None:
    """The BMC trace is a real path of the evaluator's semantics: the initial state, every
    step (guard true, updates applied), no violation before the last state, and the last
    state (or step) violates the reported invariant."""
    model, bmc = case.model, case.bmc
    if not bmc.violated:
        return
    ev = Evaluator(model)
    steps = bmc.trace.steps
    if bmc.invariant == "well-formed" and len(steps) == 1:
        _raises(lambda: [ev.evaluate(e, {}, {}) for _, e in model.init])
        return
    assert steps[0].state == {n: ev.evaluate(e, {}, {}) for n, e in model.init}
    for i, (prev, step) in enumerate(zip(steps, steps[1:])):
        assert check_state(model, ev, prev.state) is None, f"state {i} already violates an invariant"
        action = next(a for a in model.actions if a.name == step.action)
        params = {p: v for p, v, _ in step.params}
        last = i == len(steps) - 2
        if bmc.invariant == "well-formed" and last:
            def fire():
                if ev.evaluate(action.guard, prev.state, params):
                    for _, e in action.updates:
                        ev.evaluate(e, prev.state, params)
            _raises(fire)
            return
        assert ev.evaluate(action.guard, prev.state, params) is True
        expected = dict(prev.state)
        for var, e in action.updates:
            expected[var] = ev.evaluate(e, prev.state, params)
        assert step.state == expected
    final = steps[-1].state
    if bmc.invariant == "deadlock":
        assert check_state(model, ev, final) is None
        assert not list(successors(model, ev, final, instances(model)))
    else:  # the first violation in checking order: types, then invariants in declaration order
        assert check_state(model, ev, final) == bmc.invariant


def exhaustive_search_extends_bounded(case: Case) -> None:
    """The search to exhaustion agrees with the bounded one up to the claim's depth (so
    `violated_anywhere` is trustworthy for the engines that prove claims)."""
    full, bfs = case.reachable, case.explicit
    if full is None:
        return
    if full.invariant is not None and full.depth <= case.model.depth:
        assert (full.invariant, full.depth) == (bfs.invariant, bfs.depth)
    else:
        assert bfs.invariant is None


def _raises(fn) -> None:
    try:
        fn()
    except ModelError:
        return
    raise AssertionError("BMC reports an ill-formed operation the evaluator does not raise")


def kind(case: Case) -> str:
    """How a case came out, for the soak report."""
    inv = case.bmc.invariant
    if case.bmc.holds:
        return "holds" + ("" if case.violated_anywhere is False else " (violated deeper)")
    if inv in ("well-formed", "deadlock"):
        return f"violated: {inv}"
    if inv.startswith("type("):
        return "violated: type"
    return "violated: invariant"


# ---------------------------------------------------------------- state by state

STATE_SAMPLE = 24  # reachable states whose encoding is compared with the evaluator


def reachable_states(model: Model, limit: int) -> list:
    """The first `limit` reachable, well-typed states in breadth-first order."""
    ev = Evaluator(model)
    try:
        init = {n: ev.evaluate(e, {}, {}) for n, e in model.init}
    except ModelError:
        return []
    seen, out, queue = {freeze(model, init)}, [], [init]
    insts = instances(model)
    while queue and len(out) < limit:
        s = queue.pop(0)
        if type_violations(model, s):
            continue
        out.append(s)
        for _, nxt in successors(model, ev, s, insts):
            if isinstance(nxt, dict) and freeze(model, nxt) not in seen:
                seen.add(freeze(model, nxt))
                queue.append(nxt)
    return out


def _ground(enc, name: str, value, tag: str = "cur") -> list:
    """Substitution pairs that fix the symbolic state variable `name` to a concrete value."""
    return _pairs((enc.cur if tag == "cur" else enc.nxt)[name], value, enc.room[name])


def _pairs(sym, value, t) -> list:
    if isinstance(t, SeqT):
        pairs = [(sym.length, z3.IntVal(len(value)))]
        for i, item in enumerate(sym.items):
            pairs += _pairs(item, value[i], t.elem) if i < len(value) else \
                list(zip(leaves(item), leaves(default(t.elem))))
        return pairs
    if isinstance(t, (RecordT, TupleT)):
        types = [ft for _, ft in t.fields] if isinstance(t, RecordT) else list(t.elems)
        return [p for item, v, ft in zip(sym.items, value, types) for p in _pairs(item, v, ft)]
    if isinstance(t, MapT):
        return [p for (_, item), (_, v) in zip(sym.entries, value) for p in _pairs(item, v, t.val)]
    return list(zip(leaves(sym), leaves(lift(value, t))))


def encoding_matches_evaluator(case: Case) -> None:
    """In reachable states, the encoder and the evaluator agree on every invariant (false
    or ill-formed), and every successor the evaluator computes satisfies the encoded
    transition relation for its action instance. Sharper than the verdicts alone: an
    operator encoded wrongly shows up even where it does not change the verdict."""
    model = case.model
    enc = Encoding(model)
    ev = Evaluator(model)
    insts = instances(model)
    for s in reachable_states(model, STATE_SAMPLE):
        cur = [p for n, _ in model.variables for p in _ground(enc, n, s[n])]
        for inv in model.invariants:
            try:
                bad = not ev.evaluate(inv.expr, s, {})
            except ModelError:
                bad = True
            got = z3.simplify(z3.substitute(enc.inv_t[inv.name], *cur))
            assert z3.is_true(got) == bad and z3.is_bool(got) and (z3.is_true(got) or z3.is_false(got)), \
                f"invariant {inv.name} in {s}: encoder {got}, evaluator bad={bad}"
        for k, ((a, params), (label, nxt)) in enumerate(_all_steps(model, ev, s, insts)):
            if nxt is None:
                continue  # disabled
            sel = [(enc.sel_cur, z3.IntVal(k))]
            if isinstance(nxt, ModelError):
                got = z3.simplify(z3.substitute(enc.step_bad_t, *(cur + sel)))
                assert z3.is_true(got), f"{a.name}{params} in {s}: the encoder misses the ill-formed step"
                continue
            if type_violations(model, nxt):
                continue
            both = cur + sel + [p for n, _ in model.variables for p in _ground(enc, n, nxt[n], "nxt")]
            got = z3.simplify(z3.substitute(enc.trans_t, *both))
            assert z3.is_true(got), f"{a.name}{params} from {s} to {nxt}: the encoder rejects the step"


def _all_steps(model, ev, state, insts):
    """For every action instance: (instance, (label, next state | ModelError | None if disabled))."""
    for a, params in insts:
        out = list(successors(model, ev, state, [(a, params)]))
        yield (a, params), (out[0] if out else (None, None))


def proofs_are_sound(case: Case) -> None:
    """The default engine (BMC, then k-induction and PDR) never proves a claim that the
    evaluator finds violated at any depth; a violation it finds beyond the bound is the
    shortest one (the exhaustive search's); a bounded `holds` stays only where no proof
    came within the budget."""
    r = symcheck.prove(case.model, prove_timeout=10)
    case.notes["proof"] = r.verdict if not r.proved else f"proved ({r.engine})"
    assert r.verdict != "unknown", r.reason
    if case.violated_anywhere:
        assert not r.proved
    if r.proved:
        assert case.violated_anywhere is not True
    if r.violated and case.reachable is not None:
        assert (r.invariant, r.depth) == (case.reachable.invariant, case.reachable.depth)


def matrix_rows_match_single_runs(case: Case) -> None:
    """With the generated constants made symbolic (each over its alternatives), every row
    of the matrix equals the bounded check of that one configuration."""
    # integer constants may bound types (which must be fixed numbers); Booleans never do
    domains = {c: vs for c, vs in case.claim.domains.items() if all(isinstance(v, bool) for v in vs)}
    if not domains:
        return
    from symcheck.front.ir import configurations
    model = load(case.claim.yaml({c: {"domain": values} for c, values in domains.items()}))
    matrix = symcheck.check_matrix(model, model.depth)
    assert len(matrix.rows) == len(configurations(model))
    case.notes["matrix rows"] = len(matrix.rows)
    for row in matrix.rows:
        single = symcheck.prove(load(case.claim.yaml(dict(row.config))), engine="bmc")
        assert (row.verdict, row.invariant, row.depth) == (single.verdict, single.invariant, single.depth), row


PROPERTIES = [bmc_matches_explicit, bmc_trace_replays, exhaustive_search_extends_bounded, encoding_matches_evaluator,
              proofs_are_sound, matrix_rows_match_single_runs]


def check_case(case: Case) -> None:
    for prop in PROPERTIES:
        prop(case)
