"""A few thousand generated reports with known outcomes, stored in a database of their own.

`Dataset` is the truth the tests compute expected figures from; the same data is built into
real WSJF reports with the SDK's builders and stored through the server's storage layer, then
queried through the SDK (`analytics_client`) over the in-process server.
"""

from __future__ import annotations

import json
import random
import statistics
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pywats import AsyncWATS
from pywats.report import UURReport, UUTReport, write_wsjf

if TYPE_CHECKING:
    from fastapi import FastAPI

ROOT = "MainSequence Callback"
SEP = "\u00b6"
V33 = f"{ROOT}{SEP}Power{SEP}3V3 rail"
V5 = f"{ROOT}{SEP}Power{SEP}5V rail"
I2C = f"{ROOT}{SEP}Comms{SEP}I2C ack"
IDLE = f"{ROOT}{SEP}Comms{SEP}Idle current"
GAIN = f"{ROOT}{SEP}RF{SEP}Gain"
GAIN_CH1 = f"{GAIN}{SEP}{SEP}Ch1"
GAIN_CH2 = f"{GAIN}{SEP}{SEP}Ch2"
LEAF_STEPS = (V33, V5, I2C, IDLE, GAIN)
PRODUCTS = (("AN-PCBA-1", "A"), ("AN-PCBA-1", "B"), ("AN-PSU-2", "A"), ("AN-CTRL-3", "A"))
STATIONS = ("ST-1", "ST-2", "ST-3")
OPERATIONS = {50: "PCBA test", 100: "End of line test"}
WEEK0 = datetime(2026, 10, 5, 0, 0)  # a Monday, naive UTC
OUTCOMES = (
    ("P", 70), ("FP", 12), ("FFP", 4), ("FFFP", 2), ("F", 4), ("FF", 2), ("EP", 3), ("T", 1),
    ("FEP", 2),
)  # fmt: skip
NAMES = {"AN-PCBA-1": "Main board", "AN-PSU-2": "Power supply", "AN-CTRL-3": "Controller"}
GROUPS = {
    "Boards": ("AN-PCBA-1", "AN-CTRL-3"),
    "Power": ("AN-PSU-2",),
    "Line A": ("AN-PCBA-1", "AN-PSU-2"),
}
REPAIRS = (("Component", "Shorted"), ("Component", "Missing"), ("Solder", "Bridge"))
# Registered assets and their names (two share a name); FX-9 is used but never registered.
ASSET_NAMES = {"FX-1": "Bed of nails", "FX-2": "Bed of nails", "DMM-7": "Multimeter"}
# What a run may list in `assets`: nothing, one or two assets, an unregistered one, one twice.
ASSET_SETS = (
    (), ("FX-1",), ("FX-2",), ("FX-1", "DMM-7"), ("FX-2", "DMM-7"), ("FX-9",), ("DMM-7", "DMM-7"),
)  # fmt: skip


def week(moment: datetime) -> str:
    year, number, _ = moment.isocalendar()
    return f"{year}-W{number:02d}"


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def _passed(runs: Iterable[Run]) -> bool:
    return any(run.result == "P" for run in runs)


def yield_figures(
    units: Iterable[Unit], key: Callable[[Unit], Hashable]
) -> dict[Hashable, dict[str, Any]]:
    """Every yield KPI per group; a unit belongs to the group `key` gives it (from its first
    run), its outcomes come from all its runs."""
    groups: dict[Hashable, list[Unit]] = defaultdict(list)
    for unit in units:
        groups[key(unit)].append(unit)
    result = {}
    for group, members in groups.items():
        n = len(members)
        counts = {
            "fp": sum(_passed(u.runs[:1]) for u in members),
            "sp": sum(_passed(u.runs[:2]) for u in members),
            "tp": sum(_passed(u.runs[:3]) for u in members),
            "lp": sum(u.runs[-1].result == "P" for u in members),
        }
        reports = sum(len(u.runs) for u in members)
        passed = sum(run.result == "P" for u in members for run in u.runs)
        figures: dict[str, Any] = {"unitCount": n}
        for short, count in counts.items():
            figures[f"{short}Count"] = count
            figures[f"{short}FailCount"] = n - count
            figures[f"{short}y"] = 100 * count / n
            figures[f"ppm{short.capitalize()}y"] = 1e6 * (n - count) / n
        figures.update(
            testReportCount=reports,
            testYieldCount=passed,
            testYield=100 * passed / reports,
            ppmTestYield=1e6 * (reports - passed) / reports,
            retestCount=reports - n,
            firstUtc=iso(min(u.runs[0].start for u in members)),
            lastUtc=iso(max(u.runs[-1].start for u in members)),
        )
        result[group] = figures
    return result


