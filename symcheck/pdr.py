"""PDR (IC3) through Z3's Spacer: the claim as constrained Horn clauses over one
unknown relation Inv(state),

    init(x)                                   -> Inv(x)
    Inv(x) and step(x, a, x') (well formed)   -> Inv(x')
    Inv(x) and (bad(x) or ill-formed step)    -> false

Satisfiable clauses give an inductive invariant that implies the property; it is
re-checked with three plain SMT queries (initiation, consecution, safety) on a fresh
solver before a proof is reported, and printed in model terms."""
from __future__ import annotations

from dataclasses import dataclass, field

import z3

from .encode import Encoding
from .ir import EnumT, Model
from .solve import Deadline, check

MAX_LINES = 40


@dataclass
class PdrOutcome:
    status: str  # proved | violated | unknown
    invariant: object = None  # z3 formula over the current-state leaves (proved)
    lines: list = field(default_factory=list)  # the invariant in model terms
    reason: str = ""


def check_pdr(model: Model, timeout: Deadline | float | None = None, enc: Encoding | None = None) -> PdrOutcome:
    """`timeout`: seconds or a Deadline."""
    deadline = Deadline.of(timeout)
    enc = enc or Encoding(model)
    cs = enc.const_leaves()  # symbolic constants: arguments of Inv that never change
    xs, xn, sel = enc.leaves("cur") + cs, enc.leaves("nxt") + cs, enc.sel_cur
    inv = z3.Function("Inv", *[x.sort() for x in xs], z3.BoolSort())
    init_body, init_wf = enc.init_t
    init_body = z3.And(init_body, enc.config_constraint())
    s = z3.SolverFor("HORN")
    s.set("random_seed", 0)
    every = enc.leaves("cur") + enc.leaves("nxt") + cs + [sel]
    s.add(_forall(xs, z3.Implies(init_body, inv(*xs))))
    s.add(_forall(xs, z3.Implies(z3.And(init_body, z3.Not(init_wf)), z3.BoolVal(False))))
    s.add(_forall(every, z3.Implies(z3.And(inv(*xs), enc.trans_t, z3.Not(enc.step_bad_t)), inv(*xn))))
    s.add(_forall(every, z3.Implies(z3.And(inv(*xs), z3.Or(enc.bad_t, enc.step_bad_t)), z3.BoolVal(False))))
    answer = check(s, deadline)
    if answer.unsat:
        return PdrOutcome("violated")
    if answer.unknown:
        return PdrOutcome("unknown", reason=f"PDR ran out of time ({answer.reason})" if answer.timed_out
                          else f"spacer: {answer.reason}")
    interp = s.model()[inv]
    if interp is None:
        return PdrOutcome("unknown", reason="spacer gave no interpretation of the invariant")
    body = interp.else_value() if isinstance(interp, z3.FuncInterp) else interp
    phi = z3.substitute_vars(body, *xs) if xs else body
    return PdrOutcome("proved", phi, render_invariant(enc, phi, deadline))


def _forall(vs, body):
    return z3.ForAll(vs, body) if vs else body


def recheck(model: Model, phi, timeout: Deadline | float | None = None, enc: Encoding | None = None) -> bool:
    """Initiation, consecution and safety of `phi` as three plain queries on a fresh
    solver (phi is over the template leaves, whose names every encoding shares); False
    unless each is answered unsat within the deadline."""
    deadline = Deadline.of(timeout)
    enc = enc or Encoding(model)
    xs, xn = enc.leaves("cur"), enc.leaves("nxt")
    phi_next = z3.substitute(phi, *zip(xs, xn))
    init_body, init_wf = enc.init_t

    def unsat(*formulas) -> bool:
        s = z3.Solver()
        s.set("random_seed", 7)
        s.add(enc.config_constraint(), *formulas)
        return check(s, deadline).unsat

    initiation = unsat(init_body, z3.Or(z3.Not(phi), z3.Not(init_wf)))
    consecution = unsat(phi, enc.shape_t, enc.trans_t, z3.Not(enc.step_bad_t), z3.Not(phi_next))
    safety = unsat(phi, z3.Or(enc.bad_t, enc.step_bad_t))
    return initiation and consecution and safety


