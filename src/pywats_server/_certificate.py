"""A report's certificate: a one-page PDF stating the unit, the operation and its result.

WATS renders certificates from site templates; the spec only says "document bytes, likely
PDF". This one lists the header fields a certificate of test carries, in plain PDF 1.4 text
(Helvetica, WinAnsi), so any PDF reader opens it without fonts embedded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["certificate_pdf"]

_FIELDS = (
    ("Report", "uuid"),
    ("Serial number", "serialNumber"),
    ("Part number", "partNumber"),
    ("Revision", "revision"),
    ("Batch", "batchNumber"),
    ("Operation", "processName"),
    ("Process code", "processCode"),
    ("Result", "result"),
    ("Start (UTC)", "startUtc"),
    ("Station", "stationName"),
    ("Location", "location"),
    ("Operator", "operator"),
    ("Test program", "swFilename"),
    ("Program version", "swVersion"),
)


def _text(value: object) -> str:
    """A PDF string literal body: WinAnsi bytes, with `\\`, `(` and `)` escaped."""
    raw = str(value).encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page(header: Mapping[str, Any]) -> bytes:
    lines = ["BT", "/F1 18 Tf", "72 760 Td", f"({_text('Certificate of test')}) Tj", "/F1 11 Tf"]
    for label, key in _FIELDS:
        value = header.get(key)
        if value is not None and value != "":
            lines += ["0 -22 Td", f"({_text(label)}: {_text(value)}) Tj"]
    lines.append("ET")
    return "\n".join(lines).encode("latin-1")


def certificate_pdf(header: Mapping[str, Any]) -> bytes:
    """The certificate of the report whose ReportHeader (camelCase keys) is `header`."""
    content = _page(header)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
