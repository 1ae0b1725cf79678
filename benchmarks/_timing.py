"""Timing primitives shared by the benchmarks: best-of-N wall time, the CPU time of a process
tree (Linux /proc) and a ratio table."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


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


def process_tree(root: int) -> list[int]:
    """`root` and its descendants. Each thread lists the children it started, and a service
    may start its workers from worker threads, so every thread is asked."""
    found = [root]
    for children in Path(f"/proc/{root}/task").glob("*/children"):
        try:
            listed = children.read_text().split()
        except FileNotFoundError:
            continue  # the thread ended meanwhile
        for child in listed:
            found.extend(process_tree(int(child)))
    return found


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def own_cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, without its children."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """CPU of the tree under `root`: every live process's user + system time, plus the time
    of children `root` has reaped (its cutime + cstime), so ended workers still count."""
    fields = _stat(root)
    total = sum(int(fields[i]) for i in (11, 12, 13, 14))
    for pid in process_tree(root)[1:]:
        try:
            fields = _stat(pid)
        except FileNotFoundError:
            continue  # reaped between the listing and now: already in the parent's cutime
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


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
