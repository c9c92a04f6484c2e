"""The PDR problem as constrained Horn clauses for Z3's Spacer, the re-check of the
invariant it finds, and that invariant in model terms: the solver side of
engines/pdr (which holds no solver objects of its own)."""
from __future__ import annotations

from dataclasses import dataclass

import z3

from symcheck.front.ir import EnumT
from symcheck.smt.encode import Encoding
from symcheck.smt.solve import Deadline, check, new_solver, unsat_fresh
from symcheck.smt.symbolic import labels, leaves

MAX_LINES = 40


@dataclass(frozen=True)
class HornAnswer:
    """Spacer's answer: `status` proved | violated | unknown; proved: `invariant`, a
    formula over the current-state leaves; unknown: `reason`."""
    status: str
    invariant: z3.BoolRef | None = None
    reason: str = ""


def solve_horn(enc: Encoding, deadline: Deadline) -> HornAnswer:
    """The claim as Horn clauses over one unknown relation Inv(state, constants):
    init -> Inv, Inv and a well-formed step -> Inv', Inv and (bad or ill-formed) -> false."""
    cs = _constants(enc)[0]  # arguments of Inv that never change
    xs, xn, sel = enc.leaves("cur") + cs, enc.leaves("nxt") + cs, enc.sel_cur
    inv = z3.Function("Inv", *[x.sort() for x in xs], z3.BoolSort())
    init_body, init_wf = enc.init_t
    init_body = z3.And(init_body, enc.config_constraint())
    s = new_solver("HORN")
    # a step's choice of an unbounded parameter (`d: "1.."`) is a variable of its clause too:
    # Spacer takes a constant no clause quantifies for an uninterpreted one and gives up
    chosen = [x for v in enc.chosen_cur.values() for x in leaves(v)]
    every = enc.leaves("cur") + enc.leaves("nxt") + cs + [sel] + chosen
    s.add(_forall(xs, z3.Implies(init_body, inv(*xs))))
    s.add(_forall(xs, z3.Implies(z3.And(init_body, z3.Not(init_wf)), z3.BoolVal(False))))
    s.add(_forall(every, z3.Implies(z3.And(inv(*xs), enc.trans_t, z3.Not(enc.step_bad_t)), inv(*xn))))
    s.add(_forall(every, z3.Implies(z3.And(inv(*xs), z3.Or(enc.bad_t, enc.step_bad_t)), z3.BoolVal(False))))
    answer = check(s, deadline)
    if answer.unsat:
        return HornAnswer("violated")
    if answer.unknown:
        return HornAnswer("unknown", reason=f"PDR ran out of time ({answer.reason})" if answer.timed_out
                          else f"spacer: {answer.reason}")
    interp = s.model()[inv]
    if interp is None:
        return HornAnswer("unknown", reason="spacer gave no interpretation of the invariant")
    body = interp.else_value() if isinstance(interp, z3.FuncInterp) else interp
    return HornAnswer("proved", z3.substitute_vars(body, *xs) if xs else body)


def _constants(enc: Encoding) -> tuple[list[z3.ExprRef], list[str]]:
    """The constants' leaves and labels: the symbolic constants' and the free ones'
    (`TTL: {domain: "1.."}`), which the invariant may name."""
    free = [(x, lbl) for c in enc.free for x, lbl in zip(leaves(enc.consts[c.name]), labels(c.name, c.type), strict=True)]
    return enc.const_leaves() + [x for x, _ in free], enc.const_labels() + [lbl for _, lbl in free]


def _forall(vs: list[z3.ExprRef], body: z3.BoolRef) -> z3.BoolRef:
    return z3.ForAll(vs, body) if vs else body


