"""Every example runs against a throwaway `pywats-server`, as a user would point it at WATS.

Scripts find the server through `WATS_BASE_URL` and `WATS_AUTH_TOKEN` and run in an empty working
folder. On SQLite each runs twice: the second run proves the examples are safe to repeat, as
their docstrings promise (once is enough on PostgreSQL, the API is the same). The end-to-end
demo starts its own server and station; it is tested on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(path for path in EXAMPLES.glob("*.py") if path.name != "demo.py")


def test_every_domain_has_an_example() -> None:
    names = {path.stem for path in SCRIPTS}
    expected = {"assets", "products", "production", "rootcause", "scim", "software"}
    assert expected | {"analytics", "report_builder"} <= names


@pytest.mark.parametrize("example", SCRIPTS, ids=lambda path: path.stem)
def test_example_runs_against_a_server(
    example: Path, live_server: Any, server_db_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "WATS_BASE_URL": live_server.base_url}
    env["WATS_AUTH_TOKEN"] = live_server.token
    for _ in range(2 if server_db_url.startswith("sqlite") else 1):
        done = subprocess.run(
            [sys.executable, str(example)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{example.name} failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{example.name} printed nothing"
    assert not list(tmp_path.iterdir()), "examples must not litter the working folder"


@pytest.mark.parametrize("example", SCRIPTS, ids=lambda path: path.stem)
def test_example_with_a_wrong_token_says_so_in_one_line(
    example: Path, live_server: Any, tmp_path: Path
) -> None:
    env = {**os.environ, "WATS_BASE_URL": live_server.base_url, "WATS_AUTH_TOKEN": "bm86b25l"}
    done = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: 401 "), done.stderr
    assert "invalid credentials" in done.stderr
    assert "Traceback" not in done.stderr
