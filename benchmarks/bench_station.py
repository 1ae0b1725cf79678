"""Station service: idle memory, CPU per delivered report, throughput, backlog drain, outage cost.

    python -m benchmarks station
    STATION_BEFORE_SRC=/tmp/before/src FILES=300 BACKLOG=2000 python -m benchmarks station

Every measurement runs a real `pywats-client run` subprocess against a `pywats-server serve`
subprocess (loopback, SQLite). "The service" is the process tree: the service process and
every process it started (conversion workers, and any helper such as multiprocessing's resource
tracker); CPU includes workers that ended meanwhile (the service's reaped-children time).

1. Idle at start: resident memory of the tree once ready, and its CPU over `IDLE_SECONDS`.
2. `FILES` small WSJF files dropped into the watch folder until all are delivered: files/s
   against this disk's durable-write floor (write, fsync, rename, directory fsync, measured in
   the same run), and CPU of the tree per delivered report.
3. Idle after that work, once idle workers had time to retire (`WORKER_IDLE_SECONDS`).
4. Backlog drain: `BACKLOG` reports put in the outbox while stopped, delivered after a start.
5. Outage: CPU over `OUTAGE_SECONDS` while every upload is refused (a closed port), with the
   retry cap at 0.5 s so the uploader tries as often as a configuration allows.

With `STATION_BEFORE_SRC` (the `src` folder of another checkout, e.g. `git archive <commit> src`
unpacked) the same steps run with that code too, in the same run, for a before/after table.
The sizes come from the environment: `FILES` (1,000), `BACKLOG` (10,000), `IDLE_SECONDS` (10),
`OUTAGE_SECONDS` (30), `WORKER_IDLE_SECONDS` (5; the service's default is 60).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._server import prepare, serve
from benchmarks._timing import own_cpu_seconds, process_tree, tree_cpu_seconds
from pywats.report import UUTReport, write_wsjf
from pywats_client._control_client import ControlClient

FILES = int(os.environ.get("FILES", "1000"))
BACKLOG = int(os.environ.get("BACKLOG", "10000"))
IDLE_SECONDS = float(os.environ.get("IDLE_SECONDS", "10"))
OUTAGE_SECONDS = float(os.environ.get("OUTAGE_SECONDS", "30"))
WORKER_IDLE_SECONDS = float(os.environ.get("WORKER_IDLE_SECONDS", "5"))
BEFORE_SRC = os.environ.get("STATION_BEFORE_SRC")
OUTAGE_REPORTS = 6
PAYLOAD = b"x" * 1500  # the size of a small WSJF result file
ROOT = Path(__file__).resolve().parent.parent


def _report(n: int) -> bytes:
    report = UUTReport.new(
        part_number="BENCH-1", serial_number=f"B-{n:06}", revision="A", process_code=10,
        station_name="BENCH", location="lab", purpose="bench", operator="operator",
    )  # fmt: skip
    report.root.add_numeric("Voltage", 3.3, low=3.0, high=3.6, unit="V")
    report.root.add_pass_fail("Boot", True)
    return write_wsjf(report).encode()


def _wait(check: Callable[[], bool], within: float, what: str, every: float = 0.05) -> None:
    """Poll `check` every `every` seconds. A status call costs the service ~0.5 ms of CPU, so
    the timed waits poll every 0.2 s: under 3 ms of the service's CPU a second."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {within} s")
        time.sleep(every)


@dataclass(frozen=True)
class Code:
    """Which code the station subprocess runs: `src` first on its path (None: this checkout)."""

    label: str
    src: str | None
    lazy: bool  # knows `intake.worker_idle_seconds`

    def env(self) -> dict[str, str]:
        paths = [self.src or str(ROOT / "src"), str(ROOT)]
        return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _config(home: Path, code: Code, url: str, token: str, extra: str = "") -> Path:
    (home / "token").write_text(token)
    (home / "in").mkdir()  # as `pywats-client init` does: the service never makes watch folders
    idle = f"worker_idle_seconds = {WORKER_IDLE_SECONDS}\n" if code.lazy else ""
    config = home / "client.toml"
    config.write_text(
        f'schema_version = 1\n[server]\nurl = "{url}"\ntoken_file = "token"\n'
        '[station]\nname = "BENCH"\n[paths]\ndata = "data"\n[control]\nport = 0\n'
        f"[intake]\nstable_seconds = 0.2\nworkers = 2\n{idle}[logging]\nconsole = false\n"
        'level = "WARNING"\n[[converters]]\ntype = "wsjf"\nwatch = "in"\nafter = "delete"\n' + extra
    )
    return config


