"""The compatibility tests reuse the benchmarks' reference environment (benchmarks/_reference.py),
so the repository root must be importable however pytest was started."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
