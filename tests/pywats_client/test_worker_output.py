"""A converter that prints must not hang its worker when nobody reads the service's output.

Worker processes inherit the service's standard output and error. Under a supervisor that no
longer reads them, a plug-in converter's `print()` or a Python warning blocks the worker on a
full pipe until the per-file timeout quarantines a good file. The pipe here is real: the
test's own descriptors 1 and 2 point at an unread pipe while the pool's workers start.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pywats_client import Station
from pywats_client._workers import Converted, ConverterPool, Job
from pywats_client.converters import ENTRY_POINT_GROUP

CHATTY = """
import sys
import warnings

from pywats.report import read_wsjf
from pywats_client.converters import Converter


class Chatty(Converter):
    name = "chatty"
    patterns = ("*.chatty",)

    def convert(self, source):
        for n in range(2000):  # ~200 kB each way: more than any pipe holds
            print(f"progress line {n:05d} of a converter that talks a lot" + "." * 40)
            print(f"debug line {n:05d} on standard error" + "." * 50, file=sys.stderr)
        warnings.warn("a deprecated call inside the converter")
        return [read_wsjf(source.data)]
"""


@pytest.fixture
def chatty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    root = tmp_path_factory.mktemp("chatty-plugin")
    (root / "chatty_converter.py").write_text(CHATTY)
    info = root / "chatty_converter-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: chatty-converter\nVersion: 1.0\n")
    entry = f"[{ENTRY_POINT_GROUP}]\nchatty = chatty_converter:Chatty\n"
    (info / "entry_points.txt").write_text(entry)
    sys.path.insert(0, str(root))
    yield
    sys.path.remove(str(root))
    sys.modules.pop("chatty_converter", None)


@contextmanager
def unread_output() -> Iterator[None]:
    """Descriptors 1 and 2 of this process (inherited by workers started now) write into a
    pipe nobody reads; restored afterwards. Used inside the test body: pytest's own capture
    puts its files back on 1 and 2 between a fixture's setup and the test."""
    read_end, write_end = os.pipe()
    saved = os.dup(1), os.dup(2)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, read_end):
            os.close(fd)


@pytest.mark.anyio
async def test_a_converter_that_prints_converts_with_its_output_in_the_log(
    samples: Path, chatty: None
) -> None:
    data = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    pool = ConverterPool(size=1, timeout=30.0)
    with unread_output():
        try:
            station = Station("ICT-01", "Line 1", "Production")
            outcome = await pool.convert(Job("chatty", {}, "in/r.chatty", data, station))
        finally:
            pool.close()
    assert isinstance(outcome, Converted), outcome
    log = "\n".join(outcome.log)
    assert "progress line 01999" in log, "standard output goes to the conversion log"
    assert "debug line 01999 on standard error" in log
    assert "a deprecated call inside the converter" in log
