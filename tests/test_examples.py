"""Every script in examples/ runs to completion: the README promises they work.

Scripts that talk to WATS find the local server (a `pywats-server` subprocess) through
`WATS_BASE_URL` and `WATS_AUTH_TOKEN`, as a user would point them at a real one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import LiveServer

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script: Path, tmp_path: Path, live_server: LiveServer) -> None:
    env = {
        **os.environ,
        "WATS_BASE_URL": live_server.base_url,
        "WATS_AUTH_TOKEN": live_server.token,
    }
    completed = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
