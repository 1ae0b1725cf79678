"""Service metrics and their Prometheus text exposition.

Counters and histograms are updated by the pipeline; gauges are read from callbacks at scrape
time, so they are never stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Metrics"]

Labels = tuple[tuple[str, str], ...]

_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in labels
    )
    return "{" + inner + "}"


@dataclass
class _Histogram:
    buckets: tuple[float, ...]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[index] += 1
        self.total += value
        self.count += 1


class Metrics:
    """Named counters, histograms and gauge callbacks; thread-safe."""

    def __init__(self, prefix: str = "pywats_client") -> None:
        self.prefix = prefix
        self._lock = threading.Lock()
        self._help: dict[str, tuple[str, str]] = {}
        self._counters: dict[str, dict[Labels, float]] = {}
        self._histograms: dict[str, dict[Labels, _Histogram]] = {}
        self._gauges: dict[str, Callable[[], Iterable[tuple[Labels, float]]]] = {}
        self._read_counters: dict[str, Callable[[], float]] = {}

    def counter(self, name: str, help_text: str, read: Callable[[], float] | None = None) -> None:
        """Register a counter: incremented with `inc`, or kept elsewhere and read by `read`."""
        self._help[name] = ("counter", help_text)
        self._counters.setdefault(name, {})
        if read is not None:
            self._read_counters[name] = read

    def histogram(self, name: str, help_text: str) -> None:
        self._help[name] = ("histogram", help_text)
        self._histograms.setdefault(name, {})

    def gauge(
        self, name: str, help_text: str, read: Callable[[], Iterable[tuple[Labels, float]]]
    ) -> None:
        """Register a gauge whose `(labels, value)` samples `read` returns at scrape time."""
        self._help[name] = ("gauge", help_text)
        self._gauges[name] = read

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters[name]
            series[key] = series.get(key, 0.0) + amount

    def observe(self, name: str, seconds: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._histograms[name]
            series.setdefault(key, _Histogram(_DURATION_BUCKETS)).observe(seconds)

    def value(self, name: str, **labels: str) -> float:
        """A counter's current value (0 when never incremented)."""
        with self._lock:
            return self._counters[name].get(tuple(sorted(labels.items())), 0.0)

    def total(self, name: str) -> float:
        """A counter summed over all label values."""
        with self._lock:
            return sum(self._counters[name].values())

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        lines: list[str] = []
        for name, (kind, help_text) in sorted(self._help.items()):
            full = f"{self.prefix}_{name}"
            lines.append(f"# HELP {full} {help_text}")
            lines.append(f"# TYPE {full} {kind}")
            if kind == "gauge":
                lines.extend(f"{full}{_labels(lb)} {v:g}" for lb, v in self._gauges[name]())
                continue
            if name in self._read_counters:
                lines.append(f"{full} {self._read_counters[name]():g}")
                continue
            with self._lock:
                if kind == "counter":
                    for lb, v in sorted(self._counters[name].items()):
                        lines.append(f"{full}{_labels(lb)} {v:g}")
                    continue
                for lb, hist in sorted(self._histograms[name].items()):
                    for bound, count in zip(hist.buckets, hist.counts, strict=True):
                        bucket = (*lb, ("le", f"{bound:g}"))
                        lines.append(f"{full}_bucket{_labels(bucket)} {count}")
                    lines.append(f"{full}_bucket{_labels((*lb, ('le', '+Inf')))} {hist.count}")
                    lines.append(f"{full}_sum{_labels(lb)} {hist.total:g}")
                    lines.append(f"{full}_count{_labels(lb)} {hist.count}")
        return "\n".join(lines) + "\n"
