"""Watch folders: find files that match a converter and have stopped changing.

Watchdog events say *where* to look; a full rescan at start and on a timer catches what events
missed (network shares, overflowed queues, files that arrived while the service was down). A file
is ready once its size and mtime have been unchanged for `stable_seconds` and it can be opened.
A converter may declare a companion folder per file (`Converter.companion`): the file is then
ready only when the folder's listing (names, sizes, mtimes) has been unchanged as long, and the
files inside such a folder are never taken on their own.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import queue
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import anyio
from anyio.abc import ObjectSendStream
from watchdog.events import (
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from pywats._clock import SYSTEM_CLOCK, Clock

__all__ = ["CompanionState", "Ready", "WatchSpec", "Watcher", "companion_state", "matches"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchSpec:
    """One converter's folder: include/exclude patterns and sub-folders never to enter."""

    key: int
    folder: Path
    patterns: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    skip: tuple[Path, ...] = ()
    companion: Callable[[Path], Path | None] | None = None  # the converter's companion folder


#: A companion folder's listing, (relative path, size, mtime_ns) sorted; None: no folder.
CompanionState = tuple[tuple[str, int, int], ...] | None


def companion_state(folder: Path | None) -> CompanionState:
    """The listing of `folder` that must stay unchanged for its file to be stable."""
    if folder is None or not folder.is_dir():
        return None
    found = []
    for root, _, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            try:
                info = path.stat()
            except OSError:
                continue  # removed while listed: the next look sees the change
            found.append((path.relative_to(folder).as_posix(), info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


@dataclass(frozen=True)
class Ready:
    """A stable file and the spec it matched; size and mtime as seen when found stable."""

    spec: WatchSpec
    path: Path
    size: int
    mtime_ns: int
    companion: Path | None = None
    companion_state: CompanionState = None


def matches(spec: WatchSpec, path: Path) -> bool:
    """Whether `path` (inside `spec.folder`) is a file this spec takes.

    Patterns match the file name case-insensitively; exclude patterns match the name or the
    path relative to the folder. Hidden files (`.name`) are never taken: writers use them for
    temporaries.
    """
    name = path.name.lower()
    if name.startswith(".") or any(path.is_relative_to(skip) for skip in spec.skip):
        return False
    if not any(fnmatch.fnmatchcase(name, p.lower()) for p in spec.patterns):
        return False
    relative = path.relative_to(spec.folder).as_posix().lower()
    return not any(
        fnmatch.fnmatchcase(name, p.lower()) or fnmatch.fnmatchcase(relative, p.lower())
        for p in spec.exclude
    )


def _in_companion(spec: WatchSpec, path: Path) -> bool:
    """Whether `path` lies in the companion folder of a file beside that folder."""
    if spec.companion is None:
        return False
    folder = path.parent
    while folder != spec.folder and folder.is_relative_to(spec.folder):
        try:
            siblings = list(folder.parent.iterdir())
        except OSError:
            return False
        if any(spec.companion(p) == folder for p in siblings if matches(spec, p)):
            return True
        folder = folder.parent
    return False


class _Probe:
    __slots__ = ("companion", "mtime_ns", "since", "size", "spec", "state")

    def __init__(self, spec: WatchSpec, size: int, mtime_ns: int, since: float) -> None:
        self.spec, self.size, self.mtime_ns, self.since = spec, size, mtime_ns, since
        self.companion: Path | None = None
        self.state: CompanionState = None


#: The events that can make a file ready: a file made, written, touched or moved in, or a
#: folder moved in. The kernel is asked for no others: reading a file (the stability check,
#: intake) and removing it (the post-action) would cost the watcher's threads an event each.
_NEWS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileMovedEvent,
    DirMovedEvent,
]


class _Events(FileSystemEventHandler):
    def __init__(self, notify: Callable[[Path], None]) -> None:
        self._notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        target = getattr(event, "dest_path", "") or event.src_path
        self._notify(Path(os.fsdecode(target)))


class Watcher:
    """Feeds `Ready` files into a stream; `release(path)` after handling lets it be seen again."""

    def __init__(
        self,
        specs: Sequence[WatchSpec],
        *,
        stable_seconds: float,
        rescan_seconds: float,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.specs = tuple(specs)
        self.stable_seconds = stable_seconds
        self.rescan_seconds = rescan_seconds
        self.clock = clock
        self._probes: dict[Path, _Probe] = {}
        self._busy: set[Path] = set()
        self.started = anyio.Event()  # set once watching and the start scan is done
        self._events: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._missing: set[Path] = set()  # folders not there at the last look, logged once

    def _spec_for(self, path: Path) -> WatchSpec | None:
        for spec in self.specs:
            if path.is_relative_to(spec.folder) and matches(spec, path):
                return None if _in_companion(spec, path) else spec
        return None

    def note(self, path: Path) -> None:
        """Consider `path` (an event or a scan hit); safe to call repeatedly."""
        if path in self._busy or path in self._probes or path.name.startswith("."):
            return  # hidden names are writers' temporaries (`matches`): the cheap test first
        spec = self._spec_for(path)
        if spec is None:
            return
        try:
            info = path.stat()
        except OSError:
            return
        probe = _Probe(spec, info.st_size, info.st_mtime_ns, self.clock.monotonic())
        if spec.companion is not None:
            probe.companion = spec.companion(path)
            probe.state = companion_state(probe.companion)
        self._probes[path] = probe

    def release(self, path: Path) -> None:
        self._busy.discard(path)

    def requeue(self, path: Path) -> None:
        """Handled for now but not done: watch it again from scratch."""
        self.release(path)
        self.note(path)

    def _walk(self) -> Iterator[Path]:
        for spec in self.specs:
            for root, dirs, files in os.walk(spec.folder):
                here = Path(root)
                dirs[:] = [d for d in dirs if not any((here / d) == s for s in spec.skip)]
                for name in files:
                    yield here / name

    @property
    def pending(self) -> int:
        """Files seen but not yet stable."""
        return len(self._probes)

    @property
    def missing(self) -> list[WatchSpec]:
        """Specs whose folder is not there (or not a folder) as of the last look."""
        return [spec for spec in self.specs if spec.folder in self._missing]

    async def run(self, ready: ObjectSendStream[Ready]) -> None:
        """Watch until cancelled, sending each stable file once until it is released.

        A folder is never made here: a missing one (a share not mounted, a mistyped path) is
        logged once, listed in `missing` and left out, so the others are still watched; each
        rescan looks for it again and watches it once it appears.
        """
        observer = Observer()
        handler = _Events(self._events.put)  # never blocks the observer thread
        waiting = [spec for spec in self.specs if not self._watch(observer, handler, spec)]
        observer.start()
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._rescan_loop, observer, handler, waiting)
                await self._stability_loop(ready, observer)
        finally:
            observer.stop()
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(observer.join, 5)

    def _watch(self, observer: BaseObserver, handler: _Events, spec: WatchSpec) -> bool:
        """Watch `spec`'s folder; False, logged once, while it is not there."""
        if not spec.folder.is_dir():
            if spec.folder not in self._missing:
                self._missing.add(spec.folder)
                _log.error(
                    "watch folder %s of converters[%d] does not exist; its files are taken "
                    "once it appears",
                    spec.folder,
                    spec.key,
                )
            return False
        try:
            observer.schedule(handler, str(spec.folder), recursive=True, event_filter=_NEWS)
        except OSError as exc:  # removed again between the check and the watch
            _log.debug("cannot watch %s yet: %s", spec.folder, exc)
            return False
        if spec.folder in self._missing:
            self._missing.discard(spec.folder)
            _log.info("watch folder %s of converters[%d] is there now", spec.folder, spec.key)
        return True

    async def _rescan_loop(
        self, observer: BaseObserver, handler: _Events, waiting: list[WatchSpec]
    ) -> None:
        while True:
            waiting[:] = [spec for spec in waiting if not self._watch(observer, handler, spec)]
            for path in await anyio.to_thread.run_sync(lambda: list(self._walk())):
                self.note(path)
            self.started.set()
            await anyio.sleep(self.rescan_seconds)

    async def _stability_loop(self, ready: ObjectSendStream[Ready], observer: BaseObserver) -> None:
        interval = min(max(self.stable_seconds / 4, 0.05), 1.0)
        while True:
            await anyio.sleep(interval)
            _check_watching(observer)
            while not self._events.empty():
                self.note(self._events.get_nowait())
            now = self.clock.monotonic()
            for path, probe in list(self._probes.items()):
                outcome = _probe(path, probe, now, self.stable_seconds)
                if outcome is None:
                    continue
                del self._probes[path]
                if outcome:
                    self._busy.add(path)
                    await ready.send(
                        Ready(
                            probe.spec,
                            path,
                            probe.size,
                            probe.mtime_ns,
                            probe.companion,
                            probe.state,
                        )
                    )


def _check_watching(observer: BaseObserver) -> None:
    """Raise when a folder's watch has ended (the folder was deleted and made again, a share
    was unmounted): its events would never come back, leaving only the slow rescan. Raising
    lets the supervisor start the watcher afresh: new watches and a full scan."""
    lost = [emitter.watch.path for emitter in observer.emitters if not emitter.is_alive()]
    if lost:
        raise RuntimeError(f"watching stopped for {', '.join(lost)}; starting again")


def _probe(path: Path, probe: _Probe, now: float, stable_seconds: float) -> bool | None:
    """True: stable and openable. False: gone, forget it. None: keep watching."""
    try:
        info = path.stat()
    except OSError:
        return False
    state = companion_state(probe.companion) if probe.companion is not None else None
    if (info.st_size, info.st_mtime_ns, state) != (probe.size, probe.mtime_ns, probe.state):
        probe.size, probe.mtime_ns, probe.since = info.st_size, info.st_mtime_ns, now
        probe.state = state
        return None
    if now - probe.since < stable_seconds:
        return None
    try:
        with open(path, "rb"):
            pass  # on Windows a writer's exclusive lock fails this open
    except PermissionError:
        return None
    except OSError:
        return False
    return True
