"""The pytest plugin, run in-process with `pytester`: a session becomes one UUT report that
reaches a real local server, the station service's watch folder, or a pending folder."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from pywats import WATS
from pywats.report import SequenceCall, read_wsjf

pytest_plugins = ["pytester"]

BOARD_TESTS = """
import pytest

@pytest.fixture
def broken():
    raise RuntimeError("fixture rig not found")

def test_rails(wats):
    wats.numeric("3V3", 3.31, low=3.2, high=3.4, unit="V")
    wats.numeric("5V", 5.6, low=4.8, high=5.2, unit="V")
    wats.string("firmware", "1.4.2", limit="1.4.2")

@pytest.mark.parametrize("channel", [1, 2, 3])
def test_channel(wats, channel):
    wats.numeric("gain", 10.0 if channel != 2 else 13.0, low=9, high=11, unit="dB")

def test_sweep(wats):
    wats.chart("response", [1, 2, 3], [0.5, 0.7, 0.9], x_label="f", y_label="gain")
    wats.attach("log.txt", b"sweep ok", "text/plain")
    wats.pass_fail("sweep done", True)

def test_rig(broken):
    pass

@pytest.mark.skip(reason="no fixture")
def test_optional():
    pass

def test_plain():
    pass
"""


def _server_args(live_server: Any, serial: str) -> list[str]:
    return ["--wats", "--wats-serial", serial, "--wats-part-number", "PYTEST-1",
            "--wats-process", "100", "--wats-program", "board_tests.py",
            "--wats-program-version", "2.1", "--wats-operator", "tester"]  # fmt: skip


@pytest.fixture
def server_env(live_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("WATS_BASE_URL", live_server.base_url)
    monkeypatch.setenv("WATS_AUTH_TOKEN", live_server.token)
    monkeypatch.delenv("PYWATS_CLIENT_CONFIG", raising=False)
    return tmp_path / "pending"


def _fetch(live_server: Any, serial: str) -> Any:
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        [header] = client.reports.query_headers(f"serialNumber eq '{serial}'")
        return client.reports.get(header.uuid)


def test_without_wats_limits_still_fail_the_test_by_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(BOARD_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=2, skipped=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*WATS measurements out of limits:*", "*5V = 5.6 V (GELE 4.8 5.2)*"]
    )
    assert "WATS report" not in result.stdout.str()


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_a_session_is_one_report_with_a_sequence_per_test(
    pytester: pytest.Pytester, live_server: Any, server_env: Path
) -> None:
    pytester.makepyfile(test_board=BOARD_TESTS)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--wats-pending", str(server_env),
        *_server_args(live_server, "PT-1"),
    )  # fmt: skip
    result.assert_outcomes(passed=4, failed=2, skipped=1, errors=1)
    # A set-up error (the rig) outranks the failures, as an errored step does in WATS.
    result.stdout.fnmatch_lines(["*WATS report * (E) SN 'PT-1': submitted*"])
    report = _fetch(live_server, "PT-1")
    assert (report.result, report.part_number, report.process_code) == ("E", "PYTEST-1", 100)
    assert report.uut.user == "tester"
    root = report.root
    assert (root.name, root.raw.get("seqCall", {}).get("version")) == ("board_tests.py", "2.1")
    sequences = {step.name: step for step in root.steps}
    assert list(sequences) == ["test_rails", "test_channel", "test_sweep", "test_rig",
                               "test_optional", "test_plain"]  # fmt: skip
    statuses = {name: step.status for name, step in sequences.items()}
    assert statuses == {"test_rails": "F", "test_channel": "F", "test_sweep": "P",
                        "test_rig": "E", "test_optional": "S", "test_plain": "P"}  # fmt: skip
    channels = sequences["test_channel"].steps
    assert [(c.name, c.status) for c in channels] == [("1", "P"), ("2", "F"), ("3", "P")]
    assert isinstance(channels[1], SequenceCall)
    [gain] = channels[1].steps
    assert gain.raw["numericMeas"][0]["value"] == 13.0
    sweep = {step.name: step for step in sequences["test_sweep"].steps}
    assert sweep["response"].step_type == "WATS_XYGMNLT"
    assert sweep["log.txt"].attachment is not None
    assert not list(server_env.glob("*.json"))


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_a_report_that_cannot_be_sent_waits_for_the_next_session(
    pytester: pytest.Pytester, live_server: Any, server_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_board="def test_one(wats):\n    wats.pass_fail('ok', True)\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("WATS_BASE_URL", dead)
    args = ["-p", "no:cacheprovider", "--wats-pending", str(server_env)]
    result = pytester.runpytest_inprocess(*args, *_server_args(live_server, "PT-WAIT"))
    result.stdout.fnmatch_lines(["*WATS report * (P) SN 'PT-WAIT': kept to send later*"])
    [waiting] = list(server_env.glob("*.json"))
    monkeypatch.setenv("WATS_BASE_URL", live_server.base_url)
    result = pytester.runpytest_inprocess(*args, *_server_args(live_server, "PT-NEXT"))
    result.stdout.fnmatch_lines(["*SN 'PT-NEXT': submitted*"])
    assert not waiting.exists()
    assert _fetch(live_server, "PT-WAIT").result == "P"


def test_with_a_station_service_the_report_lands_in_its_wsjf_folder(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    config = tmp_path / "client.toml"
    config.write_text(
        'schema_version = 1\n[server]\nurl = "http://127.0.0.1:9"\n'
        '[station]\nname = "BENCH-7"\nlocation = "Lab 2"\npurpose = "Debug"\n'
        f'[[converters]]\ntype = "wsjf"\nwatch = "{watch.as_posix()}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PYWATS_CLIENT_CONFIG", str(config))
    pytester.makepyfile(test_board="def test_one(wats):\n    wats.numeric('v', 1.0)\n")
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--wats", "--wats-serial", "PT-ST",
        "--wats-part-number", "PYTEST-1", "--wats-process", "100",
    )  # fmt: skip
    result.stdout.fnmatch_lines(["*SN 'PT-ST': handed to the station service*"])
    [landed] = list(watch.iterdir())
    report = read_wsjf(landed.read_bytes())
    assert (report.station_name, report.location, report.purpose) == ("BENCH-7", "Lab 2", "Debug")
    assert report.serial_number == "PT-ST"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wats", "--wats-serial", "X"], "--wats needs --wats-part-number and --wats-process"),
        (
            ["--wats", "--wats-part-number", "P", "--wats-process", "1"],
            "*--wats: no station service configuration*WATS_BASE_URL*",
        ),
    ],
    ids=["options", "destination"],
)
def test_a_wrong_set_up_stops_before_any_test_runs(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    for name in ("WATS_BASE_URL", "WATS_AUTH_TOKEN", "PYWATS_CLIENT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile("def test_one():\n    raise AssertionError('must not run')\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_the_plugin_is_registered_for_pytest(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(["*report the session to WATS*", "*--wats-serial=SN*"])
