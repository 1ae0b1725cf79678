"""Turn one parsed WSJF document into the rows the report tables index.

The document itself is stored verbatim elsewhere; these rows exist for queries and analytics.
Header fields are checked strictly (type and presence), because they are what every query relies
on; errors name the offending field with its JSON path.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import repeat
from math import isfinite
from operator import itemgetter
from typing import Any

from sqlalchemy import Table

from pywats.report import StepPath, StepRules, Timestamp, step_path

from ._widths import widths
from .report_tables import (
    report_assets,
    report_attachments,
    report_failures,
    report_measurements,
    report_misc_infos,
    report_steps,
    report_sub_units,
    reports,
)

__all__ = ["PATH_SEPARATOR", "ReportDocumentError", "ReportRows", "extract_rows"]

PATH_SEPARATOR = "\u00b6"

_RESULTS = {"P", "F", "E", "T", "D"}


class ReportDocumentError(ValueError):
    """The document is not a valid report; `field` is the JSON path of the offending value."""

    def __init__(self, field: str, expected: str, got: object = ...) -> None:
        found = "it is missing" if got is ... else f"got {_describe(got)}"
        super().__init__(f"{field}: expected {expected}, {found}")
        self.field = field


def _describe(value: object) -> str:
    if value is None:
        return "null"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'...' if len(text) > 40 else ''}"


@dataclass
class ReportRows:
    """Everything extracted from one report, keyed by column name of the report tables."""

    report_id: str
    header: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    measurements: list[dict[str, Any]] = field(default_factory=list)
    misc_infos: list[dict[str, Any]] = field(default_factory=list)
    sub_units: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)

    def child_rows(self) -> tuple[tuple[Table, list[dict[str, Any]]], ...]:
        """Each child table with this report's rows for it (the stored document apart)."""
        return (
            (report_steps, self.steps),
            (report_measurements, self.measurements),
            (report_misc_infos, self.misc_infos),
            (report_sub_units, self.sub_units),
            (report_failures, self.failures),
            (report_attachments, self.attachments),
            (report_assets, self.assets),
        )


def _get(obj: Mapping[str, Any], key: str, where: str, expected: str, kind: Any) -> Any:
    value = obj.get(key)
    # Parsed JSON holds exact built-in types: the common case costs one comparison.
    if value is None or type(value) is kind:
        return value
    if isinstance(value, bool) and kind is not bool:
        raise ReportDocumentError(f"{where}{key}", expected, value)
    if not isinstance(value, kind):
        raise ReportDocumentError(f"{where}{key}", expected, value)
    return value


def _text(obj: Mapping[str, Any], key: str, where: str = "") -> str | None:
    value: str | None = _get(obj, key, where, "a string", str)
    return value


def _required_text(obj: Mapping[str, Any], key: str, where: str = "") -> str:
    value = _text(obj, key, where)
    if not value:
        raise ReportDocumentError(f"{where}{key}", "a non-empty string", obj.get(key, ...))
    return value


# Integer fields are 32-bit in WATS and in the report tables' INTEGER columns (4 bytes on
# PostgreSQL): a larger value is the sender's mistake, not a server failure.
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _integer(obj: Mapping[str, Any], key: str, where: str = "") -> int | None:
    value: int | None = _get(obj, key, where, "an integer", int)
    if value is not None and not _INT32_MIN <= value <= _INT32_MAX:
        raise ReportDocumentError(
            f"{where}{key}", f"an integer from {_INT32_MIN} to {_INT32_MAX}", value
        )
    return value


def _number(obj: Mapping[str, Any], key: str, where: str = "") -> float | None:
    value = obj.get(key)
    if type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    if isinstance(value, (int, float, str)):
        return None  # non-finite values ("NaN", "Infinity") stay in the document only
    raise ReportDocumentError(f"{where}{key}", "a number", value)


def _object(obj: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any] | None:
    value: Mapping[str, Any] | None = _get(obj, key, where, "an object", dict)
    return value


