"""The objects a step carries: measurements, sequence-call info, loop, chart, attachment."""

from __future__ import annotations

import base64
import math
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pywats.report._limits import non_finite_text
from pywats.report._node import Field, JSONObject, ListField, Node

__all__ = [
    "AdditionalData",
    "Attachment",
    "BooleanMeasurement",
    "CallExeInfo",
    "Chart",
    "ChartSeries",
    "Loop",
    "MessagePopupInfo",
    "NumericMeasurement",
    "SeqCallInfo",
    "StringMeasurement",
]

# A measured value or limit: a JSON number, or the text WATS uses for NaN/±Infinity.
Number = float | int | str


class NumberField(Field[Number | None]):
    """A measured value or limit. Setting NaN or ±Infinity stores WATS's text form
    ("NaN", "Infinity", "-Infinity"), because JSON cannot carry those numbers."""

    __slots__ = ()

    def __set__(self, obj: Node, value: Number | None) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            value = non_finite_text(value)
        obj.raw[self.key] = value


class NumericMeasurement(Node):
    """One element of `numericMeas`: value, limits (`lowLimit` is the one-limit operand), unit."""

    __slots__ = ()
    comp_op: Field[str] = Field("compOp")
    name: Field[str | None] = Field("name")
    status: Field[str] = Field("status")
    unit: Field[str | None] = Field("unit")
    value = NumberField("value")
    high_limit = NumberField("highLimit")
    low_limit = NumberField("lowLimit")


class BooleanMeasurement(Node):
    """One element of `booleanMeas`: the outcome is the `status` itself (no value key)."""

    __slots__ = ()
    name: Field[str | None] = Field("name")
    status: Field[str] = Field("status")


class StringMeasurement(Node):
    """One element of `stringMeas`: measured text and the expected `limit` (null for LOG)."""

    __slots__ = ()
    comp_op: Field[str] = Field("compOp")
    name: Field[str | None] = Field("name")
    status: Field[str] = Field("status")
    value: Field[str | None] = Field("value")
    limit: Field[str | None] = Field("limit")


class SeqCallInfo(Node):
    """`seqCall`: the sequence file path, the called sequence's name and the file version."""

    __slots__ = ()
    path: Field[str | None] = Field("path")
    name: Field[str | None] = Field("name")
    version: Field[str | None] = Field("version")


class MessagePopupInfo(Node):
    """`messagePopup`: the operator's typed `response` and the index of the `button` pressed."""

    __slots__ = ()
    response: Field[str | None] = Field("response")
    button: Field[int | None] = Field("button")


class CallExeInfo(Node):
    """`callExe`: exit code of the external program (a float in exports)."""

    __slots__ = ()
    exit_code: Field[float | None] = Field("exitCode")


class Loop(Node):
    """`loop`: on a summary step `num`/`endingIndex`/`passed`/`failed`; on an iteration `idx`."""

    __slots__ = ()
    idx: Field[int | None] = Field("idx")
    num: Field[int | None] = Field("num")
    ending_index: Field[int | None] = Field("endingIndex")
    passed: Field[int | None] = Field("passed")
    failed: Field[int | None] = Field("failed")

    @classmethod
    def summary(
        cls, num: int, *, passed: int, failed: int, ending_index: int | None = None
    ) -> Loop:
        """The loop object of the summary step that precedes the iterations; `ending_index`
        defaults to `num`, as in real exports."""
        return cls(
            {
                "idx": None,
                "num": num,
                "endingIndex": num if ending_index is None else ending_index,
                "passed": passed,
                "failed": failed,
            }
        )

    @classmethod
    def iteration(cls, idx: int) -> Loop:
        """The loop object of iteration `idx` (0-based)."""
        return cls({"idx": idx, "num": None, "endingIndex": None, "passed": None, "failed": None})

    @property
    def is_summary(self) -> bool:
        """True for the summary element that precedes the iterations."""
        return self._raw.get("idx") is None


