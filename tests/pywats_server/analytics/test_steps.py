"""Top failed steps and test step analysis agree with counts and Cpk computed from the data."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pywats import AsyncWATS, WATSFilter

if TYPE_CHECKING:
    from conftest import AnalyticsServer, Dataset, Run, Unit

pytestmark = pytest.mark.anyio

SEP = "\u00b6"
SPEC = {  # measurement path tail -> (lower, upper) specification limits
    "3V3 rail": (3.2, 3.4),
    "5V rail": (4.8, 5.2),
    "Idle current": (None, 0.5),  # LE: one upper limit
    "Gain¶¶Ch1": (18.0, 22.0),
    "Gain¶¶Ch2": (18.0, 22.0),
}


def _expected_top(runs: list[tuple[Unit, Run]], dataset: Dataset) -> list[dict[str, Any]]:
    fails: Counter[tuple[str, str, str]] = Counter()
    totals: Counter[tuple[str, str]] = Counter()
    dates: dict[tuple[str, str, str], list[str]] = {}
    for unit, run in runs:
        totals[(unit.part_number, unit.revision)] += 1
        if run.failed_step is not None:
            key = (run.failed_step, unit.part_number, unit.revision)
            fails[key] += 1
            dates.setdefault(key, []).append(dataset.iso(run.start))
    ranked = sorted(fails.items(), key=lambda item: (-item[1], item[0]))
    return [
        {
            "stepPath": path,
            "stepName": path.split(SEP)[-1],
            "partNumber": pn,
            "revision": rev,
            "failCount": count,
            "totalCount": totals[(pn, rev)],
            "failRate": pytest.approx(100 * count / totals[(pn, rev)]),
            "firstFailDate": min(dates[(path, pn, rev)]),
            "lastFailDate": max(dates[(path, pn, rev)]),
        }
        for (path, pn, rev), count in ranked
    ]


def _fields(rows: list[Any], names: list[str]) -> list[dict[str, Any]]:
    return [{n: row.model_dump(by_alias=True)[n] for n in names} for row in rows]


@pytest.mark.parametrize("narrow", [20_000, 0], ids=["steps-per-report", "path-index"])
async def test_top_failed_steps_match_the_failures_generated(
    analytics: AsyncWATS, dataset: Dataset, narrow: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both ways of counting how often a step ran: each matching report's steps (few reports)
    # and the path index (many; forced here by a threshold of 0).
    monkeypatch.setattr("pywats_server.analytics._steps._NARROW", narrow)
    rows = await analytics.analytics.top_failed(WATSFilter(top_count=8))

    expected = _expected_top(dataset.reports(), dataset)[:8]
    assert _fields(rows, list(expected[0])) == expected
    assert all(row.step_type in ("ET_NLT", "ET_PFT", "ET_MNLT") for row in rows)


@pytest.mark.parametrize(("run", "pick"), [(1, lambda runs: runs[:1]), (-1, lambda r: r[-1:])])
async def test_top_failed_of_first_or_last_runs_of_one_product(
    analytics: AsyncWATS, dataset: Dataset, run: int, pick: Any
) -> None:
    f = WATSFilter(part_number="AN-PSU-2", test_operation="End of line test", run=run)
    rows = await analytics.analytics.top_failed(f.model_copy(update={"top_count": 50}))

    chosen = [
        (unit, r)
        for unit in dataset.units
        if unit.part_number == "AN-PSU-2" and unit.process_code == 100
        for r in pick(unit.runs)
    ]
    expected = _expected_top(chosen, dataset)
    assert _fields(rows, list(expected[0])) == expected


async def test_top_failed_of_one_product_over_a_week_and_of_an_empty_week(
    analytics: AsyncWATS, dataset: Dataset
) -> None:
    # Few matching reports: on PostgreSQL their keys are given to the statements as an array
    # (an empty one for a week without reports).
    since = datetime(2026, 10, 12, tzinfo=timezone.utc)
    week = {"part_number": "AN-PSU-2", "date_from": since, "date_to": since + timedelta(days=7)}
    rows = await analytics.analytics.top_failed(WATSFilter(**week, top_count=50))
    later = since + timedelta(days=365)
    empty = WATSFilter(**{**week, "date_from": later, "date_to": later + timedelta(days=7)})
    none = await analytics.analytics.top_failed(empty)

    chosen = [
        (unit, run)
        for unit, run in dataset.reports()
        if unit.part_number == "AN-PSU-2"
        and since <= run.start.replace(tzinfo=timezone.utc) <= since + timedelta(days=7)
    ]
    expected = _expected_top(chosen, dataset)
    assert 0 < len(expected) < len(_expected_top(dataset.reports(), dataset))
    assert _fields(rows, list(expected[0])) == expected
    assert none == []


async def test_step_analysis_counts_and_capability(analytics: AsyncWATS, dataset: Dataset) -> None:
    f = WATSFilter(part_number="AN-PCBA-1", revision="B", test_operation="End of line test")
    rows = await analytics.analytics.test_step_analysis(f)

    runs = [
        r
        for u in dataset.units
        if (u.part_number, u.revision, u.process_code) == ("AN-PCBA-1", "B", 100)
        for r in u.runs
    ]
    by_key = {(row.step_path, row.measure_name): row for row in rows}
    for tail, (lower, upper) in SPEC.items():
        step_tail, _, name = tail.partition(f"{SEP}{SEP}")
        step = next(p for p in by_key if p[0].endswith(SEP + step_tail) and p[1] == (name or None))
        row = by_key[step]
        failed = sum(r.failed_step is not None and r.failed_step.endswith(step_tail) for r in runs)
        assert row.step_count == len(runs)
        assert row.step_failed_count == failed
        assert row.step_passed_count == len(runs) - failed
        assert row.step_caused_uut_failed == failed
        path = next(p for p in runs[0].values if p.endswith(tail))
        expected = dataset.capability([r.values[path] for r in runs], lower, upper)
        assert row.measure_count == expected["count"]
        for key, name in (
            *((k, k) for k in ("avg", "stdev", "var", "min", "max", "cp", "cpk")),
            ("cpLower", "cp_lower"),
            ("cpUpper", "cp_upper"),
        ):
            want = expected[key]
            got = getattr(row, name)
            assert got == (None if want is None else pytest.approx(want, rel=1e-9)), (tail, key)
    i2c = next(row for row in rows if row.step_path.endswith("I2C ack"))
    assert i2c.cpk is None
    assert i2c.measure_count is None
    assert i2c.step_failed_count == sum(r.failed_step == i2c.step_path for r in runs)


async def test_internal_top_failed_by_process_code_group_id_and_days(
    analytics_server: AnalyticsServer, dataset: Dataset
) -> None:
    transport = httpx.ASGITransport(app=analytics_server.app)
    headers = {"Authorization": f"Basic {analytics_server.token}", "Referer": "http://wats.test"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://wats.test", headers=headers
    ) as http:
        groups = (await http.get("/api/App/ProductGroups")).json()
        boards = next(g["productGroupId"] for g in groups if g["productGroupName"] == "Boards")
        params = {"processCode": 100, "productGroupId": boards, "days": 3650, "count": 6}
        response = await http.get("/api/internal/App/TopFailed", params=params)
        unknown = await http.get("/api/internal/App/TopFailed", params={"processCode": 4242})

    assert response.status_code == 200
    chosen = [
        (unit, run)
        for unit, run in dataset.reports()
        if unit.process_code == 100 and unit.part_number in dataset.groups["Boards"]
    ]
    expected = _expected_top(chosen, dataset)[:6]
    assert [{k: row[k] for k in expected[0]} for row in response.json()] == expected
    assert unknown.status_code == 400
    assert "4242" in unknown.json()["message"]


async def test_internal_top_failed_takes_listed_levels_and_all_zero_guids_for_all(
    analytics_server: AnalyticsServer,
) -> None:
    transport = httpx.ASGITransport(app=analytics_server.app)
    headers = {"Authorization": f"Basic {analytics_server.token}", "Referer": "http://wats.test"}
    everything = "00000000-0000-0000-0000-000000000000"
    async with httpx.AsyncClient(
        transport=transport, base_url="http://wats.test", headers=headers
    ) as http:
        level = (await http.get("/api/App/Levels")).json()[0]["levelId"]
        plain = await http.get("/api/internal/App/TopFailed", params={"count": 5})
        by_level = await http.get(
            "/api/internal/App/TopFailed", params={"count": 5, "levelId": level}
        )
        all_zero = await http.get(
            "/api/internal/App/TopFailed",
            params={"count": 5, "levelId": everything, "productGroupId": everything},
        )
        unknown = await http.get("/api/internal/App/TopFailed", params={"levelId": 987654})
        garbage = await http.get("/api/internal/App/TopFailed", params={"productGroupId": "x"})

    assert plain.status_code == 200
    assert plain.json()  # the dataset has failures, so "all" is not vacuously equal
    assert by_level.status_code == 200, by_level.text
    assert by_level.json() == plain.json()
    assert all_zero.status_code == 200, all_zero.text
    assert all_zero.json() == plain.json()
    assert unknown.status_code == 400
    assert "987654" in unknown.json()["message"]
    assert garbage.status_code == 400
    assert "all-zero GUID" in garbage.json()["message"]
