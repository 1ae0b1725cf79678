"""Quarantined source files: the file, why it was set aside, and its conversion log.

Each entry is `<name>` plus `<name>.reason.json` (reason, original path, converter, time) and
`<name>.log`. An operator can retry an entry (the file goes back where it came from) or delete it.
A file's companion folder (`Converter.companion`) is quarantined, retried and deleted with it.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pywats_client._control_models import QuarantinedFile
from pywats_client._durable import DiskIO

__all__ = ["Quarantine", "QuarantinedFile"]

_REASON = ".reason.json"
_LOG = ".log"


class Quarantine:
    """The quarantine folder."""

    def __init__(self, folder: Path, disk: DiskIO | None = None) -> None:
        self.folder = folder
        self.disk = disk or DiskIO()
        folder.mkdir(parents=True, exist_ok=True)

    def put(
        self,
        path: Path,
        *,
        reason: str,
        converter: str,
        log: list[str] | None = None,
        companion_for: Callable[[Path], Path | None] | None = None,
    ) -> str:
        """Move `path` here with its reason and log, and its companion folder (`companion_for`
        of the file, if that folder exists) beside it; returns the entry name."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{path.name}"
        counter = 1
        while (self.folder / name).exists() or (self.folder / f"{name}{_REASON}").exists():
            counter += 1
            name = f"{stamp}-{counter}-{path.name}"
        record: dict[str, Any] = {
            "reason": reason,
            "origin": str(path),
            "converter": converter,
            "at": time.time(),
        }
        companion = companion_for(path) if companion_for is not None else None
        entry_companion = companion_for(self.folder / name) if companion_for is not None else None
        if companion is not None and entry_companion is not None and companion.is_dir():
            record["companion"] = str(companion)
            record["companion_entry"] = entry_companion.name
        else:
            companion = None
        # The reason is written first: a crash before the move leaves the source in place to be
        # processed again, never a quarantined file without its reason.
        self._write(self.folder / f"{name}{_REASON}", json.dumps(record, indent=2).encode())
        self._write(self.folder / f"{name}{_LOG}", "\n".join(log or []).encode("utf-8"))
        if companion is not None:  # first: a crash then leaves the file to be taken again
            shutil.move(str(companion), str(self.folder / record["companion_entry"]))
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
        record = self._record(name)
        companion = self.folder / str(record.get("companion_entry", ""))
        if record.get("companion") and companion.is_dir():
            shutil.move(str(companion), str(record["companion"]))
        shutil.move(str(self.folder / name), str(origin))
        self._forget(name)
        return origin

    def delete(self, name: str) -> bool:
        if self.get(name) is None:
            return False
        companion = self._record(name).get("companion_entry")
        if companion and (self.folder / str(companion)).is_dir():
            shutil.rmtree(self.folder / str(companion))
        self.disk.remove(self.folder / name)
        self._forget(name)
        return True

    def _record(self, name: str) -> dict[str, Any]:
        try:
            record = json.loads((self.folder / f"{name}{_REASON}").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def _forget(self, name: str) -> None:
        self.disk.remove(self.folder / f"{name}{_REASON}")
        self.disk.remove(self.folder / f"{name}{_LOG}")
