"""`client.analytics`: the Dimensions builder, the WATSFilter body, the wire shape of the calls,
and typed answers from a real server (sync client over a socket)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pydantic
import pytest

from pywats import WATS, Dimensions, WATSFilter, YieldData, measurement_path
from pywats.report import UUTReport
from pywats.testing import ScriptedTransport
from pywats_server.storage import extract_rows


def test_dimensions_builder_is_immutable_and_renders_the_list() -> None:
    base = Dimensions().part_number()
    weekly = base.station().period("week").sort("unitCount", "desc")

    assert str(base) == "partNumber"
    assert str(weekly) == "partNumber;stationName;period;unitCount desc"
    assert weekly.date_grouping == 3
    assert base.date_grouping is None
    assert Dimensions().period("hour") == Dimensions("period", date_grouping=5)
    assert str(Dimensions().by("fixtureId").repair_code()) == "fixtureId;repairCode"
    with pytest.raises(ValueError, match="fortnight"):
        Dimensions().period("fortnight")  # type: ignore[arg-type]


def test_filter_body_uses_wire_names_and_leaves_unset_keys_out() -> None:
    f = WATSFilter(
        part_number="PCBA-%;PSU-1",
        yield_=90,
        date_from=datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=1))),
        period_count=4,
        run=-1,
        measurement_paths="Main¶Power¶3V3",
    )

    assert f.to_json() == {
        "partNumber": "PCBA-%;PSU-1",
        "yield": 90,
        "dateFrom": "2026-11-01T00:00:00+01:00",
        "periodCount": 4,
        "includeCurrentPeriod": True,
        "run": -1,
        "measurementPaths": "Main¶Power¶3V3",
    }
    assert WATSFilter().to_json() == {}


@pytest.mark.parametrize(
    "bad",
    [
        {"partnumber": "x"},
        {"run": 4},
        {"yield_": 101},
        {"top_count": -1},
        {"top_count": 2**31},
        {"period_count": 0},
    ],
    ids=["unknown-key", "run", "yield", "top", "top-past-int32", "period"],
)
def test_filter_rejects_what_the_server_would_not_understand(bad: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        WATSFilter(**bad)


def test_the_server_reads_the_sdk_filter_with_its_own_rules() -> None:
    """One definition: the server's filter is the SDK's, adding only what the server decides."""
    from pywats_server.analytics import WatsFilter

    assert issubclass(WatsFilter, WATSFilter)
    sent = WATSFilter(part_number="PCBA-%", top_count=5, date_from=datetime(2024, 1, 1, 10))
    read = WatsFilter.model_validate({**sent.to_json(), "someClientKey": 1})
    assert (read.part_number, read.top_count) == ("PCBA-%", 5)
    assert read.date_from == datetime(2024, 1, 1, 10)
    offset = WatsFilter.model_validate({"dateFrom": "2024-01-01T10:00:00+01:00"})
    assert offset.date_from == datetime(2024, 1, 1, 9)
    for bad in ({"topCount": 2**31}, {"status": "Sideways"}, {"dateFrom": "yesterday"}):
        with pytest.raises(pydantic.ValidationError):
            WatsFilter.model_validate(bad)


def _answer(rows: list[dict[str, Any]]) -> Any:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=rows)

    return reply


def test_calls_send_dimensions_and_paths_and_parse_typed_rows() -> None:
    row = {"partNumber": "P1", "period": "2026-W48", "unitCount": 4, "fpy": 75.0, "colour": "red"}
    transport = ScriptedTransport(_answer([row]), _answer([]))
    with WATS(base_url="http://wats.test", token="t", transport=transport) as client:
        rows = client.analytics.dynamic_yield(
            Dimensions().part_number().period("week"), WATSFilter(part_number="P1")
        )
        client.analytics.measurements(["A¶B", "A¶C"], WATSFilter(max_count=5))

    assert [type(r) for r in rows] == [YieldData]
    assert (rows[0].part_number, rows[0].period, rows[0].unit_count, rows[0].fpy) == (
        "P1",
        "2026-W48",
        4,
        75.0,
    )
    assert rows[0].model_extra == {"colour": "red"}
    first, second = transport.requests
    assert first.url.path == "/api/App/DynamicYield"
    assert first.url.params["dimensions"] == "partNumber;period"
    assert json.loads(first.content) == {
        "partNumber": "P1",
        "dateGrouping": 3,
        "includeCurrentPeriod": True,
    }
    assert second.url.params["measurementPaths"] == "A¶B;A¶C"
    assert json.loads(second.content) == {"maxCount": 5}


def test_yield_and_top_failed_from_a_live_server(live_server: Any) -> None:
    part_number = f"SDK-AN-{uuid.uuid4().hex[:8]}"
    start = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)

    def report(serial: str, minutes: int, volts: float) -> UUTReport:
        uut = UUTReport.new(
            operator="operator",
            part_number=part_number,
            serial_number=serial,
            revision="A",
            process_code=100,
            station_name="ST-9",
            location="Lab",
            purpose="Test",
            start=start + timedelta(minutes=minutes),
        )
        uut.root.add_sequence("Power").add_numeric("3V3", volts, low=3.2, high=3.4, unit="V")
        uut.propagate_failures()
        return uut

    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        for uut in (report("U1", 0, 3.6), report("U1", 10, 3.3), report("U2", 5, 3.31)):
            client.reports.submit(uut)
        f = WATSFilter(part_number=part_number)
        (total,) = client.analytics.dynamic_yield(Dimensions().period("day"), f)
        (failed,) = client.analytics.top_failed(f)

    assert (total.period, total.unit_count, total.fp_count, total.sp_count) == (
        "2026-11-23",
        2,
        1,
        2,
    )
    assert (total.fpy, total.spy, total.test_yield, total.retest_count) == (50.0, 100.0, 200 / 3, 1)
    assert (failed.step_name, failed.fail_count, failed.total_count) == ("3V3", 1, 3)


def test_measurement_paths_are_built_with_the_separator() -> None:
    assert measurement_path("Main", "Power", "3V3") == "Main¶Power¶3V3"
    assert measurement_path("Main", "Rails", measurement="3V3") == "Main¶Rails¶¶3V3"
    assert measurement_path("Main%") == "Main%"
    with pytest.raises(ValueError, match="contains the separator"):
        measurement_path("Main", "A¶B")
    with pytest.raises(ValueError, match="at least one step name"):
        measurement_path()


def test_measurement_paths_match_the_ones_the_server_indexes() -> None:
    report = UUTReport.new(
        operator="operator",
        part_number="P1",
        serial_number="S1",
        revision="A",
        process_code=10,
        station_name="ST",
        location="L",
        purpose="P",
    )
    power = report.root.add_sequence("Power")
    power.add_numeric("Vout", 5.0, low=4.5, high=5.5)
    rails = power.add_multi_numeric("Rails")
    rails.add_measurement("3V3", 3.3, low=3.2, high=3.4)
    rows = extract_rows(report.raw, 100)
    assert [m["path"] for m in rows.measurements] == [
        measurement_path("MainSequence Callback", "Power", "Vout"),
        measurement_path("MainSequence Callback", "Power", "Rails", measurement="3V3"),
    ]