def recheck_invariant(enc: Encoding, phi: z3.BoolRef, deadline: Deadline) -> bool:
    """Initiation, consecution and safety of `phi` as three plain queries on a fresh
    solver (phi is over the template leaves, whose names every encoding shares); False
    unless each is answered unsat within the deadline."""
    xs, xn = enc.leaves("cur"), enc.leaves("nxt")
    phi_next = z3.substitute(phi, *zip(xs, xn, strict=True))
    init_body, init_wf = enc.init_t

    def unsat(*formulas: z3.BoolRef) -> bool:
        return unsat_fresh(deadline, enc.config_constraint(), *formulas)

    initiation = unsat(init_body, z3.Or(z3.Not(phi), z3.Not(init_wf)))
    consecution = unsat(phi, enc.shape_t, enc.trans_t, z3.Not(enc.step_bad_t), z3.Not(phi_next))
    safety = unsat(phi, z3.Or(enc.bad_t, enc.step_bad_t))
    return initiation and consecution and safety


def render_invariant(enc: Encoding, phi: z3.BoolRef, deadline: Deadline | None = None) -> list[str]:
    """The invariant as lines in model terms, one conjunct per line, leaves named after
    the variables (`now`, `"a" in pending`, `len(log)`), an enum's index compared with a
    number shown as the members it allows (`status[r2] == 'denied'`). Conjuncts that
    only restate the declared types are left out."""
    consts, const_names = _constants(enc)
    cur = enc.leaves("cur") + consts
    names = enc.leaf_labels() + const_names
    named = [z3.Const(lbl, x.sort()) for lbl, x in zip(names, cur, strict=True)]
    enums = {lbl: t for lbl, t in zip(names, enc.leaf_enums(), strict=False) if t is not None}  # free ones: none
    body = z3.simplify(phi)
    conjuncts = list(body.children()) if z3.is_and(body) else [body]
    typed = z3.Solver()
    typed.add(enc.shape_t, enc.config_constraint(), *enc.type_t.values())
    kept = [c for c in conjuncts if not check(typed, deadline, z3.Not(c)).unsat]  # out of time: shown
    pairs = list(zip(cur, named, strict=True))
    lines = [show(z3.substitute(c, *pairs), enums) for c in kept] or ["True (the declared types suffice)"]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + [f"... and {len(lines) - MAX_LINES} more conjuncts"]
    if len(kept) < len(conjuncts):
        lines.append(f"(and {len(conjuncts) - len(kept)} conjuncts that restate the declared types)")
    for lbl, t in enums.items():  # an enum index left in arithmetic: its members' numbers
        if any(lbl in line for line in lines):
            lines.append(f"(where {lbl} is the index of {lbl[:-1]} in {t.name}: "
                         + ", ".join(f"{i}={m}" for i, m in enumerate(t.members)) + ")")
    return lines


_NEGATED = {z3.Z3_OP_LE: ">", z3.Z3_OP_GE: "<", z3.Z3_OP_LT: ">=", z3.Z3_OP_GT: "<=", z3.Z3_OP_EQ: "!="}
_CMP = {z3.Z3_OP_LE: "<=", z3.Z3_OP_GE: ">=", z3.Z3_OP_LT: "<", z3.Z3_OP_GT: ">", z3.Z3_OP_EQ: "=="}


_FLIPPED = {"<=": ">=", ">=": "<=", "<": ">", ">": "<", "==": "==", "!=": "!="}
_TESTS = {"<=": int.__le__, ">=": int.__ge__, "<": int.__lt__, ">": int.__gt__, "==": int.__eq__, "!=": int.__ne__}


def _enum_compare(op: str, a: z3.ExprRef, b: z3.ExprRef, enums: dict[str, EnumT]) -> str | None:
    """`x# op n` (or `n op x#`, or `x# == y#`) in model terms: the members of x's enum
    whose index passes, as `x == 'm'`, `x != 'm'` or `x in {'m', 'n'}`. None for other
    comparisons."""
    def leaf(e: z3.ExprRef) -> str | None:
        return str(e) if z3.is_const(e) and str(e) in enums else None
    la, lb = leaf(a), leaf(b)
    if la and lb:
        return f"{la[:-1]} {op} {lb[:-1]}" if op in ("==", "!=") and enums[la] == enums[lb] else None
    if la and z3.is_int_value(b):
        name, n = la, b.as_long()
    elif lb and z3.is_int_value(a):
        name, n, op = lb, a.as_long(), _FLIPPED[op]
    else:
        return None
    t = enums[name]
    passing = [m for i, m in enumerate(t.members) if _TESTS[op](i, n)]
    failing = [m for m in t.members if m not in passing]
    if not passing or not failing:
        return str(bool(passing))
    if len(passing) == 1:
        return f"{name[:-1]} == {passing[0]!r}"
    if len(failing) == 1:
        return f"{name[:-1]} != {failing[0]!r}"
    return f"{name[:-1]} in {{{', '.join(repr(m) for m in passing)}}}"


