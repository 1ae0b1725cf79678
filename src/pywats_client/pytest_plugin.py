"""The pytest plugin: `pytest --wats` turns a test session into one UUT report.

    pytest --wats --wats-part-number PCBA-100 --wats-revision A --wats-process 100 \\
           --wats-serial SN-0001

    def test_rails(wats):
        wats.numeric("3V3", read_volts(), low=3.2, high=3.4, unit="V")

Each test function is a sequence of the report's root sequence (a parametrized function: a
sequence per parameter set inside it); what the `wats` fixture records are its steps, with
status from the report model's limits. A measurement out of its limits fails the test (after
the test has recorded the rest); a failed test is a failed sequence, an error in set-up or
tear-down an errored one, a skip a skipped one. At the end the report goes to the station
service on this machine (`--wats-station-config`, or `$PYWATS_CLIENT_CONFIG`), else straight to
the server (`WATS_BASE_URL`, `WATS_AUTH_TOKEN`), keeping it in a pending folder when that fails
(see `pywats_client._handoff`). Without `--wats` the fixture still evaluates limits and fails
tests, and nothing is sent. Registered through the `pytest11` entry point (`pywats[pytest]`).
"""

from __future__ import annotations

import getpass
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pywats.report import SequenceCall, Step, UUTReport
    from pywats_client._handoff import Delivery, Handoff

__all__ = ["WatsRecorder", "WatsSession"]