def _station(config: Path, code: Code) -> tuple[subprocess.Popen[bytes], ControlClient]:
    data = config.parent / "data"
    (data / "control.json").unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_client", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=code.env(),
    )  # fmt: skip
    _wait(lambda: (data / "control.json").exists(), 60, "station start")
    client = ControlClient.for_data_folder(data)
    _wait(lambda: client.status().ready, 60, "station ready")
    return process, client


def _stop(process: subprocess.Popen[bytes], control: ControlClient) -> None:
    control.close()
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


def _role(pid: int, root: int) -> str:
    """What a process of the service is: the service itself, a conversion worker or
    multiprocessing's resource tracker."""
    if pid == root:
        return "service process"
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    return "resource tracker" if b"resource_tracker" in command else "conversion worker"


def _rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


@dataclass
class Idle:
    rss: float
    cpu: float  # share of one core
    roles: dict[str, tuple[int, float]] = field(default_factory=dict)  # role: (count, MiB)


def _idle(root: int) -> Idle:
    time.sleep(1.0)  # start-up work settles
    cpu_before, started = tree_cpu_seconds(root), time.perf_counter()
    time.sleep(IDLE_SECONDS)
    cpu = (tree_cpu_seconds(root) - cpu_before) / (time.perf_counter() - started)
    pids = process_tree(root)
    roles: dict[str, tuple[int, float]] = {}
    for pid in pids:
        count, mib = roles.get(_role(pid, root), (0, 0.0))
        roles[_role(pid, root)] = (count + 1, mib + _rss_mib([pid]))
    return Idle(_rss_mib(pids), cpu, roles)


def _fill_backlog(data: Path, code: Code) -> None:
    """Put `BACKLOG` reports into the stopped station's outbox with `code`'s own outbox."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from benchmarks.bench_station import BACKLOG, FILES, _report\n"
        "from pywats_client._outbox import Entry, Outbox\n"
        "from pywats_client._store import Store\n"
        "data = Path(sys.argv[1])\n"
        "outbox = Outbox(data / 'outbox', Store(data / 'state.db'), max_bytes=2**40)\n"
        "batch = []\n"
        "for n in range(BACKLOG):\n"
        "    document = _report(FILES + n)\n"
        "    batch.append(Entry(json.loads(document)['id'], document))\n"
        "    if len(batch) == 500 or n == BACKLOG - 1:\n"
        "        outbox.accept(batch, converter='wsjf', source='backlog')\n"
        "        batch = []\n"
        "outbox.store.close()\n"
    )
    subprocess.run([sys.executable, "-c", script, str(data)], check=True, env=code.env())


def _closed_port() -> int:
    """A loopback port nobody listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Result:
    code: Code
    idle_start: Idle | None = None
    throughput: float = 0.0
    cpu_per_file: float = 0.0
    service_cpu_per_file: float = 0.0  # the service process alone
    idle_after: Idle | None = None
    drain: float = 0.0
    cpu_per_drained: float = 0.0
    outage: float = 0.0


def measure(code: Code, home: Path, url: str, token: str) -> Result:
    """Steps 1-4 with `code`, in `home`."""
    result = Result(code)
    home.mkdir()
    config = _config(home, code, url, token)
    station, control = _station(config, code)
    try:
        result.idle_start = _idle(station.pid)
        documents = [_report(n) for n in range(FILES)]
        inbox = home / "in"
        cpu_before, started = tree_cpu_seconds(station.pid), time.perf_counter()
        own_before = own_cpu_seconds(station.pid)
        for n, document in enumerate(documents):
            (inbox / f".{n}.json").write_bytes(document)
            (inbox / f".{n}.json").rename(inbox / f"{n}.json")
        _wait(lambda: control.status().totals.delivered >= FILES, 1800, "delivery", 0.2)
        result.throughput = FILES / (time.perf_counter() - started)
        result.cpu_per_file = (tree_cpu_seconds(station.pid) - cpu_before) / FILES
        result.service_cpu_per_file = (own_cpu_seconds(station.pid) - own_before) / FILES
        time.sleep(WORKER_IDLE_SECONDS + 2)
        result.idle_after = _idle(station.pid)
    finally:
        _stop(station, control)
    if BACKLOG:
        _fill_backlog(home / "data", code)
        station, control = _station(config, code)
        try:
            cpu_before, started = tree_cpu_seconds(station.pid), time.perf_counter()
            _wait(lambda: control.status().outbox.pending == 0, 3600, "backlog drain", 0.2)
            result.drain = BACKLOG / (time.perf_counter() - started)
            result.cpu_per_drained = (tree_cpu_seconds(station.pid) - cpu_before) / BACKLOG
        finally:
            _stop(station, control)
    return result


