"""Why a state violates an invariant, in model terms: the witness bindings of a false
`all(...)`, the premise of a false implication, and the values of the sub-expressions
that falsify it. Works on concrete values with the explicit evaluator (no solver)."""
from __future__ import annotations

from symcheck.errors import ModelError
from symcheck.explicit.evaluator import Evaluator
from collections.abc import Callable

from symcheck.front.ir import (BoolT, Comp, CompKind, DefCall, Expr, GenKind, Lit, Model, Op, Opcode, RecordT, Ref,
                               RefKind,
                               with_constants)
from symcheck.front.unbounded import universes
from symcheck.trace import Result
from symcheck.front.values import render

def pretty(e: Expr) -> str:
    """Source-like text of an IR expression."""
    if isinstance(e, Lit):
        return render(e.value, e.type) if not isinstance(e.value, str) else e.value
    if isinstance(e, Ref):
        return e.name + ("'" if e.kind is RefKind.NEXT else "")
    if isinstance(e, DefCall):
        return e.name + (f"({', '.join(pretty(a) for a in e.args)})" if e.params else "")
    if isinstance(e, Comp):
        gens = " ".join(f"for {g.name} in {_gen_src(g)}" for g in e.gens)
        cond = f" if {pretty(e.cond)}" if e.cond is not None else ""
        if e.kind is CompKind.SET:
            return "{" + f"{pretty(e.elt)} {gens}{cond}" + "}"
        if e.kind is CompKind.SEQ:
            return "[" + f"{pretty(e.elt)} {gens}{cond}" + "]"
        if e.kind is CompKind.MAP:
            return "{" + f"{e.gens[0].name}: {pretty(e.elt)} {gens}" + "}"
        return f"{e.kind}({pretty(e.elt)} {gens}{cond})"
    if isinstance(e, Op):
        return PRINTERS[e.op](e)
    return repr(e)


def _gen_src(g) -> str:
    if g.kind is GenKind.RANGE:
        lo, hi = g.source
        end = pretty(g.limit) if g.limit is not None else str(hi)
        return f"range({end})" if lo == 0 else f"range({lo}, {end})"
    return pretty(g.source)


def _paren(e: Expr) -> str:
    text = pretty(e)
    if isinstance(e, Op) and e.op in _PARENTHESIZED:
        return f"({text})"
    return text


