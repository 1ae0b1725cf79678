"""TestStand step results (`TEResult`) → WATS steps (formats.md §1.4–1.9).

The kind of step is decided by the result properties present (§1.5); the TestStand step type
name is kept as `stepType`. Statuses are copied, never recomputed: a measurement is P when its
step passed and F otherwise, as the WATS TestStand converter does; skipped steps carry no
measurement.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pywats.report import SequenceCall, Step
from pywats_client.converters._teststand_props import Prop

__all__ = ["StepMapper", "step_status"]

_STEP_STATUS = {
    "passed": "P",
    "failed": "F",
    "skipped": "S",
    "error": "E",
    "terminated": "T",
    "done": "D",
}
_GROUPS = {"setup": "S", "main": "M", "cleanup": "C"}
_ONE_LIMIT = {"EQ", "NE", "GT", "GE", "LT", "LE"}
_TWO_LIMITS = {"GTLT", "GELE", "GELT", "GTLE", "LTGT", "LEGE", "LEGT", "LTGE"}


def step_status(result: Prop, path: str = "Status") -> str:
    """The WATS status letter of a TestStand status; unknown custom statuses count as Done."""
    return _STEP_STATUS.get((result.string(path) or "").strip().lower(), "D")


class StepMapper:
    """Adds TestStand results to a WATS step tree.

    `engine_zero` is the wall-clock time at which the TestStand engine clock (`TS.StartTime`)
    read zero; without it steps get no start time.
    """

    def __init__(self, engine_zero: datetime | None) -> None:
        self.engine_zero = engine_zero
        self.results: dict[int, Step] = {}
        """Steps by their TestStand result id (`TS.Id`), for the critical-failure stack."""

    def add(self, parent: SequenceCall, result: Prop) -> Step:
        """Append `result` (and, for a sequence call, everything it ran) to `parent`."""
        name = result.string("TS.StepName") or ""
        try:
            step = self._build(parent, result, name)
        except ValueError as exc:
            raise result.doc.error(result.element, str(exc), f"step {name!r}") from None
        self.fill_common(step, result)
        return step

    def fill_common(self, step: Step, result: Prop) -> None:
        """Copy the keys every step has: type, status, time, GUID, error, report text, loop."""
        step_type = result.string("TS.StepType")
        if step_type:
            step.step_type = step_type
        step.status = step_status(result)
        total = result.number("TS.TotalTime")
        if total is not None and math.isfinite(total):
            step.tot_time = total
        offset = result.number("TS.StartTime")
        if self.engine_zero is not None and offset is not None and math.isfinite(offset):
            try:
                step.start = self.engine_zero + timedelta(seconds=offset)
            except OverflowError:
                raise result.doc.error(
                    result.element, f"TS.StartTime {offset} is out of range"
                ) from None
        guid = result.string("TS.StepId")
        if guid:
            step.ts_guid = guid
        result_id = result.integer("TS.Id")
        if result_id is not None:
            self.results[result_id] = step
        code = result.integer("Error.Code")
        if result.boolean("Error.Occurred") or code:
            step.error_code = code or 0
            step.error_message = result.string("Error.Msg") or ""
        text = result.string("ReportText")
        if text:
            step.report_text = text
        _loop(step, result)

    def _build(self, parent: SequenceCall, result: Prop, name: str) -> Step:
        group = _GROUPS.get((result.string("TS.StepGroup") or "").lower(), "M")
        status = step_status(result)
        call = result.get("TS.SequenceCall")
        if call is not None:
            sequence = parent.add_sequence(
                name,
                path=call.string("SequenceFile") or name,
                version=call.string("SequenceFileVersion"),
                group=group,
            )
            info = sequence.seq_call
            if info is not None:
                info.name = call.string("Sequence") or name
            results = call.get("ResultList")
            for child in results.elements() if results is not None else []:
                self.add(sequence, child)
            return sequence
        if status == "S":
            return parent.add_action(name, status=status, group=group)
        measured = "P" if status == "P" else "F"
        if result.child("Numeric") is not None:
            value = result.number("Numeric")
            comp, low, high = numeric_limits(result)
            unit = result.string("Units") or None
            return parent.add_numeric(
                name,
                math.nan if value is None else value,
                low=low,
                high=high,
                comp=comp,
                unit=unit,
                status=measured,
                group=group,
            )
        measurement = result.child("Measurement")
        if measurement is not None and measurement.element.get("Type") == "Array":
            return self._multi(parent, name, group, measurement)
        if result.child("PassFail") is not None:
            passed = result.boolean("PassFail")
            return parent.add_pass_fail(name, bool(passed), group=group)
        if result.child("String") is not None:
            return parent.add_string(
                name,
                result.string("String") or "",
                limit=result.string("Limits.String"),
                comp=string_comp(result.string("Comp")),
                status=measured,
                group=group,
            )
        if result.child("ButtonHit") is not None:
            return parent.add_message_popup(
                name,
                response=result.string("Response") or None,
                button=result.integer("ButtonHit") or 0,
                status=status,
                group=group,
            )
        if result.child("ExitCode") is not None:
            exit_code = result.number("ExitCode")
            return parent.add_call_executable(
                name, 0.0 if exit_code is None else exit_code, status=status, group=group
            )
        return parent.add_action(name, status=status, group=group)

    def _multi(self, parent: SequenceCall, name: str, group: str, array: Prop) -> Step:
        elements = array.elements()
        first = elements[0] if elements else None
        if first is not None and first.child("PassFail") is not None:
            pass_fail = parent.add_multi_pass_fail(name, group=group)
            for element in elements:
                label = element.string("MeasName") or element.name or ""
                pass_fail.add_measurement(label, bool(element.boolean("PassFail")))
            return pass_fail
        if first is not None and first.child("StringData") is not None:
            strings = parent.add_multi_string(name, group=group)
            for element in elements:
                strings.add_measurement(
                    element.string("MeasName") or element.name or "",
                    element.string("StringData") or "",
                    limit=element.string("StringLimit"),
                    comp=string_comp(element.string("Comp")),
                    status="P" if step_status(element) == "P" else "F",
                )
            return strings
        numeric = parent.add_multi_numeric(name, group=group)
        for element in elements:
            value = element.number("Data")
            comp, low, high = numeric_limits(element)
            numeric.add_measurement(
                element.name or element.string("MeasName") or "",
                math.nan if value is None else value,
                low=low,
                high=high,
                comp=comp,
                unit=element.string("Units") or None,
                status="P" if step_status(element) == "P" else "F",
            )
        return numeric


def numeric_limits(result: Prop) -> tuple[str, float | None, float | None]:
    """(WATS operator, low, high) from `Comp` and `Limits` (formats.md §1.6)."""
    comp = (result.string("Comp") or "LOG").strip().upper()
    low, high = result.number("Limits.Low"), result.number("Limits.High")
    if comp == "EQT":
        return ("GELE", *_threshold_limits(result))
    if comp in _ONE_LIMIT:
        return comp, (low if low is not None else high), None
    if comp in _TWO_LIMITS:
        if low is None or high is None:
            raise ValueError(f"comparison {comp} needs Limits.Low and Limits.High")
        return comp, low, high
    if comp == "LOG":
        return comp, None, None
    raise ValueError(f"unknown numeric comparison {comp!r}")


def _threshold_limits(result: Prop) -> tuple[float, float]:
    nominal = result.number("RawLimits.Nominal")
    if nominal is None:
        nominal = result.number("Limits.Nominal")
    low = result.number("RawLimits.Low")
    high = result.number("RawLimits.High")
    kind = result.string("Limits.ThresholdType") or result.string("ThresholdType") or ""
    if nominal is None or low is None or high is None:
        raise ValueError("comparison EQT needs RawLimits Nominal, Low and High")
    kind = kind.strip().lower()
    if kind == "delta":
        return nominal - low, nominal + high
    divisor = {"percentage": 100.0, "ppm": 1e6}.get(kind)
    if divisor is None:
        raise ValueError(f"comparison EQT has unknown ThresholdType {kind!r}")
    return nominal - abs(nominal) * low / divisor, nominal + abs(nominal) * high / divisor


def string_comp(comp: str | None) -> str:
    """WATS string operator for a TestStand string `Comp`; regular expressions are logged."""
    text = (comp or "").lower()
    if "ignorecase" in text and "regex" not in text and "regular" not in text:
        return "IGNORECASE"
    if "casesensitive" in text and "regex" not in text and "regular" not in text:
        return "CASESENSIT"
    return "LOG"


def _loop(step: Step, result: Prop) -> None:
    count = result.integer("TS.NumLoops")
    index = result.integer("TS.LoopIndex")
    if count is not None:
        step.raw["loop"] = {
            "idx": None,
            "num": count,
            "endingIndex": result.integer("TS.EndingLoopIndex"),
            "passed": result.integer("TS.NumPassed"),
            "failed": result.integer("TS.NumFailed"),
        }
    elif index is not None:
        step.raw["loop"] = {
            "idx": index,
            "num": None,
            "endingIndex": None,
            "passed": None,
            "failed": None,
        }
