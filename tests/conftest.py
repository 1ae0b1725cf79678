"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    """The read-only folder of real sample files (`../shared/samples` beside the repo)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"sample files not found at {SAMPLES}: shared/ must sit beside the repository")
    return SAMPLES


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
