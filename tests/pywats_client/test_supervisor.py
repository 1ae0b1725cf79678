"""Supervised tasks restart after a failure, with backoff, and log the traceback."""

from __future__ import annotations

import logging

import pytest

from pywats import Backoff
from pywats_client._supervisor import supervise

pytestmark = pytest.mark.anyio


async def test_a_failing_task_is_restarted_until_it_succeeds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) < 3:
            raise RuntimeError(f"boom {len(runs)}")

    restarts: dict[str, int] = {}
    with caplog.at_level(logging.ERROR):
        await supervise("flaky", flaky, backoff=Backoff(0.01, 0.02), restarts=restarts)
    assert runs == [0, 1, 2]
    assert restarts == {"flaky": 2}
    assert "task flaky failed; restarting" in caplog.text
    assert "RuntimeError: boom 2" in caplog.text
