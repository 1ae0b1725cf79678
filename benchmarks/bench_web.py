"""Web pages over 100,000 stored reports: p50/p95 server time per page, and browser load time.

Bulk-loads the analytics benchmark's reports (SQLite), adds a few full reports through the API
(the report and unit pages read stored documents), signs in, then times every page:
- server time: the request answered by the in-process app (no network, no browser), and the
  CPU time the process spent per request (steadier than wall time on a shared machine);
- browser load: Chromium (system package, driven by Playwright) navigating to the page on a
  `pywats-server serve` subprocess, from navigation start to the load event.
The reference is the target of 300 ms server time at p95 for every page.

    python -m benchmarks web        # REPORTS=20000 for a quicker run

SQLITE_FILE=path keeps the database in that file (a later run reuses it, loaded and with its
full reports), PAGES=yield,failures times only the pages whose names contain those words, and
BROWSER=0 skips the browser.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import anyio
import httpx

from benchmarks._server import prepare, sqlite_database
from benchmarks.bench_analytics import REPORTS, _load_sqlite, _loaded

REPEAT = 21
TARGET_P95_MS = 300.0
# (name, path, query parameters) of each page timed.
Pages = list[tuple[str, str, dict[str, str]]]
RANGE = {"from": "2026-09-07", "to": "2026-11-01"}  # eight weeks of the generated data


def _pages(report_id: str, serial: str) -> Pages:
    step = "MainSequence Callback¶Power¶Power 3"
    return [
        ("reports, newest first", "/reports", {}),
        ("reports, part + wildcard serial", "/reports", {"part": "BENCH-03", "serial": "SN00*"}),
        ("reports, failed, 8 weeks", "/reports", {"result": "Failed", **RANGE}),
        ("report (step tree)", f"/reports/{report_id}", {}),
        ("unit history", f"/units/{serial}", {}),
        ("yield, part x week, 8 weeks", "/yield", {"by": "part", "period": "week", **RANGE}),
        ("yield, station x day, one part", "/yield", {"by": "station", "period": "day",
                                                     "part": "BENCH-03", **RANGE}),
        ("failures, one part, 8 weeks", "/failures", {"part": "BENCH-03", **RANGE}),
        ("measurement, one part, 8 weeks", "/failures/step", {"part": "BENCH-03", "path": step,
                                                              **RANGE}),
        ("products", "/products", {}),
        ("assets", "/assets", {}),
    ]  # fmt: skip


def _full_reports(base_url: str, token: str) -> tuple[str, str]:
    """Submit 10 full reports of one unit through the API (unless a kept database has them);
    (one report id, the serial)."""
    from pywats.report import UUTReport, write_wsjf

    serial = "SN-WEB-BENCH"
    report_id = ""
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Basic {token}"}) as api:
        kept = api.get(
            "/api/Report/Query/Header", params={"$filter": f"serialNumber eq '{serial}'"}
        )
        kept.raise_for_status()
        if kept.json():
            return str(kept.json()[0]["uuid"]), serial
        for run in range(10):
            report = UUTReport.new(
                part_number="BENCH-03", serial_number=serial, revision="A", process_code=100,
                station_name="ST-1", location="Plant", purpose="Production", operator="op",
                start=start + timedelta(hours=run), id=uuid.uuid4(),
            )  # fmt: skip
            for name in ("Power", "Clocks", "Comms", "Sensors", "RF"):
                sequence = report.root.add_sequence(name)
                for n in range(10):
                    sequence.add_numeric(f"{name} {n}", 1.0 + n / 1000, low=0.9, high=1.1, unit="V")
            report.propagate_failures()
            response = api.post("/api/Report/WSJF", content=write_wsjf(report).encode())
            response.raise_for_status()
            report_id = str(report.id)
    return report_id, serial


def _sign_in(html: str) -> dict[str, str]:
    csrf = re.search(r'name="csrf" value="([^"]*)"', html)
    assert csrf is not None
    return {"csrf": csrf.group(1), "next": "/reports", "user": "bench", "password": "bench-secret"}


async def _server_times(url: str, pages: Pages) -> tuple[list[list[float]], list[float]]:
    """Per page: the wall time of each request, and the CPU time (all threads of this process:
    the app, its query threads, the client) a request took, averaged over the requests."""
    from pywats_server import Settings, create_app

    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    times: list[list[float]] = []
    cpus: list[float] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:
        form = await client.get("/signin")
        signed = await client.post("/signin", data=_sign_in(form.text))
        assert signed.status_code == 303, signed.text
        for _, path, params in pages:
            assert (await client.get(path, params=params)).status_code == 200, path
            samples = []
            cpu = time.process_time()
            for _ in range(REPEAT):
                started = time.perf_counter()
                response = await client.get(path, params=params)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            cpus.append((time.process_time() - cpu) / REPEAT)
            times.append(samples)
    app.state.context.database.dispose()
    return times, cpus


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _browser_times(base_url: str, pages: Pages) -> list[list[float]]:
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium is not None
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_context(base_url=base_url).new_page()
        page.goto("/signin")
        page.get_by_label("User name").fill("bench")
        page.get_by_label("Password").fill("bench-secret")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/reports")
        for _, path, params in pages:
            target = f"{path}?{urlencode(params)}" if params else path
            page.goto(target)
            samples = []
            for _ in range(REPEAT // 2):
                page.goto(target)
                samples.append(
                    page.evaluate(
                        "performance.getEntriesByType('navigation')[0].loadEventEnd / 1000"
                    )
                )
            times.append(samples)
        browser.close()
    return times


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def main() -> None:
    with sqlite_database(os.environ.get("SQLITE_FILE")) as url:
        token = prepare(url)  # user `bench`, password `bench-secret`
        if _loaded(url) == 0:
            started = time.perf_counter()
            _load_sqlite(url, REPORTS)
            loaded = time.perf_counter() - started
            print(f"{REPORTS:,} reports bulk-loaded in {loaded:.0f} s (SQLite)")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "pywats_server", "serve", "--db", url, "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{base_url}/signin", timeout=1)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, "pywats-server exited"
                    assert time.monotonic() < deadline, "pywats-server did not answer"
                    time.sleep(0.2)
            report_id, serial = _full_reports(base_url, token)
            pages = _pages(report_id, serial)
            if "PAGES" in os.environ:
                words = os.environ["PAGES"].split(",")
                pages = [page for page in pages if any(word in page[0] for word in words)]
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            server_times, server_cpu = anyio.run(_server_times, url, pages)
            browse = shutil.which("chromium") and os.environ.get("BROWSER") != "0"
            browser_times = _browser_times(base_url, pages) if browse else None
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'page':34} {'server p50':>10} {'p95':>8} {'p95/target':>10} {'CPU/request':>11}"
        f" {'browser p50':>12}"
    )
    for index, (name, _, _) in enumerate(pages):
        p50, p95 = _p50_p95(server_times[index])
        browser = (
            "" if browser_times is None else f"{_p50_p95(browser_times[index])[0] * 1e3:.0f} ms"
        )
        print(
            f"{name:34} {p50 * 1e3:>7.0f} ms {p95 * 1e3:>5.0f} ms"
            f" {p95 * 1e3 / TARGET_P95_MS:>9.2f}x {server_cpu[index] * 1e3:>8.0f} ms {browser:>12}"
        )
