"""Differential testing of the engines against the explicit-state evaluator.

A `Case` is one claim taken through the real front end, checked by bounded model
checking and searched breadth-first by the explicit evaluator (to the claim's depth,
and to exhaustion). `PROPERTIES` lists what must hold of every case (trace replay,
state-by-state agreement of encoder and evaluator); `ENGINES` has one function per
engine (BMC, k-induction with and without generated lemmas, PDR, the default
orchestrator and, on its own, its proof portfolio, the matrix, the lasso engine, the explicit-state engine) that runs it on
the case, asserts that it agrees with the evaluator and returns a `Run` for the soak's
table. The tests and `bench/soak.py` run all of them on every generated claim. To
check a new engine, write one `def engine_x(case: Case) -> Run` and add its row to
ENGINE_TABLE: a proof must never meet a reachable bad state (`_proof_is_sound`), a
violation must be the evaluator's shortest (`_deeper_violation_is_real`).
"""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

import z3

import symcheck
from claimgen import GenClaim
from symcheck.engines.bmc import check_bmc
from symcheck.smt.encode import Encoding
from symcheck.smt.symbolic import default, leaves, lift
from symcheck.front.check import check_variant
from symcheck.errors import ModelError
from symcheck.explicit.evaluator import (Evaluator, Found, StateCapReached, check_state, freeze, instances, search, successors,
                               type_violations)
from symcheck.front.ir import MapT, Model, RecordT, SeqT, TupleT
from symcheck.front.source import parse_yaml
from symcheck.trace import Result
from symcheck.front.variants import expand

MAX_STATES = 8_000  # exhaustive search gives up beyond this (the generators stay far below)
BOUNDED_TOO = 2_000  # up to this many reachable states, the bounded search runs too (a cross-check of the evaluator)


@dataclass
class Case:
    claim: GenClaim
    text: str
    model: Model
    bmc: Result
    explicit: Found  # breadth-first search to the claim's depth
    reachable: Found | None  # search to exhaustion (None: too many states)
    notes: dict = field(default_factory=dict)  # properties may leave numbers for the soak report
    runs: dict = field(default_factory=dict)  # engine name -> Run (check_case fills it)

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
    bmc = check_bmc(model, model.depth)  # safety only (prove() would go on to the liveness properties)
    reachable = _exhaust(model)
    if reachable is None or reachable.states <= BOUNDED_TOO:
        explicit = search(model, model.depth)
    else:  # the whole state space is known: the bounded search would only repeat its first levels
        shallow = reachable.invariant is not None and reachable.depth <= model.depth
        explicit = reachable if shallow else Found(None, model.depth, (), reachable.states, False)
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


def outcome(case: Case) -> str:
    """How a case came out (its bounded verdict), for the soak report."""
    inv = case.bmc.invariant
    if case.bmc.holds:
        return {False: "holds", True: "holds to the bound, violated deeper"}.get(
            case.violated_anywhere, "holds to the bound (too many states to exhaust)")
    if inv in ("well-formed", "deadlock"):
        return f"violated: {inv}"
    if inv.startswith("type("):
        return "violated: type"
    return "violated: invariant"


# ---------------------------------------------------------------- state by state

STATE_SAMPLE = 12  # reachable states whose encoding is compared with the evaluator


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
        for k, ((a, params), (_label, nxt)) in enumerate(_all_steps(model, ev, s, insts)):
            sel = [(enc.sel_cur, z3.IntVal(k))]
            bad = z3.simplify(z3.substitute(enc.step_bad_t, *(cur + sel)))
            if isinstance(nxt, ModelError):
                assert z3.is_true(bad), f"{a.name}{params} in {s}: the encoder misses the ill-formed step"
                continue
            # disabled, or enabled and well-formed: an ill-formed operation behind a false
            # guard (or a false earlier conjunct) must not count
            assert z3.is_false(bad), f"{a.name}{params} in {s}: the encoder finds an ill-formed step the evaluator does not"
            if nxt is None:
                continue  # disabled
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


PROPERTIES = [bmc_trace_replays, exhaustive_search_extends_bounded, encoding_matches_evaluator]


# ---------------------------------------------------------------- every engine on every claim
#
# One function per engine: it runs the engine on the case, asserts that the engine
# agrees with the explicit evaluator, and returns a `Run` (what the engine decided) for
# the soak's engine table. A new engine adds one function and one row to ENGINE_TABLE;
# when the engine layer is restructured, only these functions are re-pointed.