class ChartSeries(Node):
    """One series of a chart; `xdata`/`ydata` are `;`-separated numbers kept as text."""

    __slots__ = ()
    data_type: Field[str | None] = Field("dataType")
    name: Field[str | None] = Field("name")
    xdata: Field[str | None] = Field("xdata")
    ydata: Field[str | None] = Field("ydata")

    @classmethod
    def new(cls, name: str, x: Iterable[float], y: Iterable[float]) -> ChartSeries:
        """A series of XY points; the numbers are written in their shortest exact form."""
        xs, ys = list(x), list(y)
        if len(xs) != len(ys):
            raise ValueError(f"chart series {name!r}: {len(xs)} x values but {len(ys)} y values")
        return cls({"dataType": "XYG", "name": name, "xdata": _join(xs), "ydata": _join(ys)})

    @property
    def x_values(self) -> list[float]:
        """`xdata` parsed as floats."""
        return _split(self.xdata)

    @property
    def y_values(self) -> list[float]:
        """`ydata` parsed as floats."""
        return _split(self.ydata)


def _join(values: list[float]) -> str:
    return ";".join(repr(v) if isinstance(v, float) else str(v) for v in values)


def _split(text: str | None) -> list[float]:
    return [float(part) for part in text.split(";")] if text else []


class Chart(Node):
    """`chart`: axis labels and units, the scaling (`chartType`) and the series."""

    __slots__ = ()
    chart_type: Field[str | None] = Field("chartType")
    label: Field[str | None] = Field("label")
    x_label: Field[str | None] = Field("xLabel")
    x_unit: Field[str | None] = Field("xUnit")
    y_label: Field[str | None] = Field("yLabel")
    y_unit: Field[str | None] = Field("yUnit")
    series = ListField("series", ChartSeries)


class Attachment(Node):
    """A file carried in the report (`binaryData[]` element or a step `attachment`).

    `data` is the base64 text; `content` decodes it.
    """

    __slots__ = ()
    name: Field[str | None] = Field("name")
    content_type: Field[str | None] = Field("contentType")
    data: Field[str | None] = Field("data")
    description: Field[str | None] = Field("description")

    @classmethod
    def from_bytes(
        cls, name: str, content: bytes, *, content_type: str | None = None
    ) -> Attachment:
        """Attach `content` under `name`; the MIME type is guessed from the name when omitted."""
        if content_type is None:
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        raw: dict[str, Any] = {
            "name": name,
            "contentType": content_type,
            "data": base64.b64encode(content).decode("ascii"),
        }
        return cls(raw)

    @classmethod
    def from_path(
        cls, path: str | Path, *, name: str | None = None, content_type: str | None = None
    ) -> Attachment:
        """Attach the file at `path` (named after the file unless `name` is given)."""
        path = Path(path)
        return cls.from_bytes(name or path.name, path.read_bytes(), content_type=content_type)

    @classmethod
    def from_source(
        cls,
        source: bytes | str | Path,
        *,
        name: str | None = None,
        content_type: str | None = None,
    ) -> Attachment:
        """`from_bytes` for bytes (then `name` is required), `from_path` for a path."""
        if isinstance(source, bytes):
            if name is None:
                raise ValueError("an attachment made from bytes needs a name")
            return cls.from_bytes(name, source, content_type=content_type)
        return cls.from_path(source, name=name, content_type=content_type)

    @property
    def content(self) -> bytes:
        """The decoded file content (empty when the export left the data out)."""
        return base64.b64decode(self.data or "")


class AdditionalData(Node):
    """An `additionalData` / `additionalResults` element: a name and a TestStand property tree.

    The property tree stays as JSON (`props`): its type names are open-ended.
    """

    __slots__ = ()
    name: Field[str | None] = Field("name")
    props: Field[list[JSONObject] | None] = Field("props")
