"""One service per data folder: an exclusive lock on `<data>/service.lock` while it runs.

Two services on one outbox would both deliver and move the same items, and the second's
start-up recovery would set aside files the first is still writing. The lock is the operating
system's (flock / LockFileEx), so it goes away with the process however the process ends: a
crash or power loss never leaves a stale lock behind. The file holds the owner's pid, for the
message the next one gets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from pywats_client._config import ConfigError

__all__ = ["LOCK_FILE", "InstanceLock"]

LOCK_FILE = "service.lock"

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class InstanceLock:
    """Held from `take` until `release`; `take` raises ConfigError keyed `paths.data` when
    another process holds the folder."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    @classmethod
    def take(cls, folder: Path) -> InstanceLock:
        path = folder / LOCK_FILE
        handle = path.open("a+", encoding="utf-8")
        try:
            _try_lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            problem = (
                f"{folder} is in use by another pywats-client (pid {holder}); "
                "each service needs its own data folder"
            )
            raise ConfigError(f"paths.data: {problem}", {"paths.data": problem}) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        _unlock(self._handle)
        self._handle.close()