PROVE_SECONDS = 0.5  # budget of each proof engine on one generated claim
LEMMA_STATES = 2_000  # reachable states in which every generated lemma is evaluated
EXPLICIT_SECONDS = 5.0  # the explicit engine's budget (generated state spaces are small; a busy machine is slow)
KIND_MAX_K = 16  # k-induction gives up beyond this k (generated claims need far less)
LASSO_DEPTH = 8  # lassos of up to 9 states (the lasso search is the costliest engine per depth)
RECHECK_SECONDS = 60.0  # a re-check must not fail merely for want of time on a busy machine
PROVED, VIOLATED, HOLDS, UNDECIDED = "proved", "violated", "holds", "undecided"


@dataclass
class Run:
    """What one engine decided about one claim: proved, violated (with the counterexample
    length), holds (to the bound), undecided (open, unknown, out of time) or crashed (a
    known engine bug, counted rather than hidden). `confirmed`: the explicit evaluator
    could check the verdict (a proof needs the whole state space)."""
    decided: str
    length: int | None = None  # violated: steps (a lasso: its states)
    k: int | None = None  # proved by k-induction: the induction depth
    how: str = ""  # kind: induction | diameter; auto: the engine that decided
    confirmed: bool = True


def _proof_is_sound(case: Case) -> bool:
    """A proof may stand only where no reachable state is bad; True when that is known."""
    assert case.violated_anywhere is not True, "an engine proves a claim the evaluator finds violated"
    return case.violated_anywhere is False


def _deeper_violation_is_real(case: Case, length: int) -> bool:
    """A violation an engine finds at any depth is the evaluator's shortest one."""
    if case.reachable is None:
        return False
    assert case.reachable.invariant is not None, f"an engine finds a violation at depth {length} the evaluator does not"
    assert case.reachable.depth == length, (case.reachable.depth, length)
    return True


def engine_bmc(case: Case) -> Run:
    """Bounded model checking: same verdict, invariant and shortest length as the
    breadth-first search to the claim's depth (the trace replays: `bmc_trace_replays`)."""
    bmc, bfs = case.bmc, case.explicit
    assert bmc.verdict in ("holds", "violated"), bmc.reason
    assert bmc.invariant == bfs.invariant, (bmc.invariant, bfs.invariant)
    if bfs.invariant is None:
        assert bmc.holds and bmc.bound == case.model.depth
        return Run(HOLDS)
    assert bmc.violated and bmc.length == bfs.depth == bmc.trace.length
    return Run(VIOLATED, length=bmc.length)


def engine_kind(case: Case) -> Run:
    """k-induction alone (no BMC first): a proof never meets a reachable bad state and
    passes its re-check; a violation is at the evaluator's shortest depth."""
    from symcheck.engines import kind
    out = kind.check_kind(case.model, KIND_MAX_K, timeout=PROVE_SECONDS)
    if out.verdict == "proved":
        confirmed = _proof_is_sound(case)
        assert kind.recheck(case.model, out, timeout=RECHECK_SECONDS), \
            f"k-induction's proof at k = {out.k} fails its re-check"
        return Run(PROVED, k=out.k, how=out.how, confirmed=confirmed)
    if out.verdict == "violated":
        return Run(VIOLATED, length=out.length, confirmed=_deeper_violation_is_real(case, out.length))
    return Run(UNDECIDED, how=out.reason or f"open at k = {out.bound}")


def engine_lemmas(case: Case) -> Run:
    """Houdini and k-induction with the generated lemmas (no BMC first, no quick plain
    attempt): where the claim holds, every lemma Houdini kept holds in every reachable
    state; a proof never meets a reachable bad state and passes its re-check, which
    re-proves the lemmas."""
    from symcheck.engines import kind, lemmas
    from symcheck.smt.encode import Encoding
    from symcheck.smt.solve import Deadline
    enc = Encoding(case.model)
    out = lemmas.run(case.model, enc, Deadline(PROVE_SECONDS))
    if case.violated_anywhere is False and out.certificate:  # the lemmas Houdini kept, whatever the verdict
        ev = Evaluator(case.model)
        for s in reachable_states(case.model, LEMMA_STATES):
            for lemma in out.certificate:
                assert ev.evaluate(lemma.expr, s, {}) is True, f"generated lemma {lemma.text} is false in {s}"
    if out.verdict == "proved":
        confirmed = _proof_is_sound(case)
        assert kind.recheck(case.model, out, timeout=RECHECK_SECONDS, enc=enc), \
            f"k-induction with lemmas: the proof at k = {out.k} fails its re-check"
        return Run(PROVED, k=out.k, how=out.engine, confirmed=confirmed)
    if out.verdict == "violated":
        return Run(VIOLATED, length=out.length, confirmed=_deeper_violation_is_real(case, out.length))
    return Run(UNDECIDED, how=out.reason or "")


