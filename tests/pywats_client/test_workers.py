"""Conversion in worker processes: a crash or a hang costs one file, never the pool."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pywats_client import Station
from pywats_client._workers import Converted, ConverterPool, Failed, Job
from pywats_client.converters import report_id

pytestmark = pytest.mark.anyio


def job(converter: str, data: bytes, name: str = "in/file") -> Job:
    return Job(converter, {}, name, data, Station("ICT-01", "Line 1", "Production"))


async def test_failures_cost_one_file_each(samples: Path, misbehaving: Path) -> None:
    good = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    pool = ConverterPool(size=1, timeout=2.0)
    await pool.start()
    try:
        crashed = await pool.convert(job("crash", b"x"))
        hung = await pool.convert(job("hang", b"x"))
        boom = await pool.convert(job("boom", b"x", "in/r.boom"))
        empty = await pool.convert(job("nothing", b"x"))
        converted = await pool.convert(job("wsjf", good))
    finally:
        pool.close()
    assert isinstance(crashed, Failed)
    assert crashed.kind == "crash"
    assert "exit code 3" in crashed.reason
    assert isinstance(hung, Failed)
    assert hung.kind == "timeout"
    assert "longer than 2 s" in hung.reason
    assert isinstance(boom, Failed)
    assert "in/r.boom: converter 'boom' failed: KeyError" in boom.reason
    assert any("about to fail on r.boom" in line for line in boom.log)
    assert any("Traceback" in line for line in boom.log)
    assert isinstance(empty, Failed)
    assert "found no reports" in empty.reason
    assert isinstance(converted, Converted)  # the one worker survived all of the above
    ((report_id_, document),) = converted.reports
    assert json.loads(document) == json.loads(good)
    assert report_id_ == "33a2d408-3fc8-480b-b554-6866c77fd91c"


async def test_reports_without_id_get_deterministic_ids_and_station(samples: Path) -> None:
    document = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    del document["id"]
    document["machineName"] = ""
    document["location"] = ""
    data = json.dumps([document, document]).encode()
    pool = ConverterPool(size=1, timeout=30.0)
    await pool.start()
    try:
        first = await pool.convert(job("wsjf", data))
        again = await pool.convert(job("wsjf", data))
    finally:
        pool.close()
    assert isinstance(first, Converted)
    assert isinstance(again, Converted)
    digest = hashlib.sha256(data).hexdigest()
    assert [i for i, _ in first.reports] == [report_id("ICT-01", digest, n) for n in range(2)]
    assert first.reports == again.reports
    converted = json.loads(first.reports[0][1])
    assert converted["id"] == first.reports[0][0]
    assert (converted["machineName"], converted["location"]) == ("ICT-01", "Line 1")
    assert converted["purpose"] == document["purpose"]  # present values are kept
