"""The converter plugin interface: `Converter`, the `Source` it reads and `ConversionError`."""

from __future__ import annotations

import abc
import hashlib
import io
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pywats_client._identity import Station
from pywats_client.converters._params import (
    COMMON_PARAMETERS,
    Parameter,
    ParamValue,
    SiteDefaults,
    validate_parameters,
)

if TYPE_CHECKING:
    from pywats.report import UURReport, UUTReport

__all__ = [
    "REPORT_ID_NAMESPACE",
    "ConversionError",
    "Converter",
    "Source",
    "read_companion",
    "report_id",
]

#: Namespace of the deterministic ids given to reports that carry none.
REPORT_ID_NAMESPACE = uuid.UUID("5b0f6a52-8f0e-5c36-9d4e-7a1f3c2b9e10")


def report_id(station: str, sha256: str, index: int) -> str:
    """The stable id of the `index`-th report made from a file with digest `sha256` at `station`.

    Converting the same file again at the same station yields the same ids, so a resend after a
    crash replaces the report on the server instead of duplicating it.
    """
    return str(uuid.uuid5(REPORT_ID_NAMESPACE, f"{station}\n{sha256}\n{index}"))


class ConversionError(Exception):
    """A source file cannot be converted.

    The message names the file, where in it the problem is (`line 12`, `element <Step Id="3">`,
    `record PTR #41`) and what was expected, in words a technician understands.
    """

    def __init__(self, message: str, *, path: Path | str | None = None, where: str | None = None):
        self.reason = message
        self.path = str(path) if path is not None else None
        self.where = where
        prefix = ": ".join(part for part in (self.path, where) if part)
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass(frozen=True)
class Source:
    """One input file as the converter sees it: its path, its bytes and the station converting it.

    The bytes are a snapshot taken when the file was found stable; converters read `data`,
    `stream()` or `text()` and never reopen `path`. For a converter that declares a companion
    folder (`Converter.companion`), `companions` is the snapshot of that folder's files by
    relative POSIX path, taken with `data` (None when the folder does not exist).
    """

    path: Path
    data: bytes
    station: Station
    companions: Mapping[str, bytes] | None = field(default=None, compare=False)

    @cached_property
    def sha256(self) -> str:
        """Hex SHA-256 of `data`."""
        return hashlib.sha256(self.data).hexdigest()

    def stream(self) -> io.BytesIO:
        """A fresh binary stream over `data`."""
        return io.BytesIO(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        """`data` decoded; a UTF-8 byte-order mark is dropped. Raises ConversionError when the
        bytes are not valid in `encoding`, naming the byte offset."""
        codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
        try:
            return self.data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ConversionError(
                f"not valid {encoding} text (set the converter's 'encoding' parameter)",
                path=self.path,
                where=f"byte {exc.start}",
            ) from None

    def report_id(self, index: int) -> str:
        """The deterministic id for the `index`-th report of this file (see `report_id`)."""
        return report_id(self.station.name, self.sha256, index)

    def error(self, message: str, where: str | None = None) -> ConversionError:
        """A ConversionError about this file."""
        return ConversionError(message, path=self.path, where=where)


def read_companion(folder: Path | None) -> dict[str, bytes] | None:
    """Every file under `folder` by POSIX path relative to it, sorted; None when `folder` is
    None or not a directory. Raises OSError when a file cannot be read."""
    if folder is None or not folder.is_dir():
        return None
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


class Converter(abc.ABC):
    """Turns one source file into reports.

    Subclasses set `name` (unique, used as `type` in the configuration), default file `patterns`
    and `parameters` (start from `COMMON_PARAMETERS`), and implement `convert`. They are built
    from a mapping of parameter values, validated on construction (ParameterError names the key),
    and must be importable by name because conversion runs in worker processes.

    `convert` returns every report in the file or raises ConversionError; it never returns half a
    result. A report whose file carries no id should get `source.report_id(index)`; the service
    assigns that id itself to any report left without one.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    patterns: ClassVar[tuple[str, ...]] = ()
    parameters: ClassVar[tuple[Parameter, ...]] = COMMON_PARAMETERS

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        self.values: dict[str, ParamValue] = validate_parameters(self.parameters, values)
        self.defaults = SiteDefaults.from_values(self.values)

    @classmethod
    def companion(cls, path: Path) -> Path | None:
        """The folder that belongs to the source file `path` and is read with it, if this
        format has one (Klippel: `x.txt` has `x/`). The station takes the file only when it and
        the folder are both stable, snapshots both, and moves or quarantines them together."""
        return None

    @abc.abstractmethod
    def convert(self, source: Source) -> Sequence[UUTReport | UURReport]:
        """Return the reports in `source`; raise ConversionError when it cannot be converted."""

    def text(self, source: Source) -> str:
        """The source decoded with the `encoding` parameter."""
        return source.text(self.defaults.encoding)

    def number(self, text: str, source: Source, where: str) -> float:
        """Parse a number honouring the `decimal_comma` parameter; ConversionError names `where`."""
        cleaned = text.strip()
        if self.defaults.decimal_comma:
            cleaned = cleaned.replace(",", ".")
        try:
            return float(cleaned)
        except ValueError:
            raise source.error(f"expected a number, got {text!r}", where) from None
