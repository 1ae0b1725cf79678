"""The OData `$filter` and `$orderby` subset WATS clients send, parsed into a small tree.

Grammar (keywords case-sensitive, as in OData):

    expr       := and_expr ('or' and_expr)*
    and_expr   := unary ('and' unary)*
    unary      := 'not' unary | primary
    primary    := '(' expr ')' | call | lambda | operand OP operand
    call       := ('contains' | 'startswith' | 'endswith') '(' path ',' literal ')'
                | 'substringof' '(' literal ',' path ')'
    lambda     := path '/any(' [name ':' expr] ')'
    operand    := path | literal
    literal    := 'text' (quote doubled) | number | true | false | null
                | date-time | date | guid | datetime'...' | guid'...'

Date-time literals follow the SDK's one grammar (`pywats.report.Timestamp`); without an offset
they mean UTC.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from pywats.report import Timestamp

__all__ = [
    "Any_",
    "Call",
    "Comparison",
    "Expr",
    "Field",
    "Literal",
    "Logical",
    "Not",
    "ODataError",
    "parse_filter",
    "parse_orderby",
]

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = ("contains", "startswith", "endswith", "substringof")

_DATETIME = Timestamp.GRAMMAR
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>{_DATETIME}(?![\w:.-]))
  | (?P<guid>{_GUID}(?![\w-]))
  | (?P<date>\d{{4}}-\d{{2}}-\d{{2}}(?![\w:.-]))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<punct>[(),:])
    """,
    re.VERBOSE,
)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1  # what SQLite and PostgreSQL bind


class ODataError(ValueError):
    """An OData option could not be parsed or applied; the message names the option and place."""


@dataclass(frozen=True)
class Field:
    path: str
    position: int


@dataclass(frozen=True)
class Literal:
    value: str | int | float | bool | datetime | uuid.UUID | None
    position: int


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Field | Literal
    right: Field | Literal


@dataclass(frozen=True)
class Logical:
    op: str  # "and" or "or"
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Call:
    function: str  # contains, startswith, endswith
    field: Field
    argument: Literal


@dataclass(frozen=True)
class Any_:
    collection: Field
    variable: str | None
    predicate: Expr | None


