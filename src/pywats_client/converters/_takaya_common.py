"""What the three TAKAYA dialects share: the converter settings, the tester's verdict words and
the sub-sequence per component type."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from pywats.report import NumericLimitStep, SequenceCall
from pywats_client.converters._base import Source
from pywats_client.converters._ict import (
    Limits,
    add_measured,
    add_unmeasured,
    component_prefix,
    number,
    parse_unit,
)
from pywats_client.converters._params import SiteDefaults

__all__ = ["Settings", "TypeSequences", "add_tested", "step_name"]


@dataclass(frozen=True)
class Settings:
    """The parameter values a dialect reader needs."""

    source: Source
    defaults: SiteDefaults
    zone: str
    group_by_type: bool
    bottom_code: int | None
    station_from_operator: bool


@dataclass
class TypeSequences:
    """One sub-sequence per component type under `parent`, made on first use, in order of first
    appearance; with grouping off every step goes into `parent` itself."""

    parent: SequenceCall
    enabled: bool
    made: dict[str, SequenceCall] = field(default_factory=dict)

    def of(self, parts: str) -> SequenceCall:
        if not self.enabled:
            return self.parent
        prefix = component_prefix(parts)
        sequence = self.made.get(prefix)
        if sequence is None:
            sequence = self.made[prefix] = self.parent.add_sequence(prefix or "*")
        return sequence


def step_name(parts: str, otherwise: str, *rest: str) -> str:
    """`<Parts>_…` for a component reference that is not a plain type name, else `<otherwise>_…`
    (pin-to-pin tests such as `SHRT12` are named by their net pair)."""
    head = parts if component_prefix(parts) != parts else otherwise
    return "_".join((head, *rest))


def add_tested(
    sequence: SequenceCall, name: str, status: str, reference: float | None,
    limits: Limits | None, reference_unit: str, readings: Sequence[tuple[str, str]],
) -> NumericLimitStep:  # fmt: skip
    """The step of a tested element with the tester's `status`: the first `(value, unit)` of
    `readings` that is a number, scaled to the reference's unit; without a reference or limits
    the step carries no measurement."""
    if reference is None or limits is None:
        return add_unmeasured(sequence, name, status)
    ref_unit = parse_unit(reference_unit)
    measured, unit = next(
        ((found, unit) for value, unit in readings if (found := number(value)) is not None),
        (math.nan, reference_unit),
    )
    value = parse_unit(unit or reference_unit).to(ref_unit, measured)
    return add_measured(sequence, name, value, limits, ref_unit.name, status)
