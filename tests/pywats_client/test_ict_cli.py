"""`pywats-client` with the in-circuit converters: `init` asks for the values their files never
carry, and `converters test` shows the report tree a user checks before going live."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pywats_client._cli import app
from pywats_client._config import ConfigError, load_config
from pywats_client.converters import ParameterError
from pywats_client.converters.teradyne_spectrum import SpectrumConverter
from pywats_ui._settings import parameter_settings

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

runner = CliRunner(env={"COLUMNS": "250"})


def test_init_asks_for_the_required_parameters(tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    result = runner.invoke(
        app,
        ["init", "--config", str(config), "--server-url", "http://wats.local", "--token", "t",
         "--converter", "takaya=in/takaya", "--converter", "spea=in/spea"],
        input="B\nPCB-1\nC\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "takaya converter: revision" in result.output
    assert "spea converter: part_number" in result.output
    entries = tomllib.loads(config.read_text())["converters"]
    assert [e["parameters"] for e in entries] == [
        {"revision": "B"},
        {"part_number": "PCB-1", "revision": "C"},
    ]
    validated = runner.invoke(app, ["config", "validate", "--config", str(config)])
    assert validated.exit_code == 0, validated.output


def test_a_config_without_the_revision_is_refused_by_key(tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    config.write_text(
        'schema_version = 1\n[server]\nurl = "http://wats.local"\n'
        '[[converters]]\ntype = "takaya"\nwatch = "in"\n'
    )
    result = runner.invoke(app, ["config", "validate", "--config", str(config)])
    assert result.exit_code == 2
    assert "converters[0].parameters.revision" in result.output


def test_converters_test_shows_the_report_tree(samples: Path) -> None:
    sample = samples / "takaya" / "atd-v682793-top.atd"
    result = runner.invoke(
        app, ["converters", "test", str(sample), "-t", "takaya", "--param", "revision=A",
              "--steps", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("F V682793_H_TOP.SWX rev A SN 0602042896  process 50")
    assert any("F R (276 steps)" in line for line in lines)
    assert any("F R809_+3.3V_$22N2422  0.3997 kOhm GELE 0.7505 0.8216" in line for line in lines)
    assert any("… 274 more passing steps" in line for line in lines)


def test_init_asks_for_the_revision_spectrum_logs_do_not_carry(tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    result = runner.invoke(
        app,
        ["init", "--config", str(config), "--server-url", "http://wats.local", "--token", "dA==",
         "--converter", "teradyne-spectrum=in/spectrum", "--converter", "i3070=in/i3070"],
        input="B2\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "teradyne-spectrum converter: revision (Part revision of the boards" in result.output
    spectrum, i3070 = tomllib.loads(config.read_text())["converters"]
    assert spectrum["parameters"] == {"revision": "B2"}
    assert "parameters" not in i3070
    assert load_config(config).converters[0].parameters == {"revision": "B2"}


def test_a_configuration_without_the_required_revision_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="parameter 'revision': required"):
        SpectrumConverter({})
    config = tmp_path / "client.toml"
    config.write_text(
        'schema_version = 1\n[server]\nurl = "http://wats.local"\n'
        '[[converters]]\ntype = "teradyne-spectrum"\nwatch = "in"\n'
    )
    with pytest.raises(ConfigError, match=r"converters\[0\]\.parameters\.revision"):
        load_config(config)


def test_the_configurator_form_marks_the_revision_required() -> None:
    settings = {s.key: s for s in parameter_settings(SpectrumConverter.parameters)}
    assert settings["revision"].required
    assert not settings["part_number"].required


@pytest.mark.parametrize(
    ("kind", "sample", "params", "lines"),
    [
        ("i3070", "i3070/i3070-38258378-board2.log", [],
         ["P 38257410C rev RevA SN 38258378-007-12151210", "P r698  0.119802 MΩ GELE 0.1104 0.1296",
          "F c1591"]),
        ("teradyne-spectrum", "teradyne-spectrum/sample-ict-data.txt", ["--param", "revision=A"],
         ["P PB3187900 rev A SN 1111111111", "P DISCHARGE (28 steps)",
          "… 23 more passing steps"]),
        ("teradyne-gr228x", "teradyne-gr228x/43420-bio2.log", [],
         ["F 43420 rev 1 SN 24422984989544535753", "F OPENS test, failed",
          "P R402(R)  45.131532 MΩ GE 0.5", "3 report(s)"]),
    ],
    ids=["i3070", "teradyne-spectrum", "teradyne-gr228x"],
)  # fmt: skip
def test_converters_test_shows_each_ict_report_tree(
    samples: Path, kind: str, sample: str, params: list[str], lines: list[str]
) -> None:
    result = runner.invoke(app, ["converters", "test", str(samples / sample), "-t", kind, *params])
    assert result.exit_code == 0, result.output
    for line in lines:
        assert line in result.output
