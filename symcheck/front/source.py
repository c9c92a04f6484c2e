"""Load stage: read a claim file into a tree of located YAML nodes, and parse the
expression and type strings found in it into located syntax (Python `ast`)."""
from __future__ import annotations

import ast
import warnings
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from symcheck.errors import InputError, Span

MAX_FILE_BYTES = 2_000_000
MAX_EXPR_CHARS = 20_000
MAX_NESTING = 60
MAX_TYPE_DIGITS = 18  # a number in a type string (ranges, sequence bounds)


@dataclass
class YScalar:
    value: Any
    span: Span
    style: str | None = None  # None (plain), "'", '"', "|", ">"


@dataclass
class YSeq:
    items: list
    span: Span


@dataclass
class YMap:
    items: dict  # key -> node, in file order
    keys: dict  # key -> Span of the key
    span: Span

    def get(self, key: str, default: Any = None) -> Any:
        return self.items.get(key, default)


YNode = YScalar | YSeq | YMap


def _span(file: str, mark) -> Span:
    return Span(file, mark.line + 1, mark.column + 1)


def _convert(node, file: str, depth: int = 0, constructor=None):
    """The located tree of a composed YAML node. Scalars are read by a constructor made
    for this one conversion: a constructor remembers every node it has built, so a shared
    one would keep every claim ever loaded alive."""
    if constructor is None:
        constructor = yaml.constructor.SafeConstructor()
    if depth > MAX_NESTING:
        raise InputError(_span(file, node.start_mark), "the document is nested too deeply")
    span = _span(file, node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        try:
            value = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise InputError(span, f"bad scalar: {exc}") from None
        if isinstance(value, float):
            raise InputError(span, f"floating-point value {node.value!r}: symcheck models use integers only")
        if not isinstance(value, (str, int, bool, type(None))):
            raise InputError(span, f"unsupported value {node.value!r} (use a string, integer or boolean)")
        return YScalar(value, span, node.style)
    if isinstance(node, yaml.SequenceNode):
        return YSeq([_convert(n, file, depth + 1, constructor) for n in node.value], span)
    if isinstance(node, yaml.MappingNode):
        items: dict = {}
        keys: dict = {}
        for knode, vnode in node.value:
            kspan = _span(file, knode.start_mark)
            if not isinstance(knode, yaml.ScalarNode):
                raise InputError(kspan, "a mapping key must be a plain name")
            try:
                key = constructor.construct_object(knode)
            except yaml.YAMLError as exc:
                raise InputError(kspan, f"bad key: {exc}") from None
            if isinstance(key, bool) or key is None:
                key = knode.value  # `yes`, `on`, `null` used as names
            key = str(key)
            if key in items:
                raise InputError(kspan, f"duplicate key {key!r} (first at {keys[key]})")
            items[key] = _convert(vnode, file, depth + 1, constructor)
            keys[key] = kspan
        return YMap(items, keys, span)
    raise InputError(span, "unsupported YAML node (aliases and tags are not allowed)")


def load_yaml(path: str | Path) -> YMap:
    """Read and compose a claim file; every node keeps its position."""
    file, text = read_text(path, "")
    return parse_yaml(text, file)


def read_text(path: str | Path, what: str) -> tuple[str, str]:
    """(file name, text) of a UTF-8 file within the size limit; `what` names the kind of
    file in errors ("data " for a data file)."""
    path = Path(path)
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(None, f"cannot read {what}file {file}: {exc.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(Span(file, 1, 1), f"{what}file is larger than {MAX_FILE_BYTES} bytes")
    try:
        return file, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]  # locate the bad byte: its line, and its column counted in characters
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        raise InputError(Span(file, line, col), f"{what}file is not UTF-8 ({exc.reason} at byte {exc.start})",
                         "save the file as UTF-8") from None


class _Loader(yaml.SafeLoader):
    """Refuses aliases while composing: `*name` would share a node, and a few nested
    aliases expand to billions of nodes (a "billion laughs" document)."""

    def __init__(self, stream, file: str):
        super().__init__(stream)
        self.file = file

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise InputError(_span(self.file, event.start_mark),
                             "YAML aliases (*name) are not allowed in claim or data files",
                             "write the value out in full")
        return super().compose_node(parent, index)


def _compose(text: str, file: str, nested: str, empty: str):
    """The composed node tree of a YAML text (aliases refused), with YAML errors located."""
    try:
        loader = _Loader(text, file)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = _span(file, mark) if mark else Span(file, 1, 1)
        raise InputError(span, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise InputError(Span(file, 1, 1), f"YAML syntax: {exc}") from None
    except RecursionError:
        raise InputError(Span(file, 1, 1), f"{nested} is nested too deeply") from None
    if node is None:
        raise InputError(Span(file, 1, 1), f"{empty} is empty")
    return node


def parse_yaml(text: str, file: str = "<string>") -> YMap:
    if len(text) > MAX_FILE_BYTES:
        raise InputError(Span(file, 1, 1), f"the claim is larger than {MAX_FILE_BYTES} characters")
    node = _compose(text, file, "the document", "the claim file")
    tree = _convert(node, file)
    if not isinstance(tree, YMap):
        raise InputError(tree.span, "a claim file must be a mapping (claim: ..., variables: ..., ...)")
    return tree


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Located:
    """A parsed expression: the ast plus the means to place its nodes in the file."""
    tree: ast.expr
    text: str
    base: Span
    offset_col: int  # column of the expression's first character in the file (1-based)
    block: bool  # a block scalar: ast line 1 is the line after `base`

    def span_of(self, node: ast.AST) -> Span:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        if self.block:
            return Span(self.base.file, self.base.line + line, col + 1)
        if line == 1:
            return Span(self.base.file, self.base.line, self.offset_col + col)
        return Span(self.base.file, self.base.line + line - 1, col + 1)

    def source_of(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.unparse(node)


def expr_text(node: YNode, what: str) -> tuple[str, Span, int, bool]:
    if isinstance(node, (YMap, YSeq)):  # `x: {}` or `x: [a]` unquoted: YAML read a mapping or a list
        shown, kind = ("{...}", "mapping") if isinstance(node, YMap) else ("[...]", "list")
        empty = not (node.items if isinstance(node, YMap) else node.items)
        example = '"' + shown[0] + shown[-1] + '"' if empty else f'"{shown}"'
        raise InputError(node.span, f"{what}: expected an expression, found a YAML {kind}",
                         f"quote the expression so YAML keeps it as text: {example}")
    if not isinstance(node, YScalar) or node.value is None:
        raise InputError(node.span, f"{what}: expected an expression")
    value = node.value
    if isinstance(value, bool):
        value = "True" if value else "False"
    text = str(value)
    block = node.style in ("|", ">")
    offset = node.span.col + (1 if node.style in ("'", '"') else 0)
    return text, node.span, offset, block


def parse_expr(node: YNode, what: str = "expression") -> Located:
    """Parse a YAML scalar as a Python expression (never evaluated by Python)."""
    text, span, offset, block = expr_text(node, what)
    return parse_expr_text(text, span, offset, block)


def parse_expr_text(text: str, span: Span, offset: int | None = None, block: bool = False) -> Located:
    offset = span.col if offset is None else offset
    if len(text) > MAX_EXPR_CHARS:
        raise InputError(span, f"expression longer than {MAX_EXPR_CHARS} characters")
    source = text.strip("\n") if block else text
    try:
        with warnings.catch_warnings():  # Python's own warnings ("invalid decimal literal") are not ours to print
            warnings.simplefilter("ignore")
            tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        loc = Located(ast.Constant(0), source, span, offset, block)
        bad = ast.Constant(0)
        stripped = source.strip()
        bad.lineno = exc.lineno or 1
        bad.col_offset = max((exc.offset or 1) - 1, 0)
        msg = exc.msg
        if not exc.offset or (exc.lineno or 1) == 1 and exc.offset > len(stripped):
            bad.col_offset = len(stripped)  # the expression stops too early
            msg = "the expression ends too early" if msg == "invalid syntax" else msg
        if not block:
            bad.col_offset += len(source) - len(source.lstrip())
        hint = "x' (a variable's next value) may appear only in step_invariants" if primed(source) != source else None
        raise InputError(loc.span_of(bad), f"syntax error in expression: {msg}", hint) from None
    except (RecursionError, MemoryError, ValueError):
        raise InputError(span, "expression is nested too deeply or too large") from None
    if not block and source != source.lstrip():
        # leading blanks were stripped before parsing: shift columns back
        offset += len(source) - len(source.lstrip())
    depth = _depth(tree)
    if depth > MAX_NESTING * 2:
        raise InputError(span, "expression is nested too deeply")
    return Located(tree, source.strip(), span, offset, block)


PRIME = "\u02b9"  # `x'` is read as the name `x` + PRIME (a letter to Python, never typed in a claim)


def primed(text: str) -> str:
    """`text` with each `'` that ends a name (`x'`, outside a string) made part of that
    name, so that step invariants can be parsed as Python: `x' == x + 1`."""
    out, quote, prev = [], None, ""
    for ch in text:
        if quote is not None:
            if ch == quote and prev != "\\":
                quote = None
            out.append(ch)
        elif ch == "'" and (prev.isalnum() or prev == "_"):
            out.append(PRIME)
        else:
            if ch in "'\"":
                quote = ch
            out.append(ch)
        prev = ch
    return "".join(out)


def _depth(node: ast.AST) -> int:
    best, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(n))
    return best


# ---------------------------------------------------------------- type strings


@dataclass(frozen=True)
class TypeSyntax:
    """A parsed type expression: a name with optional arguments, or a range."""
    kind: str  # "name" | "range" | "int"
    name: str = ""
    args: tuple = ()
    span: Span | None = field(default=None, compare=False)
    value: Any = None  # "int": the int expression as ("lit", n) / ("name", x) / (op, a, b)


_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z_0-9]*)|(\.\.|[\[\],+\-]))")


