"""ATML `Test` / `TestGroup` / `SessionAction` elements → WATS steps (formats.md §2.4–2.8).

A step's kind comes from its TestStand step type and the `TestResult`s it holds, not from the
element name (TestStand writes a skipped Statement as a `Test`). Statuses are copied from the
outcomes; a measurement without an outcome of its own takes P when its step passed, else F.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pywats.report import AdditionalData, SequenceCall, Step
from pywats_client.converters._atml_measurements import Measured, read_results, value_of
from pywats_client.converters._atml_values import Datum, Limit, datum_of, outcome_status
from pywats_client.converters._xml import XmlDocument, child, children, local, path

__all__ = ["AtmlStepMapper"]

_GROUPS = {"setup": "S", "main": "M", "cleanup": "C"}
_STEPS = {"Test", "TestGroup", "SessionAction"}
_CALLER = re.compile(r"SequenceCallStepName\s*=\s*'(.*)'")
# Result names TestStand gives measurements; other TestResults without limits are additional
# results (ButtonHit, Response, ...).
_MEASUREMENT_NAMES = re.compile(r"^(Numeric|String|PassFail|Measurement( \d+)?|Data)$")


class AtmlStepMapper:
    """Adds the children of an ATML test group to a WATS sequence.

    `localize` turns the file's zone-less `xs:dateTime` text into an aware datetime.
    """

    def __init__(self, doc: XmlDocument, localize: Callable[[str], datetime | None]) -> None:
        self.doc = doc
        self.localize = localize
        self.results: dict[str, Step] = {}
        """Steps by their element `ID`, for the critical-failure stack."""
        self.unread: dict[int, list[tuple[str, ET.Element]]] = {}
        """Value forms of a step being built that were not read as measurements."""

    def add_children(self, sequence: SequenceCall, group: ET.Element) -> None:
        for element in group:
            if local(element) in _STEPS:
                self.add(sequence, element)

    def add(self, parent: SequenceCall, element: ET.Element) -> Step:
        name = element.get("name") or ""
        try:
            step = self._build(parent, element, name)
            self._common(step, element)
        except ValueError as exc:
            raise self.doc.error(element, str(exc), f"step {name!r}") from None
        self.results[element.get("ID") or ""] = step
        return step

    def _build(self, parent: SequenceCall, element: ET.Element, name: str) -> Step:
        props = path(element, "Extension", "TSStepProperties")
        step_type = _text(child(props, "StepType"))
        group = _GROUPS.get(_text(child(props, "StepGroup")).lower(), "M")
        kind = local(element)
        status = outcome_status(
            child(element, "ActionOutcome" if kind == "SessionAction" else "Outcome")
        )
        if kind == "TestGroup" or step_type in ("SequenceCall", "WATS_SeqCall"):
            caller = element.get("callerName") or _caller(element.get("userDefinedType"))
            file, _, sequence_name = (element.get("name") or "").rpartition("#")
            sequence = parent.add_sequence(
                caller or sequence_name or name, path=file or name, group=group
            )
            if sequence.seq_call is not None:
                sequence.seq_call.name = sequence_name or name
            self.add_children(sequence, element)
            return sequence
        if status == "S":
            return parent.add_action(name, status=status, group=group)
        measured = "P" if status == "P" else "F"
        results = children(element, "TestResult")
        measurements = [r for r in results if _is_measurement(r)]
        extras = {r.get("name") or r.get("ID") or "": r for r in results if r not in measurements}
        values = read_results(measurements, element)
        self.unread[id(element)] = values.unread
        if values.single:
            return self._single(parent, name, group, values.measurements[0], measured)
        if values.measurements:
            return self._multi(parent, name, group, values.measurements, measured)
        if "PassFail" in step_type or step_type in ("ET_PFT",):
            return parent.add_pass_fail(name, status == "P", group=group)
        button = _datum(extras.get("ButtonHit")) or _data_item(element, "ButtonHit")
        if button is not None and button.number is not None:
            response = _datum(extras.get("Response")) or _data_item(element, "Response")
            return parent.add_message_popup(
                name,
                response=response.text if response is not None else None,
                button=int(button.number),
                status=status,
                group=group,
            )
        exit_code = _datum(extras.get("ExitCode"))
        if exit_code is not None and exit_code.number is not None:
            return parent.add_call_executable(name, exit_code.number, status=status, group=group)
        return parent.add_action(name, status=status, group=group)

    def _single(
        self, parent: SequenceCall, name: str, group: str, one: Measured, measured: str
    ) -> Step:
        datum, limit = one.datum, one.limit
        status = one.status or measured
        if datum.kind == "string":
            return parent.add_string(
                name, datum.text or "", limit=limit.expected, comp=_string_comp(limit),
                status=status, group=group,
            )  # fmt: skip
        if datum.flag is not None:
            return parent.add_pass_fail(name, datum.flag, group=group)
        return parent.add_numeric(
            name, _value(datum), low=limit.low, high=limit.high, comp=limit.comp,
            unit=datum.unit, status=status, group=group,
        )  # fmt: skip

    def _multi(
        self, parent: SequenceCall, name: str, group: str, items: list[Measured], measured: str
    ) -> Step:
        """A multiple-measurement step: strings when any value is a string (the others as
        their text), pass/fail when all are booleans, else numeric (booleans as 1 and 0)."""
        if any(m.datum.kind == "string" for m in items):
            strings = parent.add_multi_string(name, group=group)
            for m in items:
                strings.add_measurement(
                    m.name, _as_text(m.datum), limit=m.limit.expected,
                    comp=_string_comp(m.limit), status=m.status or measured,
                )  # fmt: skip
            return strings
        if all(m.datum.flag is not None for m in items):
            flags = parent.add_multi_pass_fail(name, group=group)
            for m in items:
                flags.add_measurement(m.name, bool(m.datum.flag))
            return flags
        numeric = parent.add_multi_numeric(name, group=group)
        for m in items:
            value = float(m.datum.flag) if m.datum.flag is not None else _value(m.datum)
            numeric.add_measurement(
                m.name, value, low=m.limit.low, high=m.limit.high, comp=m.limit.comp,
                unit=m.datum.unit, status=m.status or measured,
            )  # fmt: skip
        return numeric

    def _common(self, step: Step, element: ET.Element) -> None:
        props = path(element, "Extension", "TSStepProperties")
        step_type = _text(child(props, "StepType"))
        if step_type:
            step.step_type = step_type
        kind = local(element)
        outcome = child(element, "ActionOutcome" if kind == "SessionAction" else "Outcome")
        step.status = outcome_status(outcome)
        start = self.localize(element.get("startDateTime") or "")
        end = self.localize(element.get("endDateTime") or "")
        total = _attribute_number(child(props, "TotalTime"))
        if total is None and start is not None and end is not None:
            total = (end - start).total_seconds()
        if total is not None:
            step.tot_time = total
        if start is not None:
            step.start = start
        guid = element.get("testReferenceID") or _text(child(props, "StepId"))
        if guid:
            step.ts_guid = guid
        text = _data_item(element, "ReportText")
        if text is not None and text.text:
            step.report_text = text.text
        _additional_results(step, element, self.unread.pop(id(element), []))
        loop = child(props, "LoopingProperties")
        if loop is not None:
            _loop(step, loop)


def _additional_results(
    step: Step, element: ET.Element, unread: list[tuple[str, ET.Element]]
) -> None:
    """Keep the step's other recorded values (`Data` items, TestResults that are not
    measurements, value forms not read as measurements) as WATS additional results, except
    those already mapped elsewhere."""
    mapped = {"ReportText"}
    if "messagePopup" in step.raw:
        mapped |= {"ButtonHit", "Response"}
    if "callExe" in step.raw:
        mapped.add("ExitCode")
    values: list[tuple[str, ET.Element]] = []
    for item in children(path(element, "Data", "Collection"), "Item"):
        value = next(iter(item), None)
        if value is not None:
            values.append((item.get("name") or "", value))
    for result in children(element, "TestResult"):
        value = value_of(result)
        if not _is_measurement(result) and value is not None:
            values.append((_result_name(result), value))
    values.extend(unread)
    props = [_property(name, value) for name, value in values if name not in mapped]
    if props:
        step.additional_results.append(
            AdditionalData({"name": "AdditionalResults", "props": props})
        )


def _property(name: str, value: ET.Element) -> dict[str, Any]:
    """A TestStand-style property for an ATML value (datum, collection or array)."""
    kind = local(value)
    if kind == "Collection":
        items = [(i.get("name") or "", next(iter(i), None)) for i in children(value, "Item")]
        return {"name": name, "type": "Obj",
                "props": [_property(n, v) for n, v in items if v is not None]}  # fmt: skip
    if kind == "Datum":
        datum = datum_of(value)
        text = value.get("value")
        if text is None:
            text = datum.text or ""
        type_name = {"string": "String", "boolean": "Boolean"}.get(datum.kind, "Number")
        return {"name": name, "type": type_name, "value": text}
    if kind == "IndexedArray":
        elements = [
            e.get("value") or _text(child(e, "Value")) for e in value if local(e) == "Element"
        ]
        return {"name": name, "type": "Array", "value": ";".join(elements)}
    # A form this converter does not know: its text, so nothing recorded is dropped.
    text = " ".join(" ".join(value.itertext()).split())
    return {"name": name, "type": "String", "value": text or kind}


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _caller(user_defined_type: str | None) -> str | None:
    match = _CALLER.search(user_defined_type or "")
    return match.group(1) if match else None


def _is_measurement(result: ET.Element) -> bool:
    if child(result, "TestLimits") is not None:
        return True
    name = result.get("name") or result.get("ID") or ""
    return bool(_MEASUREMENT_NAMES.match(name)) and child(result, "TestData") is not None


def _datum(result: ET.Element | None) -> Datum | None:
    element = path(result, "TestData", "Datum")
    return datum_of(element) if element is not None else None


def _data_item(element: ET.Element, name: str) -> Datum | None:
    """A named item of the step's `Data` collection (report text, button hit, ...)."""
    for item in children(path(element, "Data", "Collection"), "Item"):
        if item.get("name") == name:
            datum = child(item, "Datum")
            return datum_of(datum) if datum is not None else None
    return None