def outage_cpu(code: Code, home: Path, token: str) -> float:
    """Share of one core the service tree uses while every upload is refused."""
    home.mkdir()
    url = f"http://127.0.0.1:{_closed_port()}"
    extra = "[outbox]\nretry_base_seconds = 0.05\nretry_max_seconds = 0.5\n"
    config = _config(home, code, url, token, extra)
    station, control = _station(config, code)
    try:
        for n in range(OUTAGE_REPORTS):
            (home / "in" / f".{n}.json").write_bytes(_report(FILES + BACKLOG + n))
            (home / "in" / f".{n}.json").rename(home / "in" / f"{n}.json")
        _wait(lambda: control.status().outbox.pending == OUTAGE_REPORTS, 60, "acceptance")
        cpu_before, started = tree_cpu_seconds(station.pid), time.perf_counter()
        time.sleep(OUTAGE_SECONDS)
        return (tree_cpu_seconds(station.pid) - cpu_before) / (time.perf_counter() - started)
    finally:
        _stop(station, control)


def _row(label: str, values: list[str]) -> None:
    print(f"{label:56}" + "".join(f"{v:>16}" for v in values))


def main() -> None:
    codes = [Code("this checkout", None, lazy=True)]
    if BEFORE_SRC:
        codes.insert(0, Code(f"before ({BEFORE_SRC})", BEFORE_SRC, lazy=False))
    home = Path(tempfile.mkdtemp(prefix="bench-station-"))
    db = f"sqlite:///{home / 'wats.db'}"
    results: list[Result] = []
    try:
        token = prepare(db)
        (home / "floor").mkdir()
        floor = raw_fsync_rate(home / "floor")
        with serve(db) as url:
            for n, code in enumerate(codes):
                results.append(measure(code, home / f"run-{n}", url, token))
        for n, result in enumerate(results):
            if OUTAGE_SECONDS:
                result.outage = outage_cpu(result.code, home / f"outage-{n}", token)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n## station service ({FILES:,} files, {BACKLOG:,} backlog, 2 workers at most)")
    print(f"load average at the end: {load}; durable-write floor {floor:,.0f} /s")
    for result in results:
        print(f"  {result.code.label}")
    _row("measurement", [r.code.label.split(" ")[0] for r in results])

    def idle_rows(title: str, pick: Callable[[Result], Idle | None]) -> None:
        idles = [pick(r) for r in results]
        _row(f"{title}: resident memory (tree)", [f"{i.rss:.1f} MiB" if i else "-" for i in idles])
        roles = sorted({role for i in idles if i for role in i.roles})
        for role in roles:
            cells = []
            for i in idles:
                count, mib = i.roles.get(role, (0, 0.0)) if i else (0, 0.0)
                cells.append(f"{count} x {mib / max(count, 1):.1f} MiB")
            _row(f"  {role}", cells)
        _row(
            f"{title}: CPU (share of one core)",
            [f"{i.cpu * 100:.2f} %" if i else "-" for i in idles],
        )

    idle_rows("idle at start", lambda r: r.idle_start)
    _row("files in -> delivered", [f"{r.throughput:.0f} /s" for r in results])
    _row("  ratio to the durable-write floor", [f"{r.throughput / floor:.2f}x" for r in results])
    _row(
        "CPU per delivered file (service + workers)",
        [f"{r.cpu_per_file * 1e3:.2f} ms" for r in results],
    )
    _row(
        "  of which the service process",
        [f"{r.service_cpu_per_file * 1e3:.2f} ms" for r in results],
    )
    idle_rows(f"idle after the files (+{WORKER_IDLE_SECONDS + 2:g} s)", lambda r: r.idle_after)
    if BACKLOG:
        _row(f"backlog drain: {BACKLOG:,} queued reports", [f"{r.drain:.0f} /s" for r in results])
        _row("CPU per drained report", [f"{r.cpu_per_drained * 1e3:.2f} ms" for r in results])
    if OUTAGE_SECONDS:
        label = f"outage {OUTAGE_SECONDS:g} s, retry cap 0.5 s: CPU (one core)"
        _row(label, [f"{r.outage * 100:.2f} %" for r in results])
    if len(results) == 2:
        before, after = results
        ratio = after.cpu_per_file / before.cpu_per_file
        print(f"CPU per delivered file, after / before: {ratio:.2f}")
