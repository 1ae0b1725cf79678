"""Inside a conversion worker: jobs in, outcomes out, one at a time, over the worker's stdin/stdout.

A worker is a plain child process (`python -c "...; main()"`), not a multiprocessing one: no
resource-tracker process rides along with the first worker, and the same pipes work on every
platform. Messages are pickled frames (an 8-byte length, then the pickle). The service sends
its import path first; the worker answers `READY` once it can take jobs. Its own descriptors 0
and 1 are moved away from the pipes at once, so nothing a converter writes at the C level can
corrupt a frame.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import signal
import struct
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pywats_client._identity import Station
from pywats_client._worker_output import JobOutput

__all__ = ["READY", "Converted", "Failed", "Job", "convert_job", "main", "receive", "send"]

#: The worker's first answer: it has the service's import path and takes jobs.
READY = "ready"

_LENGTH = struct.Struct("!Q")


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
    """Why conversion failed, and the log so far. `kind` is 'error' (the file), 'timeout' or
    'crash' (the converter, which cost its worker), or 'unavailable' (no worker could start:
    the file is not at fault and is tried again later)."""

    kind: str
    reason: str
    log: list[str] = field(default_factory=list)


def send(stream: IO[bytes], message: object) -> None:
    """Write one frame; raises OSError when the other side is gone."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one frame; raises EOFError when the other side closed or died mid-frame."""
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError("the pipe closed")
    (length,) = _LENGTH.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("the pipe closed mid-message")
    return pickle.loads(data)


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


#: The modules `_convert` imports (there, so the service's own start does not pay for them).
_EVERY_JOB = ("pywats.report", "pywats_client.converters", "pywats_client.converters._mapping")


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


def main() -> None:
    """Worker process main loop: one job in, one outcome out, until the service closes stdin."""
    jobs = os.fdopen(os.dup(0), "rb")
    outcomes = os.fdopen(os.dup(1), "wb")
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.dup2(2, 1)  # C-level writes go where the service's stderr goes, never into a frame
    os.close(nothing)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service decides when workers stop
    try:
        sys.path[:] = receive(jobs)  # plug-in converters import as they do in the service
    except EOFError:
        return
    # What every job needs is loaded before READY: the first file is then as quick as the rest,
    # and the pool counts the whole start as starting (jobs wait for it instead of starting more).
    for module in _EVERY_JOB:
        importlib.import_module(module)
    logging.getLogger().setLevel(logging.DEBUG)
    logging.captureWarnings(True)  # warnings become log lines of the job, not stderr writes
    sys.stdout = sys.stderr = JobOutput()  # never the service's pipes (see _worker_output)
    send(outcomes, READY)
    while True:
        try:
            job = receive(jobs)
        except EOFError:
            return
        send(outcomes, convert_job(job))
