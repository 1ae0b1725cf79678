"""SigmaQuest (SigmaSure) UnitReport XML → one WATS UUT report
(vendor-saki-sigmaquest-listen-klippel.md §2).

The root `TestRun` is the root sequence, a TestRun with child runs a sequence, a TestRun's
`Result` (or `SetUp`) values one step. Statuses are the grades as written, never computed from
limits (the file's limits of 0 often mean "none", see the `zero_limits` parameter).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pywats.report import SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import checked, parse_iso, station_name, unit_identity
from pywats_client.converters._params import COMMON_PARAMETERS, Parameter
from pywats_client.converters._sigmaquest_values import (
    SCALARS,
    Value,
    grade_status,
    operator,
    read_value,
)
from pywats_client.converters._xml import XmlDocument, child, children, load_xml, local

__all__ = ["SigmaQuestConverter"]

_NO_STATION = {"", "<no station>"}
#: Misc-info texts and string values are cut to this length, as WATS stores them.
TEXT_LIMIT = 100


@dataclass
class _Notes:
    """Report text and error message pieces of one TestRun, as `<p>…</p>` HTML."""

    text: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class SigmaQuestConverter(Converter):
    """SigmaQuest UnitReport XML → one UUT report, test runs as sequences and steps."""

    name = "sigmaquest"
    description = "SigmaQuest / SigmaSure UnitReport XML"
    patterns = ("*.xml",)
    parameters = (
        *COMMON_PARAMETERS,
        Parameter(
            "zero_limits",
            str,
            "limit",
            "A limit written as 0: 'limit' keeps it (as the reference converter does), 'none' "
            "reads it as no limit (what the files mean by it in practice).",
            choices=("limit", "none"),
        ),
    )

    def convert(self, source: Source) -> list[UUTReport]:
        doc = load_xml(source)
        root = doc.root
        if local(root) != "UnitReport":
            raise doc.error(root, "is not a SigmaQuest UnitReport root")
        try:
            report = self._report(source, doc, root)
        except ValueError as exc:
            raise doc.error(root, str(exc)) from None
        except RecursionError:
            raise doc.error(root, "test runs are nested too deeply") from None
        return [checked(report, source, doc.where(root))]

    def _report(self, source: Source, doc: XmlDocument, root: ET.Element) -> UUTReport:
        products = list(_products(child(root, "Category")))
        main = next((p for p in products if p[0]), None)
        if main is None:
            raise doc.error(root, "has no Product in its top Category (the unit under test)")
        product = main[1]
        serial = (product.get("serial-no") or "").strip()
        if not serial:
            raise doc.error(product, "has no serial-no")
        run = child(root, "TestRun")
        if run is None:
            raise doc.error(root, "has no TestRun")
        result = grade_status(run.get("grade"))
        if result not in ("P", "F", "E", "T"):
            raise doc.error(run, f"grade {run.get('grade')!r} is not a unit result "
                                 "(PASS, DONE, FAIL, PENDING, INCOMPLETE or ABORTED)")  # fmt: skip
        start = self._time(doc, root, "start-time")
        if start is None:
            raise doc.error(root, "has no start-time")
        end = self._time(doc, root, "end-time")
        station = child(root, "Station")
        station_values = _values(doc, child(station, "Property"))
        version = root.get("software-version") or _take(station_values, "test software")
        location = _take(station_values, "location")
        named = (station.get("name") or "").strip() if station is not None else ""
        identity = unit_identity(
            source, self.defaults, part_number=(product.get("part-no") or "").strip() or None,
            revision=(product.get("version") or "").strip() or None, process_code=None,
            where=doc.where(product),
        )  # fmt: skip
        operator_element = child(root, "Operator")
        report = UUTReport.new(
            id=source.report_id(0),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(
                None if named.lower() in _NO_STATION else named, self.defaults.station_name, source
            ),
            location=location or source.station.location,
            purpose=source.station.purpose,
            operator=(operator_element.get("name") if operator_element is not None else None)
            or self.defaults.operator,
            start=start,
            sequence_name=run.get("name") or "MainSequence",
            sequence_version=version or "",
            exec_time=(end - start).total_seconds() if end is not None else None,
        )
        report.add_misc_info("Mode", root.get("mode") or "D")
        misc = [*_values(doc, child(root, "Property")), *station_values]
        misc += [v for _, element in products for v in _own_values(doc, element)]
        for value in misc:
            if value.kind in SCALARS or value.kind == "ValueTimestamp":
                report.add_misc_info(value.name, value.text[:TEXT_LIMIT])
        for _, sub in products:
            if local(sub) == "Product" and sub is not product:
                report.add_sub_unit("", sub.get("part-no") or "", sub.get("serial-no") or "",
                                    sub.get("version") or "")  # fmt: skip
        self._run(doc, report.root, run, is_root=True)
        report.result = result
        return report

    def _time(self, doc: XmlDocument, element: ET.Element, key: str) -> datetime | None:
        text = element.get(key)
        if text is None:
            return None
        moment = parse_iso(text)
        if moment is None or moment.tzinfo is None:
            raise doc.error(element, f"{key} {text!r} is not an xs:dateTime with an offset")
        return moment

    def _run(self, doc: XmlDocument, parent: SequenceCall, run: ET.Element, is_root: bool) -> None:
        name = run.get("name") or ""
        status = grade_status(run.get("grade"))
        if status is None:
            raise doc.error(run, f"grade {run.get('grade')!r} is unknown (expected PASS, DONE, "
                                 "FAIL, PENDING, INCOMPLETE, ABORTED or SKIPPED)")  # fmt: skip
        notes, comparison = self._properties(doc, run)
        for error in children(run, "Error"):
            for message in children(error, "Message"):
                notes.errors.append(f"<p>{message.get('name') or ''}={message.text or ''}</p>")
        runs = children(run, "TestRun")
        here = parent
        if not is_root and runs:
            here = parent.add_sequence(name)
        steps: list[Step] = []
        for group, tag in (("S", "SetUp"), ("M", "Result")):
            values = [v for block in children(run, tag) for v in _block_values(doc, block)]
            if values:
                try:
                    steps.append(self._step(here, name, group, values, status, comparison, notes))
                except ValueError as exc:
                    raise doc.error(run, str(exc), f"test run {name!r}") from None
        if not steps and not runs:
            steps.append(here.add_pass_fail(name, status == "P"))
        targets = [*steps, *([here] if here is not parent or is_root else [])]
        for step in targets:
            step.status = status
            self._times(doc, run, step)
        for step in targets[:1]:
            if notes.text:
                step.report_text = "".join(notes.text)
            if notes.errors:
                step.error_message = "".join(notes.errors)
        for inner in runs:
            self._run(doc, here, inner, is_root=False)

    def _properties(self, doc: XmlDocument, run: ET.Element) -> tuple[_Notes, str | None]:
        notes, comparison = _Notes(), None
        for value in (v for p in children(run, "Property") for v in _values(doc, p)):
            if value.kind == "ValueString" and value.name.lower() in ("comparison", "comp"):
                comparison = operator(value.text)
                if comparison is not None:
                    continue
            if value.kind == "ValueAttachment":
                continue  # a path on the test machine, not readable here (see docs)
            if value.kind == "ValueString" and value.name == "Fail Notes":
                notes.text.append(f"<p>{value.text}</p>")
            else:
                notes.text.append(f"<p>{value.name}={value.text}</p>")
        return notes, comparison

    def _step(
        self,
        sequence: SequenceCall,
        name: str,
        group: str,
        values: list[Value],
        status: str,
        comparison: str | None,
        notes: _Notes,
    ) -> Step:
        """One step from a run's values: the first measurable value's type decides the kind;
        values of another type go to the report text, so nothing is dropped."""
        measurable = [v for v in values if v.kind in SCALARS]
        families = [_family(v) for v in measurable]
        # A leading string before values of another type is a label, not the measurement.
        kind = next((f for f in families if f != "string"), "string") if families else None
        chosen = [v for v in measurable if _family(v) == kind]
        notes.text[0:0] = [f"<p>{v.name}={v.text}</p>" for v in values if v not in chosen]
        if not chosen:
            return sequence.add_pass_fail(name, status == "P", group=group)
        zero = self.values["zero_limits"] == "none"
        single = len(chosen) == 1
        if kind == "number":
            if single:
                [value] = chosen
                limits = value.limits(comparison, zero)
                return sequence.add_numeric(
                    name, _measured(value), low=limits.low, high=limits.high, comp=limits.comp,
                    unit=value.element.get("uom") or None, status=_own(value, status),
                    group=group,
                )  # fmt: skip
            numeric = sequence.add_multi_numeric(name, group=group)
            for value in chosen:
                limits = value.limits(comparison, zero)
                numeric.add_measurement(
                    value.name, _measured(value), low=limits.low, high=limits.high,
                    comp=limits.comp, unit=value.element.get("uom") or None,
                    status=_own(value, status),
                )  # fmt: skip
            return numeric
        if kind == "string":
            if single:
                [value] = chosen
                text, limit = self._string(value, notes)
                comp = comparison if limit and comparison else "IGNORECASE" if limit else "LOG"
                return sequence.add_string(name, text, limit=limit, comp=_string_comp(comp),
                                           status=_own(value, status), group=group)  # fmt: skip
            strings = sequence.add_multi_string(name, group=group)
            for value in chosen:
                text, limit = self._string(value, notes)
                comp = comparison if limit and comparison else "IGNORECASE" if limit else "LOG"
                strings.add_measurement(value.name, text, limit=limit, comp=_string_comp(comp),
                                        status=_own(value, status))  # fmt: skip
            return strings
        if single:
            return sequence.add_pass_fail(name, bool(chosen[0].flag), group=group)
        flags = sequence.add_multi_pass_fail(name, group=group)
        for value in chosen:
            flags.add_measurement(value.name, bool(value.flag))
        return flags

    def _string(self, value: Value, notes: _Notes) -> tuple[str, str | None]:
        if len(value.text) > TEXT_LIMIT:
            notes.text.insert(0, f"Value too long: {value.text}")
        return value.text[:TEXT_LIMIT], value.string_limit()

    def _times(self, doc: XmlDocument, run: ET.Element, step: Step) -> None:
        start = self._time(doc, run, "start-time")
        end = self._time(doc, run, "end-time")
        if start is not None:
            step.start = start
            if end is not None:
                step.tot_time = (end - start).total_seconds()


def _family(value: Value) -> str:
    return {"ValueString": "string", "ValueBoolean": "boolean"}.get(value.kind, "number")


def _measured(value: Value) -> float:
    assert value.number is not None
    return value.number


def _own(value: Value, status: str) -> str:
    """A value's own grade when it has one, else its test run's; never computed from limits.
    WATS measurements are P or F only, so anything but a pass (PENDING, ABORTED) is F; the
    step keeps the exact grade."""
    return "P" if (grade_status(value.grade) or status) == "P" else "F"


def _string_comp(comp: str) -> str:
    return {"EQ": "CASESENSIT"}.get(comp, comp if comp in ("IGNORECASE", "LOG") else "IGNORECASE")


def _take(values: list[Value], name: str) -> str | None:
    """Remove the first string value called `name` (any case) from `values`; its text."""
    for value in values:
        if value.kind == "ValueString" and value.name.lower() == name:
            values.remove(value)
            return value.text
    return None


def _read(doc: XmlDocument, element: ET.Element) -> Value:
    try:
        return read_value(element)
    except ValueError as exc:
        raise doc.error(element, str(exc), f"{element.get('name') or ''!r}") from None


def _values(doc: XmlDocument, prop: ET.Element | None) -> list[Value]:
    elements = prop if prop is not None else ()
    return [_read(doc, e) for e in elements if local(e).startswith("Value")]


def _block_values(doc: XmlDocument, block: ET.Element) -> list[Value]:
    """A Result's or SetUp's values: direct children first, then those in its Property."""
    direct = [_read(doc, e) for e in block if local(e).startswith("Value")]
    return direct + [v for p in children(block, "Property") for v in _values(doc, p)]


def _own_values(doc: XmlDocument, element: ET.Element) -> list[Value]:
    return [v for p in children(element, "Property") for v in _values(doc, p)]


def _products(category: ET.Element | None, top: bool = True) -> Iterator[tuple[bool, ET.Element]]:
    """The product tree depth-first, Categories included (their Property values are misc
    info too), as (is a Product directly under the top Category, element)."""
    if category is None:
        return
    yield (False, category)
    for product in children(category, "Product"):
        yield from _product(product, top)
    for sub in children(category, "Category"):
        yield from _products(sub, top=False)


def _product(product: ET.Element, direct: bool) -> Iterator[tuple[bool, ET.Element]]:
    yield (direct, product)
    for sub in children(product, "Product"):
        yield from _product(sub, False)
    for sub in children(product, "Category"):
        yield from _products(sub, top=False)