def capability(values: list[float], lower: float | None, upper: float | None) -> dict[str, Any]:
    """Mean, sample standard deviation and Cp/Cpk of `values` against the spec limits."""
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    lower_index = (mean - lower) / (3 * sd) if lower is not None else None
    upper_index = (upper - mean) / (3 * sd) if upper is not None else None
    sides = [v for v in (lower_index, upper_index) if v is not None]
    return {
        "avg": mean,
        "stdev": sd,
        "var": sd * sd,
        "min": min(values),
        "max": max(values),
        "cp": (upper - lower) / (6 * sd) if lower is not None and upper is not None else None,
        "cpk": min(sides) if sides else None,
        "cpLower": lower_index,
        "cpUpper": upper_index,
        "count": len(values),
    }


@dataclass
class Run:
    report_id: str
    start: datetime
    station: str
    operator: str
    result: str
    failed_step: str | None
    values: dict[str, float]
    lot: str
    assets: tuple[str, ...] = ()


@dataclass
class Unit:
    serial: str
    part_number: str
    revision: str
    process_code: int
    runs: list[Run] = field(default_factory=list)

    @property
    def process_name(self) -> str:
        return OPERATIONS[self.process_code]


@dataclass
class Repair:
    report_id: str
    unit: Unit
    start: datetime
    tested: Run
    category: str
    code: str
    assets: tuple[str, ...] = ()


@dataclass
class Dataset:
    """What was generated; its methods compute expected figures from it, independently of
    the server (plain Python following the definitions in docs/analytics.md)."""

    units: list[Unit]
    repairs: list[Repair]

    def reports(self) -> list[tuple[Unit, Run]]:
        return [(unit, run) for unit in self.units for run in unit.runs]

    names = NAMES
    groups = GROUPS
    asset_names = ASSET_NAMES
    week = staticmethod(week)
    iso = staticmethod(iso)
    yield_figures = staticmethod(yield_figures)
    capability = staticmethod(capability)


def _measured(rng: random.Random, failing: str | None) -> dict[str, float]:
    def inside(mean: float, sd: float, low: float, high: float) -> float:
        return min(max(rng.gauss(mean, sd), low + 1e-3), high - 1e-3)

    values = {
        V33: inside(3.30, 0.025, 3.2, 3.4),
        V5: inside(5.00, 0.05, 4.8, 5.2),
        IDLE: inside(0.30, 0.05, 0.0, 0.5),
        GAIN_CH1: inside(20.0, 0.4, 18.0, 22.0),
        GAIN_CH2: inside(19.5, 0.5, 18.0, 22.0),
    }
    if failing == V33:
        values[V33] = rng.choice((3.1, 3.5)) + rng.uniform(-0.04, 0.04)
    elif failing == V5:
        values[V5] = 5.4 + rng.uniform(0, 0.1)
    elif failing == IDLE:
        values[IDLE] = 0.6 + rng.uniform(0, 0.2)
    elif failing == GAIN:
        values[GAIN_CH2] = 17.0 + rng.uniform(0, 0.5)
    return values


def _new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate(seed: int = 2026, units: int = 1700) -> Dataset:
    """Units over four weeks: most pass first time, some are retested (on any station), some
    never pass, a few end in Error/Terminated; failed runs followed by a retest are repaired
    half of the time."""
    rng = random.Random(seed)
    # Assets come from a stream of their own, so the rest of the data is as without them.
    asset_rng = random.Random(seed + 1)
    patterns = [p for p, _ in OUTCOMES]
    weights = [w for _, w in OUTCOMES]
    dataset = Dataset([], [])
    for number in range(units):
        part_number, revision = rng.choice(PRODUCTS)
        serial = f"AN{number:05d}"
        codes = (50, 100) if number % 3 == 0 else (100,)
        start = WEEK0 + timedelta(days=rng.randrange(28), hours=rng.randrange(6, 21))
        for code in codes:
            unit = Unit(serial, part_number, revision, code)
            for index, result in enumerate(rng.choices(patterns, weights)[0]):
                start += timedelta(minutes=rng.randrange(20, 600))
                failing = rng.choice(LEAF_STEPS) if result == "F" else None
                run = Run(
                    report_id=_new_id(rng),
                    start=start,
                    station=rng.choice(STATIONS),
                    operator=rng.choice(("alice", "bob")),
                    result=result,
                    failed_step=failing,
                    values=_measured(rng, failing),
                    lot=rng.choice(("LOT-A", "LOT-B")),
                    assets=asset_rng.choice(ASSET_SETS),
                )
                unit.runs.append(run)
                if result == "F" and rng.random() < 0.5:
                    category, code_ = rng.choice(REPAIRS)
                    repair_id = _new_id(rng)
                    repaired = start + timedelta(minutes=5 + index)
                    repair = Repair(repair_id, unit, repaired, run, category, code_)
                    repair.assets = asset_rng.choice(ASSET_SETS)
                    dataset.repairs.append(repair)
            dataset.units.append(unit)
            start += timedelta(hours=rng.randrange(1, 30))
    return dataset


