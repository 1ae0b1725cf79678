"""The reference package `pywats-api`, kept in a virtual environment of its own.

It installs as the import name `pywats`, the same as ours, so it never shares an interpreter with
this project: reference measurements run in a subprocess of that environment, reporting JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

REFERENCE_REQUIREMENT = "pywats-api==0.6.0rc1"
VENV_DIR = Path(__file__).resolve().parent / ".ref-venv"


def reference_python() -> Path:
    """Return the interpreter of the reference environment, creating it on first use."""
    python = VENV_DIR / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    marker = VENV_DIR / ".installed"
    if marker.exists() and marker.read_text() == REFERENCE_REQUIREMENT:
        return python
    print(f"[benchmarks] installing {REFERENCE_REQUIREMENT} into {VENV_DIR} ...", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV_DIR)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", REFERENCE_REQUIREMENT],
        check=True,
    )
    marker.write_text(REFERENCE_REQUIREMENT)
    return python


def run_reference(script: str, *args: str, timeout: float = 600) -> Any:
    """Run `script` under the reference interpreter and return the JSON it prints last."""
    completed = subprocess.run(
        [str(reference_python()), "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"reference script failed (exit {completed.returncode}); stderr:\n{completed.stderr}"
        )
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"reference script printed nothing; stderr:\n{completed.stderr}")
    return json.loads(lines[-1])
