"""Conversion in worker processes: a converter that crashes or hangs costs one file.

Each worker is a spawned process serving one job at a time over a pipe. The parent waits for the
answer up to the per-file timeout; a worker that overruns it is killed and replaced, and a worker
that dies is replaced too. The job fails, the service does not.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import sys
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import anyio

from pywats_client._identity import Station
from pywats_client._worker_output import JobOutput

__all__ = ["Converted", "ConverterPool", "Failed", "Job", "convert_job"]


@dataclass(frozen=True)
class Job:
    """What a worker needs: the converter by name, its parameters and a snapshot of the file
    (and of its companion folder)."""

    converter: str
    parameters: dict[str, Any]
    path: str
    data: bytes
    station: Station
    companions: dict[str, bytes] | None = None  # the companion folder's snapshot, if any


@dataclass(frozen=True)
class Converted:
    """The reports as `(id, WSJF bytes)` pairs in file order, and the conversion log."""

    reports: list[tuple[str, bytes]]
    log: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Failed:
    """Why conversion failed (`kind` is 'error', 'timeout' or 'crash'), and the log so far."""

    kind: str
    reason: str
    log: list[str] = field(default_factory=list)


def convert_job(job: Job) -> Converted | Failed:
    """Run one conversion in this process, capturing its log (and, in a worker, what it
    prints). Never raises."""
    lines: list[str] = []
    handler = _ListHandler(lines)
    root = logging.getLogger()
    root.addHandler(handler)
    printed = sys.stdout.into(lines) if isinstance(sys.stdout, JobOutput) else None
    try:
        with printed or contextlib.nullcontext():
            return _convert(job, lines)
    finally:
        root.removeHandler(handler)


def _convert(job: Job, lines: list[str]) -> Converted | Failed:
    from pywats.report import write_wsjf
    from pywats_client.converters import (
        ConversionError,
        Source,
        UnknownConverterError,
        get_converter,
    )
    from pywats_client.converters._mapping import finish

    try:
        converter = get_converter(job.converter)(job.parameters)
        source = Source(Path(job.path), job.data, job.station, job.companions)
        reports = converter.convert(source)
        if not reports:
            return Failed("error", f"{job.path}: the converter found no reports in the file", lines)
        results: list[tuple[str, bytes]] = []
        for index, report in enumerate(reports):
            # Finished on the model and encoded once: these bytes are what goes on the wire.
            finish(report, index, source, converter.defaults.station_name)
            results.append((report.id, write_wsjf(report).encode("utf-8")))
        return Converted(results, lines)
    except ConversionError as exc:
        return Failed("error", str(exc), lines)
    except UnknownConverterError as exc:  # e.g. its plug-in broke after the service started
        return Failed("error", f"{job.path}: {exc}", lines)
    except Exception as exc:  # a converter bug must cost this file only
        detail = "".join(traceback.format_exception(exc)).rstrip()
        lines.append(detail)
        return Failed("error", f"{job.path}: converter {job.converter!r} failed: {exc!r}", lines)


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _serve(conn: Connection) -> None:
    """Worker process main loop: one job in, one outcome out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    logging.getLogger().setLevel(logging.DEBUG)
    logging.captureWarnings(True)  # warnings become log lines of the job, not stderr writes
    sys.stdout = sys.stderr = JobOutput()  # never the service's pipes (see _worker_output)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(convert_job(job))


class _Worker:
    def __init__(self, context: Any) -> None:
        self._context = context
        self._closed = False
        self._conn: Connection
        self._process: BaseProcess
        self._start()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent

    def run(self, job: Job, timeout: float) -> Converted | Failed:
        """Blocking: send `job`, wait up to `timeout` seconds, restart the process on failure."""
        try:
            self._conn.send(job)
            if self._conn.poll(timeout):
                outcome: Converted | Failed = self._conn.recv()
                return outcome
            failure = Failed("timeout", f"{job.path}: conversion took longer than {timeout:g} s")
        except (EOFError, OSError, BrokenPipeError):
            self._process.join(1)
            failure = Failed(
                "crash",
                f"{job.path}: the converter {job.converter!r} crashed its worker process "
                f"(exit code {self._process.exitcode})",
            )
        if not self._closed:
            self.kill()
            self._start()
        return failure

    def close(self) -> None:
        self._closed = True
        self.kill()

    def kill(self) -> None:
        self._conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)


class ConverterPool:
    """`size` worker processes; `convert` waits for a free one and runs the job on it."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size = size
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._free = anyio.Semaphore(0)
        self._closed = False

    async def start(self) -> None:
        for _ in range(self.size):
            worker = await anyio.to_thread.run_sync(_Worker, self._context)
            self._all.append(worker)
            self._idle.append(worker)
            self._free.release()

    async def convert(self, job: Job) -> Converted | Failed:
        if self._closed:
            return Failed("crash", f"{job.path}: the conversion pool is shut down")
        await self._free.acquire()
        worker = self._idle.pop()
        try:
            return await anyio.to_thread.run_sync(worker.run, job, self.timeout)
        finally:
            self._idle.append(worker)
            self._free.release()

    def close(self) -> None:
        """Kill every worker; a conversion in progress fails as 'crash' and is retried later."""
        self._closed = True
        for worker in self._all:
            worker.close()
