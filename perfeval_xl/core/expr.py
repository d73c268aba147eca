"""Expressions that give both a Python value and the Excel formula computing the same value.

A computed figure (a sum, a ratio, a clamped and rounded score, a grade chosen from bands) is
written once as a small tree of these nodes. ``value(env)`` evaluates it on model values (None is
a blank cell); ``formula(refs)`` renders it for a cell, each input name replaced by its reference.
Only functions that Excel, WPS, LibreOffice and the ``formulas`` package all compute are emitted
(IF, AND, OR, ISNUMBER, COUNT, SUM, AVERAGE, MIN, MAX, ROUND, ABS, INT).
Python values follow the cell's rules where a formula could meet them: a blank compares as "" with
text and as 0 with a number, and counts as 0 in arithmetic.

``compile_expr`` turns a tree into one Python function with the same value (what the core runs where
it evaluates a figure many times: the 评分表, 执行率, 等级); the tree stays the declaration and ``value``
the reference.

Blank handling is the same on both sides: a figure whose inputs are missing is blank (None in
Python, "" in the cell), never 0 and never an error value. Guards are nested IFs, because AND
evaluates every argument and an error or a text in one of them would leak into the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from .score import fmt_number, round_half_up

Env = Mapping[str, Any]
Refs = Mapping[str, str]


def is_number(value: Any) -> bool:
    """What ISNUMBER says of a cell holding ``value`` (True/False are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_text(x: float) -> str:
    """A constant as formula text: 0.9 → "0.9", 10.0 → "10"."""
    return fmt_number(float(x), 10)


class Expr:
    """A node: its Python value over ``env`` and its formula text over ``refs`` (no leading =)."""

    def value(self, env: Env) -> Any:  # pragma: no cover - every node overrides
        raise NotImplementedError

    def formula(self, refs: Refs) -> str:  # pragma: no cover - every node overrides
        raise NotImplementedError

    def cell_formula(self, refs: Refs) -> str:
        return "=" + self.formula(refs)

    def source(self, c: Compiler) -> str:  # pragma: no cover - every node overrides
        """Python source computing ``value`` (see ``compile_expr``)."""
        raise NotImplementedError

    def inputs(self) -> set[str]:
        return set().union(*(c.inputs() for c in self.children())) if self.children() else set()

    def children(self) -> Sequence[Expr]:
        return ()

    # Arithmetic sugar; only used where guards have made sure the operands are numbers.
    def __add__(self, other: Any) -> Expr:
        return BinOp("+", self, wrap(other))

    def __sub__(self, other: Any) -> Expr:
        return BinOp("-", self, wrap(other))

    def __mul__(self, other: Any) -> Expr:
        return BinOp("*", self, wrap(other))

    def __truediv__(self, other: Any) -> Expr:
        return BinOp("/", self, wrap(other))


def wrap(x: Any) -> Expr:
    return x if isinstance(x, Expr) else Const(x)


@dataclass(frozen=True, eq=False)
class Const(Expr):
    constant: Any

    def value(self, env: Env) -> Any:
        return self.constant

    def formula(self, refs: Refs) -> str:
        if isinstance(self.constant, bool):
            return "TRUE" if self.constant else "FALSE"
        if isinstance(self.constant, str):
            return '"' + self.constant.replace('"', '""') + '"'
        return number_text(self.constant)

    def source(self, c: Compiler) -> str:
        return c.constant(self.constant)


BLANK = Const("")  # rendered as ""; its Python value is None (see If)


@dataclass(frozen=True, eq=False)
class Input(Expr):
    """One cell (or, for ``Sum``/``Count``/``Average``, a list of cells) named ``name``."""

    name: str

    def value(self, env: Env) -> Any:
        return env.get(self.name)

    def formula(self, refs: Refs) -> str:
        return refs[self.name]

    def source(self, c: Compiler) -> str:
        return c.input(self.name)

    def inputs(self) -> set[str]:
        return {self.name}


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr

    def value(self, env: Env) -> Any:
        a, b = (0.0 if v is None else v for v in (self.left.value(env), self.right.value(env)))
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        return a / b

    def formula(self, refs: Refs) -> str:
        return f"({self.left.formula(refs)}{self.op}{self.right.formula(refs)})"

    def source(self, c: Compiler) -> str:
        op = self.op if self.op in ("+", "-", "*") else "/"
        return f"({c.blank_as_zero(self.left)} {op} {c.blank_as_zero(self.right)})"

    def children(self) -> Sequence[Expr]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class Neg(Expr):
    arg: Expr

    def value(self, env: Env) -> Any:
        return -self.arg.value(env)

    def formula(self, refs: Refs) -> str:
        return f"-{self.arg.formula(refs)}"

    def source(self, c: Compiler) -> str:
        return f"(-{c.code(self.arg)})"

    def children(self) -> Sequence[Expr]:
        return (self.arg,)


def add_up(values: Sequence[Any]) -> Any:
    """values[0] + values[1] + … from left to right (sum's own float addition)."""
    return sum(values[1:], values[0])


@dataclass(frozen=True, eq=False)
class Plus(Expr):
    """(a+b+…) in one bracket; Python adds left to right as the cell does."""

    args: tuple[Expr, ...]

    def value(self, env: Env) -> Any:
        return add_up([a.value(env) for a in self.args])

    def formula(self, refs: Refs) -> str:
        return "(" + "+".join(a.formula(refs) for a in self.args) + ")" if len(self.args) > 1 else \
            self.args[0].formula(refs)

    def source(self, c: Compiler) -> str:
        return f"_add_up(({''.join(c.code(a) + ', ' for a in self.args)}))"

    def children(self) -> Sequence[Expr]:
        return self.args


def _cell_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """A blank cell compared with text is "", with a number 0, with TRUE/FALSE FALSE."""
    def blank_as(other: Any) -> Any:
        return "" if isinstance(other, str) or other is None else False if isinstance(other, bool) else 0.0
    return (blank_as(b) if a is None else a), (blank_as(a) if b is None else b)


def _rank(v: Any) -> int:
    """Spreadsheets order numbers before text before TRUE/FALSE."""
    return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0


def _ordered(a: Any, b: Any) -> tuple[Any, Any]:
    a, b = _cell_operands(a, b)
    if _rank(a) != _rank(b):
        return _rank(a), _rank(b)
    if isinstance(a, str):
        return a.casefold(), b.casefold()
    return a, b


_PLAIN_NUMBERS = (int, float)
_PYTHON_OPS = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "=": "==", "<>": "!="}
_COMPARE = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
            "<": lambda a, b: a < b, "=": lambda a, b: a == b, "<>": lambda a, b: a != b}


