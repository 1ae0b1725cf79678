"""Fixtures for the converter tests: an STDF V4 record encoder for synthetic files."""

from __future__ import annotations

import struct
from collections.abc import Sequence

import pytest

Field = tuple[str, object]

_FIXED = {"U1": "B", "U2": "H", "U4": "I", "I1": "b", "I2": "h", "I4": "i", "R4": "f", "R8": "d"}
_GENERIC = {"U1": 1, "U2": 2, "U4": 3, "I1": 4, "I2": 5, "I4": 6, "R4": 7, "R8": 8, "Cn": 10}


class StdfWriter:
    """Encodes STDF records field by field in one byte order (`>` big, `<` little endian).

    Field codes: U1 U2 U4 I1 I2 I4 R4 R8 (numbers), C1 (one character), Cn (string), Bn (bytes),
    Dn ((bit count, bytes)), xU1/xU2/xR4 (lists), xN1 (list of nibbles), Vn (list of GDR
    (code, value) pairs). A record may stop after any field: later fields are simply left out.
    """

    def __init__(self, order: str = ">") -> None:
        self.order = order

    def far(self) -> bytes:
        return self.record(0, 10, [("U1", 1 if self.order == ">" else 2), ("U1", 4)])

    def record(self, typ: int, sub: int, fields: Sequence[Field]) -> bytes:
        body = b"".join(self._field(code, value) for code, value in fields)
        return struct.pack(f"{self.order}HBB", len(body), typ, sub) + body

    def _field(self, code: str, value: object) -> bytes:
        if code in _FIXED:
            return struct.pack(self.order + _FIXED[code], value)
        if code == "C1":
            return str(value).encode("latin-1")
        if code == "Cn":
            text = str(value).encode("latin-1")
            return bytes([len(text)]) + text
        if code == "Bn":
            assert isinstance(value, bytes)
            return bytes([len(value)]) + value
        if code == "Dn":
            bits, data = value  # type: ignore[misc]
            return struct.pack(self.order + "H", bits) + data
        if code == "xN1":
            nibbles = list(value)  # type: ignore[call-overload]
            packed = bytearray((len(nibbles) + 1) // 2)
            for i, nibble in enumerate(nibbles):
                packed[i // 2] |= (nibble & 0x0F) << (4 * (i % 2))
            return bytes(packed)
        if code.startswith("x"):
            items = list(value)  # type: ignore[call-overload]
            return struct.pack(f"{self.order}{len(items)}{_FIXED[code[1:]]}", *items)
        if code == "Vn":
            out = b""
            for kind, item in value:  # type: ignore[attr-defined]
                out += bytes([_GENERIC[kind]]) + self._field(kind, item)
            return out
        raise ValueError(f"unknown field code {code}")


@pytest.fixture(params=[">", "<"], ids=["big-endian", "little-endian"])
def stdf(request: pytest.FixtureRequest) -> StdfWriter:
    """An STDF encoder, once per byte order."""
    return StdfWriter(request.param)
