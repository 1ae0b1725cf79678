"""Conversion in worker processes, started when a file needs one and retired when idle.

A converter that crashes, hangs or eats memory costs one file and its worker, never the
service: each worker is a child process serving one job at a time (`_worker_process`). The
pool starts none up front. A job takes an idle worker; when every worker is busy it waits up
to `GROW_AFTER` for one to come back before starting another (below `size`): starting one
costs about as much CPU as a hundred small conversions. A worker that crashed or overran the
per-file timeout is killed and dropped, and the next job starts a fresh one. A worker idle for
`idle_seconds` exits (`run` retires it), so a station that tests a board a minute holds no
conversion process between boards.

Deadlines (the per-file timeout, the start timeout) are kept by the event loop, which kills
the process when one passes; the thread blocked on the worker's pipe then reads its end.
"""

from __future__ import annotations

import contextlib
import math
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import anyio

from pywats_client._worker_process import READY, Converted, Failed, Job, convert_job, receive, send

__all__ = ["WORKER_COMMAND", "Converted", "ConverterPool", "Failed", "Job", "convert_job"]

_T = TypeVar("_T")

#: How a worker process is started.
WORKER_COMMAND = (
    sys.executable,
    "-c",
    "from pywats_client._worker_process import main; main()",
)

#: How long a job waits for a busy worker before it starts another one, in seconds: about what
#: a start takes (~0.1 s of CPU, more in wall time on a busy machine), so waiting instead rarely
#: costs time, while a start costs as much CPU as a hundred small conversions.
GROW_AFTER = 0.25


class WorkerStartError(Exception):
    """A worker process exited or stalled before it could take a job."""