def compare(op: str, a: Any, b: Any) -> bool:
    """``a op b`` as a cell compares them (op one of >=, >, <=, <, =, <>)."""
    if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS:  # most comparisons: no coercion
        return _COMPARE[op](a, b)
    return _COMPARE[op](*_ordered(a, b))


@dataclass(frozen=True, eq=False)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr

    def value(self, env: Env) -> bool:
        return compare(self.op, self.left.value(env), self.right.value(env))

    def formula(self, refs: Refs) -> str:
        return f"{self.left.formula(refs)}{self.op}{self.right.formula(refs)}"

    def source(self, c: Compiler) -> str:
        right = self.right.constant if isinstance(self.right, Const) else None
        if type(right) in _PLAIN_NUMBERS or (isinstance(right, str) and self.op in ("=", "<>")):
            # The usual test of a cell against a number or a text: the plain case inline, what
            # ``compare`` does first; anything else (a blank, a mixed pair) goes through it.
            a, b, op = c.temp(), c.constant(self.right.constant), _PYTHON_OPS[self.op]
            if isinstance(right, str):
                return (f"({a}.casefold() {op} {c.constant(right.casefold())} if type({a} := {c.code(self.left)}) "
                        f"is str else _compare({self.op!r}, {a}, {b}))")
            return f"({a} {op} {b} if type({a} := {c.code(self.left)}) in _PLAIN_NUMBERS else _compare({self.op!r}, {a}, {b}))"
        return f"_compare({self.op!r}, {c.code(self.left)}, {c.code(self.right)})"

    def children(self) -> Sequence[Expr]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class IsNumber(Expr):
    arg: Expr

    def value(self, env: Env) -> bool:
        return is_number(self.arg.value(env))

    def formula(self, refs: Refs) -> str:
        return f"ISNUMBER({self.arg.formula(refs)})"

    def source(self, c: Compiler) -> str:
        v = c.temp()
        return f"(isinstance({v} := {c.code(self.arg)}, _NUMBER_TYPES) and not isinstance({v}, bool))"

    def children(self) -> Sequence[Expr]:
        return (self.arg,)


