"""`pywats-mcp` started wrongly: one line saying what to fix, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def test_without_a_server_url_it_says_what_to_set_in_one_line() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WATS_")}
    done = subprocess.run([sys.executable, "-m", "pywats_mcp"], env=environment, timeout=60,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "WATS_BASE_URL" in done.stderr
    assert done.stderr.count("\n") == 1
