"""Open every web page of a running `pywats-server` and save one PNG per page (web-*.png).

    python docs/screenshots/capture_web.py [--out FOLDER] [--dark]     (default: this folder)

The server is real: `pywats-server serve` on a throwaway SQLite database, filled through the API
with the WATS sample exports and a week of generated functional tests (some failing, some
retested, one box build). Chromium comes from the system (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from pywats.report import ChartSeries, UUTReport, write_wsjf
from pywats_server.storage import Database, UserStore, migrate

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "tests" / "data" / "samples" / "wats"
STATIONS = ("FCT-1", "FCT-2", "FCT-3")


def _report(serial: str, part: str, start: datetime, rng: random.Random) -> UUTReport:
    report = UUTReport.new(
        part_number=part, serial_number=serial, revision="B", process_code=10,
        station_name=rng.choice(STATIONS), location="Line 2", purpose="Production",
        operator="ada", start=start, id=uuid.uuid4(),
    )  # fmt: skip
    power = report.root.add_sequence("Power")
    for name, nominal in (("3V3 rail", 3.3), ("5V rail", 5.0), ("1V8 rail", 1.8)):
        value = rng.gauss(nominal, nominal * 0.012)
        power.add_numeric(name, round(value, 4), low=nominal * 0.97, high=nominal * 1.03, unit="V")
    power.add_pass_fail("Power good", True)
    audio = report.root.add_sequence("Audio")
    curve = [round(rng.gauss(0, 0.6), 2) for _ in range(6)]
    chart = audio.add_chart(
        "Frequency response", chart_type="LineLog", label="Response", x_label="f", x_unit="Hz",
        y_label="level", y_unit="dB",
        series=[
            ChartSeries.new("measured", [20, 100, 500, 2000, 8000, 20000], curve),
            ChartSeries.new("max", [20, 20000], [2, 2]),
            ChartSeries.new("min", [20, 20000], [-2, -2]),
        ],
    )  # fmt: skip
    chart.status = "P" if all(-2 <= y <= 2 for y in curve) else "F"
    audio.add_string("Firmware", "1.4.2", limit="1.4.2")
    report.propagate_failures()
    return report


def _fill(api: httpx.Client) -> tuple[str, str]:
    """Submit the samples and a week of tests; (a failed report id, its unit's serial)."""
    for name in ("uut-wsjf-export.json", "uur-example.json"):
        api.post("/api/Report/WSJF", content=(SAMPLES / name).read_bytes()).raise_for_status()
    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    failed_id, failed_serial = "", ""
    for n in range(160):
        part = ("PCBA-100", "PCBA-200", "PSU-10")[n % 3]
        serial = f"SN{24000 + n}"
        start = now - timedelta(days=7) + timedelta(minutes=61 * n)
        report = _report(serial, part, start, rng)
        if report.result == "F" and not failed_id:
            failed_id, failed_serial = str(report.id), serial
        api.post("/api/Report/WSJF", content=write_wsjf(report).encode()).raise_for_status()
        if report.result == "F":  # retest after repair
            retest = _report(serial, part, start + timedelta(minutes=30), random.Random(n))
            api.post("/api/Report/WSJF", content=write_wsjf(retest).encode()).raise_for_status()
    system = _report("SYS-0001", "SYS-7", now - timedelta(hours=2), rng)
    system.add_sub_unit("Board", "PCBA-100", "SN24000", "B")
    api.post("/api/Report/WSJF", content=write_wsjf(system).encode()).raise_for_status()
    return failed_id, failed_serial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--dark", action="store_true", help="the dark colour scheme")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("error: no Chromium on PATH (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="pywats-web-") as folder:
        url = f"sqlite:///{Path(folder) / 'wats.db'}"
        database = Database(url)
        migrate(database)
        UserStore(database).create_user("engineer", is_admin=False)
        token = UserStore(database).issue_token("engineer", "line-2")
        database.dispose()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "pywats_server", "serve", "--db", url, "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(f"{base}/signin", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            headers = {"Authorization": f"Basic {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as api:
                failed_id, serial = _fill(api)
            _capture(chromium, base, args.out, failed_id, serial, args.dark)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _capture(
    chromium: str, base: str, out: Path, failed_id: str, serial: str, dark: bool
) -> None:
    pages = {
        "signin": "/signin",
        "reports": "/reports",
        "report": f"/reports/{failed_id}",
        "unit": f"/units/{serial}",
        "yield": "/yield?by=part&period=day",
        "failures": "/failures",
        "measurement": "/failures/step?path=MainSequence+Callback¶Power¶3V3+rail&part=PCBA-100",
        "products": "/products",
        "assets": "/assets",
    }
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        context = browser.new_context(
            base_url=base, viewport={"width": 1280, "height": 720},
            color_scheme="dark" if dark else "light",
        )  # fmt: skip
        page = context.new_page()
        page.goto("/signin")
        page.screenshot(path=out / "web-signin.png")
        page.get_by_label("User name").fill("engineer")
        page.get_by_label("Password").fill("line-2")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/reports")
        for name, path in pages.items():
            if name == "signin":
                continue
            page.goto(path)
            page.screenshot(path=out / f"web-{name}.png", full_page=name != "report")
            print(f"saved {out / f'web-{name}.png'}")
        browser.close()


if __name__ == "__main__":
    main()