@dataclass(frozen=True, eq=False)
class All(Expr):
    """AND(...): only over conditions that cannot raise (ISNUMBER, comparisons of known numbers)."""

    args: tuple[Expr, ...]
    function = "AND"
    python_operator = "and"

    def value(self, env: Env) -> bool:
        return all(a.value(env) for a in self.args)

    def formula(self, refs: Refs) -> str:
        if len(self.args) == 1:
            return self.args[0].formula(refs)
        return self.function + "(" + ",".join(a.formula(refs) for a in self.args) + ")"

    def source(self, c: Compiler) -> str:
        joined = f" {self.python_operator} ".join(c.code(a) for a in self.args)
        return f"(True if ({joined}) else False)"  # all() and any() give a bool, not an operand

    def children(self) -> Sequence[Expr]:
        return self.args


class Either(All):
    """OR(...): like ``All``, only over conditions that cannot raise."""

    function = "OR"
    python_operator = "or"

    def value(self, env: Env) -> bool:
        return any(a.value(env) for a in self.args)


@dataclass(frozen=True, eq=False)
class If(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr = BLANK

    def value(self, env: Env) -> Any:
        branch = self.then if self.condition.value(env) else self.otherwise
        return None if branch is BLANK else branch.value(env)

    def formula(self, refs: Refs) -> str:
        return f"IF({self.condition.formula(refs)},{self.then.formula(refs)},{self.otherwise.formula(refs)})"

    def source(self, c: Compiler) -> str:
        then, otherwise = (("None" if b is BLANK else c.code(b)) for b in (self.then, self.otherwise))
        return f"({then} if {c.code(self.condition)} else {otherwise})"

    def children(self) -> Sequence[Expr]:
        return (self.condition, self.then, self.otherwise)


def apply_function(name: str, values: Sequence[Any]) -> Any:
    """MIN, MAX, ABS, INT or ROUND of the arguments' values."""
    if name == "MIN":
        return min(values)
    if name == "MAX":
        return max(values)
    if name == "ABS":
        return abs(values[0])
    if name == "INT":
        return float(math.floor(values[0]))
    if name == "ROUND":
        return round_half_up(values[0], int(values[1]))
    raise ValueError(name)


@dataclass(frozen=True, eq=False)
class Func(Expr):
    """MIN, MAX, ROUND, ABS, INT of numbers (ROUND rounds half away from zero, as people do on paper;
    INT rounds down)."""

    name: str
    args: tuple[Expr, ...]

    def value(self, env: Env) -> Any:
        return apply_function(self.name, [a.value(env) for a in self.args])

    def formula(self, refs: Refs) -> str:
        return f"{self.name}(" + ",".join(a.formula(refs) for a in self.args) + ")"

    def source(self, c: Compiler) -> str:
        decimals = self.args[1].constant if len(self.args) == 2 and isinstance(self.args[1], Const) else None
        if self.name == "ROUND" and type(decimals) is int:
            return c.rounded(self.args[0], decimals)
        args = [c.code(a) for a in self.args]
        if self.name in ("MIN", "MAX"):
            return f"{self.name.lower()}(({', '.join(args)},))"
        if self.name == "INT" and len(args) == 1:
            return f"float(_floor({args[0]}))"
        return f"_apply_function({self.name!r}, [{', '.join(args)}])"

    def children(self) -> Sequence[Expr]:
        return self.args


def aggregate(name: str, values: Sequence[Any]) -> Any:
    """COUNT, SUM or AVERAGE of the numbers among ``values`` (each a cell's value or a list of them)."""
    numbers: list[float] = []
    for v in values:
        for item in (v if isinstance(v, (list, tuple)) else [v]):
            if is_number(item):
                numbers.append(float(item))
    if name == "COUNT":
        return len(numbers)
    if name == "SUM":
        return sum(numbers)
    return sum(numbers) / len(numbers)


@dataclass(frozen=True, eq=False)
class Aggregate(Expr):
    """COUNT, SUM or AVERAGE over cells: only the numbers count, blanks and text are skipped."""

    name: str
    args: tuple[Input, ...]

    def value(self, env: Env) -> Any:
        return aggregate(self.name, [a.value(env) for a in self.args])

    def formula(self, refs: Refs) -> str:
        return f"{self.name}(" + ",".join(a.formula(refs) for a in self.args) + ")"

    def source(self, c: Compiler) -> str:
        return f"_aggregate({self.name!r}, [{', '.join(c.code(a) for a in self.args)}])"

    def children(self) -> Sequence[Expr]:
        return self.args


# ---------------------------------------------------------------- compiled evaluation

_UNSET = object()  # a shared sub-expression not evaluated yet


_RUNTIME = {"_UNSET": _UNSET, "_add_up": add_up, "_compare": compare, "_PLAIN_NUMBERS": _PLAIN_NUMBERS,
            "_NUMBER_TYPES": (int, float), "_round_half_up": round_half_up, "_floor": math.floor,
            "_apply_function": apply_function, "_aggregate": aggregate}


class Compiler:
    """Writes the Python source of one function that computes a tree's ``value``: every input
    read once into a local, a sub-expression that occurs more than once in the tree (the same
    node object) evaluated at most once, the nodes' checks written inline. Constants and input
    names enter the source only as Python literals (their repr) or as bound names, so no value of
    a rules file becomes code."""

    def __init__(self, expr: Expr, parameters: Sequence[str]) -> None:
        self.parameters = {name: f"p{i}" for i, name in enumerate(parameters)}
        self.inputs: dict[str, str] = {}
        self.globals: dict[str, Any] = dict(_RUNTIME)
        self.temps = 0
        self.shared = _repeated_nodes(expr)
        self.memo: dict[Expr, str] = {}

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def input(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        return self.inputs.setdefault(name, f"v{len(self.inputs)}")

    def constant(self, value: Any) -> str:
        if value is None or type(value) in (bool, str) or (type(value) is float and math.isfinite(value)) \
                or (type(value) is int and abs(value) < 2 ** 63):
            return repr(value)  # repr of these is an exact Python literal
        name = f"c{len(self.globals)}"
        self.globals[name] = value
        return name

    def code(self, node: Expr) -> str:
        if node not in self.shared:
            return node.source(self)
        text = self.memo.get(node)
        if text is None:  # its source once; a later occurrence reuses the text
            var = f"m{len(self.memo)}"
            self.memo[node] = var  # reserves the number while the node's own source is written
            text = self.memo[node] = f"({var} if {var} is not _UNSET else ({var} := {node.source(self)}))"
        return text

    def rounded(self, node: Expr, decimals: int) -> str:
        """ROUND(node, decimals): a number rounded now, a choice (IF) rounded in each branch, so
        that points chosen from constants (是 → 0.5) cost nothing; a whole float is its own
        rounding (round_half_up returns it as it is)."""
        if isinstance(node, Const) and type(node.constant) in (int, float):
            return self.constant(round_half_up(node.constant, decimals))
        if isinstance(node, If) and node not in self.shared:
            then, otherwise = ("_round_half_up(None, 0)" if b is BLANK else self.rounded(b, decimals)
                               for b in (node.then, node.otherwise))
            return f"({then} if {self.code(node.condition)} else {otherwise})"
        v = self.temp()
        return f"({v} if type({v} := {self.code(node)}) is float and {v}.is_integer() else _round_half_up({v}, {decimals}))"

    def blank_as_zero(self, node: Expr) -> str:
        """The node's value with a blank counted as 0, as BinOp does."""
        if isinstance(node, Const) and node.constant is not None:
            return self.code(node)
        v = self.temp()
        return f"(0.0 if ({v} := {self.code(node)}) is None else {v})"

    def function_source(self, expr: Expr) -> str:
        body = self.code(expr)
        lines = [f"def compiled(env, {''.join(p + ', ' for p in self.parameters.values())}):"]
        lines += [f"    {var} = env.get({name!r})" for name, var in self.inputs.items()]
        lines += [f"    m{i} = _UNSET" for i in range(len(self.memo))]
        return "\n".join(lines + [f"    return {body}"])


def _repeated_nodes(expr: Expr) -> set[Expr]:
    """The nodes (by identity) reached more than once, other than constants and inputs."""
    seen: set[Expr] = set()
    repeated: set[Expr] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (Const, Input)):
            continue
        if node in seen:
            repeated.add(node)
            continue
        seen.add(node)
        stack.extend(node.children())
    return repeated


def compile_expr(expr: Expr, parameters: Sequence[str] = ()) -> Callable[..., Any]:
    """A function ``f(env, *parameters)`` giving ``expr.value`` over ``env`` (the inputs named in
    ``parameters`` taken from the arguments instead), without walking the tree: the tree stays
    the declaration, this is how the core evaluates it many times. Compile once and keep it
    (the rules cache theirs); a tree too deep for Python's parser is walked as before."""
    compiler = Compiler(expr, parameters)
    try:
        code = compile(compiler.function_source(expr), "<expr>", "exec")
    except (SyntaxError, RecursionError, MemoryError):
        names = list(parameters)
        return lambda env, *values: expr.value({**env, **dict(zip(names, values))})
    namespace = compiler.globals
    exec(code, namespace)  # noqa: S102 - the source is written by Compiler from node types only
    return namespace["compiled"]


# ---------------------------------------------------------------- building blocks of figures


def clamp(x: Expr, low: float, high: float) -> Expr:
    return Func("MIN", (Func("MAX", (x, Const(low))), Const(high)))


def rounded(x: Expr, decimals: int = 2) -> Expr:
    return Func("ROUND", (x, Const(decimals)))


def when_numbers(names: Sequence[Expr], body: Expr) -> Expr:
    """``body`` when every one of ``names`` holds a number, else blank."""
    return If(All(tuple(IsNumber(n) for n in names)), body)


def sum_or_blank(*cells: Input, decimals: int | None = None) -> Expr:
    """Σ of the filled cells; blank when none is filled (a blank total is not a total of 0)."""
    total: Expr = Aggregate("SUM", cells)
    if decimals is not None:
        total = rounded(total, decimals)
    return If(Compare("=", Aggregate("COUNT", cells), Const(0)), BLANK, total)


def average_or_blank(*cells: Input, decimals: int = 2) -> Expr:
    return If(Compare("=", Aggregate("COUNT", cells), Const(0)), BLANK, rounded(Aggregate("AVERAGE", cells), decimals))


def ratio(numerator: Input, denominator: Input, zero_over_zero: Expr = BLANK) -> Expr:
    """numerator ÷ denominator; blank when either is not a number or the denominator is 0, except
    ``zero_over_zero`` when both are 0 (a table shows "—" there: no figure is missing)."""
    over_zero = BLANK if zero_over_zero is BLANK else If(Compare("=", numerator, Const(0)), zero_over_zero)
    return when_numbers((numerator, denominator),
                        If(Compare("<>", denominator, Const(0)), numerator / denominator, over_zero))


def band(x: Expr, bands: Sequence[tuple[float, Any]], below: Any) -> Expr:
    """The value of the first band (in the given order) whose lower bound ``x`` reaches, else ``below``."""
    out: Expr = wrap(below)
    for low, got in reversed(list(bands)):
        out = If(Compare(">=", x, Const(low)), wrap(got), out)
    return out


def lookup(x: Expr, table: Mapping[str, Any], otherwise: Any) -> Expr:
    """The value ``table`` gives the text in ``x`` (a dropdown's choice), else ``otherwise``."""
    out: Expr = wrap(otherwise)
    for key, got in reversed(list(table.items())):
        out = If(Compare("=", x, Const(key)), wrap(got), out)
    return out
