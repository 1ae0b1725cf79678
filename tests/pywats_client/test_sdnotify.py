"""systemd notify datagrams, received on a real unix socket."""

from __future__ import annotations

import socket
from pathlib import Path

from pywats_client._sdnotify import Notifier


def test_datagrams_reach_the_notify_socket(tmp_path: Path) -> None:
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(address)
        notifier = Notifier.from_environ({"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "4000000"})
        assert notifier.watchdog_interval == 2.0
        assert notifier.ready("watching 2 folder(s)")
        assert notifier.watchdog()
        assert notifier.stopping()
        received = [systemd.recv(1024).decode() for _ in range(3)]
    assert received == ["READY=1\nSTATUS=watching 2 folder(s)", "WATCHDOG=1", "STOPPING=1"]


def test_without_systemd_nothing_is_sent() -> None:
    notifier = Notifier.from_environ({})
    assert not notifier.ready()
    assert notifier.watchdog_interval is None
