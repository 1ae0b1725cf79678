"""A simulated power cut in the outbox's writes: only what was fsynced survives.

What is simulated, and how: `PowerCutDisk` performs every `DiskIO` step for real and keeps a
model of what the storage would hold if the power failed now; `PowerCutStore` makes each
database transaction a step too (the power fails just before it). A file's content is durable at
its last `fsync`; a directory's entries (creates, renames, removals) are durable at the
directory's last `fsync_dir`. Steps not yet synced may or may not have reached the platter, so
at the cut each file gets, at random, its synced content, its current content or a torn mix,
and the folder gets its synced entries plus a random prefix of the entry changes made since
(a journalling filesystem commits metadata in order). The SQLite database is copied at the cut
with its WAL: with `synchronous=FULL` every committed transaction was fsynced before the
commit returned and a cut point falls between transactions, so the files hold the synced
state; an in-flight transaction's unsynced WAL tail is simulated by appending a torn frame
of random bytes, which SQLite must ignore on recovery. Not simulated: a disk that lies about
fsync, and reordered writes inside one file.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pywats_client._durable import DiskIO
from pywats_client._store import Store

__all__ = ["PowerCut", "PowerCutDisk", "PowerCutStore", "append_torn_frame"]


class PowerCut(BaseException):
    """The power failed: nothing after this point ran (a BaseException, so no handler for
    OSError, and no clean-up, mistakes it for a recoverable error)."""


@dataclass
class _Inode:
    current: bytes = b""
    synced: bytes | None = None  # None: never fsynced (its blocks may not exist)


@dataclass
class _Folder:
    live: dict[str, _Inode] = field(default_factory=dict)
    synced: dict[str, _Inode] = field(default_factory=dict)
    changes: list[tuple[str, _Inode | None]] = field(default_factory=list)  # since synced


class PowerCutDisk(DiskIO):
    """Real disk I/O recording durability; the step numbered `cut_at` (0-based) is not run:
    the power fails just before it, the surviving state is written to `image` and every later
    step raises `PowerCut`. `steps` counts the steps run so far (a dry run finds the total)."""

    def __init__(
        self, folder: Path, database: Path, image: Path, cut_at: int | None, seed: int
    ) -> None:
        self.folder = folder
        self.database = database
        self.image = image
        self.cut_at = cut_at
        self.random = random.Random(seed)
        self.steps = 0
        self.cut = False
        self._dirs: dict[Path, _Folder] = {}
        for path in folder.iterdir():  # whatever exists at the start is durable
            data = path.read_bytes()
            self._dir(folder).live[path.name] = _Inode(data, data)
        self._dir(folder).synced = dict(self._dir(folder).live)

    def _dir(self, path: Path) -> _Folder:
        return self._dirs.setdefault(path, _Folder())

    def step(self) -> None:
        """One step of the sequence: the power fails here if this is step `cut_at`."""
        if self.cut:
            raise PowerCut
        if self.steps == self.cut_at:
            self.cut = True
            self._write_image()
            raise PowerCut
        self.steps += 1

    def _set(self, path: Path, inode: _Inode | None) -> None:
        folder = self._dir(path.parent)
        if inode is None:
            folder.live.pop(path.name, None)
        else:
            folder.live[path.name] = inode
        folder.changes.append((path.name, inode))

    def write(self, path: Path, data: bytes) -> None:
        self.step()
        super().write(path, data)
        inode = self._dir(path.parent).live.get(path.name)
        if inode is None:
            self._set(path, _Inode(data))
        else:
            inode.current = data  # O_TRUNC: the same file, new (unsynced) content

    def fsync(self, path: Path) -> None:
        self.step()
        super().fsync(path)
        inode = self._dir(path.parent).live[path.name]
        inode.synced = inode.current

    def rename(self, source: Path, target: Path) -> None:
        self.step()
        super().rename(source, target)
        inode = self._dir(source.parent).live[source.name]
        self._set(source, None)
        self._set(target, inode)

    def fsync_dir(self, path: Path) -> None:
        self.step()
        super().fsync_dir(path)
        folder = self._dir(path)
        folder.synced = dict(folder.live)
        folder.changes.clear()

    def remove(self, path: Path) -> None:
        self.step()
        super().remove(path)
        if path.name in self._dir(path.parent).live:
            self._set(path, None)

    # -- the cut ------------------------------------------------------------------------------

    def _survivor(self, inode: _Inode) -> bytes:
        """What a file holds after the cut: synced, current, or torn between them."""
        old = inode.synced if inode.synced is not None else b""
        if inode.current == old:
            return old
        fate = self.random.choice(("synced", "current", "torn"))
        if fate == "synced":
            return old
        if fate == "current":
            return inode.current
        keep = self.random.randrange(len(inode.current) + 1)
        return inode.current[:keep] + old[keep:]

    def _write_image(self) -> None:
        """Write the state that survives a power cut now into `image` (a new data folder)."""
        folder = self._dir(self.folder)
        entries = dict(folder.synced)
        for name, inode in folder.changes[: self.random.randrange(len(folder.changes) + 1)]:
            if inode is None:
                entries.pop(name, None)
            else:
                entries[name] = inode
        outbox = self.image / self.folder.name
        outbox.mkdir(parents=True)
        for name, inode in entries.items():
            (outbox / name).write_bytes(self._survivor(inode))
        for suffix in ("", "-wal"):
            source = self.database.with_name(self.database.name + suffix)
            if source.exists():
                shutil.copyfile(source, self.image / source.name)
        wal = self.image / f"{self.database.name}-wal"
        if wal.exists() and wal.stat().st_size >= 32:
            with wal.open("r+b") as handle:
                append_torn_frame(handle, self.random)


class PowerCutStore(Store):
    """The real database, each of whose transactions is a step of `disk`'s sequence."""

    def __init__(self, path: Path, disk: PowerCutDisk) -> None:
        super().__init__(path)
        self.disk = disk

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Cursor]:
        self.disk.step()
        with super().transaction(durable=durable) as cursor:
            yield cursor


def append_torn_frame(handle: BinaryIO, chance: random.Random) -> None:
    """Append part of a commit frame that carries the WAL's own salts but whose checksum and
    page are garbage: what an fsync cut short leaves. SQLite must stop replaying before it."""
    header = handle.read(32)
    page_size = struct.unpack(">I", header[8:12])[0] or 65536
    salts = header[16:24]
    frame = struct.pack(">II", 1, 1) + salts + os.urandom(8) + os.urandom(page_size)
    handle.seek(0, os.SEEK_END)
    handle.write(frame[: chance.randrange(1, len(frame) + 1)])
