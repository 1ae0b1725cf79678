"""Station service: end-to-end throughput, backlog drain, idle cost.

    python -m benchmarks station

1. Throughput: 1,000 small WSJF files dropped into a watch folder of a running `pywats-client`
   until all are delivered to a local `pywats-server` (loopback, SQLite), with every item
   fsynced. The floor is this disk's raw rate of the outbox's durable-write pattern (write,
   fsync, rename, directory fsync) measured in the same run, in the same folder.
2. Backlog drain: 10,000 reports already in the outbox, delivered after a start.
3. Idle: resident memory (service plus its conversion workers) and CPU over 10 s of nothing.
4. Outage: CPU over 30 s while every upload is refused (a closed port), with the retry cap set
   to 0.5 s so the uploader tries as often as a configuration allows.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks._server import prepare, serve
from pywats.report import UUTReport, write_wsjf
from pywats_client._control_client import ControlClient
from pywats_client._outbox import Entry, Outbox
from pywats_client._store import Store

FILES = 1_000
BACKLOG = 10_000
IDLE_SECONDS = 10.0
OUTAGE_SECONDS = 30.0
OUTAGE_REPORTS = 6
PAYLOAD = b"x" * 1500  # the size of a small WSJF result file


def _report(n: int) -> bytes:
    report = UUTReport.new(
        part_number="BENCH-1", serial_number=f"B-{n:06}", revision="A", process_code=10,
        station_name="BENCH", location="lab", purpose="bench", operator="operator",
    )  # fmt: skip
    report.root.add_numeric("Voltage", 3.3, low=3.0, high=3.6, unit="V")
    report.root.add_pass_fail("Boot", True)
    return write_wsjf(report).encode()


def _wait(check: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {within} s")
        time.sleep(0.05)


def _config(home: Path, url: str, token: str, extra: str = "") -> Path:
    (home / "token").write_text(token)
    (home / "in").mkdir()  # as `pywats-client init` does: the service never makes watch folders
    config = home / "client.toml"
    config.write_text(
        f'schema_version = 1\n[server]\nurl = "{url}"\ntoken_file = "token"\n'
        '[station]\nname = "BENCH"\n[paths]\ndata = "data"\n[control]\nport = 0\n'
        "[intake]\nstable_seconds = 0.2\nworkers = 2\n[logging]\nconsole = false\n"
        'level = "WARNING"\n[[converters]]\ntype = "wsjf"\nwatch = "in"\nafter = "delete"\n' + extra
    )
    return config


def _station(config: Path) -> tuple[subprocess.Popen[bytes], ControlClient]:
    data = config.parent / "data"
    (data / "control.json").unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_client", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wait(lambda: (data / "control.json").exists(), 60, "station start")
    client = ControlClient.for_data_folder(data)
    _wait(lambda: client.status().ready, 60, "station ready")
    return process, client


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(60)


def raw_fsync_rate(folder: Path, count: int = 300) -> float:
    """Durable small-file writes per second: write + fsync + rename + directory fsync."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        started = time.perf_counter()
        for n in range(count):
            temporary = folder / f".tmp-{n}"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                os.write(fd, PAYLOAD)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, folder / f"item-{n}.json")
            os.fsync(directory)
        return count / (time.perf_counter() - started)
    finally:
        os.close(directory)


def _pids(root: int) -> list[int]:
    """`root` and its descendants. Each thread lists the children it started, and the service
    starts its conversion workers from worker threads, so every thread is asked."""
    found = [root]
    for children in Path(f"/proc/{root}/task").glob("*/children"):
        for child in children.read_text().split():
            found.extend(_pids(int(child)))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def _role(pid: int, root: int) -> str:
    """What a process of the service is: the service itself, a conversion worker or
    multiprocessing's resource tracker."""
    if pid == root:
        return "service process"
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    return "resource tracker" if b"resource_tracker" in command else "conversion worker (each)"


