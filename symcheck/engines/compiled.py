"""The IR compiled to Python functions for the explicit-state engine, like TLC: the
source `engines/codegen.py` writes, checked by `validate` before it is compiled (only
generated names, known helpers and builtins, int and bool constants: no text of a
claim can become code), compiled once, and bound to one configuration of the symbolic
constants at a time (`CompiledModel.configured`), each binding in its own namespace so
one compiled model serves several searches at once."""
from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import CodeType
from typing import Any

from symcheck.engines.codegen import Compiler
from symcheck.engines.runtime import HELPERS
from symcheck.errors import ModelError
from symcheck.front.actions import instances
from symcheck.front.ir import Gen, GenKind, Model


@dataclass(frozen=True)
class CompiledModel:
    """A model as Python functions over state tuples, for one configuration of its
    symbolic constants (`configured(values)` gives the functions for another; a model
    without symbolic constants needs none).

    - `inits()`: the initial states, in the order every engine meets them (raises
      ModelError when one is ill formed); `init()`: the one initial state of a model
      without `any(S)` or `where` in its init (else it raises RuntimeError);
    - `successors(state, out)`: appends (instance index, next state) for every enabled
      action instance, in instance order; returns (instance index, ModelError) for the
      first instance whose step is ill formed, or None;
    - `violation(state)`: the index in `checks` of the state's first violation (a
      variable outside its type, then the invariants in declaration order), or -1;
      `violation_after[i]` the same for a state that instance i leads to from a state
      that passed every check.
    `checks` names them: `type(x)` and the invariant names; `insts` are the action
    instances (action, parameter values) in the numbering every engine shares."""
    init: Callable[[], tuple[Any, ...]]
    inits: Callable[[], list[tuple[Any, ...]]]
    successors: Callable[[tuple[Any, ...], list[Any]], tuple[int, ModelError] | None]
    violation: Callable[[tuple[Any, ...]], int]
    violation_after: tuple[Callable[[tuple[Any, ...]], int], ...]  # per action instance: `violation` of a state it
    # leads to from a state that passed every check (only what its updates may break)
    checks: tuple[str, ...]
    insts: tuple[tuple[Any, dict[str, Any]], ...]
    source: str  # the generated Python (for reading and debugging)
    # per invariant with a premise (`ir.premises`, in that order): is it true in the state (ill formed: no)
    premises: Callable[[tuple[Any, ...]], list[bool]] = lambda s: []
    code: CodeType | None = field(default=None, repr=False)  # the compiled source, bound again per configuration
    action_of: tuple[int, ...] = ()  # per action instance: its action's index in the model
    pool: Mapping[str, Any] = field(default_factory=dict, repr=False)  # helpers and pooled values (never written)
    symbolic: Mapping[str, str] = field(default_factory=dict)  # symbolic constant -> its generated name (S0, ...)

    def configured(self, values: Mapping[str, Any]) -> CompiledModel:
        """The functions with the symbolic constants fixed to `values` (name -> value),
        in a namespace of their own: the model itself, and every other configuration,
        are left as they were."""
        return _bind(self, {name: values[c] for c, name in self.symbolic.items()})


def compile_model(model: Model) -> CompiledModel:
    """The model's functions, generated, validated and compiled once. With symbolic
    constants, `configured(values)` fixes them before a search."""
    c = Compiler(model)
    insts = instances(model)
    parts = [init_source(c), c.successors_source(insts), c.premises_source(), step_check_source(c)]
    violation, checks = c.violation_source()
    parts.append(violation)
    for k, action in enumerate(model.actions):
        parts.append(c.violation_source(f"violation_after_{k}", {var for var, _ in action.updates})[0])
    source = "\n\n".join(parts) + "\n"
    validate(source, set(c.namespace))
    code = compile(source, f"<compiled {model.name}>", "exec")
    unbound = CompiledModel(_unconfigured, _unconfigured, _unconfigured, _unconfigured, (), checks, tuple(insts), source,
                            code=code, action_of=tuple(model.actions.index(a) for a, _ in insts),
                            pool=dict(c.namespace), symbolic=dict(c.symbolic))
    return _bind(unbound, {}) if not model.symbolic else unbound


def init_source(c: Compiler) -> str:
    """`def inits()`: the initial states (`any(S)`: each member in domain order, the
    first chosen variable varying slowest; `where` filters); `def init()` when one."""
    state = "(" + "".join(f"v{i}, " for i in range(len(c.model.variables))) + ")"
    fixed = [f"    v{c.var_slot[name]} = {c.expr(e, {})}" for name, e in c.model.init]
    lines = ["def inits():", "    out = []", *fixed]
    indent = "    "
    for name, chosen in c.model.init_any:
        gen = Gen(name, GenKind.SET, chosen, chosen.type.elem)  # type: ignore[attr-defined]
        lines.append(f"{indent}for v{c.var_slot[name]} in {c.gen_source(gen, {}, ordered=True)}:")
        indent += "    "
    if c.model.init_where is not None:
        lines.append(f"{indent}if {c.expr(c.model.init_where, {})}:")
        indent += "    "
    lines += [f"{indent}out.append({state})", "    return out"]
    if not c.model.nondeterministic_init:
        lines += ["", "def init():", *fixed, f"    return {state}"]
    return "\n".join(lines)


