"""The write seam: every byte the service makes durable goes through `DiskIO`.

Writes are split into their steps (write, fsync, rename, directory fsync) so the outbox can put
crash points between them and tests can inject ENOSPC, EROFS or EIO at exactly one step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["DiskIO"]


class DiskIO:
    """Plain POSIX file operations; every method raises OSError on failure."""

    def write(self, path: Path, data: bytes) -> None:
        """Create or truncate `path` and write all of `data` (not yet synced)."""
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644
        )
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)

    def fsync(self, path: Path) -> None:
        """Flush the file's data and metadata to stable storage."""
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def rename(self, source: Path, target: Path) -> None:
        """Atomically move `source` to `target`, replacing it."""
        os.replace(source, target)

    def fsync_dir(self, path: Path) -> None:
        """Make the directory's entries (creates, renames) durable. Not possible on Windows,
        where NTFS journals metadata itself."""
        if os.name == "nt":
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def write_atomic(self, path: Path, data: bytes, *, private: bool = False) -> None:
        """Replace `path` with `data` so that a crash leaves the old file or the new one, never
        part of either: a temporary file beside it, written, fsynced and renamed over it, then
        the folder fsynced. `private` makes the file 0600 before any byte is written."""
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        os.close(
            os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
        )
        try:
            self.write(temporary, data)
            self.fsync(temporary)
            self.rename(temporary, path)
        except BaseException:
            self.remove(temporary)
            raise
        self.fsync_dir(path.parent)

    def remove(self, path: Path) -> None:
        """Delete `path` if it exists."""
        path.unlink(missing_ok=True)