def _objects(obj: Mapping[str, Any], key: str, where: str = "") -> list[Mapping[str, Any]]:
    value = _get(obj, key, where, "an array", list) or []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ReportDocumentError(f"{where}{key}[{index}]", "an object", item)
    return list(value)


def _report_id(document: Mapping[str, Any]) -> str:
    text = _required_text(document, "id")
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ReportDocumentError("id", "a UUID (8-4-4-4-12 hex digits)", text) from None


def _decode(data: object, where: str) -> bytes:
    if not isinstance(data, str):
        raise ReportDocumentError(where, "base64 text", data)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ReportDocumentError(where, "base64 text", data) from None


def _attachment(report_id: str, key: str, item: Mapping[str, Any], where: str) -> dict[str, Any]:
    data = _decode(item.get("data", ""), f"{where}.data")
    return {
        "attachment_id": str(uuid.uuid5(uuid.UUID(report_id), key)),
        "name": _text(item, "name", f"{where}.") or "attachment",
        "content_type": _text(item, "contentType", f"{where}.") or "application/octet-stream",
        "description": _text(item, "description", f"{where}."),
        "size": len(data),
        "data": data,
    }


# The step and measurement columns with a width that the walk fills, and those widths: the
# walk takes its common case only for text that fits them, so `_check_widths` reads those
# rows again only when something may not fit.
_WALK_BOUNDED = {
    report_steps: ("name", "step_type", "step_group", "status"),
    report_measurements: ("name", "kind", "comp_op", "status", "unit"),
}
_STEP_NAME, _STEP_TYPE, _STEP_GROUP, _STEP_STATUS = map(
    dict(widths(report_steps)).__getitem__, _WALK_BOUNDED[report_steps]
)
_MEAS_NAME, _MEAS_KIND, _MEAS_OP, _MEAS_STATUS, _MEAS_UNIT = map(
    dict(widths(report_measurements)).__getitem__, _WALK_BOUNDED[report_measurements]
)
_numeric_fine = StepRules.numeric_fine


