"""Service logs: rotating file, text or JSON lines, correlation ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pywats_client._log_sink import QueuedSink
from pywats_client._logging import (
    LOG_BACKUPS,
    LOG_MAX_BYTES,
    configure_logging,
    correlated,
    log_file,
)


@pytest.fixture
def installed() -> Iterator[list[logging.Handler]]:
    """Handlers a test installs on the root logger, removed and closed afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, []
    yield handlers
    for handler in handlers:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def test_json_lines_carry_the_correlation_id(
    tmp_path: Path, installed: list[logging.Handler]
) -> None:
    installed.extend(configure_logging(tmp_path, fmt="json", console=False))
    (sink,) = installed
    assert isinstance(sink, QueuedSink)
    handler = sink.target
    assert (handler.maxBytes, handler.backupCount) == (LOG_MAX_BYTES, LOG_BACKUPS)  # type: ignore[attr-defined]
    log = logging.getLogger("pywats_client.test")
    with correlated("file:r1.json"):
        log.info("accepted %s", "r1.json")
    log.warning("outside")
    sink.flush()  # the sink's own thread writes the file
    lines = [json.loads(line) for line in log_file(tmp_path).read_text().splitlines()]
    assert lines[0]["correlation_id"] == "file:r1.json"
    assert lines[0]["message"] == "accepted r1.json"
    assert lines[0]["time"].endswith("Z")
    assert (lines[1]["correlation_id"], lines[1]["level"]) == ("-", "WARNING")


def test_text_lines(tmp_path: Path, installed: list[logging.Handler]) -> None:
    installed.extend(configure_logging(tmp_path, fmt="text", console=False, level="DEBUG"))
    with correlated("report:abc"):
        logging.getLogger("x").debug("delivered")
    for handler in installed:
        handler.flush()
    assert "DEBUG   x [report:abc] delivered" in log_file(tmp_path).read_text()