def render_invariant(enc: Encoding, phi, deadline: Deadline | None = None) -> list:
    """The invariant as lines in model terms, one conjunct per line, leaves named after
    the variables (`now`, `"a" in pending`, `len(log)`; `phase#` is an enum index).
    Conjuncts that only restate the declared types are left out."""
    cur = enc.leaves("cur") + enc.const_leaves()
    named = [z3.Const(lbl, x.sort()) for lbl, x in zip(enc.leaf_labels() + enc.const_labels(), cur)]
    body = z3.simplify(phi)
    conjuncts = list(body.children()) if z3.is_and(body) else [body]
    typed = z3.Solver()
    typed.add(enc.shape_t, enc.config_constraint(), *enc.type_t.values())
    kept = [c for c in conjuncts if not check(typed, deadline, z3.Not(c)).unsat]  # out of time: shown
    lines = [show(z3.substitute(c, *zip(cur, named))) for c in kept] or ["True (the declared types suffice)"]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + [f"... and {len(lines) - MAX_LINES} more conjuncts"]
    if len(kept) < len(conjuncts):
        lines.append(f"(and {len(conjuncts) - len(kept)} conjuncts that restate the declared types)")
    for n, t in list(enc.model.variables) + [(c.name, c.type) for c in enc.symbolic]:
        if isinstance(t, EnumT) and any(f"{n}#" in line for line in lines):
            lines.append(f"(where {n}# is the index of {n} in {t.name}: "
                         + ", ".join(f"{i}={m}" for i, m in enumerate(t.members)) + ")")
    return lines


_NEGATED = {z3.Z3_OP_LE: ">", z3.Z3_OP_GE: "<", z3.Z3_OP_LT: ">=", z3.Z3_OP_GT: "<=", z3.Z3_OP_EQ: "!="}
_CMP = {z3.Z3_OP_LE: "<=", z3.Z3_OP_GE: ">=", z3.Z3_OP_LT: "<", z3.Z3_OP_GT: ">", z3.Z3_OP_EQ: "=="}


def show(e) -> str:
    """A Z3 formula in the claim language's expression syntax."""
    k = e.decl().kind() if z3.is_app(e) else None
    if z3.is_true(e) or z3.is_false(e):
        return str(z3.is_true(e))
    if k == z3.Z3_OP_NOT:
        a = e.arg(0)
        ak = a.decl().kind()
        if ak in _NEGATED and not (ak == z3.Z3_OP_EQ and z3.is_bool(a.arg(0))):
            return f"{_term(a.arg(0))} {_NEGATED[ak]} {_term(a.arg(1))}"
        if z3.is_const(a) and " in " in str(a):  # a set-membership leaf
            return str(a).replace(" in ", " not in ", 1)
        return f"not {_wrap(a)}"
    if k in (z3.Z3_OP_AND, z3.Z3_OP_OR):
        op = " and " if k == z3.Z3_OP_AND else " or "
        return op.join(_wrap(c) for c in e.children())
    if k == z3.Z3_OP_IMPLIES:
        return f"implies({show(e.arg(0))}, {show(e.arg(1))})"
    if k in _CMP:
        return f"{_term(e.arg(0))} {_CMP[k]} {_term(e.arg(1))}"
    return _term(e)


def _wrap(e) -> str:
    text = show(e)
    return f"({text})" if " and " in text or " or " in text or text.startswith("not ") else text


def _term(e) -> str:
    if z3.is_bool(e) and z3.is_app(e) and e.num_args() > 0:
        return f"({show(e)})"
    if z3.is_int_value(e):
        return str(e.as_long())
    if z3.is_add(e):
        out = _term(e.arg(0))
        for c in e.children()[1:]:
            t = _term(c)
            out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
        return out
    if z3.is_mul(e) and e.num_args() == 2 and z3.is_int_value(e.arg(0)):
        c = e.arg(0).as_long()
        return f"-{_term(e.arg(1))}" if c == -1 else f"{c}*{_term(e.arg(1))}"
    if z3.is_app(e) and e.decl().kind() == z3.Z3_OP_ITE:
        return f"({_term(e.arg(1))} if {show(e.arg(0))} else {_term(e.arg(2))})"
    return str(e)
