"""`pywats-client` with the in-circuit tester converters: the revision Spectrum logs lack is
asked for at `init`, refused when missing from a configuration, and `converters test` shows each
sample's report tree."""

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
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

runner = CliRunner(env={"COLUMNS": "250"})


def test_init_asks_for_the_revision_spectrum_logs_do_not_carry(tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    result = runner.invoke(
        app,
        ["init", "--config", str(config), "--server-url", "http://wats.local", "--token", "dA==",
         "--converter", "teradyne-spectrum=in/spectrum", "--converter", "i3070=in/i3070"],
        input="B2\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "teradyne-spectrum: revision (Part revision of the boards" in result.output
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
         ["sn 38258378-007-12151210  pn 38257410C  rev RevA  result P", "r698 ET_NLT P",
          "0.119802 MΩ GELE [0.1104, 0.1296] P", "c1591 ET_NLT F"]),
        ("teradyne-spectrum", "teradyne-spectrum/sample-ict-data.txt", ["--param", "revision=A"],
         ["sn 1111111111  pn PB3187900  rev A  result P", "L3 ET_NLT P FERRITE BEAD BOTTOM",
          "1.4330307 Ω LE 5.0 P"]),
        ("teradyne-gr228x", "teradyne-gr228x/43420-bio2.log", [],
         ["sn 24422984989544535753  pn 43420  rev 1  result F", "OPENS test, failed ET_SVT F",
          "45.131532 MΩ GE 0.5 P", "3 report(s)"]),
    ],
    ids=["i3070", "teradyne-spectrum", "teradyne-gr228x"],
)  # fmt: skip
def test_converters_test_shows_the_report_tree(
    samples: Path, kind: str, sample: str, params: list[str], lines: list[str]
) -> None:
    result = runner.invoke(app, ["converters", "test", str(samples / sample), "-t", kind, *params])
    assert result.exit_code == 0, result.output
    for line in lines:
        assert line in result.output
