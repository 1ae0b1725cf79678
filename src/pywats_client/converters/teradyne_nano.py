"""Teradyne Nano-51e CSV → one WATS UUT report per file.

The file name carries the header: `A%<part number>%<SMT date>%<serial>_<status>_<yyyyMMddHHmmss>`
(status `OK` = passed). After one header line, each line is
`<test name>[<group>],<value><unit>,<low><unit>,<high><unit>,<PASS|…>`: one numeric step per
line, in a sequence per group. Limits printed in another prefix than the value are rescaled.
Written from the reference converter's description alone; no tester file was available.
"""

from __future__ import annotations

import re
from datetime import datetime

from pywats.report import SequenceCall, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._ict import (
    Header,
    Limits,
    LineError,
    Unit,
    add_measured,
    finish,
    new_report,
    number,
    parse_unit,
    text_lines,
    with_defaults,
)
from pywats_client.converters._mapping import WITH_TIMEZONE
from pywats_client.converters._params import Parameter

__all__ = ["TeradyneNanoConverter"]

PARAMETERS: tuple[Parameter, ...] = (
    # Virinco's converter defaults to 30, a code a new server does not have and WATS refuses
    # (wats-rules.md U7): 50 is the board test a new server has.
    *with_defaults(WITH_TIMEZONE, required=("revision",), operation_code=50),
    Parameter("group_steps", bool, True, "One sub-sequence per test group (the [..] suffix)."),
    Parameter("sequence_name", str, "MainSequence", "Name of the report's root sequence."),
    Parameter("sequence_version", str, "", "Version of the report's root sequence."),
)

_NAME = re.compile(r"^A%(?P<pn>.+)%(?P<smt>[^%]*)%(?P<sn>.+)_(?P<status>[^_]*)_(?P<time>\d{14})$")
_VALUE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(\D*)$")
_TEST = re.compile(r"^(?P<name>.*)\[(?P<group>[^\[\]]*)\]$")


class TeradyneNanoConverter(Converter):
    """Teradyne Nano-51e test result CSV (header in the file name)."""

    name = "teradyne-nano"
    description = "Teradyne Nano-51e CSV (header in the file name)"
    patterns = ("A%*.csv",)
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        try:
            return [self._report(source)]
        except LineError as exc:
            raise source.error(str(exc), f"line {exc.line}") from None

    def _report(self, source: Source) -> UUTReport:
        match = _NAME.match(source.path.stem)
        if match is None:
            raise source.error(
                "expected a name A%<part number>%<SMT date>%<serial>_<status>_<yyyyMMddHHmmss>",
                "file name",
            )
        try:
            start = datetime.strptime(match["time"], "%Y%m%d%H%M%S")
        except ValueError:
            raise source.error(
                f"{match['time']!r} is not a date yyyyMMddHHmmss", "file name"
            ) from None
        header = Header(
            serial_number=match["sn"],
            part_number=match["pn"],
            start=start,
            sequence_name=str(self.values["sequence_name"]) or "MainSequence",
            sequence_version=str(self.values["sequence_version"] or ""),
        )
        try:
            report = new_report(source, self.defaults, str(self.values["timezone"]), header, 0, 1)
        except LineError as exc:
            raise source.error(str(exc), "file name") from None
        report.add_misc_info("SMT Production Date", match["smt"])
        lines = text_lines(source, self.defaults.encoding)
        if next(lines, None) is None:
            raise LineError("the file is empty (expected a header line, then one line per test)", 1)
        groups: dict[str, SequenceCall] = {}
        steps = 0
        for line_number, line in lines:
            self._step(report, groups, line.split(","), line_number)
            steps += 1
        if not steps:
            raise LineError("the file has a header line but no test lines", 2)
        report.propagate_failures()
        report.result = "P" if match["status"] == "OK" else "F"
        return finish(report, source, 1)

    def _step(
        self, report: UUTReport, groups: dict[str, SequenceCall], fields: list[str], line: int
    ) -> None:
        if len(fields) < 5:
            raise LineError(f"expected 5 ','-separated fields, found {len(fields)}", line)
        test = _TEST.match(fields[0].strip())
        if test is None:
            raise LineError(f"test name {fields[0].strip()[:40]!r} does not end in [<group>]", line)
        sequence = report.root
        if self.values["group_steps"] is True:
            group = test["group"]
            if group not in groups:
                groups[group] = report.root.add_sequence(group or "Tests")
            sequence = groups[group]
        value, unit = _value(fields[1], "value", line)
        if value is None:
            raise LineError("the value field is empty", line)
        target = parse_unit(unit)
        low = _limit(fields[2], "low limit", target, line)
        high = _limit(fields[3], "high limit", target, line)
        if low is not None and high is not None:
            limits = Limits("GELE", low, high)
        elif low is not None:
            limits = Limits("GE", low)
        else:
            limits = Limits("LE", high) if high is not None else Limits("LOG")
        status = "P" if fields[4].strip() == "PASS" else "F"
        add_measured(sequence, test["name"].strip(), value, limits, target.name, status)


def _value(text: str, what: str, line: int) -> tuple[float | None, str]:
    """(number, unit) of `10.02kOhm`, `-3.3 V` or `1.2E-3V`; (None, "") when empty."""
    cleaned = text.strip()
    if not cleaned:
        return None, ""
    match = _VALUE.match(cleaned)
    parsed = number(match[1]) if match else None
    if match is None or parsed is None:
        raise LineError(f"{what} {cleaned[:40]!r} is not a number with an optional unit", line)
    return parsed, match[2].strip()


def _limit(text: str, what: str, target: Unit, line: int) -> float | None:
    """A limit in the value's unit (`9.5kOhm` against a value in Ohm → 9500); None when empty."""
    value, unit = _value(text, what, line)
    if value is None:
        return None
    return parse_unit(unit).to(target, value) if unit else value
