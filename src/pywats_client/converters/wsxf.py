"""WATS Standard XML Format: a `<Reports>` document; every `<Report>` in it becomes a report."""

from __future__ import annotations

from collections.abc import Sequence

from pywats import ReportFormatError
from pywats.report import UURReport, UUTReport, read_wsxf_all
from pywats_client.converters._base import Converter, Source
from pywats_client.converters.wsjf import apply_defaults

__all__ = ["WSXFConverter"]


class WSXFConverter(Converter):
    """WSXF as WATS exports it; ids (upper case in XML) become the lower-case JSON form."""

    name = "wsxf"
    description = "WATS Standard XML Format (every <Report> in the file)"
    patterns = ("*.xml", "*.wsxf")

    def convert(self, source: Source) -> Sequence[UUTReport | UURReport]:
        try:
            # The XML declaration names the encoding, so the parser gets the bytes.
            reports = read_wsxf_all(source.data)
        except ReportFormatError as exc:
            raise source.error(f"not a WSXF document: {exc}") from None
        for report in reports:
            if report.raw.get("id"):
                report.raw["id"] = str(report.raw["id"]).lower()
            apply_defaults(self, report)
        return reports
