"""Expressions that give both a Python value and the Excel formula computing the same value.

A computed figure (a sum, a ratio, a clamped and rounded score, a grade chosen from bands) is
written once as a small tree of these nodes. ``value(env)`` evaluates it on model values (None is
a blank cell); ``formula(refs)`` renders it for a cell, each input name replaced by its reference.
Only functions that Excel, WPS, LibreOffice and the ``formulas`` package all compute are emitted
(IF, AND, OR, ISNUMBER, COUNT, SUM, AVERAGE, MIN, MAX, ROUND, ABS, INT).
Python values follow the cell's rules where a formula could meet them: a blank compares as "" with
text and as 0 with a number, and counts as 0 in arithmetic.

Blank handling is the same on both sides: a figure whose inputs are missing is blank (None in
Python, "" in the cell), never 0 and never an error value. Guards are nested IFs, because AND
evaluates every argument and an error or a text in one of them would leak into the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

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


BLANK = Const("")  # rendered as ""; its Python value is None (see If)


@dataclass(frozen=True, eq=False)
class Input(Expr):
    """One cell (or, for ``Sum``/``Count``/``Average``, a list of cells) named ``name``."""

    name: str

    def value(self, env: Env) -> Any:
        return env.get(self.name)

    def formula(self, refs: Refs) -> str:
        return refs[self.name]

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

    def children(self) -> Sequence[Expr]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class Neg(Expr):
    arg: Expr

    def value(self, env: Env) -> Any:
        return -self.arg.value(env)

    def formula(self, refs: Refs) -> str:
        return f"-{self.arg.formula(refs)}"

    def children(self) -> Sequence[Expr]:
        return (self.arg,)


@dataclass(frozen=True, eq=False)
class Plus(Expr):
    """(a+b+…) in one bracket; Python adds left to right as the cell does."""

    args: tuple[Expr, ...]

    def value(self, env: Env) -> Any:
        return sum((a.value(env) for a in self.args[1:]), self.args[0].value(env))

    def formula(self, refs: Refs) -> str:
        return "(" + "+".join(a.formula(refs) for a in self.args) + ")" if len(self.args) > 1 else \
            self.args[0].formula(refs)

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
_COMPARE = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
            "<": lambda a, b: a < b, "=": lambda a, b: a == b, "<>": lambda a, b: a != b}


@dataclass(frozen=True, eq=False)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr

    def value(self, env: Env) -> bool:
        a, b = self.left.value(env), self.right.value(env)
        if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS:  # most comparisons: no coercion
            return _COMPARE[self.op](a, b)
        return _COMPARE[self.op](*_ordered(a, b))

    def formula(self, refs: Refs) -> str:
        return f"{self.left.formula(refs)}{self.op}{self.right.formula(refs)}"

    def children(self) -> Sequence[Expr]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class IsNumber(Expr):
    arg: Expr

    def value(self, env: Env) -> bool:
        return is_number(self.arg.value(env))

    def formula(self, refs: Refs) -> str:
        return f"ISNUMBER({self.arg.formula(refs)})"

    def children(self) -> Sequence[Expr]:
        return (self.arg,)


@dataclass(frozen=True, eq=False)
class All(Expr):
    """AND(...): only over conditions that cannot raise (ISNUMBER, comparisons of known numbers)."""

    args: tuple[Expr, ...]
    function = "AND"

    def value(self, env: Env) -> bool:
        return all(a.value(env) for a in self.args)

    def formula(self, refs: Refs) -> str:
        if len(self.args) == 1:
            return self.args[0].formula(refs)
        return self.function + "(" + ",".join(a.formula(refs) for a in self.args) + ")"

    def children(self) -> Sequence[Expr]:
        return self.args


class Either(All):
    """OR(...): like ``All``, only over conditions that cannot raise."""

    function = "OR"

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

    def children(self) -> Sequence[Expr]:
        return (self.condition, self.then, self.otherwise)


@dataclass(frozen=True, eq=False)
class Func(Expr):
    """MIN, MAX, ROUND, ABS, INT of numbers (ROUND rounds half away from zero, as people do on paper;
    INT rounds down)."""

    name: str
    args: tuple[Expr, ...]

    def value(self, env: Env) -> Any:
        values = [a.value(env) for a in self.args]
        if self.name == "MIN":
            return min(values)
        if self.name == "MAX":
            return max(values)
        if self.name == "ABS":
            return abs(values[0])
        if self.name == "INT":
            return float(math.floor(values[0]))
        if self.name == "ROUND":
            return round_half_up(values[0], int(values[1]))
        raise ValueError(self.name)

    def formula(self, refs: Refs) -> str:
        return f"{self.name}(" + ",".join(a.formula(refs) for a in self.args) + ")"

    def children(self) -> Sequence[Expr]:
        return self.args


@dataclass(frozen=True, eq=False)
class Aggregate(Expr):
    """COUNT, SUM or AVERAGE over cells: only the numbers count, blanks and text are skipped."""

    name: str
    args: tuple[Input, ...]

    def _numbers(self, env: Env) -> list[float]:
        out: list[float] = []
        for a in self.args:
            v = a.value(env)
            for item in (v if isinstance(v, (list, tuple)) else [v]):
                if is_number(item):
                    out.append(float(item))
        return out

    def value(self, env: Env) -> Any:
        numbers = self._numbers(env)
        if self.name == "COUNT":
            return len(numbers)
        if self.name == "SUM":
            return sum(numbers)
        return sum(numbers) / len(numbers)

    def formula(self, refs: Refs) -> str:
        return f"{self.name}(" + ",".join(a.formula(refs) for a in self.args) + ")"

    def children(self) -> Sequence[Expr]:
        return self.args


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


def ratio(numerator: Input, denominator: Input) -> Expr:
    """numerator ÷ denominator; blank when either is not a number or the denominator is 0."""
    return when_numbers((numerator, denominator),
                        If(Compare("<>", denominator, Const(0)), numerator / denominator))


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


def evaluate(expr: Expr, **env: Any) -> Any:
    return expr.value(env)
