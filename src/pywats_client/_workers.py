"""Conversion in worker processes, started when a file needs one and retired when idle.

A converter that crashes, hangs or eats memory costs one file and its worker, never the
service: each worker is a child process serving one job at a time (`_worker_process`). The
pool starts none up front. A job takes an idle worker or, below `size`, starts a new one; a
worker that crashed or overran the per-file timeout is killed and dropped, and the next job
starts a fresh one. A worker idle for `idle_seconds` exits (`run` retires it), so a station
that tests a board a minute holds no conversion process between boards.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

import anyio

from pywats_client._worker_process import READY, Converted, Failed, Job, convert_job, receive, send

__all__ = ["WORKER_COMMAND", "Converted", "ConverterPool", "Failed", "Job", "convert_job"]

#: How a worker process is started.
WORKER_COMMAND = (
    sys.executable,
    "-c",
    "from pywats_client._worker_process import main; main()",
)


class WorkerStartError(Exception):
    """A worker process exited or stalled before it could take a job."""


class _Worker:
    """One worker process and its pipes. Blocking methods: call them from a thread."""

    def __init__(self, command: Sequence[str], start_timeout: float) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.idle_since = 0.0
        self.alive = True
        self.expired = False  # the timeout killed the process
        try:
            answer = self._exchange(list(sys.path), start_timeout)
        except (EOFError, OSError) as exc:
            raise WorkerStartError(self._ended("did not start", start_timeout)) from exc
        if answer != READY:
            self.discard()
            raise WorkerStartError(f"a conversion worker answered {answer!r} instead of ready")

    def _exchange(self, message: object, timeout: float) -> object:
        """Send `message` and read the answer; the process is killed when `timeout` passes
        first, which ends the read. Raises EOFError/OSError and leaves `alive` False then."""
        timer = threading.Timer(timeout, self._expire)
        timer.start()
        try:
            assert self.process.stdin is not None
            assert self.process.stdout is not None
            send(self.process.stdin, message)
            return receive(self.process.stdout)
        except BaseException:
            self.discard()
            raise
        finally:
            timer.cancel()

    def _expire(self) -> None:
        self.expired = True
        self.process.kill()

    def _ended(self, what: str, timeout: float) -> str:
        if self.expired:
            return f"a conversion worker {what} within {timeout:g} s"
        return f"a conversion worker {what}: it exited with code {self.process.returncode}"

    def run(self, job: Job, timeout: float) -> Converted | Failed:
        """Send `job` and wait up to `timeout` seconds; on a crash or timeout the process is
        gone afterwards (`alive` is False)."""
        self.expired = False
        try:
            outcome = self._exchange(job, timeout)
        except (EOFError, OSError):
            if self.expired:
                return Failed("timeout", f"{job.path}: conversion took longer than {timeout:g} s")
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
        self._idled = anyio.Event()
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
        """Run `job` on a worker, starting one if none is idle. Never raises."""
        async with self._slots:
            if self._closed:
                return Failed("crash", f"{job.path}: the conversion pool is shut down")
            if self._idle:
                worker = self._idle.pop()  # the most recently used: surplus ones retire
            else:
                try:
                    worker = await anyio.to_thread.run_sync(
                        _Worker, self.command, self.start_timeout
                    )
                except (WorkerStartError, OSError) as exc:
                    self.start_error = str(exc)
                    return Failed("unavailable", f"{job.path}: {exc}")
                self.start_error = None
                if self._closed:  # shut down while it started
                    await anyio.to_thread.run_sync(worker.discard)
                    return Failed("crash", f"{job.path}: the conversion pool is shut down")
            self._busy.add(worker)
            try:
                outcome = await anyio.to_thread.run_sync(worker.run, job, self.timeout)
            finally:
                self._busy.discard(worker)
            if worker.alive and not self._closed:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                self._idled.set()
            elif worker.alive:
                await anyio.to_thread.run_sync(worker.discard)
            return outcome

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