_FAILED = ("F", "E", "T")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wats", "report the session to WATS as one UUT report (pywats)")
    group.addoption("--wats", action="store_true", help="make and send the UUT report")
    group.addoption("--wats-serial", metavar="SN", help="the unit's serial number")
    group.addoption("--wats-part-number", metavar="PN", help="the unit's part number")
    group.addoption("--wats-revision", metavar="REV", default="1", help="default: 1")
    group.addoption("--wats-process", metavar="CODE", type=int, help="test operation code")
    group.addoption("--wats-operator", metavar="NAME", help="default: the user running pytest")
    group.addoption(
        "--wats-program", metavar="NAME", help="the test program (default: the rootdir's name)"
    )
    group.addoption("--wats-program-version", metavar="V", default="1", help="default: 1")
    group.addoption(
        "--wats-station-config",
        metavar="FILE",
        type=Path,
        help="hand the report to this station service (default: $PYWATS_CLIENT_CONFIG)",
    )
    group.addoption(
        "--wats-pending",
        metavar="DIR",
        type=Path,
        help="where reports wait that could not be submitted (default: ~/.pywats/pending)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("wats"):
        return
    missing = [
        f"--wats-{name}"
        for name in ("part-number", "process")
        if config.getoption(f"wats_{name.replace('-', '_')}") is None
    ]
    if missing:
        raise pytest.UsageError(f"--wats needs {' and '.join(missing)}")
    from pywats_client._handoff import Handoff, HandoffError

    try:
        handoff = Handoff(
            station_config=config.getoption("wats_station_config"),
            pending=config.getoption("wats_pending"),
        )
    except HandoffError as exc:
        raise pytest.UsageError(
            f"--wats: {exc} (give --wats-station-config, or set WATS_BASE_URL and WATS_AUTH_TOKEN)"
        ) from None
    config.pluginmanager.register(WatsSession(config, handoff), "wats-session")


class WatsRecorder:
    """What the `wats` fixture gives a test: steps recorded into its sequence."""

    def __init__(self, sequence: SequenceCall, report: UUTReport | None) -> None:
        self.sequence = sequence
        self.report = report

    def numeric(
        self,
        name: str,
        value: float,
        *,
        low: float | None = None,
        high: float | None = None,
        unit: str | None = None,
        comp: str | None = None,
    ) -> Step:
        """A numeric measurement; both limits → GELE, one → GE/LE, none → logged only."""
        return self.sequence.add_numeric(name, value, low=low, high=high, unit=unit, comp=comp)

    def string(self, name: str, value: str, *, limit: str | None = None) -> Step:
        """A string measurement, compared with `limit` (case-sensitive) when given."""
        return self.sequence.add_string(name, value, limit=limit)

    def pass_fail(self, name: str, passed: bool) -> Step:
        return self.sequence.add_pass_fail(name, passed)

    def chart(
        self,
        name: str,
        x: Iterable[float],
        y: Iterable[float],
        *,
        x_label: str,
        y_label: str,
        x_unit: str | None = None,
        y_unit: str | None = None,
    ) -> Step:
        """An XY chart of one series named like the step."""
        step = self.sequence.add_chart(
            name, x_label=x_label, y_label=y_label, x_unit=x_unit, y_unit=y_unit
        )
        step.add_series(name, x, y)
        return step

    def attach(self, name: str, data: bytes | str | Path, content_type: str | None = None) -> Step:
        """A file or bytes, as an action step named `name` carrying it."""
        step = self.sequence.add_action(name)
        step.attach(data, name=name if not isinstance(data, Path) else None,
                    content_type=content_type)  # fmt: skip
        return step

    @property
    def serial_number(self) -> str | None:
        return None if self.report is None else self.report.serial_number

    @serial_number.setter
    def serial_number(self, value: str) -> None:
        """Set the unit's serial (e.g. scanned by a fixture); ignored without `--wats`."""
        if self.report is not None:
            self.report.serial_number = value

    def failures(self) -> list[str]:
        """`name: value` of each recorded step that failed its limits."""
        return [
            _describe(step)
            for step in self.sequence.walk()
            if step is not self.sequence and step.status in _FAILED
        ]


@pytest.fixture
def wats(request: pytest.FixtureRequest) -> WatsRecorder:
    """Record measurements of this test as steps of the session's UUT report."""
    session: WatsSession | None = request.config.pluginmanager.get_plugin("wats-session")
    if session is None:
        from pywats.report import SequenceCall

        recorder = WatsRecorder(SequenceCall.new(request.node.name), None)
    else:
        recorder = WatsRecorder(session.sequence_for(request.node.nodeid), session.report)
    request.node.stash[_RECORDER] = recorder
    return recorder


_RECORDER = pytest.StashKey[WatsRecorder]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test whose recorded measurements failed their limits fails, naming them."""
    report = yield
    recorder = item.stash.get(_RECORDER, None)
    if report.when == "call" and report.passed and recorder is not None:
        failed = recorder.failures()
        if failed:
            report.outcome = "failed"
            report.longrepr = "WATS measurements out of limits:\n  " + "\n  ".join(failed)
    return report


class WatsSession:
    """The session's UUT report: made at configure, sent at the end."""

    def __init__(self, config: pytest.Config, handoff: Handoff) -> None:
        from pywats.report import UUTReport

        self.handoff = handoff
        station = handoff.station
        self.report = UUTReport.new(
            part_number=config.getoption("wats_part_number"),
            serial_number=config.getoption("wats_serial") or "",
            revision=config.getoption("wats_revision"),
            process_code=config.getoption("wats_process"),
            station_name=station.name,
            location=station.location,
            purpose=station.purpose,
            operator=config.getoption("wats_operator") or getpass.getuser(),
            sequence_name=config.getoption("wats_program") or config.rootpath.name,
            sequence_version=config.getoption("wats_program_version"),
        )
        self.sequences: dict[str, SequenceCall] = {}
        self.delivery: Delivery | None = None
        self.problem: str | None = None

    def sequence_for(self, nodeid: str) -> SequenceCall:
        """The test's sequence: its function's, or its parameter set's inside that."""
        from pywats.report import SequenceCall

        base, _, parameters = nodeid.partition("[")
        parent = self.sequences.get(base)
        if parent is None:
            name = base.rsplit("::", 1)[-1]
            parent = self.sequences[base] = self.report.root.add_sequence(name)
        if not parameters:
            return parent
        name = parameters[:-1]
        for step in parent.steps:
            if isinstance(step, SequenceCall) and step.name == name:
                return step
        return parent.add_sequence(name)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Carry the test's outcome into its sequence's status."""
        if report.failed:
            status = "F" if report.when == "call" else "E"
        elif report.skipped:
            status = "S"
        else:
            self.sequence_for(report.nodeid)  # a passing test without measurements is there too
            return
        sequence = self.sequence_for(report.nodeid)
        if sequence.status not in _FAILED:
            sequence.status = status

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        from pywats import WATSError

        if not self.sequences:
            self.problem = "no test ran, so no report was made"
            self.handoff.close()
            return
        self.report.propagate_failures()
        try:
            self.delivery = self.handoff.deliver(self.report)
        except (OSError, WATSError) as exc:
            self.problem = f"the report could not be handed on: {exc}"
        finally:
            self.handoff.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        report = self.report
        head = f"WATS report {report.id} ({report.result}) SN {report.serial_number!r}"
        if self.problem is not None:
            terminalreporter.write_line(f"{head}: {self.problem}", red=True)
        elif self.delivery is not None:
            route = {"station": "handed to the station service", "server": "submitted",
                     "pending": "kept to send later"}[self.delivery.route]  # fmt: skip
            terminalreporter.write_line(f"{head}: {route}: {self.delivery.where}")


def _describe(step: Step) -> str:
    raw = step.raw
    for key in ("numericMeas", "stringMeas"):
        for meas in raw.get(key) or []:
            low, high = meas.get("lowLimit"), meas.get("highLimit")
            limits = " ".join(str(x) for x in (meas.get("compOp"), low, high) if x is not None)
            unit = f" {meas['unit']}" if meas.get("unit") else ""
            return f"{step.name} = {meas.get('value')}{unit} ({limits})"
    return f"{step.name}: {step.status}"
