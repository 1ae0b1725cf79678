"""The OpenHTF output callback with real OpenHTF test runs: to the service's folder, direct to
a real server, and to the folder when the direct submit fails."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats import WATS
from pywats_client._identity import Station
from pywats_client.converters import Source
from pywats_client.converters.openhtf import OpenHtfConverter
from pywats_client.openhtf_output import WatsOutput

htf = pytest.importorskip("openhtf")

PARAMETERS = {"part_number": "PSU-200", "revision": "B", "operation_code": 100}
STATION = Station("HTF-STATION", location="Lab", purpose="Development")


@htf.measures(htf.Measurement("rail").in_range(3.2, 3.4).with_units(htf.units.VOLT))
def power(test: Any) -> None:
    test.measurements.rail = 3.31


def _run(output: WatsOutput, serial: str) -> None:
    test = htf.Test(power, test_name="psu")
    test.add_output_callbacks(output)
    test.execute(test_start=lambda: serial)


def test_records_land_complete_in_the_service_folder(tmp_path: Path) -> None:
    _run(WatsOutput(folder=tmp_path), "PSU-1")
    [written] = list(tmp_path.iterdir())  # no temporary file is left behind
    assert written.name.startswith("PSU-1-")
    assert written.suffix == ".json"
    source = Source(written, written.read_bytes(), STATION)
    [report] = OpenHtfConverter(PARAMETERS).convert(source)
    assert (report.serial_number, report.result) == ("PSU-1", "P")
    [meas] = report.root.steps[1].steps[0].raw["numericMeas"]
    assert (meas["value"], meas["unit"], meas["compOp"]) == (3.31, "V", "GELE")


def test_direct_submit_reaches_the_server(tmp_path: Path, live_server: Any) -> None:
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        output = WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS, station=STATION)
        _run(output, "PSU-2")
    assert list(tmp_path.iterdir()) == []
    query = {"$filter": "serialNumber eq 'PSU-2'"}
    headers = {"Authorization": f"Basic {live_server.token}"}
    found = httpx.get(f"{live_server.base_url}/api/Report/Query/Header", params=query,
                      headers=headers).json()  # fmt: skip
    assert [h["serialNumber"] for h in found] == ["PSU-2"]


def _headers(live_server: Any, serial: str) -> list[dict[str, Any]]:
    query = {"$filter": f"serialNumber eq '{serial}'"}
    headers = {"Authorization": f"Basic {live_server.token}"}
    answer = httpx.get(f"{live_server.base_url}/api/Report/Query/Header", params=query,
                       headers=headers)  # fmt: skip
    return answer.json()  # type: ignore[no-any-return]


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now: a submit fails at once


def test_direct_mode_with_the_documented_arguments_delivers(
    tmp_path: Path, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/converters.md's direct set-up: no station given, so the service's defaults."""
    monkeypatch.delenv("PYWATS_CLIENT_CONFIG", raising=False)
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        output = WatsOutput(folder=tmp_path, client=client,
                            parameters={"part_number": "PSU-200", "revision": "A",
                                        "operation_code": 100})  # fmt: skip
        _run(output, "PSU-DOC")
    [header] = _headers(live_server, "PSU-DOC")
    assert header["stationName"] == socket.gethostname().split(".")[0]
    assert not list((tmp_path / "pending").glob("*.json"))


def test_a_failed_submit_waits_and_goes_with_the_next_record(
    tmp_path: Path, live_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with WATS(base_url=_dead_url(), token="x", max_retries=0, timeout=2) as dead:
        output = WatsOutput(folder=tmp_path, client=dead, parameters=PARAMETERS, station=STATION)
        with caplog.at_level(logging.WARNING, logger="pywats_client._handoff"):
            _run(output, "PSU-3")
    [waiting] = list((tmp_path / "pending").glob("*.json"))
    assert "kept in" in caplog.text
    assert _headers(live_server, "PSU-3") == []
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        output = WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS, station=STATION)
        _run(output, "PSU-4")
    assert not waiting.exists()
    assert len(_headers(live_server, "PSU-3")) == 1
    assert len(_headers(live_server, "PSU-4")) == 1


def test_a_wrong_set_up_fails_at_construction_not_at_the_first_record(tmp_path: Path) -> None:
    with WATS(base_url=_dead_url(), token="x") as client:
        with pytest.raises(ValueError, match=r"location: required.*purpose: required"):
            WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS,
                       station=Station("BARE"))  # fmt: skip
        # The SDK's submit rule, lengths included: WATS would refuse every report of this one.
        with pytest.raises(ValueError, match="machineName: 51 characters, at most 50"):
            WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS,
                       station=Station("S" * 51, "Line 1", "Production"))  # fmt: skip
        with pytest.raises(ValueError, match="no_such_parameter"):
            WatsOutput(folder=tmp_path, client=client, parameters={"no_such_parameter": 1})


def _openhtf_example(name: str) -> Any:
    """A module of the examples OpenHTF's own distribution ships (`examples/<name>.py`)."""
    import importlib.metadata
    import importlib.util

    path = Path(str(importlib.metadata.distribution("openhtf").locate_file(f"examples/{name}.py")))
    spec = importlib.util.spec_from_file_location(f"openhtf_example_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_openhtfs_own_example_phases_arrive_whole(tmp_path: Path, live_server: Any) -> None:
    """The `measurements` example's phases (validators, a failing inline measurement; not its
    pandas/numpy phase), plus dimensions, arguments and a skipped phase from `all_the_things`,
    and an attachment."""
    measurements = _openhtf_example("measurements")
    things = _openhtf_example("all_the_things")

    def attach(test: Any) -> None:
        test.attach("test_attachment", b"This is test attachment data.")

    test = htf.Test(
        measurements.hello_phase,
        measurements.again_phase,
        measurements.lots_of_measurements,
        measurements.measure_seconds,
        measurements.inline_phase,
        things.dimensions,
        things.measures_with_args.with_args(minimum=1, maximum=4),
        things.skip_phase,
        attach,
        test_name="MyTest",
    )
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        test.add_output_callbacks(
            WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS, station=STATION)
        )
        test.execute(test_start=lambda: "HTF-EXAMPLE")
        [header] = _headers(live_server, "HTF-EXAMPLE")
        report = client.reports.get(header["uuid"])
    assert report.result == "F"  # inline_phase sets a failing value on purpose
    phases = [step.name for step in report.root.steps]
    assert "lots_of_measurements" in phases
    assert "dimensions" in phases
    names = {step.name: step for step in report.root.walk()}
    assert names["inline_kwargs"].status == "F"
    assert names["validated_measurement"].status == "P"
    assert names["lots_of_dims"].step_type == "WATS_XYGMNLT"  # a dimensioned one is a chart
    assert "skip_phase" not in phases or names["skip_phase"].status == "S"
    assert [a.name for a in report.attachments] == ["attach/test_attachment"]
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "pending"])
