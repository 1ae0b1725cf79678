"""Rules the format converters share when they fill WATS report headers and steps.

Header fields a file may lack (part number, revision, operation code) come from the site
parameters, and a report is never sent with a guessed value: `unit_identity` raises ConversionError
naming the parameter to set. Station-local times without a UTC offset get one from the
`timezone` parameter.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar

from pywats import ReportValidationError
from pywats.report import Report, Step, UUTReport
from pywats_client.converters._base import ConversionError, Source
from pywats_client.converters._params import (
    COMMON_PARAMETERS,
    Parameter,
    ParamValue,
    SiteDefaults,
)

__all__ = [
    "TIMEZONE_PARAMETER",
    "WITH_TIMEZONE",
    "FileHeader",
    "UnitIdentity",
    "checked",
    "finish",
    "localize",
    "mark_failure_chain",
    "new_uut",
    "parse_iso",
    "station_name",
    "timezone_parameter",
    "unit_identity",
    "zone_from_name",
]

R = TypeVar("R", bound=Report)
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def zone_from_name(name: str) -> tzinfo | None:
    """`local` (None: the converting machine's zone rules), `UTC`, `+HH:MM`, or an IANA name.

    Raises ValueError for anything else.
    """
    if name == "local":
        return None
    match = _OFFSET.match(name)
    if match:
        sign = -1 if match[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(match[2]), minutes=int(match[3])))
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (expected 'local', 'UTC', '+02:00' or a name such as "
            "'Europe/Oslo')"
        ) from None


def _check_zone(value: ParamValue) -> str | None:
    try:
        zone_from_name(str(value))
    except ValueError as exc:
        return str(exc)
    return None


def timezone_parameter(default: str, help: str) -> Parameter:
    """A `timezone` parameter (values as for `zone_from_name`)."""
    return Parameter("timezone", str, default, help, check=_check_zone)


TIMEZONE_PARAMETER = timezone_parameter(
    "local",
    "Zone of times the file writes without a UTC offset: 'local', 'UTC', '+02:00' or an IANA "
    "name such as 'Europe/Oslo'.",
)

#: The common site parameters plus `timezone`.
WITH_TIMEZONE: tuple[Parameter, ...] = (*COMMON_PARAMETERS, TIMEZONE_PARAMETER)


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date-time with any number of fractional digits (TestStand writes 7; Python
    3.10 reads only 3 or 6) and `Z` or an offset, or None when `text` is not one."""
    cleaned = text.strip().replace("Z", "+00:00")
    head, dot, rest = cleaned.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        cleaned = f"{head}.{rest[: min(digits, 6)].ljust(6, '0')}{rest[digits:]}"
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        return None


def localize(moment: datetime, zone: tzinfo | None) -> datetime:
    """Give a naive station-local time its UTC offset (`zone` None: this machine's rules).

    Raises ValueError when the machine's zone rules cannot place the time (far past/future).
    """
    if moment.tzinfo is not None:
        return moment
    if zone is not None:
        return moment.replace(tzinfo=zone)
    try:
        return moment.astimezone()
    except (OverflowError, OSError):
        raise ValueError(f"{moment.isoformat()} is outside the range of local time") from None


@dataclass(frozen=True)
class UnitIdentity:
    """Part number, revision and test operation code of the unit a report is about."""

    part_number: str
    revision: str
    process_code: int


def unit_identity(
    source: Source,
    defaults: SiteDefaults,
    *,
    part_number: str | None,
    revision: str | None,
    process_code: int | None,
    where: str | None = None,
) -> UnitIdentity:
    """The file's values, else the site defaults; ConversionError names the first value that
    neither the file nor the converter parameters give."""

    def missing(field: str, parameter: str) -> ConversionError:
        message = f"the file has no {field} and the converter parameter '{parameter}' is not set"
        return source.error(message, where)

    part_number = part_number or defaults.part_number
    if not part_number:
        raise missing("part number", "part_number")
    revision = revision or defaults.revision
    if not revision:
        raise missing("revision", "revision")
    code = process_code if process_code is not None else defaults.operation_code
    if code is None:
        raise missing("operation code", "operation_code")
    return UnitIdentity(part_number, revision, code)


@dataclass(frozen=True)
class FileHeader:
    """What a file says about its unit, station and operator; None where it says nothing."""

    serial_number: str
    part_number: str | None = None
    revision: str | None = None
    process_code: int | None = None
    station: str | None = None
    location: str | None = None
    purpose: str | None = None
    operator: str | None = None
    id: str | None = None


def new_uut(
    source: Source,
    defaults: SiteDefaults,
    header: FileHeader,
    *,
    index: int = 0,
    where: str | None = None,
    **fields: Any,
) -> UUTReport:
    """The `index`-th report of `source`, its header from the file, the gaps filled the one way
    every converter fills them: identity by `unit_identity`, name by `station_name`, this
    station's location and purpose, the `operator` parameter, the deterministic id. `fields`
    go to `UUTReport.new` as they are (start, sequence, execution time, ...)."""
    identity = unit_identity(
        source,
        defaults,
        part_number=header.part_number or None,
        revision=header.revision or None,
        process_code=header.process_code,
        where=where,
    )
    return UUTReport.new(
        id=header.id or source.report_id(index),
        part_number=identity.part_number,
        serial_number=header.serial_number,
        revision=identity.revision,
        process_code=identity.process_code,
        station_name=station_name(header.station or None, defaults.station_name, source),
        location=header.location or source.station.location,
        purpose=header.purpose or source.station.purpose,
        operator=header.operator or defaults.operator,
        **fields,
    )


def checked(report: R, source: Source, where: str) -> R:
    """`report` if it meets the rules WATS applies on submit, else ConversionError at `where`
    listing the problems: a converter never hands over a report the server would refuse."""
    try:
        report.validate()
    except ReportValidationError as exc:
        problems = "; ".join(f"{path}: {message}" for path, message in exc.problems)
        raise source.error(f"the converted report breaks WATS rules ({problems})", where) from None
    return report


def mark_failure_chain(report: UUTReport, chain: Sequence[Step | None]) -> None:
    """Flag the steps of a critical-failure chain (outermost first) as having caused the unit
    to fail, and point `uut.stepIdCausedUUTFailure` at the innermost one found."""
    found = [step for step in chain if step is not None]
    for step in found:
        step.caused_uut_failure = True
    if found and report.uut is not None:
        report.uut.step_id_caused_uut_failure = found[-1].id


def station_name(from_file: str | None, override: str | None, source: Source) -> str:
    """The `station_name` parameter, else the file's station, else this station's name."""
    return override or from_file or source.station.name


def finish(report: Report, index: int, source: Source, override: str | None) -> None:
    """What every queued report has, whichever converter made it: a lower-case id (the
    deterministic `source.report_id(index)` where it has none), the station name by
    `station_name`'s rule, and this station's location and purpose where it has none."""
    report.id = str(report.id or "").lower() or source.report_id(index)
    report.station_name = station_name(report.station_name or None, override, source)
    station = source.station
    if not report.location and station.location:
        report.location = station.location
    if not report.purpose and station.purpose:
        report.purpose = station.purpose
