"""The main job end to end: test-station result files in, reports on a WATS server out.

    python examples/demo.py [--reports 300]

Starts a local WATS-compatible server (`pywats-server`) on a throwaway SQLite database and a
station service (`pywats-client run`) on throwaway folders, drops the WATS sample exports, the
other converters' sample files and a few hundred generated test reports into the watch folders,
shows live progress, then asks the server through the SDK what arrived. Everything it starts is
stopped and every file it made is removed at the end.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from pywats import WATS, UUTReport, write_wsjf
from pywats_client._control_client import ControlClient
from pywats_client._control_models import ServiceStatus
from pywats_client.converters import available_converters

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
STATION = "DEMO-FCT-1"
# Other converters' sample folders, fed when that converter is installed.
FORMAT_SAMPLES = {"teststand": "teststand", "atml": "atml", "stdf": "stdf"}
console = Console()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(
    check: Callable[[], object], what: str, process: subprocess.Popen[bytes], within: float = 60.0
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"demo: {what} failed: {process.args[2]} exited ({process.returncode})"
            )
        try:
            if check():
                return
        except (httpx.TransportError, OSError, ValueError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"demo: {what} did not happen within {within:.0f} s")


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    db = f"sqlite:///{home / 'wats.db'}"
    server = [sys.executable, "-m", "pywats_server"]
    token = subprocess.run(
        [*server, "init", "--admin-user", "admin", "--admin-password", "demo", "--db", db],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [*server, "serve", "--db", db, "--port", url.rsplit(":", 1)[1]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: httpx.get(f"{url}/api/App/Version", timeout=1), "server start", process)
    return process, url, token


def write_station_config(home: Path, url: str, token: str, formats: list[str]) -> Path:
    (home / "secrets").mkdir()
    (home / "secrets" / "token").write_text(token)
    # Site defaults for formats that may not carry part number, revision or operation code.
    defaults = 'parameters = { part_number = "DEMO-PN", revision = "A", operation_code = 100 }\n'
    converters = "".join(
        f'\n[[converters]]\ntype = "{name}"\nwatch = "in/{name}"\n'
        + ("" if name in ("wsjf", "wsxf") else defaults)
        for name in formats
    )
    for name in formats:  # as `pywats-client init` does: the service never makes them
        (home / "in" / name).mkdir(parents=True, exist_ok=True)
    config = home / "client.toml"
    config.write_text(
        f"""schema_version = 1
