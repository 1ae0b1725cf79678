"""Typed converter parameters: declarations, the common site parameters and validation."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "COMMON_PARAMETERS",
    "Parameter",
    "ParameterError",
    "SiteDefaults",
    "validate_parameters",
]

ParamValue = str | int | float | bool | None

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
}


class ParameterError(ValueError):
    """A converter parameter value is unknown, of the wrong type or out of range.

    `key` names the parameter; the message says what was expected.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"parameter {key!r}: {message}")
        self.key = key


@dataclass(frozen=True)
class Parameter:
    """One declared converter parameter.

    `kind` is `str`, `int`, `float` or `bool`. A `default` of None makes the parameter optional
    ("not set"). `choices` restricts the value; `check` returns an error text for a bad value or
    None when it is fine. A `required` parameter (a header value the format never carries) must
    be given when the converter is configured; `pywats-client init` and the configurator ask
    for it.
    """

    name: str
    kind: type
    default: ParamValue
    help: str
    choices: Sequence[ParamValue] | None = None
    check: Callable[[ParamValue], str | None] | None = field(default=None, compare=False)
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in _TYPE_NAMES:
            raise TypeError(f"parameter {self.name!r}: kind must be str, int, float or bool")

    def coerce(self, value: object) -> ParamValue:
        """Return `value` as this parameter's type, or raise ParameterError naming the key."""
        if value is None:
            if self.default is None:
                return None
            raise ParameterError(self.name, f"expected {_TYPE_NAMES[self.kind]}, got nothing")
        converted: ParamValue
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ParameterError(self.name, f"expected true or false, got {value!r}")
            converted = value
        elif self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            converted = float(value)
        elif isinstance(value, self.kind) and not isinstance(value, bool):
            converted = value  # type: ignore[assignment]  # kind is one of the ParamValue types
        else:
            raise ParameterError(self.name, f"expected {_TYPE_NAMES[self.kind]}, got {value!r}")
        if self.choices is not None and converted not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise ParameterError(self.name, f"expected one of {allowed}, got {converted!r}")
        if self.check is not None:
            problem = self.check(converted)
            if problem:
                raise ParameterError(self.name, problem)
        return converted


def _check_encoding(value: ParamValue) -> str | None:
    try:
        codecs.lookup(str(value))
    except LookupError:
        return f"unknown text encoding {value!r} (expected e.g. 'utf-8', 'cp1252', 'latin-1')"
    return None


def _check_operation_code(value: ParamValue) -> str | None:
    if isinstance(value, int) and value < 0:
        return f"expected a non-negative operation code, got {value}"
    return None


COMMON_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("part_number", str, None, "Part number used when the file has none."),
    Parameter("revision", str, None, "Part revision used when the file has none."),
    Parameter(
        "operation_code",
        int,
        None,
        "Test operation (process) code used when the file has none.",
        check=_check_operation_code,
    ),
    Parameter("station_name", str, None, "Station name written into reports instead of the file's"),
    # WATS requires an operator on every report (wats-rules.md U13); Virinco's own converters
    # write `sysoper` when the file names none.
    Parameter("operator", str, "sysoper", "Operator name used when the file names none."),
    Parameter("decimal_comma", bool, False, "Numbers in the file use a decimal comma (3,14)."),
    Parameter("encoding", str, "utf-8", "Text encoding of the file.", check=_check_encoding),
)


@dataclass(frozen=True)
class SiteDefaults:
    """The common parameters' values, typed."""

    part_number: str | None
    revision: str | None
    operation_code: int | None
    station_name: str | None
    operator: str | None
    decimal_comma: bool
    encoding: str

    @classmethod
    def from_values(cls, values: Mapping[str, ParamValue]) -> SiteDefaults:
        def text(key: str) -> str | None:
            value = values.get(key)
            return value if isinstance(value, str) else None

        code = values.get("operation_code")
        return cls(
            part_number=text("part_number"),
            revision=text("revision"),
            operation_code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            station_name=text("station_name"),
            operator=text("operator"),
            decimal_comma=values.get("decimal_comma") is True,
            encoding=text("encoding") or "utf-8",
        )


def validate_parameters(
    declared: Sequence[Parameter], given: Mapping[str, object] | None
) -> dict[str, ParamValue]:
    """Check `given` against `declared` and return every parameter's value (defaults filled in).

    Raises ParameterError naming the first unknown or invalid key.
    """
    by_name = {p.name: p for p in declared}
    values: dict[str, ParamValue] = {p.name: p.default for p in declared}
    for key, value in (given or {}).items():
        parameter = by_name.get(key)
        if parameter is None:
            known = ", ".join(sorted(by_name)) or "none"
            raise ParameterError(key, f"unknown parameter (known: {known})")
        values[key] = parameter.coerce(value)
    for parameter in declared:
        if parameter.required and values[parameter.name] in (None, ""):
            raise ParameterError(parameter.name, f"required: {parameter.help}")
    return values
