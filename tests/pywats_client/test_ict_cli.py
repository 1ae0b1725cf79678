"""`pywats-client` with the in-circuit converters: `init` asks for the values their files never
carry, and `converters test` shows the report tree a user checks before going live."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from pywats_client._cli import app

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

runner = CliRunner(env={"COLUMNS": "200"})


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
    assert lines[0].startswith("F V682793_H_TOP.SWX rev A SN 0602042896  process 30")
    assert any("F R (276 steps)" in line for line in lines)
    assert any("F R809_+3.3V_$22N2422  0.3997 kOhm GELE 0.7505 0.8216" in line for line in lines)
    assert any("… 274 more passing steps" in line for line in lines)