def _walk_steps(
    rows: ReportRows, root: Mapping[str, Any], rules: StepRules | None
) -> tuple[dict[int, int], bool]:
    """Index the step tree, applying `rules` to each step once its shapes are checked; steps
    are numbered 1..n in depth-first pre-order as WATS exports them, whatever ids (or none)
    the submission carried. Returns submitted id -> that number, and whether every text of
    the step and measurement rows is known to fit its column."""
    # This loop runs for every step of every submission, so each field takes the common case
    # inline (parsed JSON holds exact built-in types) and calls the checking helper, which
    # raises the error naming the field, only for anything else. Fields are read in the
    # order the helpers used to read them, so the first problem reported stays the same.
    renumbered: dict[int, int] = {}
    steps = rows.steps
    check = rules.check if rules is not None else None
    fits = True
    stack: list[tuple[Mapping[str, Any], StepPath, str, int | None, int]] = [
        (root, "root", "", None, 0)
    ]
    while stack:
        step, where, parent_path, parent_order, depth = stack.pop()
        get = step.get
        name = get("name")
        if type(name) is not str or len(name) > _STEP_NAME:
            name = _text(step, "name", f"{step_path(where)}.") or ""
            fits = False
        path = f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name
        order = len(steps)
        loop = get("loop")
        if loop is not None and type(loop) is not dict:
            _object(step, "loop", f"{step_path(where)}.")  # raises: not an object
        submitted = get("id")
        if submitted is not None:
            if type(submitted) is not int or not _INT32_MIN <= submitted <= _INT32_MAX:
                _integer(step, "id", f"{step_path(where)}.")  # raises: not an integer in range
            if submitted not in renumbered:
                renumbered[submitted] = order + 1
        step_type, group, status = get("stepType"), get("group"), get("status")
        if not (
            (step_type is None or (type(step_type) is str and len(step_type) <= _STEP_TYPE))
            and (group is None or (type(group) is str and len(group) <= _STEP_GROUP))
            and (status is None or (type(status) is str and len(status) <= _STEP_STATUS))
        ):
            at = f"{step_path(where)}."
            _text(step, "stepType", at)
            _text(step, "group", at)
            _text(step, "status", at)
            fits = False
        tot_time = get("totTime")
        if tot_time is not None and (type(tot_time) is not float or not isfinite(tot_time)):
            tot_time = _number(step, "totTime", f"{step_path(where)}.")
        error_code = get("errorCode")
        if error_code is not None:
            error_code = _integer(step, "errorCode", f"{step_path(where)}.")
        loop_index = loop.get("idx") if loop else None
        if loop and loop_index is not None:
            loop_index = _integer(loop, "idx", f"{step_path(where)}.loop.")
        steps.append(
            {
                "step_order": order,
                "step_id": order + 1,
                "parent_order": parent_order,
                "depth": depth,
                "path": path,
                "name": name,
                "step_type": step_type,
                "step_group": group,
                "status": status,
                "tot_time": tot_time,
                "caused_uut_failure": get("causedUUTFailure") is True,
                "error_code": error_code,
                "loop_index": loop_index,
            }
        )
        numeric_checked = False
        for key, kind in _MEASUREMENT_KINDS:
            items = get(key)
            if items is not None:
                measurements_fit, fine = _measurements(rows, step, where, key, kind, order, path)
                fits = fits and measurements_fit
                numeric_checked = numeric_checked or fine
        chart = get("chart")
        if type(chart) is dict and "series" in chart:
            # As `additionalData` (see below): the rules read each series as an object.
            _objects(chart, "series", f"{step_path(where)}.chart.")
        attachment = get("attachment")
        if attachment is not None:
            at = step_path(where)
            attachment = _object(step, "attachment", f"{at}.")
            assert attachment is not None
            item = _attachment(rows.report_id, f"step/{order}", attachment, f"{at}.attachment")
            rows.attachments.append({**item, "step_id": order + 1})
        children = get("steps")
        if type(children) is list:
            for child in children:
                if type(child) is not dict:
                    _objects(step, "steps", f"{step_path(where)}.")  # raises, naming the item
            depth += 1
            for index in range(len(children) - 1, -1, -1):
                stack.append((children[index], (where, index), path, order, depth))
        elif children is not None:
            _objects(step, "steps", f"{step_path(where)}.")  # raises: not an array
        if check is not None:
            check(step, where, numeric_checked)
    return renumbered, fits


_MEASUREMENT_KINDS = (("numericMeas", "N"), ("booleanMeas", "B"), ("stringMeas", "S"))
_MEASUREMENT_SEPARATOR = PATH_SEPARATOR * 2  # between a step's path and a measurement's name


