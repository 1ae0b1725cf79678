"""WATS Standard JSON Format: a file holding one report object or a JSON array of them."""

from __future__ import annotations

from collections.abc import Sequence

from pywats import ReportFormatError
from pywats.report import UURReport, UUTReport, read_wsjf_all
from pywats_client.converters._base import Converter, Source

__all__ = ["WSJFConverter", "apply_defaults"]


def apply_defaults(converter: Converter, report: UUTReport | UURReport) -> None:
    """Fill what the document leaves empty from the converter's site parameters."""
    defaults = converter.defaults
    raw = report.raw
    for key, value in (
        ("pn", defaults.part_number),
        ("rev", defaults.revision),
        ("processCode", defaults.operation_code),
    ):
        if raw.get(key) in (None, "") and value is not None:
            raw[key] = value
    header = raw.get("uut" if isinstance(report, UUTReport) else "uur")
    if defaults.operator and isinstance(header, dict) and not header.get("user"):
        header["user"] = defaults.operator


class WSJFConverter(Converter):
    """WSJF documents as WATS exports and the SDK writes them; ids and content kept as they are."""

    name = "wsjf"
    description = "WATS Standard JSON Format (one report or an array of reports)"
    patterns = ("*.json", "*.wsjf")

    def convert(self, source: Source) -> Sequence[UUTReport | UURReport]:
        try:
            reports = read_wsjf_all(self.text(source))
        except ReportFormatError as exc:
            raise source.error(f"not a WSJF report: {exc}") from None
        for report in reports:
            apply_defaults(self, report)
        return reports