class Explainer:
    def __init__(self, model: Model, state: dict):
        self.ev = Evaluator(model)
        self.state = state
        self.lines: list = []

    def value(self, e, env):
        try:
            return self.ev.evaluate(e, self.state, env)
        except ModelError as exc:
            return exc

    def show(self, e, env, depth):
        if isinstance(e, Lit):
            return
        v = self.value(e, env)
        text = f"error: {v.message}" if isinstance(v, ModelError) else render(v, e.type)
        line = (depth, f"{pretty(e)} = {text}")
        if line not in self.lines:
            self.lines.append(line)

    def operands(self, e, env, depth):
        for a in e.args:
            inner = a.args[0] if isinstance(a, Op) and a.op is Opcode.COERCE else a
            if isinstance(inner, Lit):
                continue
            self.show(inner, env, depth)

    def why(self, e: Expr, env: dict, want: bool, depth: int, budget: list) -> None:
        """Explain why boolean e evaluates to `want`."""
        if budget[0] <= 0:
            return
        budget[0] -= 1
        if isinstance(e, Op):
            o = e.op
            if o is Opcode.NOT:
                return self.why(e.args[0], env, not want, depth, budget)
            if o in (Opcode.AND, Opcode.OR):
                decisive = (o is Opcode.AND) != want  # and-false / or-true: one argument decides
                if decisive:
                    for a in e.args:
                        if self.value(a, env) is want:
                            return self.why(a, env, want, depth, budget)
                for a in e.args:
                    self.why(a, env, want, depth, budget)
                return
            if o is Opcode.IMPLIES:
                if want is False:
                    self.lines.append((depth, f"premise holds: {pretty(e.args[0])}"))
                    self.why(e.args[0], env, True, depth + 1, budget)
                    return self.why(e.args[1], env, False, depth, budget)
                premise = self.value(e.args[0], env)
                return self.why(e.args[0] if premise is False else e.args[1], env,
                                premise is not False, depth, budget)
            if o is Opcode.IF:
                c = self.value(e.args[0], env)
                self.show(e.args[0], env, depth)
                return self.why(e.args[1] if c is True else e.args[2], env, want, depth, budget)
            if o in _RELATIONS:
                self.operands(e, env, depth)
            else:
                self.show(e, env, depth)
            return
        if isinstance(e, Comp) and e.kind in (CompKind.ALL, CompKind.ANY):
            witness = (e.kind is CompKind.ALL) != want  # all-false / any-true: one binding decides
            if witness:
                for b in self.ev.bindings(e.gens, self.state, env):
                    if e.cond is not None and self.value(e.cond, b) is not True:
                        continue
                    if self.value(e.elt, b) is want:
                        names = ", ".join(f"{g.name} = {render(b[g.name], g.elem)}" for g in e.gens)
                        self.lines.append((depth, ("counterexample: " if not want else "witness: ") + names))
                        return self.why(e.elt, b, want, depth + 1, budget)
                return
            what = "no binding satisfies" if e.kind is CompKind.ANY else "every binding satisfies"
            gens = ", ".join(f"{g.name} in {_gen_src(g)}" for g in e.gens)
            bindings = [b for b in self.ev.bindings(e.gens, self.state, env)
                        if e.cond is None or self.value(e.cond, b) is True]
            self.lines.append((depth, f"{what} it ({gens}{': none' if not bindings else ''})"))
            for b in bindings[:4]:  # show why each candidate fails, for small domains
                names = ", ".join(f"{g.name} = {render(b[g.name], g.elem)}" for g in e.gens)
                self.lines.append((depth + 1, f"with {names}:"))
                self.why(e.elt, b, want, depth + 2, budget)
            if len(bindings) > 4:
                self.lines.append((depth + 1, f"... and {len(bindings) - 4} more"))
            return
        if isinstance(e, DefCall):
            self.show(e, env, depth)
            args = {p: self.value(a, env) for p, a in zip(e.params, e.args, strict=False)}
            if any(isinstance(v, ModelError) for v in args.values()):
                return
            return self.why(e.body, args, want, depth + 1, budget)
        self.show(e, env, depth)


def explain(model: Model, result: Result) -> list:
    """Lines (indent, text) that say why the last state of the trace is a violation."""
    if result.trace is None:
        return []
    config = {**(result.config or {}), **universes(model, list(result.trace.steps))}
    if config:  # symbolic constants: explain in the trace's configuration (a sort: the members it shows)
        model = with_constants(model, config)
    steps = result.trace.steps
    last = steps[-1].state
    name = result.invariant
    if name and name.startswith("type("):
        var = name[5:-1]
        t = model.var_type(var)
        # a value outside its type keeps the type's shape (values.render needs no fallback): it renders
        return [(0, f"{var} = {render(last[var], t)} is outside its declared type {t}")]
    if name == "deadlock":
        return [(0, "no action is enabled in this state (deadlock checking is on for this claim)")]
    if name == "well-formed":
        return [(0, _replay_error(model, result))]
    step = next((i for i in model.step_invariants if i.name == name), None)
    if step is not None and len(steps) > 1:  # the last step's two states: x before, x' after
        last = {**steps[-2].state, **{f"{n}'": v for n, v in last.items()}}
    inv = step or next(i for i in model.invariants if i.name == name)
    ex = Explainer(model, last)
    v = ex.value(inv.expr, {})
    if isinstance(v, ModelError):
        return [(0, f"evaluating the invariant failed: {v.message}")]
    ex.why(inv.expr, {}, False, 0, [200])
    return ex.lines


