"""Fixtures for the configurator: offscreen Qt, a station folder, a running service, a window.

The service runs in-process on its own event-loop thread (an anyio blocking portal), exactly as
`pywats-client run` runs it, with its control API on a free loopback port; the window talks to
it over real HTTP through the files the service publishes in its data folder.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt creates the app

import socket
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import anyio.from_thread
import pytest
from pytestqt.qtbot import QtBot

from pywats import UUTReport, write_wsjf
from pywats_client._config import load_config
from pywats_client._service import Service
from pywats_ui import MainWindow, create_window

# The station does not care which database the server uses: SQLite is enough here.
SQLITE_ONLY = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Station:
    """A station folder: `config` file, `incoming` watch folder, `data` folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "client.toml"

    @property
    def incoming(self) -> Path:
        return self.root / "incoming"

    @property
    def data(self) -> Path:
        return self.root / "data"


def write_station(root: Path, server_url: str, token: str, *, converters: str = "") -> Station:
    """A complete station configuration with short timings, and its token file (0600)."""
    station = Station(root)
    station.incoming.mkdir(parents=True, exist_ok=True)
    token_file = root / "server.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    converters = converters or '[[converters]]\ntype = "wsjf"\nwatch = "incoming"\n'
    station.config.write_text(
        textwrap.dedent(
            f"""\
            schema_version = 1

            [server]
            url = "{server_url}"
            token_file = "server.token"
            timeout = 5.0

            [station]
            name = "ICT-LINE-3"
            location = "Trondheim"
            purpose = "Production"

            [control]
            port = 0

            [intake]
            stable_seconds = 0.2
            rescan_seconds = 1.0
            workers = 1

            [outbox]
            retry_base_seconds = 0.2
            retry_max_seconds = 0.5

            """
        )
        + converters,
        encoding="utf-8",
    )
    return station


@contextmanager
def running_service(config: Path) -> Iterator[Service]:
    """Run the service for `config` on its own event-loop thread until the block ends."""
    with anyio.from_thread.start_blocking_portal("asyncio") as portal:
        service = portal.call(lambda: Service(load_config(config), config_path=config))
        future = portal.start_task_soon(partial(service.run, handle_signals=False))
        try:
            portal.call(_ready_within, service, 60.0)
        except TimeoutError:
            if future.done():
                future.result()  # the service's own error says why it never got ready
            raise
        try:
            yield service
        finally:
            portal.call(service.stop)
            future.result(timeout=60)


async def _ready_within(service: Service, seconds: float) -> None:
    """Return when the service takes files and its control endpoint is published."""
    with anyio.fail_after(seconds):
        await service.wait_ready()


def report_file(
    folder: Path, serial: str, *, location: str = "Trondheim", encoding: str = "utf-8"
) -> Path:
    """Write a small passing UUT report as WSJF into `folder` (atomically: the watcher never
    sees half a file)."""
    report = UUTReport.new(
        operator="operator",
        part_number="PCBA-100",
        serial_number=serial,
        revision="B",
        process_code=10,
        location=location,
        purpose="Production",
        station_name="ICT-LINE-3",
    )
    report.root.add_numeric("Supply 3V3", 3.31, low=3.2, high=3.4, comp="GELE", unit="V")
    report.root.add_pass_fail("Boundary scan", True)
    path = folder / f"{serial}.json"
    temporary = path.with_suffix(".part")
    temporary.write_text(write_wsjf(report), encoding=encoding)
    temporary.rename(path)
    return path


@pytest.fixture
def station(tmp_path: Path) -> Station:
    """A station whose server does not exist (tests that need one write their own)."""
    return write_station(tmp_path, f"http://127.0.0.1:{free_port()}", "dXNlcjpwYXNz")


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[[Path], MainWindow]]:
    """Open the configurator on a config file and wait until it is loaded; at the end, close
    it and let its background jobs finish (their callbacks need the window alive)."""
    windows: list[MainWindow] = []

    def opener(config: Path) -> MainWindow:
        window = create_window(config, poll_ms=200)
        windows.append(window)
        with qtbot.waitSignal(window.loaded, timeout=10_000):
            window.show()
        return window

    yield opener
    for window in windows:
        window.context.document.revert()
        window.close()
        qtbot.waitUntil(lambda w=window: w.context.background.busy == 0, timeout=20_000)
        window.deleteLater()


@pytest.fixture
def slow_server() -> Iterator[str]:
    """A real socket server that accepts connections and then never answers (until the end)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)  # read nothing, answer nothing

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()
