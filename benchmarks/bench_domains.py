"""Domain calls a test station makes per unit: serial-number allocation and asset use counts.

For SQLite (a temporary file) and PostgreSQL (a throwaway database, as in `bench_server`),
`pywats-server serve` runs as a subprocess and `WATS` clients call it over loopback:

1. `production.take_serial_numbers(type, 1)`: 1,000 takes by one client in sequence, then 8
   clients in 8 threads taking 125 each at once (the allocation is one conditional UPDATE of
   the type's counter, so concurrent takers serialise on that row). Every number is checked to
   be distinct.
2. `assets.count_use(serial)` on a fixture with one sub-asset: 1,000 calls in sequence.

The reference is the same client calling `GET /api/App/Version` on the same server (HTTP,
authentication and routing, no database write).
"""

from __future__ import annotations

import threading
import time
import uuid

from benchmarks._server import postgres_database, prepare, serve, sqlite_database
from benchmarks._timing import print_table
from benchmarks.bench_server import _floor
from pywats import WATS, Asset, AssetType, SerialNumberType

CALLS = 1_000
CLIENTS = 8


def _take_sequential(base_url: str, token: str, type_name: str) -> tuple[float, list[str]]:
    with WATS(base_url=base_url, token=token) as client:
        started = time.perf_counter()
        taken = [client.production.take_serial_numbers(type_name)[0] for _ in range(CALLS)]
        return (time.perf_counter() - started) / CALLS, taken


def _take_concurrent(base_url: str, token: str, type_name: str) -> tuple[float, list[str]]:
    taken: list[list[str]] = [[] for _ in range(CLIENTS)]
    clients = [WATS(base_url=base_url, token=token) for _ in range(CLIENTS)]
    for client in clients:
        client.get_version()  # connect before the clock starts
    start = threading.Barrier(CLIENTS + 1)

    def station(index: int) -> None:
        start.wait()
        for _ in range(CALLS // CLIENTS):
            taken[index] += clients[index].production.take_serial_numbers(type_name)

    threads = [threading.Thread(target=station, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    return elapsed / CALLS, [serial for numbers in taken for serial in numbers]


def _count_uses(base_url: str, token: str) -> float:
    with WATS(base_url=base_url, token=token) as client:
        kind = client.assets.save_type(AssetType(type_name="Fixture", running_count_limit=10**6))
        client.assets.save(Asset(serial_number="FX-1", type_id=kind.type_id))
        client.assets.save(
            Asset(serial_number="PIN-1", type_id=kind.type_id, parent_serial_number="FX-1")
        )
        started = time.perf_counter()
        for _ in range(CALLS):
            client.assets.count_use("FX-1")
        elapsed = (time.perf_counter() - started) / CALLS
        assert client.assets.get("PIN-1").running_count == CALLS
        return elapsed


def _run(backend: str, url: str) -> list[tuple[str, float, str, float]]:
    token = prepare(url)
    with serve(url) as base_url:
        floor = _floor(base_url, token)
        with WATS(base_url=base_url, token=token) as admin:
            name = f"BENCH-{uuid.uuid4().hex[:6]}"
            admin.production.create_serial_number_type(
                SerialNumberType(name=name, format="B########", end=10**8 - 1)
            )
        sequential, first = _take_sequential(base_url, token, name)
        concurrent, second = _take_concurrent(base_url, token, name)
        every = first + second
        assert len(set(every)) == len(every) == 2 * CALLS, "duplicate serial numbers"
        uses = _count_uses(base_url, token)
    reference = "GET version"
    return [
        (f"{backend}: take 1 serial number, 1 client", sequential, reference, floor),
        (f"{backend}: take 1 serial number, {CLIENTS} clients", concurrent, reference, floor),
        (f"{backend}: count one asset use (+1 sub-asset)", uses, reference, floor),
    ]


def main() -> None:
    rows: list[tuple[str, float, str, float]] = []
    for backend, database in (("SQLite", sqlite_database), ("PostgreSQL", postgres_database)):
        with database() as url:
            if url is not None:
                rows += _run(backend, url)
    print_table("Seconds per call over loopback (8-client rows: wall time / calls)", rows)


if __name__ == "__main__":
    main()