def _result_name(result: ET.Element) -> str:
    return result.get("name") or result.get("ID") or ""


def _as_text(datum: Datum) -> str:
    if datum.text is not None:
        return datum.text
    if datum.flag is not None:
        return "True" if datum.flag else "False"
    return repr(datum.number) if datum.number is not None else ""


def _value(datum: Datum) -> float:
    if datum.number is None:
        raise ValueError(f"expected a numeric measurement, got a {datum.kind}")
    return datum.number


def _string_comp(limit: Limit) -> str:
    return limit.comp if limit.comp in ("CASESENSIT", "IGNORECASE") else "LOG"


def _attribute_number(element: ET.Element | None) -> float | None:
    if element is None or element.get("value") is None:
        return None
    try:
        number = float(element.get("value", ""))
    except ValueError:
        raise ValueError(
            f"{local(element)} value {element.get('value')!r} is not a number"
        ) from None
    return number if math.isfinite(number) else None


def _loop(step: Step, loop: ET.Element) -> None:
    def whole(name: str) -> int | None:
        value = _attribute_number(child(loop, name))
        return None if value is None else int(value)

    index = whole("LoopIndex")
    if whole("NumLoops") is not None:
        step.raw["loop"] = {
            "idx": None,
            "num": whole("NumLoops"),
            "endingIndex": whole("EndingLoopIndex"),
            "passed": whole("NumPassed"),
            "failed": whole("NumFailed"),
        }
    elif index is not None:
        step.raw["loop"] = {"idx": index, "num": None, "endingIndex": None, "passed": None,
                            "failed": None}  # fmt: skip
