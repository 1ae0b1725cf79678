"""Running the service at boot: a systemd unit, a launchd agent, or a Windows startup task.

Each platform gets a rendered definition (pure text, testable anywhere) and the commands that
install, start, stop and remove it. Windows has no service host for a Python program without
pywin32, so there the service is a scheduled task that starts at boot and restarts on failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["ServiceDefinition", "launchd_plist", "systemd_unit", "windows_task_command"]

Runner = Callable[[Sequence[str]], object]


def _run(command: Sequence[str]) -> object:
    """Run a service-manager command; a missing tool or a failure is a RuntimeError that says
    which command, its exit code and what it printed."""
    shown = " ".join(command)
    try:
        return subprocess.run(list(command), check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError(
            f"{command[0]!r} is not installed here, so {shown!r} cannot run"
        ) from None
    except subprocess.CalledProcessError as exc:
        said = " ".join((exc.stderr or exc.stdout or "").split())
        raise RuntimeError(
            f"{shown!r} failed (exit code {exc.returncode})" + (f": {said}" if said else "")
        ) from None


@dataclass(frozen=True)
class ServiceDefinition:
    """One service instance: its `name` (unit/label/task), config file and interpreter."""

    name: str
    config: Path
    python: str = sys.executable
    user_mode: bool = False

    @classmethod
    def for_config(cls, config: Path, *, user_mode: bool = False) -> ServiceDefinition:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "-", config.stem)
        name = "pywats-client" if stem in ("client", "pywats-client") else f"pywats-client-{stem}"
        return cls(name=name, config=config.resolve(), user_mode=user_mode)

    @property
    def command(self) -> list[str]:
        return [self.python, "-m", "pywats_client", "run", "--config", str(self.config)]

    # -- systemd ------------------------------------------------------------------------------

    def unit_dir(self) -> Path:
        if self.user_mode:
            return Path.home() / ".config" / "systemd" / "user"
        return Path("/etc/systemd/system")

    def systemctl(self, *args: str) -> list[str]:
        return ["systemctl", *(["--user"] if self.user_mode else []), *args]


def systemd_unit(service: ServiceDefinition) -> str:
    """A `Type=notify` unit: READY after start-up, WATCHDOG pings, SIGTERM for a clean stop."""
    exec_start = " ".join(_systemd_quote(part) for part in service.command)
    return f"""[Unit]
Description=pyWATS station service ({service.config})
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start}
WorkingDirectory={_systemd_quote(str(service.config.parent))}
Restart=on-failure
RestartSec=5
WatchdogSec=120
TimeoutStopSec=60
KillSignal=SIGTERM

[Install]
WantedBy={"default.target" if service.user_mode else "multi-user.target"}
"""


def _systemd_quote(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:=@+-]+", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def launchd_plist(service: ServiceDefinition, log_folder: Path) -> str:
    """A launchd agent that starts at load and is restarted whenever it exits."""
    arguments = "\n".join(f"        <string>{escape(a)}</string>" for a in service.command)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>com.pywats.{escape(service.name)}</string>
    <key>ProgramArguments</key>
    <array>
{arguments}
    </array>
    <key>WorkingDirectory</key>
    <string>{escape(str(service.config.parent))}</string>
    <key>RunAtLoad</key>
    <true/>
    <key>KeepAlive</key>
    <true/>
    <key>StandardErrorPath</key>
    <string>{escape(str(log_folder / "launchd.err"))}</string>
</dict>
</plist>
"""


def windows_task_command(service: ServiceDefinition) -> list[str]:
    """`schtasks` arguments registering the service to start at boot as SYSTEM."""
    action = subprocess.list2cmdline(service.command)
    return [
        "schtasks", "/Create", "/F", "/TN", service.name, "/SC", "ONSTART",
        "/RU", "SYSTEM", "/RL", "HIGHEST", "/TR", action,
    ]  # fmt: skip


def platform_name() -> str:
    if sys.platform.startswith("linux"):
        return "systemd"
    if sys.platform == "darwin":
        return "launchd"
    if os.name == "nt":
        return "windows"
    raise RuntimeError(f"no service manager support for platform {sys.platform!r}")


def install(
    service: ServiceDefinition,
    *,
    platform: str,
    target_dir: Path | None = None,
    enable: bool = True,
    run: Runner = _run,
) -> Path | None:
    """Write the definition (systemd/launchd) or register the task (Windows); returns the file."""
    if platform == "windows":
        run(windows_task_command(service))
        return None
    if platform == "launchd":
        folder = target_dir or Path.home() / "Library" / "LaunchAgents"
        path = folder / f"com.pywats.{service.name}.plist"
        _write_definition(path, launchd_plist(service, service.config.parent))
        if enable:
            _register(run, path, ["launchctl", "load", "-w", str(path)])
        return path
    path = (target_dir or service.unit_dir()) / f"{service.name}.service"
    _write_definition(path, systemd_unit(service))
    if enable:
        _register(
            run, path, service.systemctl("daemon-reload"), service.systemctl("enable", path.name)
        )
    return path


def _write_definition(path: Path, text: str) -> None:
    """Write a definition file, making its folder; RuntimeError naming the file (and the part
    of its path that failed) and why, with the way out when that is a permission."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        failed = "" if exc.filename in (None, str(path)) else f"{exc.filename}: "
        hint = ""
        if isinstance(exc, PermissionError):
            hint = " (run as root/administrator, or install a per-user service with --user)"
        raise RuntimeError(
            f"cannot write the service definition {path}: {failed}{exc.strerror}{hint}"
        ) from None


def _register(run: Runner, path: Path, *commands: Sequence[str]) -> None:
    """Run the commands that register a written definition; if one fails, say where the file
    is, so it can be registered by hand or removed."""
    try:
        for command in commands:
            run(command)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}; the definition was written to {path}") from None


def uninstall(
    service: ServiceDefinition,
    *,
    platform: str,
    target_dir: Path | None = None,
    run: Runner = _run,
) -> None:
    if platform == "windows":
        run(["schtasks", "/Delete", "/F", "/TN", service.name])
        return
    if platform == "launchd":
        path = (target_dir or Path.home() / "Library" / "LaunchAgents") / (
            f"com.pywats.{service.name}.plist"
        )
        if target_dir is None:
            run(["launchctl", "unload", "-w", str(path)])
        path.unlink(missing_ok=True)
        return
    path = (target_dir or service.unit_dir()) / f"{service.name}.service"
    if target_dir is None:
        run(service.systemctl("disable", "--now", path.name))
    path.unlink(missing_ok=True)
    if target_dir is None:
        run(service.systemctl("daemon-reload"))


def control(service: ServiceDefinition, action: str, *, platform: str, run: Runner = _run) -> None:
    """Start or stop the installed service through the platform's service manager."""
    if platform == "windows":
        run(["schtasks", "/Run" if action == "start" else "/End", "/TN", service.name])
    elif platform == "launchd":
        run(["launchctl", action, f"com.pywats.{service.name}"])
    else:
        run(service.systemctl(action, f"{service.name}.service"))