def parse_type(node: YNode, what: str = "type") -> TypeSyntax:
    if not isinstance(node, YScalar) or not isinstance(node.value, str):
        raise InputError(node.span, f"{what}: expected a type such as bool, 0..3, Name, set[T], seq[T, N], map[K, V]")
    offset = node.span.col + (1 if node.style in ("'", '"') else 0)
    return parse_type_text(node.value, node.span, offset)


def parse_type_text(text: str, span: Span, offset: int) -> TypeSyntax:
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise InputError(Span(span.file, span.line, offset + pos), f"unexpected character {text[pos]!r} in type")
        tok = m.group(1) or m.group(2) or m.group(3)
        if m.group(1) and len(tok) > MAX_TYPE_DIGITS:
            raise InputError(Span(span.file, span.line, offset + m.start(1)),
                             f"number {tok[:12]}... in type is too large (more than {MAX_TYPE_DIGITS} digits)")
        tokens.append((tok, Span(span.file, span.line, offset + m.start(m.lastindex))))
        pos = m.end()
    tokens.append(("<end>", Span(span.file, span.line, offset + len(text))))
    parser = _TypeParser(tokens)
    result = parser.type_()
    parser.expect("<end>")
    return result


class _TypeParser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.i][0]

    def expect(self, tok):
        got, sp = self.next()
        if got != tok:
            what = "end of type" if tok == "<end>" else repr(tok)
            raise InputError(sp, f"expected {what} in type, found {got!r}")

    def next(self):
        tok = self.tokens[self.i]
        if tok[0] != "<end>":  # stay on the end: errors there name it, never run past it
            self.i += 1
        return tok

    def int_expr(self):
        tok, sp = self.next()
        if tok.isdigit():
            left = ("lit", int(tok))
        elif tok[0].isalpha() or tok[0] == "_":
            left = ("name", tok, sp)
        elif tok == "-" and self.peek().isdigit():
            left = ("lit", -int(self.next()[0]))
        else:
            raise InputError(sp, f"expected a number or constant in type, found {tok!r}")
        while self.peek() in ("+", "-"):
            op = self.next()[0]
            tok, sp2 = self.next()
            if not (tok.isdigit() or tok[0].isalpha() or tok[0] == "_"):
                raise InputError(sp2, f"expected a number or constant after {op!r} in type, found {tok!r}")
            right = ("lit", int(tok)) if tok.isdigit() else ("name", tok, sp2)
            left = (op, left, right)
        return left, sp

    def type_(self) -> TypeSyntax:
        tok, sp = self.tokens[self.i]
        if self.depth > MAX_NESTING:
            raise InputError(sp, f"type is nested more than {MAX_NESTING} levels deep")
        self.depth += 1
        try:
            return self._type(tok, sp)
        finally:
            self.depth -= 1

    def _type(self, tok, sp) -> TypeSyntax:
        start = self.i
        if tok.isdigit() or tok == "-" or (tok not in ("[", "]", ",", "..", "<end>")
                                           and self.tokens[self.i + 1][0] in ("..", "+", "-")):
            lo, _ = self.int_expr()
            if self.peek() == "..":
                self.next()
                if self.peek() in ("<end>", "]", ","):  # `lo..`: no upper bound
                    return TypeSyntax("range", args=(lo, None), span=sp)
                hi, _ = self.int_expr()
                return TypeSyntax("range", args=(lo, hi), span=sp)
            self.i = start
            value, _ = self.int_expr()
            return TypeSyntax("int", value=value, span=sp)
        if not (tok[0].isalpha() or tok[0] == "_"):
            raise InputError(sp, f"expected a type, found {tok!r}")
        self.next()
        args = []
        if self.peek() == "[":
            self.next()
            args.append(self.type_())
            while self.peek() == ",":
                self.next()
                args.append(self.type_())
            self.expect("]")
        return TypeSyntax("name", name=tok, args=tuple(args), span=sp)


# ---------------------------------------------------------------- data files


def load_data_file(path: str | Path) -> YNode:
    """Read a YAML data file that claims take constants from (any top-level node);
    every node keeps its position in the data file, so a bad value is reported there."""
    file, text = read_text(path, "data ")
    return _convert(_compose(text, file, "the data file", "the data file"), file)
