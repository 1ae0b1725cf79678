"""Charts drawn on the server as inline SVG: lines (linear or log x), bars, limit lines.

Pages stay script-free and load nothing from outside (lines are often offline, and the
Content-Security-Policy allows no inline script); every text is escaped, and each point and
bar carries a `<title>` the browser shows as a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

__all__ = ["Bar", "Series", "bar_chart", "line_chart"]

_W, _H = 720, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 40, 24, 48


@dataclass(frozen=True)
class Series:
    """One line: `kind` is its CSS class (`data`, `limit`, `low`, `high`, `cumulative`)."""

    name: str
    xs: Sequence[float]
    ys: Sequence[float]
    kind: str = "data"
    markers: bool = False


@dataclass(frozen=True)
class Bar:
    """One bar; `href` makes it a link, `kind` its CSS class."""

    label: str
    value: float
    href: str | None = None
    kind: str = "bar"
    note: str = ""


@dataclass
class _Axis:
    low: float
    high: float
    log: bool = False
    ticks: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.log:
            self.low, self.high = math.log10(self.low), math.log10(self.high)
        if not self.high > self.low:
            self.low, self.high = self.low - 1, self.high + 1
        self.ticks = _nice_ticks(self.low, self.high, integer=self.log)

    def at(self, value: float, start: float, length: float) -> float:
        if self.log:
            value = math.log10(value)
        return start + (value - self.low) / (self.high - self.low) * length

    def label(self, tick: float) -> str:
        return _short(10**tick) if self.log else _short(tick)


def _nice_ticks(low: float, high: float, *, integer: bool = False, count: int = 5) -> list[float]:
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1.0, round(step))
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _short(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.2g}"
    return f"{value:.4g}"


def _frame(label: str, body: list[str], x_label: str, y_label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(label)}"'
        ' xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}"
        f'<text class="axis-label" x="{_LEFT + (_W - _LEFT - _RIGHT) / 2}" y="{_H - 8}"'
        f' text-anchor="middle">{escape(x_label)}</text>'
        f'<text class="axis-label" x="14" y="{_TOP + (_H - _TOP - _BOTTOM) / 2}"'
        f' text-anchor="middle" transform="rotate(-90 14 {_TOP + (_H - _TOP - _BOTTOM) / 2})">'
        f"{escape(y_label)}</text></svg>"
    )


def _y_grid(axis: _Axis, body: list[str]) -> None:
    for tick in axis.ticks:
        y = axis.at(tick, _H - _BOTTOM, -(_H - _TOP - _BOTTOM))
        body.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(axis.label(tick))}</text>"
        )


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    x_label: str = "",
    y_label: str = "",
    log_x: bool = False,
    x_ticks: Sequence[tuple[float, str]] = (),
) -> Markup:
    """Lines over a shared x and y range; `x_ticks` replaces the numeric x labels."""
    points = [
        (x, y)
        for line in series
        for x, y in zip(line.xs, line.ys, strict=False)
        if math.isfinite(x) and math.isfinite(y) and (x > 0 or not log_x)
    ]
    if not points:
        return _frame(title, ['<text x="50%" y="50%" text-anchor="middle">no data</text>'], "", "")
    xs, ys = zip(*points, strict=True)
    x_axis = _Axis(min(xs), max(xs), log=log_x)
    y_axis = _Axis(min(ys), max(ys))
    body: list[str] = []
    _y_grid(y_axis, body)
    ticks = x_ticks or [(10**t if log_x else t, x_axis.label(t)) for t in x_axis.ticks]
    for value, text in ticks:
        x = x_axis.at(value, _LEFT, _W - _LEFT - _RIGHT)
        body.append(
            f'<text class="tick" x="{x:.1f}" y="{_H - _BOTTOM + 16}" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
    data_lines = [line for line in series if line.kind == "data"]
    for index, line in enumerate(data_lines[1:] and data_lines):  # a legend for several lines
        body.append(
            f'<text class="legend c{index % 8}" x="{_LEFT + 8 + (index % 6) * 110}"'
            f' y="{12 + (index // 6) * 12}">■ {escape(line.name[:16])}</text>'
        )
    colours = {id(line): f" c{index % 8}" for index, line in enumerate(data_lines)}
    for line in series:
        colour = colours.get(id(line), "")
        coordinates = [
            (
                x_axis.at(x, _LEFT, _W - _LEFT - _RIGHT),
                y_axis.at(y, _H - _BOTTOM, _TOP + _BOTTOM - _H),
            )
            for x, y in zip(line.xs, line.ys, strict=False)
            if math.isfinite(x) and math.isfinite(y) and (x > 0 or not log_x)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        body.append(
            f'<polyline class="series {escape(line.kind)}{colour}" points="{path}">'
            f"<title>{escape(line.name)}</title></polyline>"
        )
        if line.markers:
            for (x, y), value in zip(coordinates, line.ys, strict=False):
                body.append(
                    f'<circle class="marker{colour}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                    f"<title>{escape(line.name)}: {escape(_short(value))}</title></circle>"
                )
    return _frame(title, body, x_label, y_label)


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    x_label: str = "",
    y_label: str = "",
    cumulative: bool = False,
    markers: Sequence[tuple[float, str]] = (),
) -> Markup:
    """Bars left to right; `cumulative` adds the Pareto line (percent of the total, right
    axis); `markers` are vertical lines at a bar index (fractional allowed), e.g. limits."""
    if not bars:
        return _frame(title, ['<text x="50%" y="50%" text-anchor="middle">no data</text>'], "", "")
    y_axis = _Axis(0, max(max(bar.value for bar in bars), 1))
    body: list[str] = []
    _y_grid(y_axis, body)
    width = (_W - _LEFT - _RIGHT) / len(bars)
    total = sum(bar.value for bar in bars) or 1
    running, line = 0.0, []
    label_every = max(1, math.ceil(len(bars) / 12))
    for index, bar in enumerate(bars):
        x = _LEFT + index * width
        top = y_axis.at(bar.value, _H - _BOTTOM, _TOP + _BOTTOM - _H)
        note = f" {bar.note}" if bar.note else ""
        rect = (
            f'<rect class="{escape(bar.kind)}" x="{x + width * 0.1:.1f}" y="{top:.1f}"'
            f' width="{width * 0.8:.1f}" height="{_H - _BOTTOM - top:.1f}">'
            f"<title>{escape(bar.label)}: {escape(_short(bar.value))}{escape(note)}</title></rect>"
        )
        if bar.href:
            rect = f'<a href="{escape(bar.href)}">{rect}</a>'
        body.append(rect)
        if index % label_every == 0:
            body.append(
                f'<text class="tick" x="{x + width / 2:.1f}" y="{_H - _BOTTOM + 16}"'
                f' text-anchor="middle">{escape(bar.label[:14])}</text>'
            )
        running += bar.value
        line.append(
            f"{x + width / 2:.1f},{_TOP + (1 - running / total) * (_H - _TOP - _BOTTOM):.1f}"
        )
    if cumulative:
        body.append(
            f'<polyline class="series cumulative" points="{" ".join(line)}">'
            "<title>cumulative share of failures</title></polyline>"
        )
    for number, (position, text) in enumerate(markers):
        x = _LEFT + position * width
        anchor = "end" if number == len(markers) - 1 and len(markers) > 1 else "start"
        body.append(
            f'<line class="limit-line" x1="{x:.1f}" x2="{x:.1f}" y1="{_TOP}" y2="{_H - _BOTTOM}">'
            f"<title>{escape(text)}</title></line>"
            f'<text class="tick limit-text" x="{x:.1f}" y="{_TOP - 6}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    return _frame(title, body, x_label, y_label)
