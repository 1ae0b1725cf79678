"""docs/screenshots/capture.py opens every page on a running station and saves a PNG each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from pywats_ui._window import PAGES

from .conftest import SQLITE_ONLY

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "capture.py"


@SQLITE_ONLY
def test_every_page_is_captured_with_content(tmp_path: Path, live_server: object) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "WATS_BASE_URL": live_server.base_url,  # type: ignore[attr-defined]
        "WATS_AUTH_TOKEN": live_server.token,  # type: ignore[attr-defined]
    }
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = [tmp_path / f"{page.title.lower()}.png" for page in PAGES]
    assert done.stdout.split() == [str(path) for path in expected]
    for path in expected:
        image = QImage(str(path))
        assert image.width() >= 1100, path
        assert image.height() >= 720, path
        colours = {image.pixel(x, y) for x in range(0, 1100, 7) for y in range(0, 720, 7)}
        assert len(colours) > 8, f"{path.name} looks blank"