def _measurements(
    rows: ReportRows,
    step: Mapping[str, Any],
    where: StepPath,
    key: str,
    kind: str,
    order: int,
    path: str,
) -> tuple[bool, bool]:
    """The rows of one of a step's measurement arrays (`key`, holding measurements of `kind`).

    Returns whether every text of those rows is known to fit its column, and whether the
    array is numeric and each measurement in it the common case of the submit rules
    (`StepRules.numeric_fine`), which they then need not read again."""
    items = step[key]
    if type(items) is not list:
        _objects(step, key, f"{step_path(where)}.")  # raises: not an array
    for meas in items:
        if type(meas) is not dict:
            _objects(step, key, f"{step_path(where)}.")  # raises, naming the item
    measurements = rows.measurements
    numeric, text = kind == "N", kind == "S"
    fits, fine = len(kind) <= _MEAS_KIND, numeric
    for index, meas in enumerate(items):
        get = meas.get
        name, comp_op, status = get("name"), get("compOp"), get("status")
        value, low, high, unit = get("value"), get("lowLimit"), get("highLimit"), get("unit")
        if fine and _numeric_fine(status, name, comp_op, value, low, high):
            # The rules' common case: status and operator are texts, value and limits are
            # finite floats (or absent limits), the name is a text or absent.
            common = (
                len(status) <= _MEAS_STATUS
                and len(comp_op) <= _MEAS_OP
                and (name is None or len(name) <= _MEAS_NAME)
                and (unit is None or (type(unit) is str and len(unit) <= _MEAS_UNIT))
            )
        else:
            fine = False
            common = (
                (name is None or (type(name) is str and len(name) <= _MEAS_NAME))
                and (comp_op is None or (type(comp_op) is str and len(comp_op) <= _MEAS_OP))
                and (status is None or (type(status) is str and len(status) <= _MEAS_STATUS))
                and (not numeric or (type(value) is float and isfinite(value)))
                and (low is None or (type(low) is float and isfinite(low)))
                and (high is None or (type(high) is float and isfinite(high)))
                and not text
                and (unit is None or (type(unit) is str and len(unit) <= _MEAS_UNIT))
            )
        if not common:
            # The helpers in field order: the first wrong field raises its error.
            at = f"{step_path(where)}.{key}[{index}]."
            name = _text(meas, "name", at)
            _text(meas, "compOp", at)
            _text(meas, "status", at)
            if numeric:
                value = _number(meas, "value", at)
            low = _number(meas, "lowLimit", at)
            high = _number(meas, "highLimit", at)
            text_limit = _text(meas, "limit", at) if text else None
            unit = _text(meas, "unit", at)
            # Every text is now a str or None (a string measurement always comes this way).
            fits = fits and not (
                (name and len(name) > _MEAS_NAME)
                or (comp_op and len(comp_op) > _MEAS_OP)
                or (status and len(status) > _MEAS_STATUS)
                or (unit and len(unit) > _MEAS_UNIT)
            )
        else:
            text_limit = None
        measurements.append(
            {
                "step_order": order,
                "meas_index": len(measurements),
                "path": f"{path}{_MEASUREMENT_SEPARATOR}{name}" if name else path,
                "name": name,
                "kind": kind,
                "comp_op": comp_op,
                "status": status,
                "value": value if numeric else None,
                "text_value": value if text and isinstance(value, str) else None,
                "low_limit": low,
                "high_limit": high,
                "text_limit": text_limit,
                "unit": unit,
            }
        )
    return fits, fine


def _caused_failure(rows: ReportRows, step_id: int | None) -> tuple[str | None, str | None]:
    """Name and path of the step `step_id` (a step's number is its order + 1), or without one
    of the first step flagged `causedUUTFailure`."""
    steps = rows.steps
    if step_id is None:
        step = next(filter(itemgetter("caused_uut_failure"), steps), None)
    else:
        step = steps[step_id - 1] if 0 < step_id <= len(steps) else None
    return (step["name"], step["path"]) if step else (None, None)


def local_start(start_utc: datetime) -> str:
    """The start WATS derives for a report sent with only `startUTC`: that instant in the
    server's time zone, with its offset (wats-rules.md U27)."""
    return start_utc.replace(tzinfo=timezone.utc).astimezone().isoformat(timespec="milliseconds")


def _start_from_utc(document: Mapping[str, Any]) -> str:
    text = _text(document, "startUTC")
    if not text:
        expected = "a non-empty string (or startUTC, from which the server derives it)"
        raise ReportDocumentError("start", expected, document.get("start", ...))
    try:
        moment = Timestamp(text).to_utc()
    except ValueError:
        raise ReportDocumentError("startUTC", "an ISO 8601 date-time", text) from None
    return local_start(moment.replace(tzinfo=None))