def engine_pdr(case: Case) -> Run:
    """PDR alone: an invariant it finds passes initiation, consecution and safety and
    never meets a reachable bad state; a violation it reports is reachable."""
    from symcheck.engines import pdr
    out = pdr.check_pdr(case.model, timeout=PROVE_SECONDS)
    if out.verdict == "proved":
        confirmed = _proof_is_sound(case)
        assert pdr.recheck(case.model, out.certificate, timeout=RECHECK_SECONDS), "PDR's invariant fails its re-check"
        return Run(PROVED, confirmed=confirmed)
    if out.verdict == "violated":
        assert case.violated_anywhere is not False, "PDR reports a violation the evaluator never reaches"
        return Run(VIOLATED, confirmed=case.violated_anywhere is True)
    return Run(UNDECIDED, how=out.reason)


def engine_auto(case: Case) -> Run:
    """The default engine (BMC, then k-induction and PDR, liveness last): never proves a
    claim the evaluator finds violated; a violation beyond the bound is the shortest."""
    r = symcheck.prove(case.model, prove_timeout=PROVE_SECONDS)
    if r.verdict == "unknown":
        return Run(UNDECIDED, how=r.reason or "")
    if r.proved:
        return Run(PROVED, k=r.k, how=r.engine, confirmed=_proof_is_sound(case))
    if r.violated and r.invariant in {p.name for p in case.model.properties}:
        return Run(VIOLATED, length=r.length, how="lasso", confirmed=False)  # compared by engine_lasso
    if r.violated:
        assert case.reachable is None or (r.invariant, r.length) == (case.reachable.invariant, case.reachable.depth)
        return Run(VIOLATED, length=r.length, how=r.engine, confirmed=case.reachable is not None)
    return Run(HOLDS, how=r.engine)


def engine_matrix(case: Case) -> Run | None:
    """With the generated Boolean constants made symbolic (each over its alternatives),
    every row of the matrix equals the bounded check of that one configuration, and a
    row proved for every depth is violated nowhere in the evaluator's search of it."""
    # integer constants may bound types (which must be fixed numbers); Booleans never do
    domains = {c: vs for c, vs in case.claim.domains.items() if all(isinstance(v, bool) for v in vs)}
    if not domains:
        return None
    from symcheck.front.ir import configurations
    model = load(case.claim.yaml({c: {"domain": values} for c, values in domains.items()}))
    matrix = symcheck.check_matrix(model, model.depth, prove_timeout=PROVE_SECONDS)
    assert len(matrix.rows) == len(configurations(model))
    case.notes["matrix rows"] = len(matrix.rows)
    confirmed = True
    for row in matrix.rows:
        single_model = load(case.claim.yaml(dict(row.config)))
        single = check_bmc(single_model, single_model.depth)
        if row.verdict == PROVED:
            assert single.holds, row
            full = _exhaust(single_model)
            assert full is None or full.invariant is None, f"matrix row {row.config} proved but violated"
            confirmed &= full is not None
            continue
        assert (row.verdict, row.invariant, row.depth) == (single.verdict, single.invariant, single.depth), row
    verdicts = {row.verdict for row in matrix.rows}
    return Run(VIOLATED if VIOLATED in verdicts else PROVED if verdicts == {PROVED} else HOLDS, confirmed=confirmed)


