"""docs/screenshots/capture_site.py builds the site, serves it and saves two PNGs with content.

Slow (`make test-slow`): it builds the whole site once more, which `make test` already does.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "capture_site.py"


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.slow
def test_site_home_and_reference_pages_are_captured(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("site-home.png", "site-reference.png"):
        shot = tmp_path / name
        assert png_size(shot) == (1280, 800)
        # A blank or error page compresses to a few kilobytes; a page of text does not.
        assert shot.stat().st_size > 40_000, f"{name} looks empty ({shot.stat().st_size} bytes)"
