"""Open every configurator page on a realistic, running station and save one PNG per page.

    python docs/screenshots/capture.py [--out FOLDER]     (default: this folder)

The station is real: a local `pywats-server` (or the one at WATS_BASE_URL / WATS_AUTH_TOKEN when
both are set), the station service running in-process with its control API, reports delivered,
one file quarantined, a log file. Runs offscreen; the test suite runs it on every CI build.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import anyio.from_thread
import httpx
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from pywats import UUTReport, write_wsjf
from pywats_client._config import load_config
from pywats_client._logging import configure_logging
from pywats_client._service import Service
from pywats_ui import MainWindow, create_window
from pywats_ui._connection_page import ConnectionPage
from pywats_ui._converters_page import ConvertersPage
from pywats_ui._outbox_page import OutboxPage
from pywats_ui._service_page import ServicePage

HERE = Path(__file__).resolve().parent

CONFIG = """\
schema_version = 1

[server]
url = "{url}"
token_file = "server.token"

[station]
name = "ICT-LINE-3"
location = "Trondheim, hall B"
purpose = "Production"

[control]
port = 0

[intake]
stable_seconds = 0.2
workers = 1

[[converters]]
type = "wsjf"
watch = "incoming/json"
priority = 1

[[converters]]
type = "teststand"
watch = "incoming/teststand"

[converters.parameters]
part_number = "PCBA-100"
operation_code = 10
"""


def wait_for(check: Callable[[], object], within: float = 30.0) -> None:
    """Run the Qt event loop until `check()` is truthy."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"screenshot set-up: condition not met within {within} s")
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()


def settle(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


@contextlib.contextmanager
def wats_server(folder: Path) -> Iterator[tuple[str, str]]:
    """`(url, token)` of the server in the environment, or of a local one started here."""
    if os.environ.get("WATS_BASE_URL") and os.environ.get("WATS_AUTH_TOKEN"):
        yield os.environ["WATS_BASE_URL"], os.environ["WATS_AUTH_TOKEN"]
        return
    db = f"sqlite:///{folder / 'wats.db'}"
    server = [sys.executable, "-m", "pywats_server"]
    token = subprocess.run(
        [*server, "init", "--admin-user", "admin", "--admin-password", "demo", "--db", db],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [*server, "serve", "--db", db, "--port", str(port)], stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/api/App/Version", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("pywats-server did not start") from None
                time.sleep(0.1)
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_service(config: Path) -> Iterator[Service]:
    settings = load_config(config)
    handlers = configure_logging(settings.paths.data / "logs", console=False)
    # The window shares this process here: keep its own control-API requests out of the log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with anyio.from_thread.start_blocking_portal("asyncio") as portal:
        service = portal.call(lambda: Service(load_config(config), config_path=config))
        future = portal.start_task_soon(partial(service.run, handle_signals=False))
        try:
            deadline = time.monotonic() + 30
            while not (settings.paths.data / "control.json").exists():
                if time.monotonic() > deadline:
                    raise RuntimeError("the station service did not start")
                time.sleep(0.05)
            yield service
        finally:
            portal.call(service.stop)
            future.result(timeout=60)
            for handler in handlers:
                handler.close()


def report(serial: str, *, voltage: float) -> str:
    uut = UUTReport.new(
        part_number="PCBA-100",
        serial_number=serial,
        revision="B",
        process_code=10,
        location="Trondheim, hall B",
        purpose="Production",
        station_name="ICT-LINE-3",
        operator="Kari",
    )
    power = uut.root.add_sequence("Power rails")
    power.add_numeric("Supply 3V3", voltage, low=3.2, high=3.4, comp="GELE", unit="V")
    power.add_numeric("Supply 5V", 5.02, low=4.85, high=5.15, comp="GELE", unit="V")
    uut.root.add_pass_fail("Boundary scan", True)
    uut.root.add_string("Firmware", "2.4.1", limit="2.4.1", comp="EQ")
    uut.evaluate(propagate=True)
    return write_wsjf(uut)


def drop(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{name}.part"
    part.write_text(text, encoding="utf-8")
    return part.rename(folder / name)


def capture(window: MainWindow, out: Path, station: Path) -> list[Path]:
    saved = []
    for page in window.pages:
        window.show_page(page.title)
        if isinstance(page, ConnectionPage):
            page.test_connection()
            wait_for(page.test_button.isEnabled)
        elif isinstance(page, ConvertersPage):
            wait_for(lambda p=page: p.editor.params is not None)
            sample = drop(station / "samples", "SN-24117.json", report("SN-24117", voltage=3.52))
            page.editor.try_file(sample)
            wait_for(page.editor.try_button.isEnabled)
            page.editor.tree.expandAll()
        elif isinstance(page, OutboxPage):
            wait_for(lambda p=page: p.quarantined.rowCount() > 0)
            page.quarantined.selectRow(0)
            wait_for(lambda p=page: "Conversion log:" in p.log.toPlainText())
        elif isinstance(page, ServicePage):
            page.run("Status")
            wait_for(lambda p=page: p.buttons["Status"].isEnabled(), within=60)
        settle(1.2)  # a few status polls and log reads
        path = out / f"{page.title.lower()}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"cannot write {path}")
        saved.append(path)
    return saved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as temporary:
        station = Path(temporary)
        with wats_server(station) as (url, token):
            (station / "server.token").write_text(token, encoding="utf-8")
            (station / "server.token").chmod(0o600)
            config = station / "client.toml"
            config.write_text(CONFIG.format(url=url), encoding="utf-8")
            inbox = station / "incoming" / "json"
            inbox.mkdir(parents=True)  # as `pywats-client init` does: the service makes none
            with running_service(config) as service:
                for n, volts in enumerate((3.30, 3.31, 3.29, 3.33, 3.28, 3.30)):
                    drop(inbox, f"SN-2410{n}.json", report(f"SN-2410{n}", voltage=volts))
                drop(inbox, "SN-24107.json", '{"type": "T", "pn": "PCBA-100", "sn": ')
                window = create_window(config, poll_ms=400)
                window.show()
                wait_for(lambda: service.outbox.stats().delivered == 6)
                wait_for(lambda: len(service.quarantine.entries()) == 1)
                window.show_page("Status")
                settle(1.5)
                for path in capture(window, args.out, station):
                    print(path)
                window.close()
                wait_for(lambda: window.context.background.busy == 0)
    del app


if __name__ == "__main__":
    main()
