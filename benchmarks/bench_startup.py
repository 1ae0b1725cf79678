"""Start-up cost: the three commands' `--help` and `import pywats`, each in a fresh interpreter.

    python -m benchmarks startup

What a user waits for before anything happens. Every sample is a new process (`.pyc` files warm,
one untimed run first); the figure is the child's CPU time (user + system, from `wait4`), best of
N, so a busy machine's waits for a core do not count. The floor is the same interpreter running
`python -c pass`; the reference is `pywats-api`'s `import pywats` in its own environment (same
import name, see `benchmarks/_reference.py`) against that environment's own floor. pywats-api
imports its client with the package, ours on first use, so `from pywats import WATS` is
compared too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks._reference import reference_python

RUNS = 11


def _cpu_seconds(argv: list[str]) -> float:
    """CPU time (user + system) of one run of `argv`, which must exit 0."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise RuntimeError(f"{argv} failed (exit {process.returncode}): {process.stderr.read()!r}")
    return usage.ru_utime + usage.ru_stime


def _best(argv: list[str]) -> float:
    _cpu_seconds(argv)  # compile and cache bytecode, fill the OS file cache
    return min(_cpu_seconds(argv) for _ in range(RUNS))


def _script(name: str) -> str:
    """The console script installed beside this interpreter."""
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else shutil.which(name) or name


def main() -> None:
    python = sys.executable
    floor = _best([python, "-c", "pass"])
    ours = {
        "import pywats": _best([python, "-c", "import pywats"]),
        "from pywats import WATS": _best([python, "-c", "from pywats import WATS"]),
        "pywats-server --help": _best([_script("pywats-server"), "--help"]),
        "pywats-client --help": _best([_script("pywats-client"), "--help"]),
        "pywats-configurator --help": _best([_script("pywats-configurator"), "--help"]),
        "pywats-server --version": _best([_script("pywats-server"), "--version"]),
    }
    reference = str(reference_python())
    ref_floor = _best([reference, "-c", "pass"])
    ref_import = _best([reference, "-c", "import pywats"])

    print(f"\n## Start-up CPU time, fresh process, best of {RUNS}")
    print(f"{'measurement':30} {'CPU':>9} {'over floor':>11} {'x floor':>8}")
    print(f"{'python -c pass (floor)':30} {floor * 1e3:7.1f}ms")
    for name, seconds in ours.items():
        extra = (seconds - floor) * 1e3
        print(f"{name:30} {seconds * 1e3:7.1f}ms {extra:9.1f}ms {seconds / floor:7.2f}x")
    ref_extra = ref_import - ref_floor
    print(f"\npywats-api `import pywats` (its own venv, floor {ref_floor * 1e3:.1f} ms): ", end="")
    print(f"{ref_import * 1e3:.1f} ms, {ref_extra * 1e3:.1f} ms above its floor")
    # pywats-api imports its client with the package; ours does on first use, so both lines.
    for name in ("import pywats", "from pywats import WATS"):
        extra = ours[name] - floor
        print(f"  ours `{name}` above the floor: {extra * 1e3:.1f} ms, {extra / ref_extra:.2f}x")


if __name__ == "__main__":
    main()
