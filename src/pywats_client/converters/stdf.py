"""STDF V4 (plain, .gz, .bz2; either byte order) → one WATS UUT report per part (PRR).

Two streaming passes over the records (`_stdf_records`), so memory stays bounded by one part:
the first collects the lot-level lookups that STDF writes after the parts (bin names and
verdicts, test names, wafer ids), the second builds each part's report between its PIR and PRR.
`iter_reports` yields reports one at a time; `convert` collects them. Mapping: formats.md §3.7.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import BinaryIO

from pywats.report import UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    station_name,
    timezone_parameter,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import COMMON_PARAMETERS, Parameter
from pywats_client.converters._stdf_lookup import Lookup, scan_lookups
from pywats_client.converters._stdf_records import StdfError, scan_records
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
        arrives converts files of any size in bounded memory.
        """
        try:
            lookup = scan_lookups(source.stream())
            yield from self._parts(source, source.stream(), lookup)
        except StdfError as exc:
            raise source.error(exc.problem, exc.where) from None

    def _parts(self, source: Source, data: BinaryIO, lookup: Lookup) -> Iterator[UUTReport]:
        mir = lookup.mir
        if mir is None:
            raise source.error("the file has no MIR record (master information)")
        defaults = self.defaults
        zone = zone_from_name(str(self.values["timezone"]))
        seconds = mir.start_t if mir.start_t is not None else mir.setup_t
        if seconds is None:
            raise source.error("the MIR has neither START_T nor SETUP_T", "MIR")
        start = _moment(seconds, zone)
        identity = unit_identity(
            source,
            defaults,
            part_number=mir.part_typ or None,
            revision=mir.dsgn_rev or None,
            process_code=None,
            where="MIR",
        )
        honour = {"auto": lookup.limit_flags_used, "honour": True, "ignore": False}
        tests = TestDefaults(lookup, strict_limits=honour[str(self.values["limit_flags"])],
                             scale=bool(self.values["scale_results"]))  # fmt: skip
        open_parts: dict[tuple[int, int], PartSteps] = {}
        wafers: dict[int, int] = {}  # head -> ordinal of its current wafer (WIR count)
        index = 0
        for raw in scan_records(data):
            record = raw.decode()
            if isinstance(record, Pir):
                key = (record.head_num, record.site_num)
                if key in open_parts:
                    raise source.error(
                        f"PIR for head {key[0]} site {key[1]} while its part is still open",
                        raw.where,
                    )
                report = UUTReport.new(
                    id=source.report_id(index),
                    serial_number="(until PRR)",  # PART_ID comes with the PRR; always replaced
                    station_name=station_name(mir.node_nam, defaults.station_name, source),
                    location=source.station.location,
                    purpose=source.station.purpose,
                    operator=mir.oper_nam or defaults.operator,
                    start=start,
                    sequence_name=mir.job_nam or "STDF",
                    sequence_path=mir.job_nam or "STDF",
                    sequence_version=mir.job_rev or None,
                    part_number=identity.part_number,
                    revision=identity.revision,
                    process_code=identity.process_code,
                )
                index += 1
                open_parts[key] = PartSteps(report, tests)
            elif isinstance(record, (Ptr, Mpr, Ftr)):
                part = open_parts.get((record.head_num, record.site_num))
                if part is None:
                    if isinstance(record, Ptr) and record.test_flg & 0x10:
                        tests.remember(record)  # a defaults-only PTR may stand outside parts
                        continue
                    raise source.error(
                        f"test {record.test_num} on head {record.head_num} site "
                        f"{record.site_num} is outside any part (no open PIR)",
                        raw.where,
                    )
                _add(part, record, source, raw.where)
            elif isinstance(record, (Bps, Eps, Dtr)):
                # No head/site on these: attach them only when the part is unambiguous.
                if len(open_parts) == 1:
                    next(iter(open_parts.values())).section(record)
            elif isinstance(record, Wir):
                wafers[record.head_num] = wafers.get(record.head_num, 0) + 1
            elif isinstance(record, Prr):
                part = open_parts.pop((record.head_num, record.site_num), None)
                if part is None:
                    raise source.error(
                        f"PRR for head {record.head_num} site {record.site_num} without a PIR",
                        raw.where,
                    )
                wafer = lookup.wafer_ids.get((record.head_num, wafers.get(record.head_num, 0)))
                yield part.finish(record, mir, lookup, wafer, str(self.values["serial_prefix"]))
        if open_parts:
            head, site = next(iter(open_parts))
            raise source.error(
                f"the data ends while the part on head {head} site {site} is open (no PRR)"
            )


def _add(part: PartSteps, record: Ptr | Mpr | Ftr, source: Source, where: str) -> None:
    try:
        part.add(record)
    except ValueError as exc:
        raise source.error(str(exc), where) from None


def _moment(seconds: int, zone: object) -> datetime:
    utc = datetime.fromtimestamp(seconds, timezone.utc)
    if zone is timezone.utc:
        return utc
    # The tester counted wall-clock seconds in `zone`: read them as that zone's local time.
    naive = utc.replace(tzinfo=None)
    return naive.astimezone() if zone is None else naive.replace(tzinfo=zone)  # type: ignore[arg-type]
