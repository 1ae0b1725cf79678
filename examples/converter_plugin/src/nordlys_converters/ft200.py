"""Nordlys FT-200 functional tester result files → WATS UUT reports.

The tester writes one text file per unit, one record per line, fields separated by `;`:

    # Nordlys FT-200 result file
    SERIAL;PWR7-000123
    PART;PWR-BOARD-7
    REV;B
    OPERATOR;kari
    START;2026-12-07T14:03:11+01:00
    STEP;Supply 3V3;3.298;3.20;3.40;V        name; value; low; high; unit (a limit may be empty)
    RESULT;PASS

Lines starting with `#` and empty lines are comments. The file names no test operation, so the
`operation_code` parameter is required.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from pywats import ReportValidationError
from pywats.report import UUTReport
from pywats_client.converters import COMMON_PARAMETERS, Converter, Parameter, Source

__all__ = ["FT200Converter"]

_HEADER = ("SERIAL", "PART", "REV", "OPERATOR", "START")
_STEP_FIELDS = "STEP;name;value;low;high;unit"


def _parameters() -> tuple[Parameter, ...]:
    # The common site parameters (part number, revision, operator, decimal comma, encoding...),
    # with the operation code required: the tester does not write it.
    common = tuple(
        replace(p, required=True, help="Test operation (process) code of the FT-200 station.")
        if p.name == "operation_code"
        else p
        for p in COMMON_PARAMETERS
    )
    return (
        *common,
        Parameter(
            "delimiter",
            str,
            ";",
            "Field separator the tester is set to write.",
            choices=(";", ",", "\t"),
        ),
        Parameter("fixture", str, None, "Test fixture id written into each report."),
    )


class FT200Converter(Converter):
    """One report per FT-200 file: the header records, then one numeric step per STEP record."""

    name = "ft200"
    description = "Nordlys FT-200 functional tester (text, one unit per file)"
    patterns = ("*.ft200",)
    parameters = _parameters()

    def convert(self, source: Source) -> Sequence[UUTReport]:
        delimiter = str(self.values["delimiter"])
        header: dict[str, str] = {}
        steps: list[tuple[int, list[str]]] = []
        verdict: tuple[int, str] | None = None
        for number, line in enumerate(self.text(source).splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            record, *fields = line.split(delimiter)
            where = f"line {number}"
            if record in _HEADER:
                if len(fields) != 1 or not fields[0].strip():
                    raise source.error(f"expected {record}{delimiter}<value>", where)
                header[record] = fields[0].strip()
            elif record == "STEP":
                if len(fields) != 5:
                    got = f"{len(fields) + 1} fields"
                    raise source.error(f"expected {_STEP_FIELDS}, got {got}", where)
                steps.append((number, fields))
            elif record == "RESULT":
                verdict = (number, delimiter.join(fields).strip())
            else:
                known = ", ".join((*_HEADER, "STEP", "RESULT"))
                raise source.error(f"unknown record {record!r} (expected one of {known})", where)
        report = self._header(source, header)
        for number, fields in steps:
            self._step(report, source, number, fields)
        report.propagate_failures()
        self._check_verdict(report, source, verdict)
        return [report]

    def _header(self, source: Source, header: dict[str, str]) -> UUTReport:
        if "SERIAL" not in header:
            raise source.error("no SERIAL record: the file does not say which unit was tested")
        part_number = header.get("PART") or self.defaults.part_number
        if not part_number:
            raise source.error("no PART record and the parameter 'part_number' is not set")
        revision = header.get("REV") or self.defaults.revision
        if not revision:
            raise source.error("no REV record and the parameter 'revision' is not set")
        code = self.defaults.operation_code
        if code is None:  # cannot happen: a required parameter, checked on construction
            raise source.error("the parameter 'operation_code' is not set")
        fixture = self.values["fixture"]
        start = None
        if "START" in header:
            try:
                start = datetime.fromisoformat(header["START"])
            except ValueError:
                raise source.error(
                    f"START {header['START']!r} is not an ISO 8601 time such as "
                    "2026-12-07T14:03:11+01:00"
                ) from None
        try:
            return UUTReport.new(
                part_number=part_number,
                serial_number=header["SERIAL"],
                revision=revision,
                process_code=code,
                station_name=self.defaults.station_name or source.station.name,
                location=source.station.location,
                purpose=source.station.purpose,
                operator=header.get("OPERATOR") or self.defaults.operator,
                start=start,
                id=source.report_id(0),
                sequence_name="FT-200",
                fixture_id=str(fixture) if fixture else None,
            )
        except ReportValidationError as exc:  # e.g. a serial number with characters WATS refuses
            raise source.error(f"the header breaks a WATS rule: {exc}") from None

    def _step(self, report: UUTReport, source: Source, number: int, fields: list[str]) -> None:
        name, value, low, high, unit = (field.strip() for field in fields)
        where = f"line {number}"

        def limit(text: str) -> float | None:
            return self.number(text, source, where) if text else None

        report.root.add_numeric(
            name,
            self.number(value, source, where),
            low=limit(low),
            high=limit(high),
            unit=unit or None,
        )

    def _check_verdict(
        self, report: UUTReport, source: Source, verdict: tuple[int, str] | None
    ) -> None:
        if verdict is None:
            raise source.error("no RESULT record: the test did not finish")
        number, text = verdict
        expected = {"PASS": "P", "FAIL": "F"}.get(text)
        if expected is None:
            raise source.error(f"expected RESULT PASS or FAIL, got {text!r}", f"line {number}")
        if report.result != expected:
            raise source.error(
                f"the tester says {text}, but the steps' values against their limits say "
                f"{'PASS' if report.result == 'P' else 'FAIL'}",
                f"line {number}",
            )