Expr = Comparison | Logical | Not | Call | Any_


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokenize(text: str, option: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ODataError(f"{option}: unexpected character {text[position]!r} at {position}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _to_datetime(text: str) -> datetime:
    # The SDK's one date-time parser; a literal without offset means UTC.
    return Timestamp(text).to_utc()


class _Parser:
    def __init__(self, text: str) -> None:
        self.option = "$filter"
        self.tokens = _tokenize(text, self.option)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _fail(self, expected: str) -> ODataError:
        token = self.current
        found = "end of input" if token.kind == "end" else repr(token.text)
        return ODataError(f"{self.option}: expected {expected} at {token.position}, found {found}")

    def _take(self, kind: str, text: str | None = None) -> _Token:
        token = self.current
        if token.kind != kind or (text is not None and token.text != text):
            raise self._fail(repr(text) if text else kind)
        self.index += 1
        return token

    def _at(self, kind: str, text: str) -> bool:
        return self.current.kind == kind and self.current.text == text

    def parse(self) -> Expr:
        if self.current.kind == "end":
            raise self._fail("an expression")
        expr = self._or()
        if self.current.kind != "end":
            raise self._fail("'and', 'or' or the end")
        return expr

    def _or(self) -> Expr:
        expr = self._and()
        while self._at("name", "or"):
            self.index += 1
            expr = Logical("or", expr, self._and())
        return expr

    def _and(self) -> Expr:
        expr = self._unary()
        while self._at("name", "and"):
            self.index += 1
            expr = Logical("and", expr, self._unary())
        return expr

    def _unary(self) -> Expr:
        if self._at("name", "not"):
            self.index += 1
            return Not(self._unary())
        return self._primary()

    def _primary(self) -> Expr:
        token = self.current
        if self._at("punct", "("):
            self.index += 1
            expr = self._or()
            self._take("punct", ")")
            return expr
        if token.kind == "name" and token.text in FUNCTIONS:
            return self._call()
        if token.kind == "name" and token.text.endswith("/any"):
            next_token = self.tokens[self.index + 1]
            if next_token.kind == "punct" and next_token.text == "(":
                return self._lambda()
        left = self._operand()
        op = self.current
        if op.kind != "name" or op.text not in COMPARISONS:
            raise self._fail("a comparison operator (eq, ne, gt, ge, lt, le)")
        self.index += 1
        right = self._operand()
        if isinstance(left, Literal) and isinstance(right, Literal):
            raise ODataError(f"{self.option}: comparison at {left.position} names no field")
        return Comparison(op.text, left, right)

    def _call(self) -> Call:
        name = self._take("name").text
        self._take("punct", "(")
        if name == "substringof":
            argument, field = self._literal(), self._field()
            name = "contains"
        else:
            field = self._field()
            self._take("punct", ",")
            argument = self._literal()
        self._take("punct", ")")
        if not isinstance(argument.value, str):
            raise ODataError(f"{self.option}: {name} at {argument.position} needs a text literal")
        return Call(name, field, argument)

    def _lambda(self) -> Any_:
        token = self._take("name")
        collection = Field(token.text[: -len("/any")], token.position)
        self._take("punct", "(")
        if self._at("punct", ")"):
            self.index += 1
            return Any_(collection, None, None)
        variable = self._take("name").text
        self._take("punct", ":")
        predicate = self._or()
        self._take("punct", ")")
        return Any_(collection, variable, predicate)

    def _field(self) -> Field:
        token = self.current
        if token.kind != "name" or token.text in ("true", "false", "null"):
            raise self._fail("a field name")
        self.index += 1
        return Field(token.text, token.position)

    def _operand(self) -> Field | Literal:
        token = self.current
        if token.kind == "name" and token.text not in ("true", "false", "null", "datetime", "guid"):
            return self._field()
        return self._literal()

    def _number(self, text: str, position: int) -> int | float:
        """A number literal the databases can compare: a 64-bit integer or a finite float."""
        if any(c in text for c in ".eE"):
            value: int | float = float(text)
            if math.isfinite(value):
                return value
        else:
            value = int(text)
            if _INT64_MIN <= value <= _INT64_MAX:
                return value
        raise ODataError(
            f"{self.option}: number {text} at {position} is out of range: expected an integer "
            f"from {_INT64_MIN} to {_INT64_MAX} or a finite decimal number"
        )

    def _literal(self) -> Literal:
        token = self.current
        self.index += 1
        text, position = token.text, token.position
        if token.kind == "string":
            return Literal(text[1:-1].replace("''", "'"), position)
        if token.kind == "number":
            return Literal(self._number(text, position), position)
        if token.kind in ("datetime", "date"):
            try:
                moment = _to_datetime(text if token.kind == "datetime" else f"{text}T00:00:00")
            except ValueError as exc:  # shaped like a date-time, e.g. month 13
                raise ODataError(
                    f"{self.option}: invalid date-time literal {text} at {position}: {exc}"
                ) from None
            return Literal(moment, position)
        if token.kind == "guid":
            return Literal(uuid.UUID(text), position)
        if token.kind == "name" and text in ("true", "false", "null"):
            return Literal({"true": True, "false": False, "null": None}[text], position)
        if token.kind == "name" and text in ("datetime", "guid") and self.current.kind == "string":
            quoted = self.current.text[1:-1]
            self.index += 1
            try:
                value = _to_datetime(quoted) if text == "datetime" else uuid.UUID(quoted)
            except ValueError:
                raise ODataError(f"{self.option}: invalid {text} literal at {position}") from None
            return Literal(value, position)
        self.index -= 1
        raise self._fail("a literal (text in quotes, number, date-time, true, false or null)")


def parse_filter(text: str) -> Expr:
    """Parse a `$filter` expression; raises ODataError naming the position on bad syntax."""
    return _Parser(text).parse()


def parse_orderby(text: str) -> list[tuple[str, bool]]:
    """Parse `$orderby` into `(field, descending)` pairs; raises ODataError on bad syntax."""
    result = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ODataError(f"$orderby: expected 'field [asc|desc]', found {part.strip()!r}")
        result.append((words[0], len(words) == 2 and words[1] == "desc"))
    return result
