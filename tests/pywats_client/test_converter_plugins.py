"""A site's converter plug-in, installed with pip into a fresh virtual environment, used there
like a built-in: `pywats-client converters list` and `converters test`, the example package's
own tests, and a station service run that delivers what the plug-in converts to a real local
server and quarantines what it rejects with its message. A second, broken plug-in (its import
needs a vendor module that is not installed) sits beside it and costs only itself.

The environment is made offline: `python -m venv --without-pip`, then a `.pth` file that adds
this interpreter's site-packages (pywats and its dependencies, pip, the build backend) after
the venv's own, so what pip installs into the venv is found first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests._converter_plugin import (
    BROKEN_DISTRIBUTION,
    EXAMPLE_DISTRIBUTION,
    copy_packages,
    parent_site_packages,
    pip_install,
)
from tests._poll import wait_until

from pywats import WATS, NotFoundError
from pywats_client.converters import report_id

from .conftest import StationProcess, write_config

# The installed console script beside this interpreter, run by the venv's interpreter.
CLIENT_SCRIPT = Path(sys.executable).parent / "pywats-client"
BROKEN_REASON = "cannot be imported: ModuleNotFoundError: No module named 'nordlys_vendor_sdk'"


@dataclass(frozen=True)
class PluginEnv:
    """A virtual environment with the example plug-in and the broken one installed."""

    python: Path
    example: Path  # the example package's source tree (a copy): samples, tests

    def client(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """`pywats-client ARGS` run by this environment's interpreter."""
        return subprocess.run(
            [str(self.python), str(CLIENT_SCRIPT), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=cwd,
            env={**os.environ, "COLUMNS": "250"},
        )


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> PluginEnv:
    root = tmp_path_factory.mktemp("plugin-venv")
    venv = root / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python = venv / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lines = "".join(f"import site; site.addsitedir({path!r})\n" for path in parent_site_packages())
    (Path(own) / "_pywats_parent.pth").write_text(lines)
    example, broken = copy_packages(root / "src")
    pip_install(python, example, broken)
    assert (Path(own) / "nordlys_converters" / "ft200.py").is_file()  # installed, not on a path
    return PluginEnv(python, example)


def test_converters_list_shows_the_plugin_origin_and_why_the_broken_one_is_not_usable(
    plugin_env: PluginEnv,
) -> None:
    listed = plugin_env.client("converters", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    body = json.loads(listed.stdout)
    installed = {entry["name"]: entry for entry in body["installed"]}
    assert installed["ft200"]["origin"] == EXAMPLE_DISTRIBUTION
    assert installed["ft200"]["patterns"] == ["*.ft200"]
    parameters = installed["ft200"]["parameters"]
    assert parameters["delimiter"] == ";"
    assert parameters["operation_code"] is None
    assert installed["wsjf"]["origin"] == "built-in"
    assert "legacy" not in installed
    assert body["problems"] == [
        {
            "name": "legacy",
            "distribution": BROKEN_DISTRIBUTION,
            "entry_point": "legacy = nordlys_legacy:LegacyConverter",
            "reason": BROKEN_REASON,
        }
    ]

    table = plugin_env.client("converters", "list")
    assert table.returncode == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if " ft200 " in line)
    assert EXAMPLE_DISTRIBUTION in row
    assert (
        f"not usable: converter plug-in 'legacy' from {BROKEN_DISTRIBUTION} (entry point "
        f"'legacy = nordlys_legacy:LegacyConverter' in group 'pywats.converters'): "
        f"{BROKEN_REASON}"
    ) in " ".join(table.stderr.split())


def test_converters_test_converts_a_sample_and_names_the_line_of_a_bad_one(
    plugin_env: PluginEnv,
) -> None:
    samples = plugin_env.example / "samples"
    good = plugin_env.client(
        "converters",
        "test",
        str(samples / "PWR7-000123.ft200"),
        "--converter",
        "ft200",
        "--param",
        "operation_code=100",
        "--show",
    )
    assert good.returncode == 0, good.stderr
    document = json.loads(good.stdout[: good.stdout.rindex("}") + 1])
    assert (document["sn"], document["pn"], document["processCode"]) == (
        "PWR7-000123",
        "PWR-BOARD-7",
        100,
    )
    assert document["result"] == "P"

    bad = plugin_env.client(
        "converters",
        "test",
        str(samples / "PWR7-000124-bad.ft200"),
        "-t",
        "ft200",
        "--param",
        "operation_code=100",
    )
    assert bad.returncode == 1
    assert "PWR7-000124-bad.ft200: line 7: expected a number, got 'OVLD'" in bad.stderr

    unset = plugin_env.client(
        "converters", "test", str(samples / "PWR7-000123.ft200"), "-t", "ft200"
    )
    assert unset.returncode == 1
    assert "parameter 'operation_code': required" in unset.stderr

    broken = plugin_env.client(
        "converters", "test", str(samples / "PWR7-000123.ft200"), "-t", "legacy"
    )
    assert broken.returncode == 1
    assert BROKEN_DISTRIBUTION in broken.stderr
    assert BROKEN_REASON in " ".join(broken.stderr.split())


def test_the_example_package_passes_its_own_tests_where_it_is_installed(
    plugin_env: PluginEnv,
) -> None:
    result = subprocess.run(
        [str(plugin_env.python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=plugin_env.example,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


CONVERTERS = """
[[converters]]
type = "ft200"
watch = "in/ft200"
[converters.parameters]
operation_code = 100
fixture = "FX-7"

[[converters]]
type = "legacy"
watch = "in/legacy"
"""


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_the_station_delivers_what_the_plugin_converts_and_quarantines_what_it_rejects(
    plugin_env: PluginEnv, tmp_path: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = write_config(tmp_path, base_url, token, converters=CONVERTERS, station="FT200-1")
    validated = plugin_env.client("config", "validate", "--offline", "--config", str(config))
    assert validated.returncode == 0, validated.stderr
    assert "converters[1].type: converter plug-in 'legacy'" in " ".join(validated.stderr.split())

    station = StationProcess(config, command=(str(plugin_env.python), str(CLIENT_SCRIPT)))
    try:
        station.wait_ready()  # the broken plug-in costs its own folder, not the station
        samples = plugin_env.example / "samples"
        good = samples / "PWR7-000123.ft200"
        waiting = tmp_path / "in" / "legacy" / "old-format.dat"
        waiting.write_text("left for the legacy converter")
        shutil.copy(good, tmp_path / "in" / "ft200" / good.name)
        shutil.copy(samples / "PWR7-000124-bad.ft200", tmp_path / "in" / "ft200" / "bad.ft200")

        expected_id = report_id("FT200-1", hashlib.sha256(good.read_bytes()).hexdigest(), 0)
        with WATS(base_url=base_url, token=token) as server:

            def stored() -> bool:
                try:
                    server.reports.get(expected_id)
                except NotFoundError:
                    return False
                return True

            wait_until(stored, within=60, what="the FT-200 report on the server")
            report = server.reports.get(expected_id)
        quarantine = tmp_path / "data" / "quarantine"
        wait_until(
            lambda: any(quarantine.glob("*-bad.ft200")), within=60, what="bad.ft200 quarantined"
        )

        listed = plugin_env.client("outbox", "list", "--json", "--config", str(config))
        status = plugin_env.client("status", "--json", "--config", str(config))
    finally:
        assert station.stop() == 0, station.stderr()

    assert (report.serial_number, report.part_number, report.result) == (
        "PWR7-000123",
        "PWR-BOARD-7",
        "P",
    )
    assert report.raw["processCode"] == 100
    assert report.station_name == "FT200-1"
    assert [step.name for step in report.root.steps] == [
        "Supply 3V3",
        "Supply 5V",
        "Idle current",
        "Ripple 5V",
    ]
    assert listed.returncode == 0, listed.stderr
    (rejected,) = [row for row in json.loads(listed.stdout) if row["kind"] == "file"]
    assert rejected["converter"] == "ft200"
    assert rejected["reason"].endswith("bad.ft200: line 7: expected a number, got 'OVLD'")
    assert status.returncode == 1, status.stderr  # degraded: a configured converter is down
    health = json.loads(status.stdout)["health"]
    assert any(
        problem.startswith("converters[1] (legacy) does not run")
        and BROKEN_DISTRIBUTION in problem
        and BROKEN_REASON in problem
        for problem in health
    ), health
    assert waiting.read_text() == "left for the legacy converter"  # untouched, not lost
    log = (tmp_path / "data" / "logs" / "pywats.log").read_text()
    assert "ERROR" in log
    assert "converters[1] (legacy) does not run" in log
    assert f"converter plug-in 'legacy' from {BROKEN_DISTRIBUTION}" in log