def engine_lasso(case: Case) -> Run | None:
    """The lasso engine on each liveness property: the same verdict and the same
    shortest lasso as the explicit fair-lasso search of the whole state graph, and its
    lasso replays as a fair lasso violating the property."""
    if not case.model.properties:
        return None
    from symcheck.explicit.liveness import find_lasso, lasso_problem, reachable_graph
    from symcheck.engines.liveness import check_lasso
    try:
        graph = reachable_graph(case.model, max_states=MAX_STATES)
        exact = {p.name: find_lasso(case.model, graph, p) for p in case.model.properties}
    except StateCapReached:
        exact = None
    depth = min(case.model.depth, LASSO_DEPTH)
    runs = []
    for prop in case.model.properties:
        r = check_lasso(case.model, depth, only=prop.name)
        if r.verdict == "unknown":
            runs.append(Run(UNDECIDED, how=r.reason or ""))
            continue
        if exact is None:
            runs.append(Run(VIOLATED if r.violated else HOLDS, length=r.length, confirmed=False))
            continue
        lasso = exact[prop.name]
        if lasso is not None and lasso.length <= depth + 1:
            assert r.violated and r.invariant == prop.name, (prop.name, r.verdict, lasso.length)
            assert r.length == lasso.length == r.trace.length, (r.length, lasso.length)
            assert lasso_problem(case.model, r.trace, r.loop_start, prop.name) is None
            runs.append(Run(VIOLATED, length=r.length))
        else:
            assert r.holds, (prop.name, r.length, lasso)
            runs.append(Run(HOLDS))
    return next((x for x in runs if x.decided != HOLDS), runs[0])


def engine_explicit(case: Case) -> Run:
    """The explicit-state engine (the model compiled to Python, not the evaluator): a
    proof only where the evaluator's exhaustive search finds no bad state; a violation
    with the evaluator's check and shortest depth."""
    from symcheck.engines import explicit
    from symcheck.smt.solve import Deadline
    out = explicit.run(case.model, None, Deadline(EXPLICIT_SECONDS), max_states=MAX_STATES)
    if out.verdict == PROVED:
        return Run(PROVED, confirmed=_proof_is_sound(case))
    if out.verdict == VIOLATED:
        confirmed = _deeper_violation_is_real(case, out.length)
        assert not confirmed or out.invariant == case.reachable.invariant, (out.invariant, case.reachable.invariant)
        return Run(VIOLATED, length=out.length, confirmed=confirmed)
    return Run(UNDECIDED, how=out.reason or "")


def engine_portfolio(case: Case) -> Run:
    """The proof portfolio as `auto` runs it once the explicit engine gives way (BMC to the
    claim's depth, then the proof engines in parallel processes, the first definitive
    answer wins). Generated claims are small, so `engine_auto` decides them by the
    explicit engine first and never reaches this path: it is run here directly. An
    `unknown` or a proof that failed its re-check must never come out as a proof."""
    from symcheck.engines import auto
    from symcheck.smt.solve import Deadline
    out = auto.run(case.model, Encoding.of(case.model), Deadline(None), case.model.depth, engine="auto",
                   prove_timeout=PROVE_SECONDS)
    bfs = case.explicit
    if out.verdict == VIOLATED and out.length is not None and out.length <= case.model.depth:
        assert (out.invariant, out.length) == (bfs.invariant, bfs.depth), (out.invariant, out.length, bfs.invariant)
        return Run(VIOLATED, length=out.length, how=out.engine)
    assert bfs.invariant is None, f"the portfolio misses the violation of {bfs.invariant} at depth {bfs.depth}"
    if out.verdict == PROVED:
        return Run(PROVED, k=out.k, how=out.engine, confirmed=_proof_is_sound(case))
    if out.verdict == VIOLATED:
        confirmed = _deeper_violation_is_real(case, out.length)
        assert not confirmed or out.invariant == case.reachable.invariant, (out.invariant, case.reachable.invariant)
        return Run(VIOLATED, length=out.length, how=out.engine, confirmed=confirmed)
    if out.verdict == "unknown":
        return Run(UNDECIDED, how=out.reason or "")
    return Run(HOLDS, how=out.reason or "")


def _exhaust(model: Model) -> Found | None:
    try:
        return search(model, 10 ** 9, max_states=MAX_STATES)
    except StateCapReached:
        return None


@dataclass(frozen=True)
class Engine:
    """One row of the engine table: the name the soak prints, the function that runs the
    engine on a case and compares it with the evaluator, and the module the engine lives
    in when that module may not exist yet (an engine still being written joins the
    table, and every test, as soon as its module lands)."""
    name: str
    check: Callable[[Case], Run | None]
    needs: str = ""


