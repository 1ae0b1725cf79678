"""Service logging: rotating `pywats.log` (10 MB × 5), text or JSON lines, correlation ids.

Each destination is written by its own thread behind a bounded queue (`_log_sink`), so a log
call never waits for a disk or a pipe; lines a full queue cannot take are counted, not waited for.

The correlation id names what a line is about: a source file while it is converted and
accepted, a report id while it is uploaded (and sent to the server as `X-Correlation-ID`).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from pywats_client._log_sink import QueuedSink, console_handler

__all__ = ["LOG_BACKUPS", "LOG_MAX_BYTES", "configure_logging", "correlated", "current_correlation"]

LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5
_correlation: ContextVar[str] = ContextVar("pywats_client_correlation", default="-")


@contextmanager
def correlated(value: str) -> Iterator[str]:
    """Tag every log line written inside the block (this task or thread) with `value`."""
    token = _correlation.set(value)
    try:
        yield value
    finally:
        _correlation.reset(token)


def current_correlation() -> str:
    return _correlation.get()


class _CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _correlation.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC ISO 8601), level, logger, correlation id, message."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "correlation_id": getattr(record, "correlation_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


_TEXT = "%(asctime)s %(levelname)-7s %(name)s [%(correlation_id)s] %(message)s"


def log_file(data_folder: Path) -> Path:
    """Where the service writes its log, given its data folder (`paths.data`)."""
    return data_folder / "logs" / "pywats.log"


def configure_logging(
    data_folder: Path | None, *, level: str = "INFO", fmt: str = "text", console: bool = True
) -> list[QueuedSink]:
    """Attach the service's handlers to the root logger; returns them so they can be removed
    (closing one writes what it has queued). Each is a `QueuedSink` whose `target` is the
    real handler.

    With a data folder, the log goes to `log_file(data_folder)`, rotated."""
    formatter: logging.Formatter = JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT)
    handlers: list[logging.Handler] = []
    if data_folder is not None:
        path = log_file(data_folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                path,
                maxBytes=LOG_MAX_BYTES,
                backupCount=LOG_BACKUPS,
                encoding="utf-8",
            )
        )
    if console:
        handlers.append(console_handler(sys.stderr))
    root = logging.getLogger()
    root.setLevel(level)
    sinks = []
    for handler in handlers:
        handler.setFormatter(formatter)
        sink = QueuedSink(handler)
        sink.addFilter(_CorrelationFilter())  # in the caller: the correlation id is its context
        root.addHandler(sink)
        sinks.append(sink)
    return sinks
