"""OpenHTF JSON test records → WATS UUT reports.

Reads the record OpenHTF's `OutputToJSON` writes (and `pywats_client.openhtf_output` hands to
the station service): `dut_id` is the serial number, each phase a sequence call, each
measurement a step. Validators become limits (`3.2 <= x <= 3.4` → GELE, `x <= 0.5` → LE,
`x == 5` → EQ, an exact string match → CASESENSIT; anything else is logged with its outcome as
status), `units.suffix` the unit, a dimensioned measurement a chart, attachments report
attachments. Part number, revision and operation code come from `metadata` (`part_number`,
`revision`, `operation_code`) when the test sets them, else from the parameters.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from datetime import datetime, timezone, tzinfo
from typing import Any

from pywats.report import ChartSeries, SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    FileHeader,
    checked,
    new_uut,
    zone_from_name,
)

__all__ = ["OpenHtfConverter"]

_RESULTS = {"PASS": "P", "FAIL": "F", "ERROR": "E", "TIMEOUT": "T", "ABORTED": "T"}
_PHASES = {"PASS": "P", "FAIL": "F", "SKIP": "S", "ERROR": "E"}
_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)"
_RANGE = re.compile(
    rf"^(?:{_NUMBER} <= )?(?:Marginal:\S+ <= )?x(?: <= Marginal:\S+)?(?: <= {_NUMBER})?$"
)
_EQUAL = re.compile(rf"^x == {_NUMBER}$")
_STRING_EQUAL = re.compile(r"^'x' is equal to '(.*)'$", re.DOTALL)
_REGEX = re.compile(r"^'x' matches /(.*)/$", re.DOTALL)
_REGEX_META = re.compile(r"(?<!\\)[.^$*+?{}\[\]|()]")


class OpenHtfConverter(Converter):
    """An OpenHTF JSON test record → one UUT report."""

    name = "openhtf"
    description = "OpenHTF JSON test record (OutputToJSON, pywats_client.openhtf_output)"
    patterns = ("*.json",)
    parameters = WITH_TIMEZONE

    def convert(self, source: Source) -> list[UUTReport]:
        try:
            record = json.loads(self.text(source))
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise source.error(f"not JSON ({exc.msg})", where) from None
        if not isinstance(record, dict) or "phases" not in record:
            raise source.error(
                "expected an OpenHTF test record (an object with 'phases')", "top level"
            )
        try:
            report = self._report(source, record)
        except _At as exc:
            raise source.error(exc.message, exc.where) from None
        except (ValueError, TypeError, OverflowError) as exc:
            raise source.error(str(exc), "top level") from None
        return [checked(report, source, "top level")]

    def _report(self, source: Source, record: dict[str, Any]) -> UUTReport:
        metadata = _object(record.get("metadata"), "metadata")
        config = _object(metadata.get("config"), "metadata.config")
        serial = record.get("dut_id")
        if not isinstance(serial, str) or not serial:
            raise _At("dut_id", f"expected the serial number, got {serial!r}")
        operation = metadata.get("operation_code")
        if operation is not None and (
            isinstance(operation, bool) or not isinstance(operation, int)
        ):
            raise _At("metadata.operation_code", f"expected an integer, got {operation!r}")
        header = FileHeader(
            serial_number=serial,
            part_number=_text(metadata.get("part_number")),
            revision=_text(metadata.get("revision")),
            process_code=operation,
            station=_text(record.get("station_id")) or _text(config.get("station_id")),
            operator=_text(metadata.get("operator")),
        )
        zone = zone_from_name(str(self.values["timezone"]))
        start = _moment(record.get("start_time_millis"), zone, "start_time_millis")
        end = record.get("end_time_millis")
        outcome = record.get("outcome")
        report = new_uut(
            source,
            self.defaults,
            header,
            where="metadata",
            start=start,
            sequence_name=_text(metadata.get("test_name")) or "OpenHTF test",
            comment=_text(metadata.get("test_description")),
            exec_time=_seconds(record.get("start_time_millis"), end),
        )
        details = record.get("outcome_details") or []
        if details and isinstance(details, list):
            report.uut.error_message = "; ".join(  # type: ignore[union-attr]
                f"{d.get('code')}: {d.get('description')}" for d in details if isinstance(d, dict)
            )[:1000]
        phases = record.get("phases")
        if not isinstance(phases, list):
            raise _At("phases", "expected a list")
        for index, phase in enumerate(phases):
            self._phase(report, _object(phase, f"phases[{index}]"), index, zone)
        report.root.tot_time = _seconds(record.get("start_time_millis"), end) or 0.0
        if outcome not in _RESULTS:
            raise _At("outcome", f"expected one of {', '.join(_RESULTS)}, got {outcome!r}")
        report.result = _RESULTS[outcome]
        report.root.status = report.result
        return report

    def _phase(
        self, report: UUTReport, phase: dict[str, Any], index: int, zone: tzinfo | None
    ) -> None:
        where = f"phases[{index}]"
        name = _text(phase.get("name")) or f"phase {index}"
        sequence = report.root.add_sequence(name, path=name)
        outcome = phase.get("outcome")
        sequence.status = _PHASES.get(str(outcome), "D")
        if phase.get("start_time_millis") is not None:
            sequence.start = _moment(
                phase.get("start_time_millis"), zone, f"{where}.start_time_millis"
            )
        sequence.tot_time = (
            _seconds(phase.get("start_time_millis"), phase.get("end_time_millis")) or 0.0
        )
        measurements = _object(_or_empty(phase.get("measurements")), f"{where}.measurements")
        for key, value in measurements.items():
            place = f"{where}.measurements.{key}"
            try:
                self._measurement(sequence, _object(value, place), key)
            except (ValueError, TypeError) as exc:
                raise _At(place, str(exc)) from None
        attachments = _object(_or_empty(phase.get("attachments")), f"{where}.attachments")
        for key, attachment in attachments.items():
            attachment = _object(attachment, f"{where}.attachments.{key}")
            data = attachment.get("data")
            if not isinstance(data, str):
                continue  # written without inline attachments: only the sha1 is known
            try:
                content = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                raise _At(f"{where}.attachments.{key}", "data is not base64") from None
            mimetype = _text(attachment.get("mimetype")) or "application/octet-stream"
            report.attach(content, name=f"{name}/{key}"[:256], content_type=mimetype)

    def _measurement(self, sequence: SequenceCall, meas: dict[str, Any], key: str) -> None:
        name = _text(meas.get("name")) or key
        outcome = meas.get("outcome")
        status = {"PASS": "P", "FAIL": "F"}.get(str(outcome))
        value = meas.get("measured_value")
        unit = _unit(meas.get("units"))
        validators = [str(v) for v in meas.get("validators") or []]
        step: Step
        if "measured_value" not in meas or value is None:
            sequence.add_action(name, status="S" if outcome == "UNSET" else "D")
            return
        if isinstance(value, bool):
            step = sequence.add_pass_fail(name, value if status is None else status == "P")
        elif isinstance(value, (int, float)):
            comp, low, high = _numeric_limits(validators)
            step = sequence.add_numeric(name, float(value), low=low, high=high, comp=comp,
                                        unit=unit, status=status or "P")  # fmt: skip
        elif isinstance(value, str):
            comp, limit = _string_limit(validators)
            step = sequence.add_string(name, value, limit=limit, comp=comp, status=status or "P")
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(r, list) and len(r) >= 2 for r in value)
        ):
            x = [_float(row[0]) for row in value]
            y = [_float(row[-1]) for row in value]
            dimensions = meas.get("dimensions") or [{}]
            step = sequence.add_chart(
                name,
                label=name,
                x_label=_text(_object(dimensions[0], "dimensions[0]").get("name")) or "x",
                x_unit=_unit(dimensions[0]),
                y_label=name,
                y_unit=unit,
                series=[ChartSeries.new(name, x, y)],
            )
        else:
            text = json.dumps(value, ensure_ascii=False, allow_nan=True)
            step = sequence.add_string(name, text[:1000], comp="LOG", status=status or "P")
        if status is not None:
            step.status = status
        if outcome == "PARTIALLY_SET":
            step.status = "F"


class _At(Exception):
    """A problem at a JSON path of the record."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _At(where, f"expected an object, got {type(value).__name__}")
    return value