def show(e: z3.ExprRef, enums: dict[str, EnumT] | None = None) -> str:
    """A Z3 formula in the claim language's expression syntax; `enums` names the enum
    leaves (label -> its enum), whose comparisons are shown by member."""
    enums = enums or {}
    k = e.decl().kind() if z3.is_app(e) else None
    if z3.is_true(e) or z3.is_false(e):
        return str(z3.is_true(e))
    if k == z3.Z3_OP_NOT:
        a = e.arg(0)
        ak = a.decl().kind()
        if ak in _NEGATED and not (ak == z3.Z3_OP_EQ and z3.is_bool(a.arg(0))):
            named = _enum_compare(_NEGATED[ak], a.arg(0), a.arg(1), enums)
            return named or f"{_term(a.arg(0), enums)} {_NEGATED[ak]} {_term(a.arg(1), enums)}"
        if z3.is_const(a) and " in " in str(a):  # a set-membership leaf
            return str(a).replace(" in ", " not in ", 1)
        return f"not {_wrap(a, enums)}"
    if k in (z3.Z3_OP_AND, z3.Z3_OP_OR):
        op = " and " if k == z3.Z3_OP_AND else " or "
        return op.join(_wrap(c, enums) for c in e.children())
    if k == z3.Z3_OP_IMPLIES:
        return f"implies({show(e.arg(0), enums)}, {show(e.arg(1), enums)})"
    if k in _CMP:
        named = _enum_compare(_CMP[k], e.arg(0), e.arg(1), enums)
        return named or f"{_term(e.arg(0), enums)} {_CMP[k]} {_term(e.arg(1), enums)}"
    if k == z3.Z3_OP_ITE:  # a Boolean if-then-else
        return f"({show(e.arg(1), enums)} if {show(e.arg(0), enums)} else {show(e.arg(2), enums)})"
    if k == z3.Z3_OP_XOR:
        return f"({show(e.arg(0), enums)}) != ({show(e.arg(1), enums)})"
    if z3.is_bool(e) and z3.is_app(e) and e.num_args() > 0:
        return str(e)  # any other connective: Z3's own notation (`_term` would come back here)
    return _term(e, enums)


def _wrap(e: z3.ExprRef, enums: dict[str, EnumT]) -> str:
    text = show(e, enums)
    return f"({text})" if " and " in text or " or " in text or text.startswith("not ") else text


def _term(e: z3.ExprRef, enums: dict[str, EnumT]) -> str:
    if z3.is_bool(e) and z3.is_app(e) and e.num_args() > 0:
        return f"({show(e, enums)})"
    if z3.is_int_value(e):
        return str(e.as_long())
    if z3.is_add(e):
        out = _term(e.arg(0), enums)
        for c in e.children()[1:]:
            t = _term(c, enums)
            out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
        return out
    if z3.is_mul(e) and e.num_args() == 2 and z3.is_int_value(e.arg(0)):
        c = e.arg(0).as_long()
        return f"-{_term(e.arg(1), enums)}" if c == -1 else f"{c}*{_term(e.arg(1), enums)}"
    if z3.is_app(e) and e.decl().kind() == z3.Z3_OP_ITE:
        return f"({_term(e.arg(1), enums)} if {show(e.arg(0), enums)} else {_term(e.arg(2), enums)})"
    return str(e)
