"""Every example that talks to a server runs against a throwaway `pywats-server`.

On SQLite each runs twice: the second run proves the examples are safe to repeat, as their
docstrings promise (once is enough on PostgreSQL, the API is the same).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SERVER_EXAMPLES = sorted(
    path for path in EXAMPLES.glob("*.py") if "WATS_BASE_URL" in path.read_text("utf-8")
)


def test_the_domain_examples_are_found() -> None:
    names = {path.stem for path in SERVER_EXAMPLES}
    assert {"assets", "products", "production", "rootcause", "scim", "software"} <= names


@pytest.mark.parametrize("example", SERVER_EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_against_a_server(example: Path, live_server: Any, server_db_url: str) -> None:
    env = {**os.environ, "WATS_BASE_URL": live_server.base_url}
    env["WATS_AUTH_TOKEN"] = live_server.token
    for _ in range(2 if server_db_url.startswith("sqlite") else 1):
        done = subprocess.run(
            [sys.executable, str(example)], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"{example.name} failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{example.name} printed nothing"
