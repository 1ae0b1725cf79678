"""Per-call cost of the SDK on loopback: pyWATS vs bare httpx vs pywats-api.

1. `get_version()`, wall time. A minimal keep-alive HTTP server runs in its own process (so it
   does not share the GIL with the client) and answers every request with the JSON string
   "2025.3.9.824". Each client makes the same GET /api/App/Version with the same Authorization
   header and decodes the JSON body.
2. `AsyncWATS.reports.submit_wsjf()` of a small (~1.2 kB) report, the station's upload call:
   the client process's CPU time per call (`time.process_time`) against a real
   `pywats-server serve` subprocess (SQLite), next to a bare `httpx.AsyncClient` POST of the same
   documents. `SUBMITS` (2,000) calls per candidate, each report with its own id.

Rounds interleave the candidates so machine noise hits them alike; the figure is the median per
call.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx

from benchmarks._reference import run_reference
from benchmarks._server import prepare, serve, sqlite_database
from benchmarks._timing import print_table
from pywats import WATS, AsyncWATS
from pywats.report import UUTReport, write_wsjf

TOKEN = "YXBpOnNlY3JldA=="
CALLS_PER_ROUND = 200
ROUNDS = 7
SUBMITS = int(os.environ.get("SUBMITS", "2000"))

SERVER = r"""
import asyncio, sys

BODY = b'"2025.3.9.824"'
REPLY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)

async def handle(reader, writer):
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(REPLY)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"""

REFERENCE = r"""
import json, statistics, sys, time
from pywats import pyWATS
from pywats.core.throttle import configure_throttling

url, token, calls, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
# Its client-side limit (500 requests/minute) and GET cache would stop it making the calls.
configure_throttling(enabled=False)
api = pyWATS(base_url=url, token=token, enable_cache=False)
assert api.get_version() == "2025.3.9.824", api.get_version()
samples = []
for _ in range(rounds):
    start = time.perf_counter()
    for _ in range(calls):
        api.get_version()
    samples.append((time.perf_counter() - start) / calls)
api.close()
print(json.dumps({"median": statistics.median(samples), "best": min(samples)}))
"""


def _sync_batch(call: Callable[[], object]) -> Callable[[], float]:
    def batch() -> float:
        start = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            call()
        return (time.perf_counter() - start) / CALLS_PER_ROUND

    return batch


def _async_batch(
    loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[object]]
) -> Callable[[], float]:
    async def calls() -> float:
        start = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            await call()
        return (time.perf_counter() - start) / CALLS_PER_ROUND

    return lambda: loop.run_until_complete(calls())


def _interleaved(candidates: dict[str, Callable[[], float]]) -> dict[str, float]:
    for batch in candidates.values():  # warm up connections, caches and adapters
        batch()
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(ROUNDS):
        for name, batch in candidates.items():
            samples[name].append(batch())
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        headers = {"Authorization": f"Basic {TOKEN}", "Accept": "application/json"}
        loop = asyncio.new_event_loop()
        bare = httpx.Client(base_url=url, headers=headers)
        abare = httpx.AsyncClient(base_url=url, headers=headers)
        ours = WATS(base_url=url, token=TOKEN)
        aours = AsyncWATS(base_url=url, token=TOKEN)
        assert ours.get_version() == bare.get("/api/App/Version").json() == "2025.3.9.824"
        try:
            times = _interleaved(
                {
                    "bare": _sync_batch(lambda: bare.get("/api/App/Version").json()),
                    "ours": _sync_batch(ours.get_version),
                    "abare": _async_batch(loop, lambda: _aget(abare)),
                    "aours": _async_batch(loop, aours.get_version),
                }
            )
        finally:
            bare.close()
            ours.close()
            loop.run_until_complete(abare.aclose())
            loop.run_until_complete(aours.aclose())
            loop.close()
        reference = run_reference(REFERENCE, url, TOKEN, str(CALLS_PER_ROUND), str(ROUNDS))
    finally:
        server.terminate()
        server.wait()

    print_table(
        f"get_version() per call, loopback, {ROUNDS} rounds x {CALLS_PER_ROUND} calls (median)",
        [
            ("WATS.get_version()", times["ours"], "httpx.Client", times["bare"]),
            ("AsyncWATS.get_version()", times["aours"], "httpx.AsyncClient", times["abare"]),
            ("WATS.get_version()", times["ours"], "pywats-api", reference["median"]),
        ],
    )
    submit = _submit_cpu()
    print_table(
        f"submit_wsjf() client CPU per call, pywats-server over loopback, {SUBMITS} calls each "
        f"in {ROUNDS} rounds (median)",
        [("AsyncWATS.reports.submit_wsjf()", submit["ours"], "httpx.AsyncClient", submit["bare"])],
    )


def _documents(count: int) -> list[bytes]:
    """`count` small WSJF reports, each with its own id (the server replaces by id)."""
    report = UUTReport.new(
        part_number="BENCH-1", serial_number="B-000001", revision="A", process_code=10,
        station_name="BENCH", location="lab", purpose="bench", operator="operator",
    )  # fmt: skip
    report.root.add_numeric("Voltage", 3.3, low=3.0, high=3.6, unit="V")
    report.root.add_pass_fail("Boot", True)
    template = write_wsjf(report).encode()
    old = str(report.id).encode()
    return [template.replace(old, str(uuid.uuid4()).encode()) for _ in range(count)]


def _submit_cpu() -> dict[str, float]:
    """Client CPU seconds per submit: pyWATS and bare httpx, interleaved, against one server."""
    with sqlite_database() as database:
        token = prepare(database)
        with serve(database) as url:
            return _interleaved_submits(url, token)


def _interleaved_submits(url: str, token: str) -> dict[str, float]:
    loop = asyncio.new_event_loop()
    ours = AsyncWATS(base_url=url, token=token)
    bare = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Basic {token}"})
    per_round = max(1, SUBMITS // ROUNDS)
    documents = iter(_documents(2 * (per_round * ROUNDS + per_round)))

    async def ours_batch() -> float:
        start = time.process_time()
        for _ in range(per_round):
            await ours.reports.submit_wsjf(next(documents))
        return (time.process_time() - start) / per_round

    async def bare_batch() -> float:
        start = time.process_time()
        for _ in range(per_round):
            response = await bare.post(
                "/api/Report/WSJF",
                content=next(documents),
                headers={"Content-Type": "application/json"},
            )
            response.raise_for_status()
            response.json()
        return (time.process_time() - start) / per_round

    try:
        return _interleaved(
            {
                "ours": lambda: loop.run_until_complete(ours_batch()),
                "bare": lambda: loop.run_until_complete(bare_batch()),
            }
        )
    finally:
        loop.run_until_complete(ours.aclose())
        loop.run_until_complete(bare.aclose())
        loop.close()


async def _aget(client: httpx.AsyncClient) -> object:
    return (await client.get("/api/App/Version")).json()


if __name__ == "__main__":
    main()
