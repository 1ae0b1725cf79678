"""Serial-number files: the CSV and XML a type's numbers are imported from and exported as.

CSV: a header line naming the columns, then one number a line. `serialNumber` is required;
`state` (`taken` or `free`; empty or absent means taken), `referenceSerialNumber`,
`referencePartNumber`, `stationName`, `takenUtc` (ISO 8601, UTC) and `typeName` (the
serial-number type the line belongs to) are optional.
XML: `<SerialNumbers><SN id="PCB-0001"/>...</SerialNumbers>`, the shape WATS answers taken
numbers in, with the same optional fields as attributes of `SN` (`id` is the serial number);
`typeName` may also stand on the root element for every `SN`. Exports name their type.
A body starting with `<` is XML, anything else CSV. Errors name the line (`line 4`) or the
element (`SN #3`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from ._domain import Invalid, as_utc

__all__ = ["COLUMNS", "SerialRecord", "read_serial_numbers", "write_serial_numbers"]

COLUMNS = (
    "serialNumber",
    "state",
    "referenceSerialNumber",
    "referencePartNumber",
    "stationName",
    "takenUtc",
    "typeName",
)
_OPTIONAL = COLUMNS[2:]


@dataclass(frozen=True)
class SerialRecord:
    """One number of an import file; `where` places it in the file for error messages."""

    where: str
    serial_number: str
    taken: bool
    fields: Mapping[str, str]
    taken_utc: datetime | None


def _date(where: str, text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise Invalid(
            f"{where}: takenUtc: expected an ISO 8601 date and time, got {text!r}"
        ) from None


def _record(where: str, values: Mapping[str, str | None]) -> SerialRecord:
    serial = (values.get("serialNumber") or "").strip()
    if not serial:
        raise Invalid(f"{where}: serialNumber: expected a serial number, got nothing")
    state = (values.get("state") or "taken").strip().lower()
    if state not in ("taken", "free"):
        raise Invalid(f"{where}: state: expected 'taken' or 'free', got {values.get('state')!r}")
    fields = {name: value.strip() for name in _OPTIONAL if (value := values.get(name))}
    return SerialRecord(
        where, serial, state == "taken", fields, _date(where, fields.get("takenUtc"))
    )


def _read_csv(text: str) -> list[SerialRecord]:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    unknown = [name for name in header if name not in COLUMNS]
    if "serialNumber" not in header or unknown:
        raise Invalid(
            f"line 1: expected a header of the columns {', '.join(COLUMNS)} (serialNumber "
            f"required), got {', '.join(header) or 'nothing'}"
        )
    records = []
    for cells in reader:
        where = f"line {reader.line_num}"
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise Invalid(f"{where}: expected {len(header)} values, got {len(cells)}")
        records.append(_record(where, dict(zip(header, cells, strict=True))))
    return records


def _read_xml(body: bytes) -> list[SerialRecord]:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise Invalid(f"serial-number XML: not well-formed ({exc})") from None
    if root.tag != "SerialNumbers":
        raise Invalid(f"serial-number XML: expected a <SerialNumbers> root, got <{root.tag}>")
    records = []
    for index, element in enumerate(root, start=1):
        where = f"SN #{index}"
        if element.tag != "SN":
            raise Invalid(f"{where}: expected an <SN> element, got <{element.tag}>")
        unknown = sorted(set(element.attrib) - {"id", *COLUMNS[1:]})
        if unknown:
            raise Invalid(f"{where}: unknown attribute {unknown[0]!r}")
        values = {"typeName": root.get("typeName"), "serialNumber": element.get("id")}
        records.append(_record(where, {**values, **element.attrib}))
    return records


def read_serial_numbers(body: bytes) -> list[SerialRecord]:
    """The numbers of a CSV or XML import file, in file order; Invalid naming the line."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(f"serial-number file: expected UTF-8 text ({exc.reason})") from None
    if text.lstrip().startswith("<"):
        return _read_xml(text.encode("utf-8"))
    return _read_csv(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def write_serial_numbers(rows: Iterable[Mapping[str, Any]], format: str, type_name: str) -> bytes:
    """An export file (`csv` or `xml`) of a type's rows keyed by `COLUMNS`, naming the type;
    it imports back unchanged."""
    if format == "xml":
        root = ElementTree.Element("SerialNumbers", {"typeName": type_name})
        for row in rows:
            attributes = {"id": row["serialNumber"]}
            attributes.update({name: _text(row.get(name)) for name in COLUMNS[1:-1]})
            ElementTree.SubElement(root, "SN", {k: v for k, v in attributes.items() if v})
        return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = ({**row, "typeName": type_name} for row in rows)
    writer.writerows([_text(row.get(name)) for name in COLUMNS] for row in rows)
    return out.getvalue().encode("utf-8")