def _replay_error(model: Model, result: Result) -> str:
    ev = Evaluator(model)
    assert result.trace is not None, "a replay needs the result's trace"
    steps = result.trace.steps
    try:
        if len(steps) == 1:
            for _, e in model.init + model.init_any:
                ev.evaluate(e, {}, {})
            if model.init_where is not None:
                ev.evaluate(model.init_where, steps[0].state, {})
            return "the initial state is ill-formed"
        prev, last = steps[-2].state, steps[-1]
        action = next(a for a in model.actions if a.name == last.action)
        params = {p: v for p, v, _ in last.params}
        if ev.evaluate(action.guard, prev, params):
            for _, e in action.updates:
                ev.evaluate(e, prev, params)
    except ModelError as exc:
        where = f" at {exc.span}" if exc.span else ""
        return f"ill-formed operation{where}: {exc.message}"
    return "ill-formed operation"


# ---------------------------------------------------------------- printing operators
# One function per opcode: the source-like text of an `Op` node, operands in parentheses
# where they are themselves infix.

_INFIX = {Opcode.ADD: "+", Opcode.SUBTRACT: "-", Opcode.MULTIPLY: "*", Opcode.FLOOR_DIVIDE: "//",
          Opcode.MODULO: "%", Opcode.EQUAL: "==", Opcode.NOT_EQUAL: "!=", Opcode.LESS: "<",
          Opcode.LESS_EQUAL: "<=", Opcode.GREATER: ">", Opcode.GREATER_EQUAL: ">=", Opcode.MEMBER: "in",
          Opcode.SUBSET: "<=", Opcode.UNION: "|", Opcode.INTERSECTION: "&", Opcode.DIFFERENCE: "-"}
_PARENTHESIZED = set(_INFIX) | {Opcode.AND, Opcode.OR, Opcode.IF, Opcode.NOT}
_RELATIONS = {Opcode.EQUAL, Opcode.NOT_EQUAL, Opcode.LESS, Opcode.LESS_EQUAL, Opcode.GREATER, Opcode.GREATER_EQUAL,
              Opcode.MEMBER, Opcode.SUBSET}  # explained by their operands' values


def _infix(e: Op) -> str:
    return f"{_paren(e.args[0])} {_INFIX[e.op]} {_paren(e.args[1])}"


def _call(name: str) -> Callable[[Op], str]:
    return lambda e: f"{name}({', '.join(pretty(x) for x in e.args)})"


def _method(name: str) -> Callable[[Op], str]:
    return lambda e: f"{_paren(e.args[0])}.{name}({', '.join(pretty(x) for x in e.args[1:])})"


def _listed(e: Op) -> str:
    return ", ".join(pretty(x) for x in e.args)


def _record_name(e: Op) -> str:
    return e.type.name if isinstance(e.type, RecordT) else "record"


def _tuple(e: Op) -> str:
    return "(" + _listed(e) + ("," if len(e.args) == 1 else "") + ")"


def _replace_fields(e: Op) -> str:
    a = e.args
    fields = ", ".join(f"{k}={pretty(v)}" for k, v in zip(e.attr, a[1:], strict=False))
    return f"replace({pretty(a[0])}, {fields})"