def _rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _closed_port() -> int:
    """A loopback port nobody listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def outage_cpu(home: Path, token: str) -> float:
    """Share of one core the service uses while every upload is refused."""
    home.mkdir()
    url = f"http://127.0.0.1:{_closed_port()}"
    config = _config(
        home, url, token, "[outbox]\nretry_base_seconds = 0.05\nretry_max_seconds = 0.5\n"
    )
    station, control = _station(config)
    try:
        for n in range(OUTAGE_REPORTS):
            (home / "in" / f".{n}.json").write_bytes(_report(FILES + BACKLOG + n))
            (home / "in" / f".{n}.json").rename(home / "in" / f"{n}.json")
        _wait(lambda: control.status().outbox.pending == OUTAGE_REPORTS, 60, "acceptance")
        pids = _pids(station.pid)
        cpu_before, started = _cpu_seconds(pids), time.perf_counter()
        time.sleep(OUTAGE_SECONDS)
        return (_cpu_seconds(pids) - cpu_before) / (time.perf_counter() - started)
    finally:
        control.close()
        _stop(station)


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-station-"))
    db = f"sqlite:///{home / 'wats.db'}"
    try:
        token = prepare(db)
        with serve(db) as url:
            (home / "floor").mkdir()
            floor = raw_fsync_rate(home / "floor")
            config = _config(home, url, token)
            station, control = _station(config)
            inbox = home / "in"
            documents = [_report(n) for n in range(FILES)]
            started = time.perf_counter()
            for n, document in enumerate(documents):
                (inbox / f".{n}.json").write_bytes(document)
                (inbox / f".{n}.json").rename(inbox / f"{n}.json")
            _wait(lambda: control.status().totals.delivered >= FILES, 600, "delivery")
            elapsed = time.perf_counter() - started
            _stop(station)

            outbox = Outbox(
                home / "data" / "outbox", Store(home / "data" / "state.db"), max_bytes=2**40
            )
            batch: list[Entry] = []
            for n in range(BACKLOG):
                document = json.loads(_report(FILES + n))
                batch.append(Entry(document["id"], json.dumps(document).encode()))
                if len(batch) == 500:
                    outbox.accept(batch, converter="wsjf", source="backlog")
                    batch = []
            outbox.store.close()
            station, control = _station(config)
            drain_started = time.perf_counter()
            _wait(lambda: control.status().outbox.pending == 0, 1200, "backlog drain")
            drain = time.perf_counter() - drain_started

            pids = _pids(station.pid)
            cpu_before, idle_started = _cpu_seconds(pids), time.perf_counter()
            time.sleep(IDLE_SECONDS)
            idle_cpu = (_cpu_seconds(pids) - cpu_before) / (time.perf_counter() - idle_started)
            rss = _rss_mib(pids)
            roles = {_role(pid, station.pid): _rss_mib([pid]) for pid in pids}
            control.close()
            _stop(station)
        outage = outage_cpu(home / "outage", token)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    throughput = FILES / elapsed
    print(f"\n## station service ({FILES:,} files, upload concurrency 2, 2 conversion workers)")
    print(f"{'measurement':52} {'value':>16}")
    print(f"{'durable-write floor (write+fsync+rename+dir fsync)':52} {floor:>12.0f} /s")
    print(f"{'end to end: files in -> delivered':52} {throughput:>12.0f} /s")
    print(f"{'  ratio to the durable-write floor':52} {throughput / floor:>15.2f}x")
    label = f"backlog drain: {BACKLOG:,} queued reports"
    print(f"{label:52} {BACKLOG / drain:>12.0f} /s")
    print(f"{'idle: resident memory (service + workers)':52} {rss:>12.1f} MiB")
    for role, mib in sorted(roles.items()):
        print(f"{'  of which ' + role:52} {mib:>12.1f} MiB")
    print(f"{'idle: CPU (share of one core)':52} {idle_cpu * 100:>14.2f} %")
    label = f"outage {OUTAGE_SECONDS:.0f} s, retry cap 0.5 s: CPU (share of one core)"
    print(f"{label:52} {outage * 100:>14.2f} %")
