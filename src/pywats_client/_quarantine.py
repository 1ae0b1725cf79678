"""Quarantined source files: the file, why it was set aside, and its conversion log.

Each entry is `<name>` plus `<name>.reason.json` (reason, original path, converter, time) and
`<name>.log`. An operator can retry an entry (the file goes back where it came from) or delete it.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pywats_client._durable import DiskIO

__all__ = ["Quarantine", "QuarantinedFile"]

_REASON = ".reason.json"
_LOG = ".log"


@dataclass(frozen=True)
class QuarantinedFile:
    """One quarantined file: its entry `name`, reason, original path, converter and time."""

    name: str
    reason: str
    origin: str
    converter: str
    at: float


class Quarantine:
    """The quarantine folder."""

    def __init__(self, folder: Path, disk: DiskIO | None = None) -> None:
        self.folder = folder
        self.disk = disk or DiskIO()
        folder.mkdir(parents=True, exist_ok=True)

    def put(self, path: Path, *, reason: str, converter: str, log: list[str] | None = None) -> str:
        """Move `path` here with its reason and log; returns the entry name."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{path.name}"
        counter = 1
        while (self.folder / name).exists() or (self.folder / f"{name}{_REASON}").exists():
            counter += 1
            name = f"{stamp}-{counter}-{path.name}"
        record = {"reason": reason, "origin": str(path), "converter": converter, "at": time.time()}
        # The reason is written first: a crash before the move leaves the source in place to be
        # processed again, never a quarantined file without its reason.
        self._write(self.folder / f"{name}{_REASON}", json.dumps(record, indent=2).encode())
        self._write(self.folder / f"{name}{_LOG}", "\n".join(log or []).encode("utf-8"))
        shutil.move(str(path), str(self.folder / name))
        self.disk.fsync_dir(self.folder)
        return name

    def tidy(self) -> int:
        """Remove reason and log files whose file never arrived (a crash during `put`; the
        source is still in its watch folder and will be quarantined again). Returns how many."""
        removed = 0
        for sidecar in [*self.folder.glob(f"*{_REASON}"), *self.folder.glob(f"*{_LOG}")]:
            suffix = _REASON if sidecar.name.endswith(_REASON) else _LOG
            if not (self.folder / sidecar.name[: -len(suffix)]).exists():
                self.disk.remove(sidecar)
                removed += 1
        return removed

    def _write(self, path: Path, data: bytes) -> None:
        self.disk.write(path, data)
        self.disk.fsync(path)

    def entries(self) -> list[QuarantinedFile]:
        """Every quarantined file, oldest first."""
        found = []
        for reason_file in self.folder.glob(f"*{_REASON}"):
            name = reason_file.name[: -len(_REASON)]
            if not (self.folder / name).exists():
                continue
            try:
                record = json.loads(reason_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                record = {"reason": "(reason file unreadable)", "origin": "", "converter": ""}
            found.append(
                QuarantinedFile(
                    name=name,
                    reason=str(record.get("reason", "")),
                    origin=str(record.get("origin", "")),
                    converter=str(record.get("converter", "")),
                    at=float(record.get("at", reason_file.stat().st_mtime)),
                )
            )
        return sorted(found, key=lambda entry: (entry.at, entry.name))

    def get(self, name: str) -> QuarantinedFile | None:
        return next((e for e in self.entries() if e.name == name), None)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}{_LOG}"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def retry(self, name: str) -> Path | None:
        """Move the file back to where it came from (to be processed again); None if unknown."""
        entry = self.get(name)
        if entry is None or not entry.origin:
            return None
        origin = Path(entry.origin)
        origin.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(self.folder / name), str(origin))
        self._forget(name)
        return origin

    def delete(self, name: str) -> bool:
        if self.get(name) is None:
            return False
        self.disk.remove(self.folder / name)
        self._forget(name)
        return True

    def _forget(self, name: str) -> None:
        self.disk.remove(self.folder / f"{name}{_REASON}")
        self.disk.remove(self.folder / f"{name}{_LOG}")
