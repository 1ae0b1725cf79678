"""Reading members of a ZIP source file (XJTAG `.xjlog`) without trusting its sizes.

Members are looked up by exact name and read into memory, never extracted, so member paths
cannot escape anywhere. Each read stops at a size bound whatever the header claims, which
defeats zip bombs; a damaged archive or member is a ConversionError naming the member.
"""

from __future__ import annotations

import zipfile
import zlib

from pywats_client.converters._base import ConversionError, Source
from pywats_client.converters._xml import XmlDocument, load_xml

__all__ = ["MEMBER_LIMIT", "ZipSource"]

#: Largest member read, in bytes (XJTAG runs are tens of kB; a log of thousands of functions
#: stays far below this).
MEMBER_LIMIT = 64 * 1024 * 1024


class ZipSource:
    """A ZIP archive held by `source`; `read` and `xml` name the member in their errors."""

    def __init__(self, source: Source, limit: int = MEMBER_LIMIT) -> None:
        self.source = source
        self.limit = limit
        try:
            self.archive = zipfile.ZipFile(source.stream())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
                EOFError, OSError) as exc:  # fmt: skip
            raise source.error(f"not a readable ZIP archive ({exc})", "byte 0") from None
        self.names = set(self.archive.namelist())

    def read(self, name: str) -> bytes:
        """The bytes of member `name`; ConversionError when missing, damaged or too large."""
        if name not in self.names:
            raise self.source.error("the archive has no such member", f"member {name!r}")
        try:
            with self.archive.open(name) as member:
                data = member.read(self.limit + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError,
                OSError, zlib.error) as exc:  # fmt: skip
            raise self.source.error(f"damaged member ({exc})", f"member {name!r}") from None
        if len(data) > self.limit:
            raise self.source.error(
                f"member is larger than {self.limit} bytes unpacked (a zip bomb?)",
                f"member {name!r}",
            )
        return data

    def xml(self, name: str) -> XmlDocument:
        """Member `name` parsed as XML (safely, see `load_xml`); errors name the member."""
        member = Source(self.source.path, self.read(name), self.source.station)
        try:
            return load_xml(member)
        except ConversionError as exc:
            raise self.source.error(exc.reason, f"member {name!r}, {exc.where}") from None
