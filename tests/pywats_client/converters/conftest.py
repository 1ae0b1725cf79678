"""Fixtures for the converter tests: golden WSJF files, a server round trip, an STDF encoder.

Goldens live in `golden/<converter>/<sample>.json`: the converter's reports as indented JSON of
exactly what `write_wsjf` produces. A test fails when the output differs. After a deliberate
change, regenerate with `PYWATS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/pywats_client/converters`
and review the diff (`git diff tests/pywats_client/converters/golden`) before committing.
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
import struct
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import Report, write_wsjf
from pywats_client._identity import Station
from pywats_client.converters import ConversionError, Source

GOLDEN = Path(__file__).parent / "golden"
STATION = Station("GOLDEN-STATION", location="Test lab", purpose="Golden tests")


class Goldens:
    """Sources as GOLDEN-STATION sees them, golden comparison and the server round trip."""

    station = STATION

    def __init__(self, without_server_fields: Callable[[Any], Any]) -> None:
        self.without_server_fields = without_server_fields

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

    async def round_trip(self, api: httpx.AsyncClient, report: Report) -> None:
        """Submit `report` to the local server; it must come back as the same document apart
        from the fields the server derives (so its steps are numbered as WATS numbers them)."""
        body = write_wsjf(report, validate=True)
        await _configure_process(api, report.process_code)
        submitted = await api.post("/api/Report/WSJF", content=body.encode())
        assert submitted.status_code == 200, submitted.text
        fetched = await api.get(f"/api/Report/Wsjf/{report.id}")
        assert fetched.status_code == 200, fetched.text
        exported = self.without_server_fields(fetched.json())
        assert exported == self.without_server_fields(json.loads(body))


async def _configure_process(api: httpx.AsyncClient, code: int) -> None:
    """Give the server the test operation `code` when it lacks it, as a site configures the
    operations its testers report (a converter test may use a site's code, e.g. XJTAG's 210,
    which a new server does not have and refuses)."""
    processes = (await api.get("/api/App/Processes")).json()
    if code in {p["code"] for p in processes}:
        return
    process = {"Code": code, "Name": f"Operation {code}", "IsTestOperation": True}
    answer = await api.put(
        "/api/internal/Process/PutProcess", json=process, headers={"Referer": "http://wats.test"}
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="session")
def goldens(without_server_fields: Callable[[Any], Any]) -> Goldens:
    return Goldens(without_server_fields)


# Values that break parsers: empty, special numbers, huge, wrong type, markup, control bytes.
_TOKENS = (
    *(b"", b"NaN", b"-1", b"1e999", b"99999999999999999999", b"abc", b"True", b"<", b"&amp;"),
    *(b"\x00", b"\xff\xfe", b"-Inf", b"2022-13-45T25:61:61", b"0x", b"IND"),
)
_XML_VALUE = re.compile(rb">([^<]{0,40})<|=\s*[\"']([^\"']{0,40})[\"']")


class Mutator:
    """Deterministic mutations of a file (same seed, same cases): byte flips, truncations,
    insertions, deletions and duplications, plus, for text, value swaps and line edits."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def bytes(self, data: bytes) -> bytes:
        r = self.random
        buffer = bytearray(data)
        operation = r.randrange(6)
        at = r.randrange(len(buffer) + 1)
        if operation == 0:
            for _ in range(r.randint(1, 4)):
                index = r.randrange(len(buffer))
                buffer[index] ^= 1 << r.randrange(8)
        elif operation == 1:
            del buffer[at:]
        elif operation == 2:
            buffer[at:at] = r.randbytes(r.randint(1, 16))
        elif operation == 3:
            del buffer[at : at + r.randint(1, 64)]
        elif operation == 4:
            size = r.randint(1, 256)
            buffer[at:at] = buffer[at : at + size]
        else:
            buffer[r.randrange(len(buffer))] = r.choice((0x00, 0xFF, 0x7F, 0x80))
        return bytes(buffer)

    def text(self, data: bytes, values: re.Pattern[bytes] = _XML_VALUE) -> bytes:
        """A mutation of a text file; `values` finds the values to swap (XML by default; the
        last non-empty group of a match is replaced)."""
        r = self.random
        choice = r.randrange(4)
        matches = list(values.finditer(data)) if choice == 1 else []
        if choice == 0 or (choice == 1 and not matches):
            return self.bytes(data)
        if choice == 1:
            match = r.choice(matches)
            group = max(i for i in range(len(match.groups()) + 1) if match.group(i) is not None)
            return data[: match.start(group)] + r.choice(_TOKENS) + data[match.end(group) :]
        lines = data.split(b"\n")
        index = r.randrange(len(lines))
        if choice == 2:
            del lines[index]
        else:
            lines.insert(r.randrange(len(lines)), lines[index])
        return b"\n".join(lines)


class Fuzz:
    """Runs a converter over mutated inputs: each must convert to reports that validate, or
    fail with a ConversionError naming the file and a place in it. Anything else fails."""

    def __init__(self, convert: Callable[[Source], Sequence[Report]], path: Path) -> None:
        self.convert = convert
        self.path = path

    def run(self, inputs: Iterable[bytes]) -> collections.Counter[str]:
        outcomes: collections.Counter[str] = collections.Counter()
        for case, data in enumerate(inputs):
            source = Goldens.source(self.path, data)
            error: ConversionError | None = None
            try:
                reports = self.convert(source)
            except ConversionError as exc:
                error = exc
            except Exception as exc:  # any other exception is the finding
                pytest.fail(f"case {case}: {type(exc).__name__}: {exc}")
            if error is not None:
                named = error.path == str(self.path) and bool(error.where)
                assert named, f"case {case}: {error} does not name the file and a place in it"
                outcomes["ConversionError"] += 1
                continue
            for report in reports:
                report.validate()
            outcomes["converted"] += 1
        return outcomes


@pytest.fixture
def fuzz() -> type[Fuzz]:
    return Fuzz


@pytest.fixture
def mutator() -> type[Mutator]:
    return Mutator


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
