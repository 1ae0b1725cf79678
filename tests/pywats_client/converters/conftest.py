"""Fixtures for the converter tests: golden WSJF files, a server round trip, an STDF encoder.

Goldens live in `golden/<converter>/<sample>.json`: the converter's reports as indented JSON of
exactly what `write_wsjf` produces. A test fails when the output differs. After a deliberate
change, regenerate with `PYWATS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/pywats_client/converters`
and review the diff (`git diff tests/pywats_client/converters/golden`) before committing.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import httpx
import pytest

from pywats.report import Report, write_wsjf
from pywats_client._identity import Station
from pywats_client.converters import Source

GOLDEN = Path(__file__).parent / "golden"
STATION = Station("GOLDEN-STATION", location="Test lab", purpose="Golden tests")


class Goldens:
    """Sources as GOLDEN-STATION sees them, golden comparison and the server round trip."""

    station = STATION

    @staticmethod
    def source(path: Path, data: bytes | None = None) -> Source:
        """The Source a station named GOLDEN-STATION hands a converter for `path`."""
        return Source(path, path.read_bytes() if data is None else data, STATION)

    @staticmethod
    def text(reports: Sequence[Report]) -> str:
        """The reports' WSJF as indented JSON (number lexemes unchanged)."""
        reports = list(reports)
        return json.dumps(json.loads(write_wsjf(reports)), indent=1, ensure_ascii=False) + "\n"

    def check(self, name: str, reports: Sequence[Report]) -> None:
        """Compare with (or, under PYWATS_UPDATE_GOLDEN=1, rewrite) `golden/<name>.json`."""
        self.check_text(name, self.text(reports))

    def check_json(self, name: str, value: object) -> None:
        """As `check`, for a JSON summary of a converter's output."""
        self.check_text(name, json.dumps(value, indent=1, ensure_ascii=False) + "\n")

    def check_text(self, name: str, text: str) -> None:
        path = GOLDEN / f"{name}.json"
        if os.environ.get("PYWATS_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if not path.exists():
            pytest.fail(f"no golden file {path}; create it with PYWATS_UPDATE_GOLDEN=1, review it")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path.relative_to(GOLDEN.parent)}"

    @staticmethod
    async def round_trip(api: httpx.AsyncClient, report: Report) -> None:
        """Submit `report` to the local server; it must come back as the same document."""
        body = write_wsjf(report, validate=True)
        submitted = await api.post("/api/Report/WSJF", content=body.encode())
        assert submitted.status_code == 200, submitted.text
        fetched = await api.get(f"/api/Report/Wsjf/{report.id}")
        assert fetched.status_code == 200, fetched.text
        assert fetched.content.decode() == body


@pytest.fixture(scope="session")
def goldens() -> Goldens:
    return Goldens()


@pytest.fixture
async def wats_api(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client into the in-process local server."""
    headers = {"Authorization": f"Basic {server_token}"}
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test", headers=headers
    ) as client:
        yield client


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
