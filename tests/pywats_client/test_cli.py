"""`pywats-client`: offline commands in-process, service commands against a running station."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from tests._poll import wait_until
from typer.testing import CliRunner

from pywats_client._cli import app
from pywats_client._service_install import ServiceDefinition, systemd_unit

from .conftest import StationProcess, write_config

runner = CliRunner(env={"COLUMNS": "250"})  # rich would wrap ids at 80 columns


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_init_writes_a_valid_config_and_a_private_token(tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    code, output = invoke(
        "init", "--config", str(config), "--server-url", "http://wats.local",
        "--token", "c2VjcmV0", "--station", "ICT-9", "--converter", "wsxf=drop/xml",
    )  # fmt: skip
    assert code == 0, output
    assert (tmp_path / "secrets" / "token").read_text() == "c2VjcmV0"
    assert (tmp_path / "secrets" / "token").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "drop" / "xml").is_dir()
    code, output = invoke("config", "validate", "--config", str(config))
    assert code == 0, output
    assert "valid (1 converter(s))" in output
    code, output = invoke("config", "show", "--config", str(config))
    assert '"name": "ICT-9"' in output
    code, output = invoke("init", "--config", str(config), "--server-url", "x", "--token", "t")
    assert code == 1
    assert "exists" in output


def test_invalid_config_is_reported_by_key(tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    config.write_text('schema_version = 1\n[server]\nurl = "ftp://x"\n')
    code, output = invoke("config", "validate", "--config", str(config))
    assert code == 2
    assert "server.url" in output


def test_errors_are_printed_verbatim_and_unwrapped(tmp_path: Path) -> None:
    """Keys like `converters[0]` and long paths reach the terminal as written: not read as
    markup, not broken across lines."""
    folder = tmp_path / ("deep-" * 20) / "[line 3]"
    folder.mkdir(parents=True)
    config = folder / "client.toml"
    config.write_text(
        'schema_version = 1\n[server]\nurl = "http://x"\n'
        '[[converters]]\ntype = "[bold]nope"\nwatch = "in"\n'
    )
    code, output = invoke("config", "validate", "--config", str(config))
    assert code == 2
    assert f"{config}: converters[0].type: unknown converter '[bold]nope'" in output


def test_converters_list_and_test_a_file(samples: Path) -> None:
    code, output = invoke("converters", "list")
    assert code == 0
    assert "wsjf" in output
    assert "wsxf" in output
    code, output = invoke(
        "converters", "test", str(samples / "wats" / "uur-example.json"), "--converter", "wsjf"
    )
    assert code == 0, output
    assert "83ac0b8e-b575-4004-94de-f905774c3ed8" in output
    code, output = invoke(
        "converters", "test", str(samples / "wats" / "uut-wsxf-export.xml"), "--converter", "wsjf"
    )
    assert code == 1
    assert "not a WSJF report" in output
    missing = samples / "wats" / "absent.json"
    code, output = invoke("converters", "test", str(missing), "--converter", "wsjf")
    assert code == 1
    assert f"{missing}: cannot read the file: No such file or directory" in output


def test_systemd_unit_is_installable(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:1", "t")
    units = tmp_path / "units"
    code, output = invoke(
        "install-service", "--config", str(config), "--unit-dir", str(units), "--no-enable"
    )
    assert code == 0, output
    unit = units / "pywats-client.service"
    text = unit.read_text()
    assert "Type=notify" in text
    assert f"--config {config}" in text
    # Verified where systemd's own checker exists; the uninstall below is checked everywhere.
    if shutil.which("systemd-analyze") is not None:
        verified = subprocess.run(
            ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
        )
        assert verified.returncode == 0, verified.stderr
    code, _ = invoke("uninstall-service", "--config", str(config), "--unit-dir", str(units))
    assert code == 0
    assert not unit.exists()


def test_converters_list_shows_the_configured_entries_and_whether_each_is_enabled(
    tmp_path: Path,
) -> None:
    converters = (
        '[[converters]]\ntype = "wsjf"\nwatch = "in/a"\n'
        '[[converters]]\ntype = "wsxf"\nwatch = "in/b"\nenabled = false\npriority = 3\n'
    )
    config = write_config(tmp_path, "http://wats.local", "dG9rZW4=", converters=converters)
    code, output = invoke("converters", "list", "--config", str(config))
    assert code == 0, output
    rows = [line for line in output.splitlines() if str(tmp_path / "in") in line]
    assert len(rows) == 2
    cells = [[cell.strip() for cell in row.split("│")[1:-1]] for row in rows]
    assert [c[:3] for c in cells] == [["0", "wsjf", "yes"], ["1", "wsxf", "no"]]
    assert cells[1][3] == str(tmp_path / "in" / "b")
    assert cells[1][6] == "3"
    code, output = invoke("converters", "list", "--config", str(tmp_path / "absent.toml"))
    assert code == 2
    assert "cannot read the configuration file" in output


def test_unit_quotes_paths_with_spaces(tmp_path: Path) -> None:
    definition = ServiceDefinition("pywats-client", tmp_path / "my station" / "client.toml")
    assert f'"{tmp_path / "my station" / "client.toml"}"' in systemd_unit(definition)


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_service_commands_against_a_running_station(
    tmp_path: Path, samples: Path, live_server: object, misbehaving: Path
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    converters = '[[converters]]\ntype = "wsjf"\nwatch = "in"\n'
    config = write_config(tmp_path, base_url, token, converters=converters)
    shutil.copy(samples / "wats" / "uur-example.json", tmp_path / "in" / "uur.json")
    (tmp_path / "in" / "bad.json").write_text("[1, 2")
    station = StationProcess(config)
    try:
        station.wait_ready()
        listed = partial(invoke, "outbox", "list", "--config", str(config), "--state", "delivered")
        wait_until(lambda: "83ac0b8e" in listed()[1], 120, "the UUR listed as delivered")
        code, output = invoke("status", "--config", str(config))
        assert code == 0, output
        assert "TEST-STATION" in output
        code, output = invoke("outbox", "verify", "--config", str(config))
        assert code == 0, output
        code, output = invoke("outbox", "verify", "--config", str(config), "--json")
        assert (code, json.loads(output)) == (0, [])
        code, output = invoke("outbox", "retry", "83ac0b8e-b575-4004-94de-f905774c3ed8",
                              "--config", str(config))  # fmt: skip
        assert code == 0, output
        code, output = invoke("outbox", "delete", "no-such", "--config", str(config))
        assert code == 1
        assert output == "no outbox report or quarantined file has an id starting with 'no-such'\n"
    finally:
        assert station.stop() == 0
    code, output = invoke("status", "--config", str(config))
    assert code == 3  # stopped: what the data folder holds, read without the service
    assert "service stopped: no running service" in output
    assert "delivered (kept)" in output


def _run(config: Path) -> subprocess.CompletedProcess[str]:
    """`pywats-client run` as an operator starts it, to its exit."""
    command = [sys.executable, "-m", "pywats_client", "run", "--config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_run_refuses_a_control_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, "http://127.0.0.1:9", "t")
        config.write_text(config.read_text().replace("port = 0", f"port = {port}"))
        done = _run(config)
    assert done.returncode == 2, done.stderr
    assert f"control.port: cannot listen on 127.0.0.1:{port}" in done.stderr


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda folder: (folder / "secrets" / "token").unlink(),
            "server.token_file: cannot read {folder}/secrets/token: No such file or directory",
        ),
        (
            lambda folder: (folder / "data").write_text("a file where the data folder goes"),
            "paths.data: cannot create the folder {folder}/data: File exists",
        ),
    ],
    ids=["token-file-missing", "data-folder-is-a-file"],
)
def test_run_names_the_key_of_an_unusable_path(
    tmp_path: Path, spoil: Callable[[Path], object], expected: str
) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "t")
    spoil(tmp_path)
    done = _run(config)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert expected.format(folder=tmp_path) in done.stderr


@pytest.mark.parametrize("endpoint", ['{"port": 8765}', '["http://127.0.0.1:8765"]', '{"url": '])
def test_status_names_an_endpoint_file_the_service_did_not_write(
    tmp_path: Path, endpoint: str
) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "t")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "control.token").write_text("token")
    (tmp_path / "data" / "control.json").write_text(endpoint)
    code, output = invoke("status", "--config", str(config))
    assert code == 3
    assert f"{tmp_path / 'data' / 'control.json'}: expected the JSON object with a" in output


@pytest.mark.parametrize("param", ["delimiter", "=;"])
def test_converters_test_names_a_param_without_name_or_value(samples: Path, param: str) -> None:
    sample = samples / "wats" / "uur-example.json"
    code, output = invoke("converters", "test", str(sample), "-t", "csv", "--param", param)
    assert code == 1
    assert output.strip() == f"--param {param!r}: expected NAME=VALUE"


def test_run_refuses_a_token_file_the_sdk_cannot_send(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "Basic dDp0")  # header value pasted
    done = _run(config)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "server: token has ' ' at position 5" in done.stderr


@pytest.mark.parametrize(
    ("in_the_way", "failing"),
    [("secrets", "secrets"), ("secrets/token/", "secrets/token"), ("client.toml/", "client.toml")],
    ids=["file-where-the-secrets-folder-goes", "folder-where-the-token-goes", "config-a-folder"],
)
def test_init_names_the_path_it_cannot_write(tmp_path: Path, in_the_way: str, failing: str) -> None:
    blocker = tmp_path / in_the_way
    if in_the_way.endswith("/"):
        blocker.mkdir(parents=True)
    else:
        blocker.write_text("in the way")
    config = tmp_path / "client.toml"
    code, output = invoke(
        "init", "--config", str(config), "--server-url", "http://x", "--token", "t", "--force"
    )
    assert code == 1
    assert output.startswith(f"cannot write {tmp_path / failing}: "), output


def test_status_names_another_program_on_the_services_port(tmp_path: Path) -> None:
    """The service stopped and something else took its port: say so, not a JSON traceback."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as stranger:
        threading.Thread(target=stranger.serve_forever, daemon=True).start()
        config = write_config(tmp_path, "http://127.0.0.1:9", "t")
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "control.token").write_text("token")
        url = f"http://127.0.0.1:{stranger.server_address[1]}"
        (tmp_path / "data" / "control.json").write_text(f'{{"url": "{url}"}}')
        try:
            code, output = invoke("status", "--config", str(config))
        finally:
            stranger.shutdown()
    assert code == 1
    # (the output also holds the stranger's own request log)
    assert f"GET /status: {url} answered 404 but not as a pywats-client service" in output


def test_converters_list_as_json(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", "t")
    code, output = invoke("converters", "list", "--config", str(config), "--json")
    assert code == 0, output
    listed = json.loads(output)
    wsjf = next(kind for kind in listed["installed"] if kind["name"] == "wsjf")
    assert wsjf["patterns"] == ["*.json", "*.wsjf"]
    assert "station_name" in wsjf["parameters"]
    assert [(c["type"], c["watch"]) for c in listed["configured"]] == [
        ("wsjf", str(tmp_path / "in" / "wsjf")),
        ("wsxf", str(tmp_path / "in" / "wsxf")),
    ]
