"""The first STDF pass: lot-level lookups that the part reports need but STDF writes late.

HBR/SBR (bin names and P/F), TSR (test names) and WRR come after the parts they describe, so
the converter reads them before building any report. PTR bodies are only peeked at, to learn
whether the file uses the limit-compare flags (PARM_FLG bits 6 and 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from pywats_client.converters._stdf_records import scan_records
from pywats_client.converters._stdf_types import Bin, Mir, Pmr, Sdr, Tsr, Wir, Wrr

__all__ = ["Lookup", "scan_lookups"]

_WANTED = frozenset({"MIR", "SDR", "WIR", "WRR", "HBR", "SBR", "PMR", "TSR"})
_PARM_FLG = 7  # byte offset of PARM_FLG in a PTR body
_LIMIT_COMPARE = 0xC0


@dataclass
class Lookup:
    """What the whole file says about its lot, wafers, bins, pins and tests."""

    mir: Mir | None = None
    sdr: list[Sdr] = field(default_factory=list)
    wafer_ids: dict[tuple[int, int], str] = field(default_factory=dict)
    """(head, n) → id of the n-th wafer (from 1) tested on that head; WRR overrides WIR."""
    bins: dict[tuple[bool, int, int, int], Bin] = field(default_factory=dict)
    pins: dict[int, str] = field(default_factory=dict)
    test_names: dict[int, str] = field(default_factory=dict)
    limit_flags_used: bool = False

    def bin(self, hard: bool, head: int, site: int, number: int) -> Bin | None:
        """The bin record for this head/site, else the all-sites summary (head 255)."""
        found = self.bins.get((hard, head, site, number))
        if found is None:
            found = next(
                (
                    b
                    for (h, hd, _, n), b in self.bins.items()
                    if h == hard and hd == 255 and n == number
                ),
                None,
            )
        return found

    def pin_name(self, index: int) -> str:
        return self.pins.get(index) or f"pin {index}"


def scan_lookups(stream: BinaryIO) -> Lookup:
    """Read the lookups from the whole stream; raises StdfError like `read_records`."""
    lookup = Lookup()
    wafers: dict[int, int] = {}
    for raw in scan_records(stream):
        if raw.name == "PTR":
            body = raw.body
            if len(body) > _PARM_FLG and body[_PARM_FLG] & _LIMIT_COMPARE:
                lookup.limit_flags_used = True
            continue
        if raw.name not in _WANTED:
            continue
        record = raw.decode()
        if isinstance(record, Mir):
            lookup.mir = lookup.mir or record
        elif isinstance(record, Sdr):
            lookup.sdr.append(record)
        elif isinstance(record, (Wir, Wrr)):
            if isinstance(record, Wir):
                wafers[record.head_num] = wafers.get(record.head_num, 0) + 1
            key = (record.head_num, wafers.get(record.head_num, 0))
            if record.wafer_id:
                lookup.wafer_ids[key] = record.wafer_id
        elif isinstance(record, Bin):
            lookup.bins[(record.hard, record.head_num, record.site_num, record.bin_num)] = record
        elif isinstance(record, Pmr):
            lookup.pins[record.pmr_indx] = record.log_nam or record.phy_nam or record.chan_nam or ""
        elif isinstance(record, Tsr):
            name = (record.test_nam or "").strip()
            if name:
                lookup.test_names.setdefault(record.test_num, name)
    return lookup