[server]
url = "{url}"
token_file = "secrets/token"
[station]
name = "{STATION}"
location = "Demo line"
purpose = "Production"
[paths]
data = "data"
[control]
port = 0
[intake]
stable_seconds = 0.3
workers = 2
[logging]
console = false
{converters}""",
        encoding="utf-8",
    )
    return config


def generated_report(n: int, rng: random.Random) -> UUTReport:
    report = UUTReport.new(
        part_number=rng.choice(["PCBA-100", "PCBA-200", "PSU-300"]),
        serial_number=f"DEMO-{n:05}",
        revision="A",
        process_code=100,
        station_name=STATION,
        location="Demo line",
        purpose="Production",
        operator="demo",
    )
    power = report.root.add_sequence("Power")
    power.add_numeric("3V3 rail", round(rng.gauss(3.30, 0.04), 3), low=3.2, high=3.4, unit="V")
    power.add_numeric("Idle current", round(rng.gauss(450, 30), 1), high=500.0, unit="mA")
    power.add_pass_fail("Power good", rng.random() > 0.02)
    report.propagate_failures()
    return report


def drop_files(inbox: Path, formats: list[str], count: int) -> int:
    """Write every input into the watch folders; returns how many files."""
    files = 0
    for sample in sorted((SAMPLES / "wats").iterdir()):
        kind = "wsxf" if sample.suffix == ".xml" else "wsjf"
        shutil.copy(sample, inbox / kind / sample.name)
        files += 1
    for name, folder in FORMAT_SAMPLES.items():
        if name in formats:
            for sample in sorted((SAMPLES / folder).iterdir()):
                shutil.copy(sample, inbox / name / sample.name)
                files += 1
    rng = random.Random(7)
    for n in range(count):
        batch = inbox / "wsjf" / f"batch-{n // 100:02}"
        batch.mkdir(exist_ok=True)
        temporary = batch / f".demo-{n:05}.json"  # written hidden, then renamed: as testers do
        temporary.write_text(write_wsjf(generated_report(n, rng)), encoding="utf-8")
        temporary.rename(batch / f"demo-{n:05}.json")
        files += 1
    (inbox / "wsjf" / "truncated.json").write_text('{"type": "T", "pn": "PCBA-100", "sn": ')
    return files + 1


def handled(inbox: Path, data: Path) -> int:
    done = sum(1 for p in inbox.glob("*/Done/**/*") if p.is_file())
    return done + sum(1 for _ in (data / "quarantine").glob("*.reason.json"))


def run_demo(home: Path, count: int) -> None:
    installed = available_converters()
    formats = ["wsjf", "wsxf", *(n for n in FORMAT_SAMPLES if n in installed)]
    console.rule("[bold]pyWATS demo: station service → local WATS server")
    server, url, token = start_server(home)
    station: subprocess.Popen[bytes] | None = None
    try:
        console.print(f"server   {url} (SQLite in a temporary folder)")
        config = write_station_config(home, url, token, formats)
        station = subprocess.Popen(
            [sys.executable, "-m", "pywats_client", "run", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        data = home / "data"
        wait_until(lambda: (data / "control.json").exists(), "station start", station)
        control = ControlClient.for_data_folder(data)
        wait_until(lambda: control.status().ready, "station ready", station)
        console.print(f"station  {STATION} watching {', '.join(f'in/{f}' for f in formats)}")
        total = drop_files(home / "in", formats, count)
        console.print(f"dropped  {total} files ({count} generated, the rest real samples)")
        watch(control, home / "in", data, total)
        console.print()
        status = control.status()
        control.close()
        show_results(url, token, status)
    finally:
        if station is not None:
            station.send_signal(signal.SIGTERM)  # two-phase shutdown: finishes work in flight
            station.wait(60)
        server.terminate()
        server.wait(30)


def watch(control: ControlClient, inbox: Path, data: Path, total: int) -> None:
    progress = Progress(
        TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[note]}"),
    )  # fmt: skip
    files = progress.add_task("files converted", total=total, note="")
    uploaded = progress.add_task("reports uploaded", total=None, note="")
    with Live(progress, console=console, refresh_per_second=10):
        while True:
            status = control.status()
            outbox = status.outbox
            done = handled(inbox, data)
            progress.update(files, completed=done, note=f"quarantined {status.quarantined_files}")
            reports = outbox.delivered + outbox.pending + outbox.quarantined
            progress.update(
                uploaded,
                total=max(reports, 1),
                completed=outbox.delivered,
                note=f"queued {outbox.pending}",
            )
            if done >= total and outbox.pending == 0 and not status.uploader.in_flight:
                return
            time.sleep(0.2)


def show_results(url: str, token: str, status: ServiceStatus) -> None:
    with WATS(base_url=url, token=token) as client:
        headers = [
            *client.reports.query_headers(report_type="U", top=10_000),
            *client.reports.query_headers(report_type="R", top=10_000),
        ]
        sample = client.reports.get("33a2d408-3fc8-480b-b554-6866c77fd91c")
    by_part = Counter((h.part_number, h.result) for h in headers)
    table = Table(title=f"what arrived on the server: {len(headers)} reports")
    for column in ("part number", "result", "reports"):
        table.add_column(column)
    for (part, result), number in sorted(
        by_part.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))
    ):
        table.add_row(str(part), str(result), str(number))
    console.print(table)
    console.print(
        f"the WATS sample export came back with {len(sample.steps())} steps, "
        f"serial {sample.serial_number}, result {sample.result}"
    )
    totals = status.totals
    console.print(
        f"accepted {totals.accepted:.0f} reports from files, delivered "
        f"{totals.delivered:.0f} distinct ids (the WSXF sample is the WSJF sample's report: "
        "same id, so it replaced it), quarantined "
        f"{status.quarantined_files} file(s) with a reason and a conversion log"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300, help="generated reports to feed")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="pywats-demo-"))
    try:
        run_demo(home, args.reports)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    console.print("done: server and station stopped, temporary files removed")


if __name__ == "__main__":
    main()