PRINTERS: dict[Opcode, Callable[[Op], str]] = {
    **dict.fromkeys(_INFIX, _infix),
    Opcode.AND: lambda e: " and ".join(_paren(x) for x in e.args),
    Opcode.OR: lambda e: " or ".join(_paren(x) for x in e.args),
    Opcode.NOT: lambda e: f"not {_paren(e.args[0])}",
    Opcode.NEGATE: lambda e: f"-{_paren(e.args[0])}",
    Opcode.IF: lambda e: f"{_paren(e.args[1])} if {_paren(e.args[0])} else {_paren(e.args[2])}",
    Opcode.FIELD: lambda e: f"{_paren(e.args[0])}.{e.attr}",
    Opcode.INDEX: lambda e: f"{_paren(e.args[0])}[{pretty(e.args[1])}]",
    Opcode.MAP_GET: lambda e: f"{_paren(e.args[0])}[{pretty(e.args[1])}]",
    Opcode.COERCE: lambda e: pretty(e.args[0]),
    Opcode.MAP_PUT: lambda e: f"{_paren(e.args[0])}.put({pretty(e.args[1])}, {pretty(e.args[2])})",
    Opcode.RECORD: lambda e: f"{_record_name(e)}({_listed(e)})",
    Opcode.TUPLE: _tuple,
    Opcode.SET_LITERAL: lambda e: "{" + _listed(e) + "}",
    Opcode.SEQ_LITERAL: lambda e: "[" + _listed(e) + "]",
    Opcode.REPLACE_FIELDS: _replace_fields,
    Opcode.IMPLIES: _call("implies"),
    Opcode.LENGTH: _call("len"),
    Opcode.MIN: _call("min"),
    Opcode.MAX: _call("max"),
    Opcode.SET_MIN: _call("min"),
    Opcode.SET_MAX: _call("max"),
    Opcode.APPEND: _call("append"),
    Opcode.HEAD: _call("head"),
    Opcode.SEQ_CONCAT: lambda e: f"{_paren(e.args[0])} + {_paren(e.args[1])}",
    Opcode.SLICE: lambda e: f"{_paren(e.args[0])}[{pretty(e.args[1])}:{pretty(e.args[2])}]",
    Opcode.REMOVE: _call("remove"),
    Opcode.TAIL: _call("tail"),
    Opcode.CONCAT: lambda e: f"{_paren(e.args[0])} + {_paren(e.args[1])}",
    Opcode.CONTAINS: lambda e: f"{_paren(e.args[1])} in {_paren(e.args[0])}",
    Opcode.STR_LENGTH: _call("len"),
    **{code: _method(code.value) for code in (Opcode.LOWER, Opcode.STRIP, Opcode.STARTS_WITH, Opcode.ENDS_WITH,
                                               Opcode.BEFORE, Opcode.AFTER)},
    Opcode.STR_REPLACE: _method("replace"),
}


def is_bool(e: Expr) -> bool:
    return isinstance(getattr(e, "type", None), BoolT)


def explain_lasso(model: Model, result: Result) -> list:
    """Lines (indent, text) that say why a lasso violates its liveness property and how
    its loop respects each fairness group."""
    from symcheck.explicit.liveness import fairness_witnesses, holds
    trace, lp = result.trace, result.loop_start
    assert trace is not None and lp is not None, "a lasso has a trace and a loop start"
    steps = trace.steps
    last = len(steps) - 1
    prop = next(p for p in model.properties if p.name == result.invariant)
    loop = f"State {lp}" if lp == last - 1 else f"States {lp} .. {last - 1}"
    lines = []
    if prop.kind == "eventually":
        lines.append((0, f"`{pretty(prop.args[0])}` is false in every state of the lasso, and the loop "
                         f"({loop}) repeats forever, so it never becomes true"))
    else:
        ev = Evaluator(model)
        p, q = prop.args
        states = [s.state for s in steps[:last]]
        i = next(i for i in range(last) if holds(ev, p, states[i])
                 and not any(holds(ev, q, s) for s in states[min(i, lp):]))
        lines.append((0, f"`{pretty(p)}` holds in State {i}, but `{pretty(q)}` is false from State {min(i, lp)} "
                         f"on, and the loop ({loop}) repeats forever, so it never becomes true"))
    witnesses = fairness_witnesses(model, trace, lp)
    if not witnesses:
        lines.append((0, "no action is weakly fair, so a behaviour may stop in any state (stutter forever)"))
    for label, how, strong in witnesses:
        kind = "strong" if strong else "weak"
        if how is None:
            lines.append((0, f"{kind} fairness of {label}: NOT respected ("
                             + ("enabled in the loop" if strong else "always enabled in the loop") + ", never taken)"))
        elif how[0] == "taken":
            lines.append((0, f"{kind} fairness of {label}: respected, the loop takes it in Step {how[1]}"))
        elif how[1] is None:
            lines.append((0, f"{kind} fairness of {label}: respected, it is enabled in no state of the loop"))
        else:
            lines.append((0, f"{kind} fairness of {label}: respected, it is not enabled in State {how[1]} "
                             "of the loop"))
    return lines
