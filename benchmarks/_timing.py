"""Timing primitives shared by the benchmarks: best-of-N wall time and a ratio table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    """Seconds per operation: the median and the best of several repeats."""

    name: str
    median: float
    best: float


def measure(
    name: str,
    func: Callable[[], object],
    *,
    number: int,
    repeat: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> Measurement:
    """Call `func` `number` times per repeat; return seconds of `clock` per call."""
    samples = []
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            func()
        samples.append((clock() - start) / number)
    return Measurement(name, statistics.median(samples), min(samples))


def print_table(title: str, rows: list[tuple[str, float, str, float]]) -> None:
    """Print `(name, seconds, reference name, reference seconds)` rows with the ratio."""
    print(f"\n## {title}")
    print(f"{'measurement':44} {'ours':>12} {'reference':>26} {'ratio':>8}")
    for name, ours, ref_name, ref in rows:
        print(f"{name:44} {_fmt(ours):>12} {ref_name + ' ' + _fmt(ref):>26} {ours / ref:>7.2f}x")


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"