def extract_rows(
    document: Mapping[str, Any], size: int, step_rules: StepRules | None = None
) -> ReportRows:
    """Validate the header of a parsed WSJF document and extract its index rows.

    `size` is the byte size of the submitted document. With `step_rules`, the walk over the
    steps also applies the submit rules to each (for `report_problems`). Raises
    ReportDocumentError naming the field.
    """
    if not isinstance(document, Mapping):
        raise ReportDocumentError("(document)", "a JSON object", document)
    kind = _required_text(document, "type")
    if kind not in ("T", "R"):
        raise ReportDocumentError("type", "'T' (UUT) or 'R' (UUR)", kind)
    report_id = _report_id(document)
    process_code = _integer(document, "processCode")
    if process_code is None:
        raise ReportDocumentError("processCode", "an integer", document.get("processCode", ...))
    result = _required_text(document, "result")
    if result not in _RESULTS:
        raise ReportDocumentError("result", "one of P, F, E, T, D", result)
    start = _text(document, "start") or _start_from_utc(document)
    try:
        # Stored as naive UTC; a start without offset is read as UTC.
        start_utc = Timestamp(start).to_utc().replace(tzinfo=None)
    except ValueError:
        raise ReportDocumentError(
            "start", "an ISO 8601 date-time whose instant in UTC lies in years 1 to 9999", start
        ) from None
    # Output-only keys: the server fills them (WATS resolves them itself), so a sent value is
    # type-checked and otherwise ignored.
    for key in ("origin", "processName", "productName"):
        _text(document, key)
    header: dict[str, Any] = {
        "report_id": report_id,
        "report_type": kind,
        "serial_number": _required_text(document, "sn"),
        "part_number": _required_text(document, "pn"),
        "revision": _required_text(document, "rev"),
        "station_name": _text(document, "machineName"),
        "location": _text(document, "location"),
        "purpose": _text(document, "purpose"),
        "origin": None,
        "process_code": process_code,
        "process_name": None,
        "result": result,
        "start": start,
        "start_utc": start_utc,
        "report_size": size,
    }
    rows = ReportRows(report_id, header)
    steps_fit = True
    if kind == "T":
        root = _object(document, "root")
        if root is None:
            raise ReportDocumentError("root", "an object (the root step of a UUT)")
        uut = _object(document, "uut") or {}
        renumbered, steps_fit = _walk_steps(rows, root, step_rules)
        failed = _integer(uut, "stepIdCausedUUTFailure", "uut.")
        failed_name, failed_path = _caused_failure(
            rows, None if failed is None else renumbered.get(failed, 0)
        )
        seq_call = _object(root, "seqCall", "root.") or {}
        sw_path = _text(seq_call, "path", "root.seqCall.")
        header.update(
            operator=_text(uut, "user", "uut."),
            comment=_text(uut, "comment", "uut."),
            execution_time=_number(uut, "execTime", "uut."),
            batch_number=_text(uut, "batchSN", "uut."),
            test_socket_index=_integer(uut, "testSocketIndex", "uut."),
            fixture_id=_text(uut, "fixtureId", "uut."),
            error_code=_integer(uut, "errorCode", "uut."),
            error_message=_text(uut, "errorMessage", "uut."),
            caused_uut_failure=failed_name,
            caused_uut_failure_path=failed_path,
            root_node_type=_text(root, "stepType", "root."),
            sw_filename=re.split(r"[\\/]", sw_path)[-1] if sw_path else None,
            sw_version=_text(seq_call, "version", "root.seqCall."),
        )
    else:
        uur = _object(document, "uur")
        if uur is None:
            raise ReportDocumentError("uur", "an object (the repair header of a UUR)")
        referenced = _text(uur, "refUUT", "uur.")
        header.update(
            operator=_text(uur, "user", "uur."),
            comment=_text(uur, "comment", "uur."),
            execution_time=_number(uur, "execTime", "uur."),
            referenced_uut=referenced.lower() if referenced else None,
        )
    _header_collections(rows, document)
    _check_widths(rows, steps_fit)
    return rows