class _Worker:
    """One worker process and its pipes. Blocking methods: call them from a thread, under the
    pool's deadline (`ConverterPool._bounded`), which kills the process when it passes."""

    def __init__(self, command: Sequence[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.idle_since = 0.0
        self.alive = True

    def handshake(self) -> None:
        """Send the import path and wait for READY; raises WorkerStartError (process gone)."""
        try:
            answer = self._exchange(list(sys.path))
        except (EOFError, OSError) as exc:
            code = self.process.returncode
            raise WorkerStartError(
                f"a conversion worker did not start: it exited with code {code}"
            ) from exc
        if answer != READY:
            self.discard()
            raise WorkerStartError(f"a conversion worker answered {answer!r} instead of ready")

    def _exchange(self, message: object) -> object:
        """Send `message` and read the answer. Raises EOFError/OSError when the process died
        (or was killed) and leaves `alive` False then."""
        try:
            assert self.process.stdin is not None
            assert self.process.stdout is not None
            send(self.process.stdin, message)
            return receive(self.process.stdout)
        except BaseException:
            self.discard()
            raise

    def expire(self) -> None:
        """Kill the process, which ends a read in progress; safe from any thread."""
        self.alive = False
        self.process.kill()

    def run(self, job: Job) -> Converted | Failed:
        """Send `job` and wait for its outcome; after a crash the process is gone (`alive`
        is False)."""
        try:
            outcome = self._exchange(job)
        except (EOFError, OSError):
            return Failed(
                "crash",
                f"{job.path}: the converter {job.converter!r} crashed its worker process "
                f"(exit code {self.process.returncode})",
            )
        assert isinstance(outcome, Converted | Failed)
        return outcome

    def retire(self) -> None:
        """Ask the process to exit (end of input), killing it if it does not within 5 s."""
        self.alive = False
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Kill the process and reap it; safe from any thread, also while one reads its pipe
        (the read ends, and that thread discards the pipes)."""
        self.alive = False
        self.process.kill()
        self.process.wait()

    def discard(self) -> None:
        """Kill the process and close its pipes; only from the thread that uses them."""
        self.kill()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a write that never reached a dead reader
                    stream.close()


class ConverterPool:
    """At most `size` worker processes, started on demand; `convert` runs one job on one.

    `timeout` bounds a conversion, `idle_seconds` how long an unused worker stays, and
    `start_timeout` how long a new worker may take to answer, all in real seconds: processes
    live in real time, whatever clock the service reads. `run` is the owned task that retires
    idle workers; `close` kills every worker.
    """

    def __init__(
        self,
        size: int,
        timeout: float,
        *,
        idle_seconds: float = 60.0,
        start_timeout: float = 60.0,
        command: Sequence[str] = WORKER_COMMAND,
    ) -> None:
        self.size = size
        self.timeout = timeout
        self.idle_seconds = idle_seconds
        self.start_timeout = start_timeout
        self.command = tuple(command)
        #: Why the last worker start failed, until one succeeds (a health problem).
        self.start_error: str | None = None
        self._slots = anyio.CapacityLimiter(size)
        self._idle: list[_Worker] = []  # least recently used first
        self._busy: set[_Worker] = set()
        self._starting = 0  # workers being started
        self._idled = anyio.Event()  # a worker became idle (wakes the retiring task)
        self._returned = anyio.Event()  # pulsed when a worker becomes idle or a start ends
        self._reconfigured = anyio.Event()
        self._closed = False

    def configure(self, size: int, timeout: float, idle_seconds: float) -> None:
        """Apply new limits now (a configuration reload): conversions beyond a smaller `size`
        wait for a slot, and idle workers retire by the new `idle_seconds`."""
        self.size, self.timeout, self.idle_seconds = size, timeout, idle_seconds
        self._slots.total_tokens = size
        self._reconfigured.set()

    @property
    def running(self) -> int:
        """Worker processes alive now, busy or idle."""
        return len(self._idle) + len(self._busy)

    async def convert(self, job: Job) -> Converted | Failed:
        """Run `job` on a worker, starting one if none comes free in time. Never raises."""
        async with self._slots:
            if self._closed:
                return Failed("crash", f"{job.path}: the conversion pool is shut down")
            worker = await self._idle_worker()
            if worker is None:
                try:
                    worker = await self._start()
                except (WorkerStartError, OSError) as exc:
                    self.start_error = str(exc)
                    return Failed("unavailable", f"{job.path}: {exc}")
                self.start_error = None
                if self._closed:  # shut down while it started
                    await anyio.to_thread.run_sync(worker.discard)
                    return Failed("crash", f"{job.path}: the conversion pool is shut down")
            self._busy.add(worker)
            try:
                outcome = await self._bounded(worker, self.timeout, worker.run, job)
            except TimeoutError:
                took = f"conversion took longer than {self.timeout:g} s"
                outcome = Failed("timeout", f"{job.path}: {took}")
            finally:
                self._busy.discard(worker)
            if worker.alive and not self._closed:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                self._idled.set()
                self._pulse()
            elif worker.alive:
                await anyio.to_thread.run_sync(worker.discard)
            return outcome

    async def _idle_worker(self) -> _Worker | None:
        """An idle worker, or None when a new one should start: none is running, or the busy
        ones stayed busy `GROW_AFTER` after the last start ended. A worker being started is
        waited for: it takes its first job sooner than another start would end."""
        deadline: float | None = None
        while not self._idle and (self._starting or self._busy):
            if self._starting:
                deadline = None
                wait = math.inf
            else:
                deadline = deadline or anyio.current_time() + GROW_AFTER
                wait = deadline - anyio.current_time()
                if wait <= 0:
                    break
            with anyio.move_on_after(wait):
                await self._returned.wait()
        return self._idle.pop() if self._idle else None  # the most recently used: surplus retire

    def _pulse(self) -> None:
        """Wake the jobs waiting in `_idle_worker`: a worker became idle or a start ended."""
        self._returned.set()
        self._returned = anyio.Event()

    async def _start(self) -> _Worker:
        self._starting += 1
        try:
            worker = await anyio.to_thread.run_sync(_Worker, self.command)
            try:
                await self._bounded(worker, self.start_timeout, worker.handshake)
            except TimeoutError:
                took = f"within {self.start_timeout:g} s"
                raise WorkerStartError(f"a conversion worker did not start {took}") from None
            return worker
        finally:
            self._starting -= 1
            self._pulse()

    async def _bounded(
        self, worker: _Worker, seconds: float, call: Callable[..., _T], *args: object
    ) -> _T:
        """Run the blocking `call` in a thread and return what it returns. Past `seconds`, or
        when cancelled, the call is abandoned and `worker` killed (which ends the call in its
        thread); TimeoutError is raised for the deadline."""
        try:
            with anyio.move_on_after(seconds):
                return await anyio.to_thread.run_sync(call, *args, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            worker.expire()
            raise
        worker.expire()
        raise TimeoutError

    async def run(self) -> None:
        """Retire workers idle for `idle_seconds`, until cancelled."""
        while True:
            if not self._idle:
                self._idled = anyio.Event()
                await self._idled.wait()
                continue
            due = self._idle[0].idle_since + self.idle_seconds
            now = time.monotonic()
            if now < due:
                self._reconfigured = anyio.Event()
                with anyio.move_on_after(due - now):
                    await self._reconfigured.wait()
                continue
            worker = self._idle.pop(0)
            await anyio.to_thread.run_sync(worker.retire)

    def close(self) -> None:
        """Kill every worker; a conversion in progress fails as 'crash' and is retried later."""
        self._closed = True
        for worker in self._idle:
            worker.discard()
        for worker in self._busy:
            worker.kill()  # the thread running its job discards the pipes
        self._idle.clear()