def build_uut(unit: Unit, run: Run) -> UUTReport:
    """The WSJF report of one run, built with the SDK's builders."""
    report = UUTReport.new(
        part_number=unit.part_number,
        serial_number=unit.serial,
        revision=unit.revision,
        process_code=unit.process_code,
        station_name=run.station,
        location="Plant 1",
        purpose="Production",
        operator=run.operator,
        start=run.start.replace(tzinfo=timezone.utc),
        id=run.report_id,
        sequence_path="C:/tests/eol.seq",
        sequence_version="1.4.0",
    )
    report.add_misc_info("Fixture lot", run.lot)
    for serial in run.assets:
        report.add_asset(serial)
    values = run.values
    power = report.root.add_sequence("Power")
    power.add_numeric("3V3 rail", values[V33], low=3.2, high=3.4, unit="V")
    power.add_numeric("5V rail", values[V5], low=4.8, high=5.2, unit="V")
    comms = report.root.add_sequence("Comms")
    comms.add_pass_fail("I2C ack", run.failed_step != I2C)
    comms.add_numeric("Idle current", values[IDLE], high=0.5, unit="A")
    gain = report.root.add_sequence("RF").add_multi_numeric("Gain")
    gain.add_measurement("Ch1", values[GAIN_CH1], low=18.0, high=22.0, unit="dB")
    gain.add_measurement("Ch2", values[GAIN_CH2], low=18.0, high=22.0, unit="dB")
    report.propagate_failures()
    if run.result in ("E", "T"):
        report.result = run.result
    assert report.result == run.result, (report.result, run)
    return report


def build_uur(repair: Repair) -> UURReport:
    tested = build_uut(repair.unit, repair.tested)
    report = UURReport.from_uut(
        tested,
        category=repair.category,
        code=repair.code,
        station_name="REPAIR-1",
        operator="carol",
        start=repair.start.replace(tzinfo=timezone.utc),
        id=repair.report_id,
    )
    for serial in repair.assets:
        report.add_asset(serial)
    return report


def store(url: str, dataset: Dataset) -> None:
    """Register the products, their groups and the assets, then store every report of the
    dataset through the server's storage layer, in batches."""
    from pywats_server.storage import (
        AssetStore,
        Database,
        ProductStore,
        ReportStore,
        Submission,
        extract_rows,
    )
    from pywats_server.storage.assets import AssetFields, AssetTypeFields
    from pywats_server.storage.products import GroupDraft, ProductDraft

    database = Database(url)
    assets = AssetStore(database)
    kind = assets.save_type(AssetTypeFields("Test equipment"))
    for serial, name in ASSET_NAMES.items():
        assets.save(AssetFields(serial, type_id=kind.type_id, asset_name=name), "setup")
    products = ProductStore(database)
    products.save_many([ProductDraft(pn, name=name) for pn, name in NAMES.items()])
    for group, members in GROUPS.items():
        products.save_group(GroupDraft(group, part_numbers=list(members)))
    reports = ReportStore(database)
    documents = [build_uut(unit, run) for unit, run in dataset.reports()]
    documents += [build_uur(repair) for repair in dataset.repairs]
    batch: list[Submission] = []
    for document in documents:
        text = write_wsjf(document).encode()
        batch.append(Submission(extract_rows(json.loads(text), len(text)), text, "wsjf"))
        if len(batch) == 500:
            reports.save_many(batch)
            batch = []
    reports.save_many(batch)
    database.dispose()


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return generate()


@dataclass(frozen=True)
class AnalyticsServer:
    app: FastAPI
    token: str


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def analytics_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    throwaway_postgres: Callable[[], AbstractContextManager[str]],
    dataset: Dataset,
) -> Iterator[AnalyticsServer]:
    """The in-process server over a database holding exactly the generated dataset."""
    from pywats_server import Settings, create_app
    from pywats_server.storage import Database, UserStore, migrate

    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('analytics') / 'wats.db'}"
        else:
            url = stack.enter_context(throwaway_postgres())
        database = Database(url)
        migrate(database)
        users = UserStore(database)
        users.create_user("analyst", is_admin=False)
        token = users.issue_token("analyst", "analyst-secret")
        database.dispose()
        store(url, dataset)
        app = create_app(Settings(database_url=url))
        yield AnalyticsServer(app, token)
        app.state.context.database.dispose()


@pytest.fixture
async def analytics(analytics_server: AnalyticsServer) -> AsyncIterator[AsyncWATS]:
    """An SDK client into the analytics server."""
    transport = httpx.ASGITransport(app=analytics_server.app)
    async with AsyncWATS(
        base_url="http://wats.test", token=analytics_server.token, transport=transport
    ) as client:
        yield client
