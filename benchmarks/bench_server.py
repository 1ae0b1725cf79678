"""Local server: report ingest over loopback and header-query latency over 100,000 reports.

For SQLite (a file in a temporary folder) and PostgreSQL (a throwaway database, see
`benchmarks/_server.py`; skipped when none answers) in turn:

1. Ingest: `pywats-server serve` runs as a subprocess; 1,000 new reports of 101 steps (90
   numeric measurements) are submitted through `WATS.reports.submit`, first by one client in
   sequence, then by 8 clients in 8 threads (another 1,000 new ids). The floor is the same
   client calling `GET /api/App/Version` on the same server (HTTP, authentication and routing,
   no report work); a second reference is `ReportStore.save` in-process
   for reports of the same shape (validation, row extraction and the transaction, no HTTP).
   The clients share the machine's cores with the server, so for the 8-client pass the CPU time
   of both sides is printed per report: the server processes' and this process's (the clients).
   The 8-client pass runs once per `serve --workers` count in `SERVER_WORKERS` (default 1,2),
   each on a new server over the same database, with each process's share of the server's CPU.
2. Queries: 100,000 reports (11 steps each, 50 part numbers, 3 processes, one year of start
   times) are bulk-loaded with `ReportStore.save_many` before the server starts; each header
   query then runs 200 times through `WATS.reports.query_headers`, p50/p95 reported.

For iterating, the environment narrows a run: `INGEST_REPORTS=200` (reports per ingest pass),
`QUERIES=0` (skip the 100,000-report query part), `BACKENDS=sqlite` (or `postgresql`) and
`SERVER_WORKERS=1`.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from benchmarks._server import (
    postgres_database,
    prepare,
    serve,
    server_process,
    sqlite_database,
)
from benchmarks._timing import own_cpu_seconds, print_table, process_tree, tree_cpu_seconds
from pywats import WATS, UUTReport, write_wsjf
from pywats_server._formats import parse_submission
from pywats_server.storage import Database, ReportStore, Submission

INGEST_REPORTS = int(os.environ.get("INGEST_REPORTS", "1000"))
QUERIES = os.environ.get("QUERIES", "1") != "0"
BACKENDS = os.environ.get("BACKENDS", "sqlite,postgresql").split(",")
SERVER_WORKERS = [int(n) for n in os.environ.get("SERVER_WORKERS", "1,2").split(",")]
CLIENTS = 8
STORED_REPORTS = 100_000
QUERY_RUNS = 200
PART_NUMBERS = [f"PCBA-{n:03d}" for n in range(50)]
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _report(serial: str, part_number: str, start: datetime, sequences: int) -> UUTReport:
    """A passing UUT report: root + `sequences` sequences of 9 numeric steps each."""
    report = UUTReport.new(
        operator="operator",
        part_number=part_number,
        serial_number=serial,
        revision="A",
        process_code=random.choice((10, 50, 100)),
        station_name=f"FCT-{random.randrange(20)}",
        location="Line 1",
        purpose="Production",
        start=start,
    )
    for group in range(sequences):
        sequence = report.root.add_sequence(f"Block {group}")
        for step in range(9):
            value = 3.3 + random.uniform(-0.05, 0.05)
            sequence.add_numeric(f"Rail {step}", value, low=3.2, high=3.4, unit="V")
    return report


def _ingest_reports(tag: str) -> list[UUTReport]:
    start = datetime.now(timezone.utc)
    return [
        _report(f"{tag}-{i:05d}", random.choice(PART_NUMBERS), start, sequences=10)
        for i in range(INGEST_REPORTS)
    ]


# --- ingest ----------------------------------------------------------------------------------


def _sequential(base_url: str, token: str, reports: Sequence[UUTReport]) -> float:
    with WATS(base_url=base_url, token=token, timeout=120) as client:
        started = time.perf_counter()
        for report in reports:
            client.reports.submit(report)
        return time.perf_counter() - started


def _concurrent(
    base_url: str, token: str, reports: Sequence[UUTReport], server_pid: int
) -> tuple[float, float, float, list[float]]:
    """Seconds for CLIENTS threads to submit `reports`; the CPU seconds the server's processes
    and this one (the clients) used meanwhile; and each server process's share of that CPU."""
    shares = [reports[i::CLIENTS] for i in range(CLIENTS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(CLIENTS + 1)

    def work(share: Sequence[UUTReport]) -> None:
        with WATS(base_url=base_url, token=token, timeout=120) as client:
            client.get_version()  # connect before the clock starts
            barrier.wait()
            try:
                for report in share:
                    client.reports.submit(report)
            except BaseException as exc:  # reported below; the run is then invalid
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    barrier.wait()
    processes = process_tree(server_pid)
    started = time.perf_counter()
    server_cpu, client_cpu = tree_cpu_seconds(server_pid), time.process_time()
    each = [own_cpu_seconds(pid) for pid in processes]
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    server_cpu = tree_cpu_seconds(server_pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    each = [own_cpu_seconds(pid) - before for pid, before in zip(processes, each, strict=True)]
    if errors:
        raise errors[0]
    return elapsed, server_cpu, client_cpu, [cpu / server_cpu for cpu in each if cpu > 0.01]


def _floor(base_url: str, token: str) -> float:
    """Seconds per `GET /api/App/Version` through the same client and server."""
    with WATS(base_url=base_url, token=token) as client:
        client.get_version()
        started = time.perf_counter()
        for _ in range(INGEST_REPORTS):
            client.get_version()
        return (time.perf_counter() - started) / INGEST_REPORTS


def _in_process(url: str, reports: Sequence[UUTReport]) -> tuple[float, float, float]:
    """Seconds per report for validation + extraction + `ReportStore.save`, without HTTP:
    wall time, and the CPU time of this process (which the machine's other jobs do not
    inflate as much) spent parsing (`parse_submission`) and saving (`ReportStore.save`)."""
    database = Database(url)
    store = ReportStore(database)
    bodies = [write_wsjf(report).encode() for report in reports]
    parse_cpu = save_cpu = 0.0
    started = time.perf_counter()
    for body in bodies:
        before = time.process_time()
        submission = parse_submission(body, "wsjf", "BENCHMARK")
        parsed = time.process_time()
        store.save(submission)
        parse_cpu += parsed - before
        save_cpu += time.process_time() - parsed
    elapsed = time.perf_counter() - started
    database.dispose()
    return elapsed / len(bodies), parse_cpu / len(bodies), save_cpu / len(bodies)


def _ingest(backend: str, url: str) -> list[tuple[str, float, str, float]]:
    token = prepare(url)
    version = "GET /api/App/Version"
    with server_process(url) as (base_url, _):
        floor = _floor(base_url, token)
        sequential = _sequential(base_url, token, _ingest_reports("SEQ")) / INGEST_REPORTS
    rows = [(f"{backend}: submit, 1 client (per report)", sequential, version, floor)]
    print(f"{backend}: sequential {1 / sequential:.0f} reports/s, GET version {1 / floor:.0f}/s")
    for workers in SERVER_WORKERS:
        with server_process(url, workers) as (base_url, pid):
            reports = _ingest_reports(f"PAR{workers}")
            elapsed, server_cpu, client_cpu, split = _concurrent(base_url, token, reports, pid)
        concurrent = elapsed / INGEST_REPORTS
        shares = " / ".join(f"{share:.0%}" for share in split)
        print(
            f"{backend}, serve --workers {workers}: {CLIENTS} clients {1 / concurrent:.0f} "
            f"reports/s (CPU a report: server {server_cpu / INGEST_REPORTS * 1e3:.2f} ms "
            f"[by process: {shares}], clients {client_cpu / INGEST_REPORTS * 1e3:.2f} ms; "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        name = f"{backend}: submit, {CLIENTS} clients, --workers {workers} (per report)"
        rows.append((name, concurrent, version, floor))
    in_process, parse_cpu, save_cpu = _in_process(url, _ingest_reports("INP"))
    print(
        f"{backend}: in-process save {1 / in_process:.0f} reports/s "
        f"({(parse_cpu + save_cpu) * 1e3:.2f} ms CPU a report: parse {parse_cpu * 1e3:.2f}, "
        f"save {save_cpu * 1e3:.2f}; target 2.5)"
    )
    rows.append(
        (f"{backend}: submit, 1 client (per report)", sequential, "in-process save", in_process)
    )
    return rows


# --- header queries --------------------------------------------------------------------------


def _bulk_load(url: str) -> float:
    """Store STORED_REPORTS small reports through `ReportStore.save_many`; returns seconds."""
    database = Database(url)
    store = ReportStore(database)
    template = _report("TEMPLATE", PART_NUMBERS[0], EPOCH, sequences=1)
    document = json.loads(write_wsjf(template))
    started = time.perf_counter()
    batch: list[Submission] = []
    for index in range(STORED_REPORTS):
        start = EPOCH + timedelta(seconds=random.randrange(365 * 86400))
        document.update(
            id=str(uuid.uuid4()),
            sn=f"SN{index:07d}",
            pn=PART_NUMBERS[index % len(PART_NUMBERS)],
            processCode=(10, 50, 100)[index % 3],
            start=start.isoformat(timespec="milliseconds"),
            result="F" if index % 17 == 0 else "P",
        )
        batch.append(parse_submission(json.dumps(document).encode(), "wsjf", "BENCHMARK"))
        if len(batch) == 2_000:
            store.save_many(batch)
            batch = []
    if batch:
        store.save_many(batch)
    elapsed = time.perf_counter() - started
    assert store.count() == STORED_REPORTS
    database.dispose()
    return elapsed


def _latencies(run: Callable[[int], object]) -> tuple[float, float]:
    run(0)  # warm the connection and the query path
    samples = []
    for index in range(QUERY_RUNS):
        started = time.perf_counter()
        run(index)
        samples.append(time.perf_counter() - started)
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[94]


def _queries(backend: str, url: str) -> list[tuple[str, float, float]]:
    token = prepare(url)
    load = _bulk_load(url)
    print(f"{backend}: bulk load of {STORED_REPORTS} reports: {load:.0f} s")
    picks = random.Random(7)
    rows = []
    with serve(url) as base_url, WATS(base_url=base_url, token=token, timeout=120) as client:
        query = client.reports.query_headers

        def by_serial(_: int) -> object:
            found = query(f"serialNumber eq 'SN{picks.randrange(STORED_REPORTS):07d}'")
            assert len(found) == 1
            return found

        def by_part_and_week(_: int) -> object:
            since = EPOCH + timedelta(days=picks.randrange(358))
            until = since + timedelta(days=7)
            return query(
                f"partNumber eq '{picks.choice(PART_NUMBERS)}' and "
                f"start ge {since:%Y-%m-%dT%H:%M:%SZ} and start lt {until:%Y-%m-%dT%H:%M:%SZ}"
            )

        def latest_of_part(_: int) -> object:
            found = query(
                f"partNumber eq '{picks.choice(PART_NUMBERS)}'", orderby="start desc", top=100
            )
            assert len(found) == 100
            return found

        def latest(_: int) -> object:
            return query(None, orderby="start desc", top=100)

        for name, run in (
            ("serialNumber eq", by_serial),
            ("partNumber eq + 7-day start range", by_part_and_week),
            ("partNumber eq, $orderby start desc, $top 100", latest_of_part),
            ("no filter, $orderby start desc, $top 100", latest),
        ):
            p50, p95 = _latencies(run)
            rows.append((f"{backend}: {name}", p50, p95))
        floor = _latencies(lambda _: client.get_version())
        rows.append((f"{backend}: GET /api/App/Version (floor)", *floor))
    return rows


def main() -> None:
    random.seed(2026)
    ingest: list[tuple[str, float, str, float]] = []
    latency: list[tuple[str, float, float]] = []
    for backend, database in (("SQLite", sqlite_database), ("PostgreSQL", postgres_database)):
        if backend.lower() not in BACKENDS:
            continue
        with database() as url:
            if url is None:
                continue
            ingest += _ingest(backend, url)
        if QUERIES:
            with database() as url:
                if url is not None:
                    latency += _queries(backend, url)
    print_table("Ingest: seconds per report over loopback", ingest)
    if not latency:
        return
    print(f"\n## Header queries over {STORED_REPORTS:,} reports ({QUERY_RUNS} runs each)")
    print(f"{'query':60} {'p50':>10} {'p95':>10}")
    for name, p50, p95 in latency:
        print(f"{name:60} {p50 * 1e3:>7.2f} ms {p95 * 1e3:>7.2f} ms")
