"""Finding converters: built-in modules by name and third-party entry points."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pywats_client.converters import (
    ENTRY_POINT_GROUP,
    Converter,
    UnknownConverterError,
    available_converters,
    get_converter,
)
from pywats_client.converters.wsjf import WSJFConverter

PLUGIN = """
from pywats_client.converters import Converter

class Reverse(Converter):
    name = "reverse"
    patterns = ("*.rev",)

    def convert(self, source):
        return []
"""


def test_builtins_are_found_by_name() -> None:
    assert get_converter("wsjf") is WSJFConverter
    assert available_converters()["wsjf"] is WSJFConverter


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownConverterError, match=r"unknown converter 'nope' \(known: .*wsjf"):
        get_converter("nope")


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real distribution on sys.path that declares an entry point in our group."""
    (tmp_path / "reverse_plugin.py").write_text(PLUGIN)
    info = tmp_path / "reverse_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: reverse-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nreverse = reverse_plugin:Reverse\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("reverse_plugin", None)


def test_entry_point_plugins_are_discovered(installed_plugin: Path) -> None:
    plugin = get_converter("reverse")
    assert issubclass(plugin, Converter)
    assert plugin.patterns == ("*.rev",)
    assert "reverse" in available_converters()