def step_check_source(c: Compiler) -> str:
    """`def step_check(s, t)`: the index of the first step invariant that the step
    from s to t breaks (or is ill formed for), or -1; a step that changes nothing
    breaks none."""
    lines = ["def step_check(s, t):", c.unpack(), c.unpack().replace("v", "w").replace("= s", "= t"),
             "    if t == s:", "        return -1"]
    for k, inv in enumerate(c.model.step_invariants):
        lines += ["    try:", f"        if not {c.expr(inv.expr, {})}:", f"            return {k}",
                  "    except ModelError:", f"        return {k}"]
    return "\n".join(lines + ["    return -1"])


def _unconfigured(*args: Any) -> Any:
    raise RuntimeError("a model with symbolic constants runs configured: CompiledModel.configured(values)")


def _several_initial_states() -> tuple[Any, ...]:
    raise RuntimeError("the model has several initial states (`any(S)` or `where` in its init): call inits()")


def _bind(cm: CompiledModel, constants: dict[str, Any]) -> CompiledModel:
    namespace = {**cm.pool, **constants}
    assert cm.code is not None
    exec(cm.code, namespace)  # noqa: S102 - generated from the typed IR and validated (`validate`)
    after = tuple(namespace[f"violation_after_{k}"] for k in cm.action_of)
    return replace(cm, init=namespace.get("init", _several_initial_states), inits=namespace["inits"],
                   successors=namespace["successors"], violation=namespace["violation"],
                   violation_after=after, premises=namespace["premises"])


# ---------------------------------------------------------------- validation

class UnsafeSource(Exception):
    """The generated source holds something the code generator never writes."""


GENERATED = re.compile(r"[vpbaguwKS][0-9]+|violation_after_[0-9]+")  # codegen's names (and the pool's)
FIXED = frozenset({"s", "t", "out", "error", "exc", "i", "init", "inits", "step_check", "successors", "violation", "premises"})
BUILTINS = frozenset({"len", "min", "max", "all", "any", "sum", "frozenset", "tuple", "range", "type", "int"})
NODES = (ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign, ast.If, ast.For, ast.Try,
         ast.ExceptHandler, ast.Expr, ast.Pass, ast.List, ast.Name, ast.Load, ast.Store, ast.Constant, ast.Tuple, ast.BinOp,
         ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Subscript, ast.Lambda, ast.GeneratorExp,
         ast.comprehension, ast.Attribute, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


def validate(source: str, pooled: set[str] | frozenset[str] = frozenset()) -> None:
    """Raise UnsafeSource unless `source` is made only of what the code generator writes:
    its own names (`GENERATED`, `FIXED`), the runtime helpers, a few builtins, int, bool
    and None constants, `out.append`, and the statement and expression forms above. A
    claim's text (a name, a string) can then never run as code, whatever it spells."""
    allowed = FIXED | BUILTINS | set(HELPERS) | set(pooled)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, NODES):
            raise UnsafeSource(f"line {getattr(node, 'lineno', '?')}: {type(node).__name__} is never generated")
        names = [node.id] if isinstance(node, ast.Name) else [node.name] if isinstance(node, ast.FunctionDef) else \
            [node.arg] if isinstance(node, ast.arg) else [node.name] if isinstance(node, ast.ExceptHandler) and node.name \
            else []
        for name in names:
            if not (GENERATED.fullmatch(name) or name in allowed) or hasattr(builtins, name) and name not in BUILTINS \
                    and name not in HELPERS:
                raise UnsafeSource(f"line {getattr(node, 'lineno', '?')}: the name {name!r} is not a generated one")
        if isinstance(node, ast.Constant) and not (type(node.value) in (int, bool) or node.value is None):
            raise UnsafeSource(f"line {node.lineno}: the constant {node.value!r} is not an int or a bool")
        if isinstance(node, ast.Attribute) and not (node.attr == "append" and isinstance(node.value, ast.Name)
                                                     and node.value.id == "out"):
            raise UnsafeSource(f"line {node.lineno}: the attribute .{node.attr} is never generated")


def predicates(model: Model) -> tuple[Callable[[dict[str, Any]], None], list[Callable[[tuple[Any, ...]], bool]]]:
    """Each property's predicates (P, then Q for leads_to), for the liveness check on the
    state graph: functions of a state tuple (ill formed: False), generated from the typed
    IR and validated like the model's own code, and the function fixing the symbolic
    constants."""
    c = Compiler(model)
    lines: list[str] = []
    count = 0
    for prop in model.properties:
        for arg in prop.args:
            lines += [f"def pred{count}(s):", c.unpack(), "    try:", f"        return ({c.expr(arg, {})}) is True",
                      "    except ModelError:", "        return False"]
            count += 1
    namespace = c.namespace
    source = "\n".join(lines) + "\n"
    validate(source, set(namespace) | {f"pred{i}" for i in range(count)})
    exec(compile(source, f"<properties of {model.name}>", "exec"), namespace)  # noqa: S102 - generated and validated

    def configure(values: dict[str, Any]) -> None:  # the predicates' own namespace: the symbolic constants
        namespace.update({generated: values[name] for name, generated in c.symbolic.items()})
    return configure, [namespace[f"pred{i}"] for i in range(count)]
