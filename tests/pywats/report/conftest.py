"""Fixtures for the report tests: the real sample documents as text."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def samples_uut_text(samples: Path) -> str:
    """The real UUT export (WSJF) as text."""
    return (samples / "wats" / "uut-wsjf-export.json").read_text(encoding="utf-8")
