"""Step payload objects: chart series text, attachments from bytes and files, loop roles."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pywats.report import Attachment, ChartSeries, Loop, NumericMeasurement


def test_series_keep_shortest_exact_number_text() -> None:
    series = ChartSeries.new("s", [0, 0.1, 1e-05, 2.5], [1, 2, 3, 4.0])
    assert series.raw == {"dataType": "XYG", "name": "s", "xdata": "0;0.1;1e-05;2.5",
                          "ydata": "1;2;3;4.0"}  # fmt: skip
    assert series.x_values == [0.0, 0.1, 1e-05, 2.5]


def test_series_need_matching_counts() -> None:
    with pytest.raises(ValueError, match="chart series 's': 2 x values but 1 y values"):
        ChartSeries.new("s", [1, 2], [1])


def test_series_from_exports_parse_their_text() -> None:
    series = ChartSeries({"xdata": "0;1;2", "ydata": "28.9230769230769;0;-1E-3"})
    assert series.y_values == [28.9230769230769, 0.0, -0.001]
    assert ChartSeries({"xdata": None}).x_values == []


def test_attachments_from_files_guess_the_type(tmp_path: Path) -> None:
    path = tmp_path / "trace.csv"
    path.write_bytes(b"t,v\n0,1\n")
    attachment = Attachment.from_path(path)
    assert (attachment.name, attachment.content_type) == ("trace.csv", "text/csv")
    assert attachment.content == b"t,v\n0,1\n"
    renamed = Attachment.from_source(str(path), name="run.csv", content_type="text/plain")
    assert (renamed.name, renamed.content_type) == ("run.csv", "text/plain")
    unknown = Attachment.from_bytes("blob", b"\x00")
    assert unknown.content_type == "application/octet-stream"
    assert Attachment({"name": "no data"}).content == b""


def test_missing_attachment_files_raise() -> None:
    with pytest.raises(FileNotFoundError):
        Attachment.from_path("/nonexistent/file.bin")


def test_loop_roles() -> None:
    summary = Loop.summary(3, passed=1, failed=2, ending_index=4)
    assert summary.is_summary
    assert (summary.num, summary.ending_index, summary.passed, summary.failed) == (3, 4, 1, 2)
    iteration = Loop.iteration(0)
    assert not iteration.is_summary
    assert iteration.idx == 0


@pytest.mark.parametrize(
    ("number", "text"), [(math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity")]
)
def test_setting_non_finite_measurement_numbers_stores_wats_text(number: float, text: str) -> None:
    meas = NumericMeasurement({})
    meas.value = number
    meas.low_limit = number
    meas.high_limit = 2.5
    assert meas.raw == {"value": text, "lowLimit": text, "highLimit": 2.5}
