"""The edited document: values, dirty tracking, and validate-then-write saving."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pywats_client._config import ConfigError, load_config
from pywats_ui._document import ConfigDocument, read_snapshot, save_snapshot

from .conftest import Station


def test_edits_mark_the_document_dirty_until_they_are_undone(
    qtbot: QtBot, station: Station
) -> None:
    document = ConfigDocument(station.config)
    document.replace(read_snapshot(station.config))
    assert not document.dirty
    with qtbot.waitSignal(document.changed) as changed:
        document.set_value("station.location", "Oslo")
    assert changed.args == ["station.location"]
    assert document.dirty
    assert document.is_dirty("station.location")
    assert document.is_dirty("station")
    assert not document.is_dirty("server.url", "converters")
    document.set_value("station.location", "Trondheim")
    assert not document.dirty


def test_none_removes_a_key_so_the_service_default_applies(station: Station) -> None:
    document = ConfigDocument(station.config)
    document.replace(read_snapshot(station.config))
    document.set_value("intake.workers", None)
    save_snapshot(document.snapshot())
    assert load_config(station.config).intake.workers == 2


def test_the_token_goes_to_a_0600_file_beside_the_config(station: Station) -> None:
    document = ConfigDocument(station.config)
    document.replace(read_snapshot(station.config))
    assert document.value("server.token") == "dXNlcjpwYXNz"
    document.set_value("server.token", "bmV3OnRva2Vu")
    save_snapshot(document.snapshot())
    token_file = station.root / "server.token"
    assert token_file.read_text(encoding="utf-8") == "bmV3OnRva2Vu\n"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert "bmV3OnRva2Vu" not in station.config.read_text(encoding="utf-8")
    assert load_config(station.config).token() == "bmV3OnRva2Vu"


def test_a_new_token_gets_a_default_secrets_file(tmp_path: Path) -> None:
    config = tmp_path / "new" / "client.toml"
    document = ConfigDocument(config)
    document.replace(read_snapshot(config))
    document.set_value("server.url", "https://wats.example.com/")
    document.set_value("server.token", "YTpi")
    save_snapshot(document.snapshot())
    loaded = load_config(config)
    assert loaded.server.token_file == tmp_path / "new" / "server.token"
    assert loaded.token() == "YTpi"


def test_invalid_configuration_is_not_written(station: Station) -> None:
    before = station.config.read_bytes()
    document = ConfigDocument(station.config)
    document.replace(read_snapshot(station.config))
    document.set_value("server.url", "wats.example.com")
    document.set_converter(0, {"type": "wsjf", "watch": "in", "after": "archive"})
    with pytest.raises(ConfigError) as raised:
        save_snapshot(document.snapshot())
    message = str(raised.value)
    assert f"{station.config}: server.url: " in message
    assert f"{station.config}: converters[0].after: " in message
    assert station.config.read_bytes() == before
    assert [p.name for p in station.root.iterdir() if p.name.startswith(".")] == []


def test_revert_restores_what_is_on_disk(qtbot: QtBot, station: Station) -> None:
    document = ConfigDocument(station.config)
    document.replace(read_snapshot(station.config))
    document.add_converter({"type": "wsxf", "watch": "xml"})
    document.remove_converter(0)
    assert [c["type"] for c in document.converters()] == ["wsxf"]
    with qtbot.waitSignal(document.dirty_changed) as dirty:
        document.revert()
    assert dirty.args == [False]
    assert [c["type"] for c in document.converters()] == ["wsjf"]


def test_clearing_the_token_stops_using_the_secrets_file(station: Station) -> None:
    document = ConfigDocument(station.config)
    document.replace(read_snapshot(station.config))
    document.set_value("server.token", "")
    assert document.value("server.token_file") is None
    save_snapshot(document.snapshot())
    assert load_config(station.config).token() is None
    assert (station.root / "server.token").exists()  # possibly shared: not deleted
