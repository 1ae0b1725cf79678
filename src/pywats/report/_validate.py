"""Submit rules: required values, length limits and characters WATS refuses.

Applied to reports we build or submit, never to loading (historical data is stored as WATS sent
it). Limits are the smaller of the values the sources give (WSJF spec §15), because a report we
produce must be accepted by any server. Every problem is reported with its JSON path.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from math import isfinite
from typing import Any

from pywats._exceptions import ReportValidationError
from pywats.report._limits import NUMERIC_LIMITS_USED, STRING_OPS, as_number
from pywats.report._operations import Operations, operation_problems
from pywats.report._timestamp import Timestamp

__all__ = [
    "StepPath",
    "StepRules",
    "header_problems",
    "report_problems",
    "searchable",
    "station_problems",
    "step_path",
    "validate_report",
]

# Wildcard and path characters in WATS searches; WATS documentation warns against them in
# part and serial numbers.
_SEARCH_CHARS = re.compile(r"[*%?\[\]^!/\\]")
# Characters XML 1.0 cannot carry (WATS also serves reports as XML).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_INVALID_ESCAPED = re.compile(r"\\u000[0-8bcef]|\\u001[0-9a-f]|\\[bf]|[\ufffe\uffff]")
# In any UTF-8 JSON text of the document, the characters above appear either as escapes (\uXXXX,
# or \b and \f for U+0008 and U+000C) or as the UTF-8 bytes of U+FFFE/U+FFFF (other control
# characters cannot appear raw in JSON).
_XML_SUSPECT_TEXT = re.compile(rb"\\(?:u00[01][0-9a-fA-F]|u[fF]{3}[eEfF]|[bf])|\xef\xbf[\xbe\xbf]")
_XML_SUSPECT_MARKERS = (b"\\u", b"\\b", b"\\f", b"\xef\xbf")
_STEP_STATUS = {"P", "F", "S", "D", "E", "T"}
# UUTStatusType: Passed, Failed, Error, Terminated (wats-rules.md U24: no Done).
_RESULT = {"P", "F", "E", "T"}
_GROUPS = {"S", "M", "C"}
_MEASUREMENT_STATUS = {"P", "F", "S"}
_CHART_TYPES = {"Line", "LineLogXY", "LineLogX", "LineLogY"}
# Step types that carry exactly one test (a loop summary carries none).
_SINGLE = {"ET_NLT": "numericMeas", "ET_PFT": "booleanMeas", "ET_SVT": "stringMeas"}
_MEASUREMENT_KEYS = ("numericMeas", "stringMeas", "booleanMeas")
# What `StepRules.numeric_fine` reads of a numeric measurement, in the order it takes them.
_NUMERIC_READS = ("status", "name", "compOp", "value", "lowLimit", "highLimit")
_ATTACHMENT_BYTES = 100 * 1024  # WATS's limit per step attachment
_INT16 = range(-32768, 32768)

Problems = list[tuple[str, str]]

# A step's JSON path, spelled only when a problem names it: the root's is "root", a child's is
# (its parent's, its index in the parent's `steps`).
StepPath = str | tuple["StepPath", int]


def step_path(where: StepPath) -> str:
    """The JSON path a StepPath stands for, e.g. `root.steps[2].steps[0]`."""
    if isinstance(where, str):
        return where
    parent, index = where
    return f"{step_path(parent)}.steps[{index}]"


def _text(
    problems: Problems,
    obj: Mapping[str, Any],
    key: str,
    path: str,
    *,
    limit: int,
    required: bool = False,
) -> None:
    value = obj.get(key)
    # Runs for every text field of every step: the common case returns before making a path.
    if type(value) is str and 0 < len(value) <= limit:
        return
    where = f"{path}.{key}" if path else key
    if value is None or value == "":
        if required:
            problems.append((where, "required, expected a non-empty string"))
        return
    if not isinstance(value, str):
        problems.append((where, f"expected a string, got {value!r}"))
    elif len(value) > limit:
        problems.append((where, f"{len(value)} characters, at most {limit} allowed"))


def _integer(
    problems: Problems, obj: dict[str, Any], key: str, path: str, *, short: bool = False
) -> None:
    value = obj.get(key)
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or (short and value not in _INT16):
        kind = "a 16-bit integer" if short else "an integer"
        problems.append((f"{path}.{key}", f"expected {kind}, got {value!r}"))


def _date(problems: Problems, obj: dict[str, Any], key: str, path: str) -> None:
    value = obj.get(key)
    if value is None:
        return
    try:
        moment = Timestamp(str(value)).to_datetime()
    except ValueError as exc:
        problems.append((f"{path}.{key}", str(exc)))
        return
    if moment.year < 1970:
        problems.append(
            (f"{path}.{key}", f"{value!r} is before 1970, which WATS treats as invalid")
        )


def searchable(text: str, replacement: str) -> str:
    """`text` with the characters WATS refuses in part and serial numbers (`/`, `*`, `%`, ...)
    replaced by `replacement`; an empty replacement keeps `text` as it is."""
    return _SEARCH_CHARS.sub(replacement, text) if replacement else text


def station_problems(raw: Mapping[str, Any]) -> Problems:
    """Problems in the station keys of a header (`machineName`, `location`, `purpose`): each
    required, at most 50, 100 and 100 characters. A station set-up checks its identity with it
    before it builds any report."""
    problems: Problems = []
    _text(problems, raw, "machineName", "", limit=50, required=True)
    _text(problems, raw, "location", "", limit=100, required=True)
    _text(problems, raw, "purpose", "", limit=100, required=True)
    return problems


def header_problems(raw: dict[str, Any]) -> Problems:
    """Problems in the envelope: identity, unit, station, time."""
    problems: Problems = []
    if raw.get("type") not in ("T", "R"):
        problems.append(("type", f"expected 'T' or 'R', got {raw.get('type')!r}"))
    report_id = raw.get("id")
    try:
        uuid.UUID(str(report_id))
    except ValueError:
        problems.append(("id", f"expected a UUID, got {report_id!r}"))
    for key in ("pn", "sn", "rev"):
        _text(problems, raw, key, "", limit=50, required=True)
    for key in ("pn", "sn"):
        value = raw.get(key)
        if isinstance(value, str) and (bad := sorted(set(_SEARCH_CHARS.findall(value)))):
            problems.append((key, f"{value!r} contains {''.join(bad)!r}, refused in WATS searches"))
    code = raw.get("processCode")
    if not isinstance(code, int) or isinstance(code, bool):
        problems.append(("processCode", f"expected an integer, got {code!r}"))
    if raw.get("result") not in _RESULT:
        problems.append(("result", f"expected one of P, F, E, T, got {raw.get('result')!r}"))
    problems.extend(station_problems(raw))
    for key in ("start", "startUTC"):
        value = raw.get(key)
        if value is None and key == "startUTC":
            continue
        if value is None and raw.get("startUTC") is not None:
            continue  # WATS derives the local start from startUTC (wats-rules.md U27)
        try:
            moment = Timestamp(str(value)).to_datetime()
        except ValueError as exc:
            problems.append((key, str(exc)))
            continue
        if moment.year < 1970:
            problems.append((key, f"{value!r} is before 1970, which WATS treats as invalid"))
        elif moment.tzinfo is None:
            # WATS reads an offset-less time as the server's local time, we would read it as
            # UTC: the only safe answer is to refuse it (wats-rules.md U28).
            problems.append((key, f"{value!r} has no UTC offset; expected e.g. +01:00 or Z"))
    return problems


def report_problems(
    raw: dict[str, Any],
    operations: Operations | None = None,
    *,
    json_text: bytes | None = None,
    steps: StepRules | None = None,
) -> Problems:
    """Every submit-rule problem in a report document, in document order; with `operations`
    (a server's configuration) also unknown process codes, wrong kinds and fail codes.

    `json_text` is the UTF-8 JSON text `raw` was parsed from, when the caller has it: the
    check for characters XML cannot carry then scans it instead of encoding `raw` again.
    `steps` holds the step rules already applied to every step under `root`, by a caller
    that walks the steps for its own purpose; without it the rules walk them here."""
    problems = header_problems(raw)
    if operations is not None:
        problems.extend(operation_problems(raw, operations))
    uut = raw.get("uut")
    if raw.get("type") == "T" and not isinstance(uut, dict):
        problems.append(("uut", "required for a UUT report: the operator and test details"))
    if isinstance(uut, dict):
        # WATS requires the operator (DevKit operatorName, wats-rules.md U13).
        _text(problems, uut, "user", "uut", limit=128, required=True)
        _text(problems, uut, "comment", "uut", limit=1000)
        _text(problems, uut, "errorMessage", "uut", limit=1000)
        _text(problems, uut, "fixtureId", "uut", limit=50)
        _text(problems, uut, "batchSN", "uut", limit=50)
        _integer(problems, uut, "testSocketIndex", "uut", short=True)
        _integer(problems, uut, "errorCode", "uut")
    uur = raw.get("uur")
    if raw.get("type") == "R":
        if not isinstance(uur, dict):
            problems.append(("uur", "required for a UUR report"))
        else:
            _uur_problems(problems, raw, uur)
    for i, info in enumerate(raw.get("miscInfos") or []):
        _text(problems, info, "description", f"miscInfos[{i}]", limit=50, required=True)
        _text(problems, info, "text", f"miscInfos[{i}]", limit=255)
        numeric = info.get("numeric")
        if numeric is not None and not (
            isinstance(numeric, int) and not isinstance(numeric, bool) and -32768 <= numeric < 32768
        ):
            # WATS stores it as Int16 (MiscUUTInfo.DataNumeric); put other numbers in `text`.
            problems.append(
                (f"miscInfos[{i}].numeric", f"expected a 16-bit integer, got {numeric!r}")
            )
    for i, unit in enumerate(raw.get("subUnits") or []):
        path = f"subUnits[{i}]"
        _text(problems, unit, "partType", path, limit=50)
        _text(problems, unit, "pn", path, limit=50, required=True)
        _text(problems, unit, "rev", path, limit=50)
        _text(problems, unit, "sn", path, limit=50, required=raw.get("type") == "T")
        for j, failure in enumerate(unit.get("failures") or []):
            where = f"{path}.failures[{j}]"
            _text(problems, failure, "category", where, limit=100, required=True)
            _text(problems, failure, "code", where, limit=100, required=True)
            _text(problems, failure, "comment", where, limit=1000)
            _text(problems, failure, "comRef", where, limit=50)
    for i, attachment in enumerate(raw.get("binaryData") or []):
        _text(problems, attachment, "name", f"binaryData[{i}]", limit=256, required=True)
        _text(problems, attachment, "contentType", f"binaryData[{i}]", limit=100, required=True)
    for i, data in enumerate(raw.get("additionalData") or []):
        _text(problems, data, "name", f"additionalData[{i}]", limit=200, required=True)
    if raw.get("type") == "T":
        root = raw.get("root")
        if not isinstance(root, dict):
            problems.append(("root", "required for a UUT report: the root sequence call"))
        else:
            _program_problems(problems, root)
            if steps is None:
                steps = StepRules()
                steps.walk(root)
            problems.extend(steps.problems)
            if isinstance(uut, dict):
                failed = uut.get("stepIdCausedUUTFailure")
                if failed is not None and failed not in steps.ids:
                    problems.append(("uut.stepIdCausedUUTFailure", f"no step has id {failed!r}"))
    # The compact JSON text shows XML-invalid characters as escapes (or raw U+FFFE/U+FFFF),
    # so one C-speed scan decides whether the slower path-naming walk is needed.
    # The submitted text, when given, clears most documents without that encoding.
    # Every suspect text holds a backslash-u, -b or -f or the bytes EF BF. Most documents
    # hold neither a backslash nor an EF byte, which a one-byte search (memchr) finds in
    # microseconds; the two-byte searches, then the pattern, are each many times slower.
    suspect = json_text is None or (
        (b"\\" in json_text or b"\xef" in json_text)
        and any(marker in json_text for marker in _XML_SUSPECT_MARKERS)
        and _XML_SUSPECT_TEXT.search(json_text) is not None
    )
    if suspect and _XML_INVALID_ESCAPED.search(json.dumps(raw, ensure_ascii=False)):
        _xml_problems(problems, raw, "")
    return problems


def _program_problems(problems: Problems, root: dict[str, Any]) -> None:
    """The root sequence call names the test program: WATS requires its file name and version
    (DevKit CreateUUTReport sequenceFileName/sequenceFileVersion, wats-rules.md U9, U11). An
    empty version is a version, as Virinco's own converters write one."""
    seq_call = root.get("seqCall")
    if not isinstance(seq_call, dict):
        problems.append(("root.seqCall", "required: the test program's file name and version"))
        return
    _text(problems, seq_call, "name", "root.seqCall", limit=255, required=True)
    if seq_call.get("version") is None:
        problems.append(("root.seqCall.version", "required: the test program's version"))


class StepRules:
    """The submit rules of a report's steps, applied one step at a time in pre-order.

    `walk` applies them to a whole tree; a caller that walks the steps for its own purpose (the
    server's row extraction) calls `check` on each step instead and hands the result to
    `report_problems`, so the tree is walked once. `problems` lists what they found, in
    document order; `ids` holds the step ids seen, which `stepIdCausedUUTFailure` must name.
    """

    __slots__ = ("ids", "problems")

    def __init__(self) -> None:
        self.problems: Problems = []
        self.ids: set[object] = set()

    def walk(self, root: Mapping[str, Any]) -> None:
        """Apply the rules to `root` and every step under it."""
        check = self.check
        stack: list[tuple[Mapping[str, Any], StepPath]] = [(root, "root")]
        while stack:
            step, where = stack.pop()
            check(step, where)
            children = step.get("steps")
            if children:
                stack.extend((children[i], (where, i)) for i in range(len(children) - 1, -1, -1))

    @staticmethod
    def numeric_fine(
        status: object, name: object, op: object, value: object, low: object, high: object
    ) -> bool:
        """Whether a numeric measurement with these `status`, `name`, `compOp`, `value`,
        `lowLimit` and `highLimit` is the common case its rules find nothing in: Passed or
        Failed, a short name or none, an operator in upper case with finite float value and
        the limits it uses. A walk that read these values for its own purpose asks this
        instead of `check` reading them again."""
        used = NUMERIC_LIMITS_USED.get(op) if type(op) is str else None
        if used is None or not (status == "P" or status == "F"):
            return False
        if name is not None and not (type(name) is str and 0 < len(name) <= 100):
            return False
        return (
            type(value) is float
            and isfinite(value)
            and (type(low) is float and isfinite(low) if low is not None else used < 1)
            and (type(high) is float and isfinite(high) if high is not None else used != 2)
        )

    def check(
        self, step: Mapping[str, Any], where: StepPath, numeric_checked: bool = False
    ) -> None:
        """Apply the rules of one step and its measurements (not its child steps); `where` is
        the step's JSON path, spelled only if a problem names it. `numeric_checked` says the
        caller found `numeric_fine` true for each of the step's numeric measurements."""
        # Runs for every step (and its loop for every measurement) of every report a server
        # receives: each rule takes its common, fine case inline, in as few reads as it can,
        # and leaves everything else (and the wording of the problem) to the full check.
        problems, ids, get = self.problems, self.ids, step.get
        # WATS numbers steps itself (Virinco's own producers send none), so an id is optional;
        # one that is given must be a unique integer, since stepIdCausedUUTFailure may point
        # at it.
        step_id = get("id")
        if type(step_id) is int and step_id not in ids:
            ids.add(step_id)
        elif step_id is None:
            pass
        elif not isinstance(step_id, int) or isinstance(step_id, bool):
            problems.append((f"{step_path(where)}.id", f"expected an integer, got {step_id!r}"))
        elif step_id in ids:
            problems.append((f"{step_path(where)}.id", f"duplicate step id {step_id}"))
        else:
            ids.add(step_id)
        group, step_type, name, status = get("group"), get("stepType"), get("name"), get("status")
        if group not in _GROUPS:
            problems.append((f"{step_path(where)}.group", f"expected S, M or C, got {group!r}"))
        if not (type(step_type) is str and 0 < len(step_type) <= 100):
            _text(problems, step, "stepType", step_path(where), limit=100, required=True)
        if not (type(name) is str and 0 < len(name) <= 100):
            _text(problems, step, "name", step_path(where), limit=100, required=True)
        if status not in _STEP_STATUS:
            problems.append(
                (f"{step_path(where)}.status", f"expected P, F, S, D, E or T, got {status!r}")
            )
        if "errorMessage" in step:
            _text(problems, step, "errorMessage", step_path(where), limit=200)
        seq_call = get("seqCall")
        if isinstance(seq_call, dict):
            _seq_call_problems(problems, seq_call, where)
        single = _SINGLE.get(str(step_type))
        if single is not None and len(get(single) or []) > 1:
            problems.append(
                (f"{step_path(where)}.{single}", f"a {step['stepType']} step has exactly one test")
            )
        for key in _MEASUREMENT_KEYS:
            items = get(key)
            if not items:
                continue
            if len(items) > 1:
                names = [item.get("name") for item in items]
                if None in names or len(set(names)) != len(names):
                    problems.append(
                        (f"{step_path(where)}.{key}", "several measurements need unique names")
                    )
            if key == "numericMeas" and numeric_checked:
                continue
            for i, meas in enumerate(items):
                if key == "numericMeas" and self.numeric_fine(*map(meas.get, _NUMERIC_READS)):
                    continue
                _measurement_problems(problems, key, meas, f"{step_path(where)}.{key}[{i}]")
        chart = get("chart")
        if chart is None:
            pass
        elif isinstance(chart, dict):
            _chart_problems(problems, chart, f"{step_path(where)}.chart")
        else:
            problems.append((f"{step_path(where)}.chart", "expected one chart object per step"))
        attachment = get("attachment")
        if isinstance(attachment, dict):
            if chart is not None:
                problems.append(
                    (
                        f"{step_path(where)}.attachment",
                        "a step has a chart or an attachment, not both",
                    )
                )
            data = attachment.get("data")
            if isinstance(data, str) and len(data) // 4 * 3 > _ATTACHMENT_BYTES:
                problems.append(
                    (
                        f"{step_path(where)}.attachment.data",
                        f"over {_ATTACHMENT_BYTES // 1024} KB, WATS's limit",
                    )
                )


def _seq_call_problems(problems: Problems, seq_call: dict[str, Any], where: StepPath) -> None:
    get = seq_call.get
    call_path, name, version = get("path"), get("name"), get("version")
    if (
        (call_path is None or (type(call_path) is str and len(call_path) <= 500))
        and (name is None or (type(name) is str and len(name) <= 255))
        and (version is None or (type(version) is str and len(version) <= 50))
    ):
        return  # the common case: each text absent or fine (an empty one is absent to `_text`)
    path = f"{step_path(where)}.seqCall"
    _text(problems, seq_call, "path", path, limit=500)
    _text(problems, seq_call, "name", path, limit=255)
    _text(problems, seq_call, "version", path, limit=50)


def _measurement_problems(problems: Problems, key: str, meas: dict[str, Any], path: str) -> None:
    status = meas.get("status")
    if status not in _MEASUREMENT_STATUS:
        problems.append((f"{path}.status", f"expected P, F or S, got {status!r}"))
    name = meas.get("name")
    if name is not None and not (type(name) is str and 0 < len(name) <= 100):
        _text(problems, meas, "name", path, limit=100)
    # A skipped test (WATS's AddTest with status Skipped) has no outcome to check: Virinco's
    # client sends value "NaN" and no limits.
    if key == "booleanMeas" or status == "S":
        return
    op = str(meas.get("compOp")).upper()
    if key == "stringMeas":
        if op not in STRING_OPS:
            problems.append((f"{path}.compOp", f"unknown string operator {meas.get('compOp')!r}"))
        elif not isinstance(meas.get("value"), str):
            problems.append((f"{path}.value", f"expected text, got {meas.get('value')!r}"))
        elif op != "LOG" and not isinstance(meas.get("limit"), str):
            problems.append((f"{path}.limit", f"required by compOp {meas.get('compOp')!r}"))
        return
    used = NUMERIC_LIMITS_USED.get(op)
    if used is None:
        problems.append((f"{path}.compOp", f"unknown numeric operator {meas.get('compOp')!r}"))
        return
    for limit_key, needed in (("value", True), ("lowLimit", used >= 1), ("highLimit", used == 2)):
        value = meas.get(limit_key)
        if type(value) is float and math.isfinite(value):
            continue  # the common case, a number as_number takes
        if value is None:
            if needed:
                problems.append((f"{path}.{limit_key}", f"required by compOp {meas['compOp']!r}"))
            continue
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(
                (f"{path}.{limit_key}", f"{value!r} is not valid JSON; WATS uses the text 'NaN'/"
                 "'Infinity'/'-Infinity' (set the value through the model to convert it)")
            )  # fmt: skip
            continue
        try:
            as_number(value, path, limit_key)
        except ReportValidationError as exc:
            problems.extend(exc.problems)


def _chart_problems(problems: Problems, chart: dict[str, Any], path: str) -> None:
    if chart.get("chartType") not in _CHART_TYPES:
        expected = ", ".join(sorted(_CHART_TYPES))
        problems.append(
            (f"{path}.chartType", f"expected one of {expected}, got {chart.get('chartType')!r}")
        )
    for key in ("label", "xLabel", "yLabel"):
        _text(problems, chart, key, path, limit=100, required=True)
    for key in ("xUnit", "yUnit"):
        _text(problems, chart, key, path, limit=50)
    for i, series in enumerate(chart.get("series") or []):
        _text(problems, series, "name", f"{path}.series[{i}]", limit=100)
        xs, ys = str(series.get("xdata") or ""), str(series.get("ydata") or "")
        if xs.count(";") != ys.count(";"):
            problems.append((f"{path}.series[{i}]", "xdata and ydata have different counts"))


def _uur_problems(problems: Problems, raw: dict[str, Any], uur: dict[str, Any]) -> None:
    # A comment WATS's column holds, the failed test operation, a GUID reference
    # to the UUT, dates WATS can store, the repaired unit (idx 0) and at least one failure
    # (DevKit ValidateForSubmit; wats-rules.md R3-R18).
    _text(problems, uur, "user", "uur", limit=128, required=True)
    _text(problems, uur, "comment", "uur", limit=1000)
    if not isinstance(uur.get("processCode"), int):
        problems.append(("uur.processCode", "required: the test operation code"))
    ref = uur.get("refUUT")
    if ref is not None:
        try:
            uuid.UUID(str(ref))
        except ValueError:
            problems.append(("uur.refUUT", f"expected the UUT report's GUID, got {ref!r}"))
    for key in ("confirmDate", "finalizeDate"):
        _date(problems, uur, key, "uur")
    units = [u for u in raw.get("subUnits") or [] if isinstance(u, dict)]
    if not any(u.get("idx") == 0 for u in units):
        problems.append(("subUnits", "required: the repaired unit as idx 0"))
    if not any(u.get("failures") for u in units):
        problems.append(("subUnits", "a repair report needs at least one failure"))


def _xml_problems(problems: Problems, value: object, path: str) -> None:
    if isinstance(value, str):
        if _XML_INVALID.search(value):
            problems.append((path, "contains a control character XML (and WATS) cannot carry"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _xml_problems(problems, item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _xml_problems(problems, item, f"{path}[{index}]")


def validate_report(
    raw: dict[str, Any], operations: Operations | None = None, *, json_text: bytes | None = None
) -> None:
    """Raise ReportValidationError listing every problem (path, message) in `raw`; `json_text`
    as for `report_problems`."""
    problems = report_problems(raw, operations, json_text=json_text)
    if problems:
        raise ReportValidationError(problems)
