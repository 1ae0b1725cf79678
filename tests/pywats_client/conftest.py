"""Fixtures for the station service tests: misbehaving converters installed as a real plug-in."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pywats_client.converters import ENTRY_POINT_GROUP

# Converters that fail in each way a real one can: they are loaded through the entry-point
# group, in the worker processes too (spawned workers inherit sys.path).
MISBEHAVING = """
import os
import time

from pywats_client.converters import Converter


class Crash(Converter):
    name = "crash"
    patterns = ("*.crash",)

    def convert(self, source):
        os._exit(3)


class Hang(Converter):
    name = "hang"
    patterns = ("*.hang",)

    def convert(self, source):
        time.sleep(3600)


class Boom(Converter):
    name = "boom"
    patterns = ("*.boom",)

    def convert(self, source):
        import logging
        logging.getLogger("boom").warning("about to fail on %s", source.path.name)
        raise KeyError("no such column")


class Nothing(Converter):
    name = "nothing"
    patterns = ("*.none",)

    def convert(self, source):
        return []
"""


@pytest.fixture
def misbehaving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Install converters `crash`, `hang`, `boom` and `nothing` as an entry-point plug-in."""
    root = tmp_path_factory.mktemp("plugin")
    (root / "misbehaving_converters.py").write_text(MISBEHAVING)
    info = root / "misbehaving_converters-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: misbehaving-converters\nVersion: 1.0\n"
    )
    names = ("crash", "hang", "boom", "nothing")
    lines = [f"{n} = misbehaving_converters:{n.capitalize()}" for n in names]
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n" + "\n".join(lines) + "\n")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))
    sys.modules.pop("misbehaving_converters", None)


def write_config(
    folder: Path,
    server_url: str,
    token: str,
    *,
    converters: str = "",
    extra: str = "",
    station: str = "TEST-STATION",
    settings: dict[str, object] | None = None,
    make_folders: bool = True,
) -> Path:
    """A station config in `folder` with fast timings for tests; returns its path. `settings`
    maps `section.key` to a value, replacing that line or adding it to the section. Like
    `pywats-client init`, it makes the watch folders (the service never does) unless
    `make_folders` is false."""
    (folder / "secrets").mkdir(parents=True, exist_ok=True)
    (folder / "secrets" / "token").write_text(token)
    default = (
        '[[converters]]\ntype = "wsjf"\nwatch = "in/wsjf"\n\n'
        '[[converters]]\ntype = "wsxf"\nwatch = "in/wsxf"\n'
    )
    path = folder / "client.toml"
    path.write_text(
        f"""schema_version = 1
[server]
url = "{server_url}"
token_file = "secrets/token"
timeout = 5
[station]
name = "{station}"
location = "Test lab"
purpose = "Testing"
[paths]
data = "data"
[control]
port = 0
[intake]
stable_seconds = 0.1
rescan_seconds = 2
workers = 1
timeout_seconds = 20
[outbox]
retry_base_seconds = 0.05
retry_max_seconds = 0.5
[logging]
console = false
{extra}
{converters or default}""",
        encoding="utf-8",
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    for dotted, value in (settings or {}).items():
        section, key = dotted.split(".")
        start = lines.index(f"[{section}]") + 1
        end = next((n for n in range(start, len(lines)) if lines[n].startswith("[")), len(lines))
        line = f"{key} = {value!r}"
        hits = [n for n in range(start, end) if lines[n].startswith(f"{key} = ")]
        if hits:
            lines[hits[0]] = line
        else:
            lines.insert(start, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if make_folders:
        for watch in re.findall(r'^watch = "(.*)"$', converters or default, re.MULTILINE):
            (folder / watch).mkdir(parents=True, exist_ok=True)
    return path


class StationProcess:
    """`python -m pywats_client run --config FILE` as a subprocess, as an operator runs it
    (`command` replaces `python -m pywats_client`, e.g. a console script in another venv)."""

    def __init__(
        self,
        config: Path,
        env: dict[str, str] | None = None,
        *,
        keep_stdout: bool = False,
        command: Sequence[str] = (sys.executable, "-m", "pywats_client"),
    ) -> None:
        self.config = config
        self.data = config.parent / "data"
        (self.data / "control.json").unlink(missing_ok=True)
        # The service says READY=1 here (as to systemd) once it runs: no polling for it.
        self._notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        name = f"pywats-test-{uuid.uuid4().hex}"
        self._notify.bind(f"\0{name}")
        self.process = subprocess.Popen(
            [*command, "run", "--config", str(config)],
            env={**os.environ, "NOTIFY_SOCKET": f"@{name}", **(env or {})},
            stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.printed = ""  # its standard output (with `keep_stdout`), once stopped

    def wait_ready(self, within: float = 30.0) -> None:
        """Until the service reports READY=1 (fails if the process exits first)."""
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            # Woken by a message; the timeout only notices a process that died silently.
            readable, _, _ = select.select([self._notify], [], [], min(left, 0.5))
            if readable and b"READY=1" in self._notify.recv(4096).split(b"\n"):
                return
            if self.process.poll() is not None:
                raise AssertionError(f"station exited early: {self.stderr()}")
        raise AssertionError("station did not become ready")

    def stderr(self) -> str:
        if self.process.stderr is None:
            return ""
        return self.process.stderr.read().decode(errors="replace")

    def stop(self, within: float = 30.0) -> int:
        """SIGTERM (the two-phase shutdown) and wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(within)
        self._notify.close()
        if self.process.stdout is not None:
            self.printed = self.process.stdout.read().decode(errors="replace")
            self.process.stdout.close()
        if self.process.stderr is not None:
            self.process.stderr.close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self._notify.close()
