"""Through the whole service: reports queued while the server is unreachable are delivered,
once it is back, highest converter priority first and first-in-first-out within a priority.

The server is the real local server over ASGI behind `ChaosTransport`, which refuses every
connection during the outage; the delivery order is read from the outbox's delivered times and
the order the server received the reports in.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import httpx
import pytest
from tests._poll import eventually

from ._chaos import ChaosTransport
from ._harness import Reports, running
from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

CONVERTERS = """
[[converters]]
type = "wsjf"
watch = "in/low"
priority = 1

[[converters]]
type = "wsjf"
watch = "in/high"
priority = 5
"""


class Recorder(ChaosTransport):
    """`ChaosTransport` that also notes which report ids reached the server, in order."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        super().__init__(inner)
        self.received: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and response.status_code < 300:
            self.received.append(_report_id(request))
        return response


def _report_id(request: httpx.Request) -> str:
    return str(json.loads(request.content)["id"]).lower()


async def test_after_an_outage_high_priority_goes_first_and_fifo_within_a_priority(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    # One upload at a time, so the order of deliveries is the order the uploader chose.
    settings = {"outbox.upload_concurrency": 1}
    config_path = write_config(
        tmp_path,
        "http://testserver",
        server_token,
        converters=CONVERTERS,
        station="PRIORITY",
        settings=settings,
    )
    chaos = Recorder(httpx.ASGITransport(app=server_app))  # type: ignore[arg-type]
    chaos.mode = "refused"
    reports = Reports(samples, "PRIORITY")
    low: list[str] = []
    high: list[str] = []

    async with running(config_path, transport=chaos) as service:

        def pending_is(count: int) -> bool:
            return service.outbox.stats().pending == count

        # Low first, interleaved with high, one file at a time so acceptance order is known.
        for n, queue in enumerate([low, low, high, low, high, high]):
            folder = "low" if queue is low else "high"
            queue.append(reports.write(tmp_path / "in" / folder / f"r{n}.json"))
            await eventually(partial(pending_is, n + 1), what=f"file {n} accepted")
        # The outage goes on for a while: failed attempts pile up as they would in a real one.
        await eventually(lambda: len(chaos.attempts) >= 12, what="uploads refused meanwhile")
        chaos.mode = None
        await eventually(lambda: service.outbox.stats().delivered == 6, what="all delivered")
        items = service.outbox.items(state="delivered")

    by_delivery = [item.id for item in sorted(items, key=lambda item: item.delivered or 0.0)]
    assert chaos.received == [*high, *low]
    assert by_delivery == [*high, *low]
    assert {item.id: item.priority for item in items} == {
        **{rid: 1 for rid in low},
        **{rid: 5 for rid in high},
    }