ENGINE_TABLE = [
    Engine("bmc", engine_bmc),
    Engine("kind", engine_kind),
    Engine("lemmas", engine_lemmas),
    Engine("pdr", engine_pdr),
    Engine("auto", engine_auto),
    Engine("portfolio", engine_portfolio),
    Engine("matrix", engine_matrix),
    Engine("lasso", engine_lasso),
    Engine("explicit", engine_explicit),
]
ENGINES = {e.name: e.check for e in ENGINE_TABLE if not e.needs or importlib.util.find_spec(e.needs) is not None}


def check_case(case: Case) -> None:
    """Every property, then every engine (its `Run` lands in `case.runs`)."""
    for prop in PROPERTIES:
        prop(case)
    for name, engine in ENGINES.items():
        run = engine(case)
        if run is not None:
            case.runs[name] = run


# ---------------------------------------------------------------- claims beyond the bounds

INSTANCE_SIZES = (1, 2, 3, 4)  # each sort an enum of this many members
INSTANCE_INTS = (0, 3)  # each unbounded integer this range (free constants: each value)
INSTANCE_STATES = 3_000  # a bigger instance is skipped (reported, never taken for agreement)
INSTANCE_BMC_STATES = 400  # up to this many states, BMC on the instance runs too


def unbounded_matches_instances(model: Model, result: Result) -> dict[int, str]:
    """A claim over sorts and unbounded integers, decided by the SMT engines for every
    size (`result`), against its finite instances searched by the evaluator to the
    claim's depth: a proof for every size must hold at each size; a witness that uses
    at most k members of each sort (its integers in range) must be found at size k and
    above; no instance may be violated when the claim is proved. BMC on each instance
    (the finite encoding) must give the evaluator's verdict too. Size -> verdict."""
    from symcheck.front.unbounded import instantiate
    rows: dict[int, str] = {}
    for n in INSTANCE_SIZES:
        inst = instantiate(model, n, INSTANCE_INTS)
        try:
            found = search(inst, inst.depth, max_states=INSTANCE_STATES)
        except StateCapReached:
            rows[n] = "too big"
            continue
        rows[n] = "violated" if found.invariant is not None else "holds"
        if found.states <= INSTANCE_BMC_STATES:  # the finite encoding of the instance agrees too
            assert check_bmc(inst, inst.depth).verdict == rows[n], (inst.name, found)
        if result.proved:
            assert found.invariant is None, f"{model.name} is proved for every size, but size {n} is violated"
    if result.violated:
        k = _members_used(model, result)
        in_range = all(INSTANCE_INTS[0] <= v <= INSTANCE_INTS[1] for v in _ints_used(model, result))
        if k <= max(INSTANCE_SIZES) and in_range:
            seen = [rows[n] for n in INSTANCE_SIZES if n >= k and rows[n] != "too big"]
            assert seen and all(v == "violated" for v in seen), (model.name, k, rows)
    return rows


def _walk(v, t, out: list) -> None:
    from symcheck.front.ir import IntT, SetT, SortT
    if isinstance(t, SortT):
        out.append((t.name, v))
    elif isinstance(t, IntT) and not t.bounded:
        out.append(("int", v))
    elif isinstance(t, (SetT, SeqT)):
        for x in v:
            _walk(x, t.elem, out)
    elif isinstance(t, MapT):
        for _, x in v:
            _walk(x, t.val, out)
    elif isinstance(t, (RecordT, TupleT)):
        for x, ft in zip(v, [f for _, f in t.fields] if isinstance(t, RecordT) else t.elems, strict=False):
            _walk(x, ft, out)


def _leaves_of(model: Model, result: Result) -> list:
    out: list = []
    types = dict(model.variables)
    for step in result.trace.steps:
        for _, v, t in step.params:
            _walk(v, t, out)
        for n, v in step.state.items():
            _walk(v, types[n], out)
    return out


def _members_used(model: Model, result: Result) -> int:
    sorts: dict[str, set] = {}
    for kind, v in _leaves_of(model, result):
        if kind != "int":
            sorts.setdefault(kind, set()).add(v)
    return max((len(s) for s in sorts.values()), default=1)


def _ints_used(model: Model, result: Result) -> list[int]:
    return [v for kind, v in _leaves_of(model, result) if kind == "int"] + \
        [v for v in (result.config or {}).values() if isinstance(v, int)]
