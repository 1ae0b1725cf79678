"""Intake: one stable file → read and hash → convert → accept into the outbox → post-action.

The order is the durability contract: the source is moved, deleted or kept only after the
outbox committed its reports (files converted at the same time are committed together, and
each source is touched after that commit: `_group_commit`). A crash before that processes the
file again (same ids); a crash after it uploads from the outbox. A file already in the ledger
gets only its post-action. A source with a companion folder (`Converter.companion`) is read,
converted, moved, deleted and quarantined together with that folder.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio
from anyio.abc import ObjectReceiveStream

from pywats import Backoff
from pywats_client._config import ConverterConfig
from pywats_client._faults import NO_FAULTS, Faults
from pywats_client._group_commit import GroupCommit
from pywats_client._identity import Station
from pywats_client._logging import correlated
from pywats_client._metrics import Metrics
from pywats_client._outbox import Acceptance, Entry, Outbox
from pywats_client._quarantine import Quarantine
from pywats_client._store import LedgerEntry
from pywats_client._watch import Ready, Watcher, companion_state
from pywats_client._workers import ConverterPool, Failed, Job
from pywats_client.converters import read_companion

__all__ = ["Intake", "IntakeState"]

_log = logging.getLogger(__name__)

CompanionRule = Callable[[Path], Path | None] | None


@dataclass
class IntakeState:
    """What intake is waiting for, if anything: the disk budget or a disk error."""

    paused_for_budget: bool = False
    disk_error: str | None = None


class Intake:
    """Handles `Ready` files with `concurrency` tasks."""

    def __init__(
        self,
        *,
        converters: dict[int, ConverterConfig],
        station: Station,
        pool: ConverterPool,
        outbox: Outbox,
        quarantine: Quarantine,
        watcher: Watcher,
        metrics: Metrics,
        faults: Faults = NO_FAULTS,
        on_accepted: Callable[[], None] = lambda: None,
        backoff: Backoff,
    ) -> None:
        self.converters = converters
        self.station = station
        self.pool = pool
        self.outbox = outbox
        self.commits = GroupCommit(outbox)
        self.quarantine = quarantine
        self.watcher = watcher
        self.metrics = metrics
        self.faults = faults
        self.backoff = backoff
        self.on_accepted = on_accepted
        self.state = IntakeState()
        self._disk_failures = 0
        self._start_failures = 0
        self.stopping = False
        self.active = 0
        self._idle = anyio.Event()

    async def run(self, ready: ObjectReceiveStream[Ready], concurrency: int) -> None:
        """Consume `ready` with `concurrency` tasks until cancelled."""
        async with anyio.create_task_group() as group:
            for _ in range(concurrency):
                group.start_soon(self._consume, ready)

    async def _consume(self, ready: ObjectReceiveStream[Ready]) -> None:
        async for item in ready:
            if self.stopping:
                self.watcher.release(item.path)
                continue  # shutting down: the file stays in its folder for the next start
            self.active += 1
            try:
                await self.handle(item)
            finally:
                self.active -= 1
                self.watcher.release(item.path)
                if not self.active:
                    self._idle.set()

    async def wait_idle(self) -> None:
        """Return once no file is being handled."""
        while self.active:
            self._idle = anyio.Event()
            await self._idle.wait()

    async def _wait_for_room(self) -> None:
        """Wait until the outbox is under its budget again (it was not a moment ago)."""
        if not self.state.paused_for_budget:
            _log.warning("outbox budget reached: intake waits until uploads make room")
        self.state.paused_for_budget = True
        while True:
            await anyio.sleep(1.0)
            if await anyio.to_thread.run_sync(self.outbox.has_room):
                return

    def _look(self, ready: Ready) -> tuple[LedgerEntry | None, bool, _Taken | None]:
        """In one trip to a thread: the file's ledger entry, whether the outbox has room and,
        when the file is not the version the ledger knows and there is room, the file taken
        (`_take`). Raises OSError when it cannot be read."""
        known = self.outbox.store.ledger_get(str(ready.path))
        if known and (known.size, known.mtime_ns) == (ready.size, ready.mtime_ns):
            return known, True, None
        if not self.outbox.has_room():
            return known, False, None
        return known, True, _take(ready)

    async def handle(self, ready: Ready) -> None:
        """Process one stable file; every outcome is logged, none raises to the caller."""
        config = self.converters[ready.spec.key]
        with correlated(f"file:{ready.path.name}"):
            self.faults.reached("after_detect")
            rule = ready.spec.companion
            try:
                known, room, taken = await anyio.to_thread.run_sync(self._look, ready)
                if not room:
                    await self._wait_for_room()
                    taken = await anyio.to_thread.run_sync(_take, ready)
            except OSError as exc:
                _log.warning("cannot read %s (%s); will look again", ready.path, exc.strerror)
                return
            self.state.paused_for_budget = False
            if known and (known.size, known.mtime_ns) == (ready.size, ready.mtime_ns):
                await self._post_action(config, ready.path, (ready.size, ready.mtime_ns), rule)
                return
            if taken is None:
                self.watcher.requeue(ready.path)  # still changing: wait until stable again
                return
            data, companions, info, digest = taken
            self.faults.reached("after_read")
            entry = LedgerEntry(
                str(ready.path), info.st_size, info.st_mtime_ns, digest, "accepted", time.time()
            )
            if known and known.sha256 == digest:
                try:
                    await anyio.to_thread.run_sync(self.outbox.store.ledger_record, entry)
                except OSError as exc:
                    await self._disk_trouble(ready.path, exc)
                    return
                await self._post_action(config, ready.path, (entry.size, entry.mtime_ns), rule)
                return
            await self._convert_and_accept(config, ready, data, companions, entry)

    async def _convert_and_accept(
        self,
        config: ConverterConfig,
        ready: Ready,
        data: bytes,
        companions: dict[str, bytes] | None,
        entry: LedgerEntry,
    ) -> None:
        started = time.monotonic()
        job = Job(
            config.type, dict(config.parameters), str(ready.path), data, self.station, companions
        )
        outcome = await self.pool.convert(job)
        self.metrics.observe(
            "conversion_seconds", time.monotonic() - started, converter=config.type
        )
        self.faults.reached("after_convert")
        if isinstance(outcome, Failed):
            if self.stopping:
                return  # shut down mid-conversion: the file stays and is converted next time
            if outcome.kind == "unavailable":
                await self._no_worker(ready.path, outcome.reason)
                return
            self._start_failures = 0
            await self._quarantine_source(config, ready.path, outcome, ready.spec.companion)
            return
        self._start_failures = 0
        entries = [Entry(report_id, document) for report_id, document in outcome.reports]
        acceptance = Acceptance(entries, config.type, str(ready.path), config.priority, entry)
        version = (entry.size, entry.mtime_ns)
        after = functools.partial(_apply_after, config, ready.path, version, ready.spec.companion)
        accepted = await self.commits.accept(acceptance, after)
        if accepted.error is not None:
            await self._disk_trouble(ready.path, accepted.error)
            return
        self._disk_failures = 0
        self.state.disk_error = None
        self.metrics.inc("accepted_total", len(entries), converter=config.type)
        self.on_accepted()
        _log.info("accepted %s: %d report(s)", ready.path, len(entries))
        assert accepted.then is not None, "a committed acceptance ran its post-action"
        self._post_action_done(config, ready.path, accepted.then)

    async def _disk_trouble(self, path: Path, exc: OSError) -> None:
        """The outbox cannot write (full, read-only, I/O error): back off and look again; the
        file stays in the watch folder, so nothing is lost."""
        self._disk_failures += 1
        delay = self.backoff.delay(self._disk_failures)
        self.state.disk_error = f"{exc.strerror or exc} ({path.name})"
        self.metrics.inc("disk_errors_total")
        _log.error("outbox write failed for %s: %s; retrying in %.1f s", path, exc, delay)
        await anyio.sleep(delay)
        self.watcher.requeue(path)

    async def _no_worker(self, path: Path, reason: str) -> None:
        """No conversion worker could start: the file is not at fault, so it stays in its
        folder and is taken again after a backoff (health shows why meanwhile)."""
        self._start_failures += 1
        delay = self.backoff.delay(self._start_failures)
        _log.error("%s; retrying in %.1f s", reason, delay)
        await anyio.sleep(delay)
        self.watcher.requeue(path)

    async def _quarantine_source(
        self, config: ConverterConfig, path: Path, failed: Failed, rule: CompanionRule
    ) -> None:
        self.metrics.inc("failed_total", converter=config.type, kind=failed.kind)
        _log.error("conversion failed (%s): %s", failed.kind, failed.reason)
        try:
            name = await anyio.to_thread.run_sync(
                lambda: self.quarantine.put(
                    path,
                    reason=failed.reason,
                    converter=config.type,
                    log=failed.log,
                    companion_for=rule,
                )
            )
        except OSError as exc:
            await self._disk_trouble(path, exc)
            return
        _log.info("quarantined %s as %s", path, name)

    async def _post_action(
        self, config: ConverterConfig, path: Path, version: tuple[int, int], rule: CompanionRule
    ) -> None:
        """Move, delete or keep `path` if it is still the `version` (size, mtime_ns) that was
        accepted (`_apply_after`)."""
        try:
            applied = await anyio.to_thread.run_sync(_apply_after, config, path, version, rule)
        except OSError as exc:
            self._post_action_done(config, path, exc)
            return
        self._post_action_done(config, path, applied)

    def _post_action_done(
        self, config: ConverterConfig, path: Path, applied: bool | OSError
    ) -> None:
        """Log what the post-action did. A tester may write its next result under the same name
        while the previous one converts: that file is new work, so it is watched again."""
        if isinstance(applied, OSError):
            _log.error("cannot %s %s after accepting it: %s", config.after, path, applied)
            return
        if not applied:
            _log.info("%s was replaced while it was processed; taking the new version", path)
            self.watcher.requeue(path)
            return
        self.faults.reached("after_source_action")


#: A file taken for conversion: its bytes, the companion snapshot, its stat and sha256 hex digest.
_Taken = tuple[bytes, dict[str, bytes] | None, os.stat_result, str]


def _take(ready: Ready) -> _Taken | None:
    """Read `ready`'s file (and companion folder) and hash it, in one trip to a thread: the
    bytes, the companion snapshot, the file's stat and the sha256 hex digest. None when the
    file or folder changed since it was found stable. Raises OSError when it cannot be read."""
    data = ready.path.read_bytes()
    companions = read_companion(ready.companion)
    info = ready.path.stat()
    state = companion_state(ready.companion)
    if (info.st_size, info.st_mtime_ns, state) != (
        ready.size,
        ready.mtime_ns,
        ready.companion_state,
    ):
        return None
    return data, companions, info, hashlib.sha256(data).hexdigest()


def _apply_after(
    config: ConverterConfig, path: Path, version: tuple[int, int], rule: CompanionRule = None
) -> bool:
    """Apply the post-action to `path` and its companion folder (`rule`); False (nothing done)
    when `path` is no longer `version`. The check and the move are not atomic, but the window
    shrinks from a conversion to a stat. The folder goes first: a crash between the two leaves
    the file, which the ledger then moves, never a folder without its file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return True  # moved or deleted already (by the run that crashed after accepting it)
    if (info.st_size, info.st_mtime_ns) != version:
        return False
    companion = rule(path) if rule is not None else None
    if companion is not None and not companion.is_dir():
        companion = None
    if config.after == "delete":
        if companion is not None:
            shutil.rmtree(companion)
        path.unlink(missing_ok=True)
    elif config.after == "move":
        relative = path.relative_to(config.watch)
        target = config.done_folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)

        def taken(candidate: Path) -> bool:
            paired = rule(candidate) if companion is not None and rule is not None else None
            return candidate.exists() or (paired is not None and paired.exists())

        counter = 1
        while taken(target):
            counter += 1
            target = target.with_name(f"{path.stem}-{counter}{path.suffix}")
        destination = rule(target) if companion is not None and rule is not None else None
        if companion is not None and destination is not None:
            companion.replace(destination)
        path.replace(target)
    return True