def _or_empty(value: object) -> object:
    return {} if value is None else value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _unit(units: object) -> str | None:
    if not isinstance(units, dict):
        return None
    return _text(units.get("suffix")) or _text(units.get("name"))


def _moment(millis: object, zone: tzinfo | None, where: str) -> datetime:
    if (
        isinstance(millis, bool)
        or not isinstance(millis, (int, float))
        or not math.isfinite(millis)
    ):
        raise _At(where, f"expected milliseconds since 1970, got {millis!r}")
    try:
        moment = datetime.fromtimestamp(millis / 1000.0, timezone.utc)
        return moment.astimezone(zone) if zone is not None else moment.astimezone()
    except (OverflowError, OSError, ValueError):
        raise _At(where, f"{millis} ms is out of range") from None


def _seconds(start: object, end: object) -> float | None:
    numbers = [v for v in (start, end) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) != 2 or not all(math.isfinite(v) for v in numbers):
        return None
    return max(0.0, (numbers[1] - numbers[0]) / 1000.0)


def _numeric_limits(validators: list[str]) -> tuple[str, float | None, float | None]:
    for validator in validators:
        equal = _EQUAL.match(validator)
        if equal:
            return "EQ", float(equal.group(1)), None
        bounds = _RANGE.match(validator)
        if bounds and (bounds.group(1) or bounds.group(2)):
            low = float(bounds.group(1)) if bounds.group(1) else None
            high = float(bounds.group(2)) if bounds.group(2) else None
            comp = (
                "GELE"
                if low is not None and high is not None
                else "GE"
                if low is not None
                else "LE"
            )
            return comp, low, high
    return "LOG", None, None


def _string_limit(validators: list[str]) -> tuple[str, str | None]:
    for validator in validators:
        equal = _STRING_EQUAL.match(validator)
        if equal:
            return "CASESENSIT", equal.group(1)
        regex = _REGEX.match(validator)
        if regex:
            # OpenHTF writes equals("text") on strings as an anchored, escaped regex.
            pattern = regex.group(1)
            if pattern.startswith("^") and pattern.endswith("$"):
                body = pattern[1:-1]
                if not _REGEX_META.search(body):
                    return "CASESENSIT", re.sub(r"\\(.)", r"\1", body)
    return "LOG", None