def _check_widths(rows: ReportRows, steps_fit: bool) -> None:
    """Refuse text longer than its column before any row is written (child rows go in by COPY,
    which the engine's width check does not see); the error names the column and the step.

    `steps_fit`: the walk over the steps found every text it bounds (`_WALK_BOUNDED`) within
    its column, so those columns are not read again."""
    for column, width in widths(reports):  # one row: a plain loop costs less than the passes
        value = rows.header.get(column)
        if isinstance(value, str) and len(value) > width:
            raise ReportDocumentError(f"reports.{column}", f"at most {width} characters", value)
    for table, table_rows in rows.child_rows():
        if not table_rows:
            continue
        bounded = _WALK_BOUNDED.get(table, ()) if steps_fit else ()
        for column, width in widths(table):
            if column in bounded:
                continue
            # Text columns hold str or None (the extraction checked them), so the longest
            # value is found in C; only a column that overflows is walked in Python.
            values = map(dict.get, table_rows, repeat(column))
            if max(map(len, filter(None, values)), default=0) <= width:
                continue
            for row in table_rows:
                value = row.get(column)
                if isinstance(value, str) and len(value) > width:
                    step = row.get("path") if table in (report_steps, report_measurements) else None
                    where = f" of step {step!r}" if step else ""
                    raise ReportDocumentError(
                        f"{table.name}.{column}{where}", f"at most {width} characters", value
                    )


def _header_collections(rows: ReportRows, document: Mapping[str, Any]) -> None:
    for index, misc in enumerate(_objects(document, "miscInfos")):
        at = f"miscInfos[{index}]."
        rows.misc_infos.append(
            {
                "idx": index,
                "description": _text(misc, "description", at) or "",
                "text": _text(misc, "text", at),
                "numeric": _number(misc, "numeric", at),
            }
        )
    for index, unit in enumerate(_objects(document, "subUnits")):
        at = f"subUnits[{index}]."
        rows.sub_units.append(
            {
                "idx": index,
                "part_type": _text(unit, "partType", at),
                "part_number": _text(unit, "pn", at),
                "serial_number": _text(unit, "sn", at),
                "revision": _text(unit, "rev", at),
            }
        )
        for number, failure in enumerate(_objects(unit, "failures", at)):
            where = f"{at}failures[{number}]."
            rows.failures.append(
                {
                    "sub_unit_idx": index,
                    "failure_idx": number,
                    "category": _text(failure, "category", where),
                    "code": _text(failure, "code", where),
                    "comment": _text(failure, "comment", where),
                    "com_ref": _text(failure, "comRef", where),
                    "func_block": _text(failure, "funcBlock", where),
                    "ref_step_id": _integer(failure, "refStepId", where),
                    "art_number": _text(failure, "artNumber", where),
                }
            )
    for index, item in enumerate(_objects(document, "binaryData")):
        attachment = _attachment(rows.report_id, f"report/{index}", item, f"binaryData[{index}]")
        rows.attachments.append({**attachment, "step_id": None})
    for index, asset in enumerate(_objects(document, "assets")):
        at = f"assets[{index}]."
        # Virinco's own client keys the serial `assetSN` (wats-rules.md §2.3); both are read.
        key = "sn" if "sn" in asset or "assetSN" not in asset else "assetSN"
        rows.assets.append(
            {
                "idx": index,
                "serial_number": _required_text(asset, key, at),
                "usage_count": _usage_count(asset, at),
            }
        )
    # Not indexed, but the submit rules read each item as an object: the shape is checked here
    # with the others, so a wrong one is refused by name instead of failing the rules' walk.
    _objects(document, "additionalData")


def _usage_count(asset: Mapping[str, Any], at: str) -> int | None:
    """`usageCount` of an asset: a whole number of uses >= 0 (Virinco's client sends 0 by
    default), or None when left out."""
    value = _integer(asset, "usageCount", at)
    if value is not None and value < 0:
        raise ReportDocumentError(f"{at}usageCount", "a whole number of uses (0 or more)", value)
    return value
