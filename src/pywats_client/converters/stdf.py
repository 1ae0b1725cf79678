"""STDF V4 (plain, .gz, .bz2; either byte order) → one WATS UUT report per part (PRR).

Two streaming passes over the records (`_stdf_records`), so memory stays bounded by one part:
the first collects the lot-level lookups that STDF writes after the parts (bin names and
verdicts, test names, wafer ids), the second builds each part's report between its PIR and PRR.
`iter_reports` yields reports one at a time; `convert` collects them. Mapping: formats.md §3.7.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone, tzinfo
from typing import Any, BinaryIO

from pywats.report import UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    checked,
    station_name,
    timezone_parameter,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import COMMON_PARAMETERS, Parameter
from pywats_client.converters._stdf_lookup import Lookup, scan_lookups
from pywats_client.converters._stdf_records import RawRecord, StdfError, scan_records
from pywats_client.converters._stdf_steps import PartSteps, TestDefaults
from pywats_client.converters._stdf_types import Bps, Dtr, Eps, Ftr, Mpr, Pir, Prr, Ptr, Wir

__all__ = ["StdfConverter"]

PARAMETERS: tuple[Parameter, ...] = (
    *COMMON_PARAMETERS,
    timezone_parameter(
        "UTC",
        "How the tester's U*4 times count: 'UTC' (true Unix time) or the zone whose wall clock "
        "they count ('Europe/Oslo', '+02:00', 'local').",
    ),
    Parameter(
        "serial_prefix",
        str,
        "none",
        "Make PART_IDs unique across lots: 'none', 'lot' (LOT_ID-PART_ID) or 'wafer' "
        "(WAFER_ID-PART_ID).",
        choices=("none", "lot", "wafer"),
    ),
    Parameter(
        "limit_flags",
        str,
        "auto",
        "PTR PARM_FLG bits 6/7 (limit compare): 'auto' honours them only when some PTR in the "
        "file sets one, 'honour', or 'ignore' (always inclusive GE/LE).",
        choices=("auto", "honour", "ignore"),
    ),
    Parameter(
        "scale_results",
        bool,
        False,
        "Scale values and limits by RES_SCAL and prefix the unit (e.g. 'uA'); off keeps "
        "base units.",
    ),
)


class StdfConverter(Converter):
    """STDF V4 → one UUT report per tested part."""

    name = "stdf"
    description = "STDF V4 semiconductor test data (plain, gzip or bzip2)"
    patterns = ("*.stdf", "*.std", "*.stdf.gz", "*.std.gz", "*.stdf.bz2", "*.std.bz2")
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        return list(self.iter_reports(source))

    def iter_reports(self, source: Source) -> Iterator[UUTReport]:
        """Yield the reports part by part; raises ConversionError naming the record.

        Only one part's report is built at a time, so a consumer that stores each report as it
        arrives converts files of any size in bounded memory. When the iteration raises, the file
        as a whole has failed: the consumer discards the reports it already stored.
        """
        try:
            lookup = scan_lookups(source.stream())
            yield from self._parts(source, source.stream(), lookup)
        except StdfError as exc:
            raise source.error(exc.problem, exc.where) from None

    def _parts(self, source: Source, data: BinaryIO, lookup: Lookup) -> Iterator[UUTReport]:
        mir = lookup.mir
        if mir is None:
            raise source.error("the file has no MIR record (master information)", "MIR")
        seconds = mir.start_t if mir.start_t is not None else mir.setup_t
        if seconds is None:
            raise source.error("the MIR has neither START_T nor SETUP_T", "MIR")
        identity = unit_identity(
            source,
            self.defaults,
            part_number=mir.part_typ or None,
            revision=mir.dsgn_rev or None,
            process_code=None,
            where="MIR",
        )
        honour = {"auto": lookup.limit_flags_used, "honour": True, "ignore": False}
        tests = TestDefaults(
            lookup,
            strict_limits=honour[str(self.values["limit_flags"])],
            scale=bool(self.values["scale_results"]),
        )
        header = {
            "station_name": station_name(mir.node_nam, self.defaults.station_name, source),
            "location": source.station.location,
            "purpose": source.station.purpose,
            "operator": mir.oper_nam or self.defaults.operator,
            "start": _moment(seconds, zone_from_name(str(self.values["timezone"]))),
            "sequence_name": mir.job_nam or "STDF",
            "sequence_path": mir.job_nam or "STDF",
            "sequence_version": mir.job_rev or "",
            "part_number": identity.part_number,
            "revision": identity.revision,
            "process_code": identity.process_code,
        }
        walk = _Walk(source, lookup, tests, header, str(self.values["serial_prefix"]))
        for raw in scan_records(data):
            try:
                report = walk.record(raw)
            except StdfError as exc:
                raise source.error(exc.problem, exc.where) from None
            except ValueError as exc:
                raise source.error(str(exc), raw.where) from None
            if report is not None:
                yield checked(report, source, raw.where)
        if walk.open_parts:
            head, site = next(iter(walk.open_parts))
            raise source.error(
                f"the data ends while the part on head {head} site {site} is open (no PRR)",
                "end of data",
            )


class _Walk:
    """The second pass: parts open at PIR, collect their tests, and complete at PRR."""

    def __init__(
        self,
        source: Source,
        lookup: Lookup,
        tests: TestDefaults,
        header: dict[str, Any],
        serial_prefix: str,
    ) -> None:
        self.source = source
        self.lookup = lookup
        self.tests = tests
        self.header = header
        self.serial_prefix = serial_prefix
        self.open_parts: dict[tuple[int, int], PartSteps] = {}
        self.wafers: dict[int, int] = {}  # head -> ordinal of its current wafer (WIR count)
        self.count = 0

    def record(self, raw: RawRecord) -> UUTReport | None:
        """Apply one record; the finished report at a PRR. ValueError for misplaced records."""
        record = raw.decode()
        if isinstance(record, Pir):
            key = (record.head_num, record.site_num)
            if key in self.open_parts:
                raise ValueError(f"PIR for head {key[0]} site {key[1]} while its part is open")
            # PART_ID comes with the PRR, which replaces this placeholder serial number.
            report = UUTReport.new(
                id=self.source.report_id(self.count), serial_number="(until PRR)", **self.header
            )
            self.count += 1
            self.open_parts[key] = PartSteps(report, self.tests)
        elif isinstance(record, (Ptr, Mpr, Ftr)):
            part = self.open_parts.get((record.head_num, record.site_num))
            if part is not None:
                part.add(record)
            elif isinstance(record, Ptr) and record.test_flg & 0x10:
                self.tests.remember(record)  # a defaults-only PTR may stand outside parts
            else:
                raise ValueError(
                    f"test {record.test_num} on head {record.head_num} site "
                    f"{record.site_num} is outside any part (no open PIR)"
                )
        elif isinstance(record, (Bps, Eps, Dtr)):
            # These carry no head/site: attach them only when the part is unambiguous.
            if len(self.open_parts) == 1:
                next(iter(self.open_parts.values())).section(record)
        elif isinstance(record, Wir):
            self.wafers[record.head_num] = self.wafers.get(record.head_num, 0) + 1
        elif isinstance(record, Prr):
            part = self.open_parts.pop((record.head_num, record.site_num), None)
            if part is None:
                raise ValueError(
                    f"PRR for head {record.head_num} site {record.site_num} without a PIR"
                )
            ordinal = self.wafers.get(record.head_num, 0)
            wafer = self.lookup.wafer_ids.get((record.head_num, ordinal))
            mir = self.lookup.mir
            assert mir is not None
            return part.finish(record, mir, self.lookup, wafer, self.serial_prefix)
        return None


def _moment(seconds: int, zone: tzinfo | None) -> datetime:
    utc = datetime.fromtimestamp(seconds, timezone.utc)
    if zone is timezone.utc:
        return utc
    # The tester counted wall-clock seconds in `zone`: read them as that zone's local time.
    naive = utc.replace(tzinfo=None)
    return naive.astimezone() if zone is None else naive.replace(tzinfo=zone)
