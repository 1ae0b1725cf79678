"""The reference package `pywats-api`, kept in a virtual environment of its own.

It installs as the import name `pywats`, the same as ours, so it never shares an interpreter with
this project: reference runs (benchmarks, the compatibility tests) are subprocesses of that
environment. The environment is made once per machine and Python version, in the user's cache
folder, by pip with the machine's own configuration (its index or mirror); later runs need no
package registry at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

REFERENCE_REQUIREMENT = "pywats-api==0.6.0rc1"
_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pywats"
_PYTHON = f"py{sys.version_info.major}.{sys.version_info.minor}"
VENV_DIR = _CACHE / f"reference-{REFERENCE_REQUIREMENT.replace('==', '-')}-{_PYTHON}"


def _python(root: Path) -> Path:
    return root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def reference_python() -> Path:
    """Return the interpreter of the reference environment, creating it on first use.

    Raises RuntimeError naming the requirement when pip cannot install it.
    """
    if (VENV_DIR / ".installed").exists():
        return _python(VENV_DIR)
    print(f"[reference] installing {REFERENCE_REQUIREMENT} into {VENV_DIR} ...", file=sys.stderr)
    _CACHE.mkdir(parents=True, exist_ok=True)
    # Built beside its final place and renamed in one step, so that a second process (another
    # checkout's tests) never sees a half-made environment.
    staging = Path(tempfile.mkdtemp(prefix="reference-", dir=_CACHE))
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(staging)
        installed = subprocess.run(
            [str(_python(staging)), "-m", "pip", "install", "--quiet", REFERENCE_REQUIREMENT],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            raise RuntimeError(
                f"pip could not install {REFERENCE_REQUIREMENT} from this machine's package "
                f"index:\n{installed.stderr[-2000:]}"
            )
        (staging / ".installed").write_text(REFERENCE_REQUIREMENT)
        try:
            staging.rename(VENV_DIR)
        except OSError:
            if not (VENV_DIR / ".installed").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _python(VENV_DIR)


def run_reference(script: str, *args: str, timeout: float = 600) -> Any:
    """Run `script` under the reference interpreter and return the JSON it prints last."""
    # Without PYTHONPATH: a checkout's `src` on it would shadow the reference's own `pywats`.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    completed = subprocess.run(
        [str(reference_python()), "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"reference script failed (exit {completed.returncode}); stderr:\n{completed.stderr}"
        )
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"reference script printed nothing; stderr:\n{completed.stderr}")
    return json.loads(lines[-1])
