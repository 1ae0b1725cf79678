"""Converters page against a running service: edit, save, reload, and "Try a file"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from pywats_client._config import load_config
from pywats_client.converters import get_converter
from pywats_ui import MainWindow
from pywats_ui._converters_page import ConvertersPage

from .conftest import SQLITE_ONLY, Station, report_file, running_service, write_station


def _converters(qtbot: QtBot, window: MainWindow) -> ConvertersPage:
    page = window.show_page("Converters")
    assert isinstance(page, ConvertersPage)

    # Settled: the catalog is in and the service has answered (or not), so no late answer
    # rebuilds the editor under a test that holds its widgets.
    def settled() -> bool:
        live = page.live_label.text()
        return page.editor.params is not None and bool(live) and "checking" not in live

    qtbot.waitUntil(settled, timeout=10_000)
    return page


def _type(qtbot: QtBot, editor: object, text: str) -> None:
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


@SQLITE_ONLY
def test_edit_and_save_a_converter_and_the_service_picks_it_up(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    station = write_station(tmp_path, live_server.base_url, live_server.token)  # type: ignore[attr-defined]
    with running_service(station.config) as service:
        window = open_window(station.config)
        page = _converters(qtbot, window)
        qtbot.waitUntil(lambda: "● live" in page.list.item(0).text(), timeout=10_000)
        assert page.editor.base is not None
        assert page.editor.params is not None

        _type(qtbot, page.editor.base.editor("watch"), "line2")
        _type(qtbot, page.editor.params.editor("operator"), "Kari")
        assert "○ not live" in page.list.item(0).text()
        assert window.windowTitle().endswith("*")
        assert window.nav.item(3).text().endswith("•")

        with qtbot.waitSignal(window.reloaded, timeout=20_000) as reloaded:
            qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
        assert reloaded.args is not None
        assert "converters" in reloaded.args[0].applied

        saved = load_config(station.config).converters[0]
        assert saved.watch == tmp_path / "line2"
        assert saved.parameters == {"operator": "Kari"}
        assert service.config.converters[0].watch == tmp_path / "line2"
        assert not window.windowTitle().endswith("*")
        qtbot.waitUntil(lambda: "● live" in page.list.item(0).text(), timeout=10_000)

        assert not (tmp_path / "line2").exists()  # the service never makes a watch folder,
        (tmp_path / "line2").mkdir()  # it takes the folder's files once it appears
        report_file(tmp_path / "line2", "SN-0001")
        qtbot.waitUntil(lambda: service.outbox.stats().delivered == 1, timeout=30_000)


def test_add_then_remove_after_confirmation(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    page = _converters(qtbot, window)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.list.count() == 2
    assert page.editor.index == 1
    assert page.editor.base is not None
    combo = page.editor.base.editor("type")
    assert isinstance(combo, QComboBox)
    assert {"wsjf", "wsxf", "teststand", "atml", "stdf"} <= {
        combo.itemText(i) for i in range(combo.count())
    }
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.confirm is not None
    page.confirm.accept()
    assert page.list.count() == 1
    assert not window.context.document.dirty


@SQLITE_ONLY
def test_try_a_file_shows_the_report_tree_without_queueing(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    station = write_station(tmp_path, live_server.base_url, live_server.token)  # type: ignore[attr-defined]
    sample = report_file(tmp_path, "SN-TRY-1")
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "T", "id": ', encoding="utf-8")
    with running_service(station.config) as service:
        page = _converters(qtbot, open_window(station.config))
        page.editor.try_file(sample)
        qtbot.waitUntil(page.editor.try_button.isEnabled, timeout=20_000)
        assert "1 report(s)" in page.editor.try_result.text()
        top = page.editor.tree.topLevelItem(0)
        assert top.text(0) == "UUT PCBA-100 rev B SN SN-TRY-1"
        steps = top.child(0)
        names = [steps.child(i).text(0) for i in range(steps.childCount())]
        assert names == ["Supply 3V3", "Boundary scan"]
        assert steps.child(0).text(3).startswith("3.31 V")

        page.editor.try_file(broken)
        qtbot.waitUntil(page.editor.try_button.isEnabled, timeout=20_000)
        assert page.editor.try_result.text().startswith("Conversion failed: ")
        assert "not a WSJF report" in page.editor.try_result.text()
        assert page.editor.tree.topLevelItemCount() == 0
        assert service.outbox.stats().pending == 0
        assert service.outbox.stats().delivered == 0


def test_the_parameter_form_follows_the_declarations_and_validates(
    qtbot: QtBot, station: Station, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(station.config)
    page = _converters(qtbot, window)
    params = page.editor.params
    assert params is not None
    declared = {p.name: p for p in get_converter("wsjf").parameters}
    assert [s.key for s in params.settings] == list(declared)
    assert isinstance(params.editor("decimal_comma"), QCheckBox)
    encoding = params.editor("encoding")
    assert isinstance(encoding, QLineEdit)
    assert encoding.placeholderText() == "default: utf-8"
    assert encoding.toolTip() == declared["encoding"].help

    def shown() -> list[str]:
        # The form on screen now: the page rebuilds it when the entry it shows changes.
        form = page.editor.params
        assert form is not None
        return [label.text() for label in form.findChildren(QLabel) if label.isVisible()]

    def field(key: str) -> object:
        assert page.editor.params is not None
        return page.editor.params.editor(key)

    _type(qtbot, field("encoding"), "klingon")
    assert any("unknown text encoding 'klingon'" in text for text in shown())
    _type(qtbot, field("operation_code"), "-3")
    assert any("expected a non-negative operation code, got -3" in text for text in shown())
    assert "parameters" not in window.context.document.converters()[0]

    _type(qtbot, field("encoding"), "cp1252")
    _type(qtbot, field("operation_code"), "20")
    qtbot.keyClick(field("decimal_comma"), Qt.Key.Key_Space)
    assert window.context.document.converters()[0]["parameters"] == {
        "encoding": "cp1252",
        "operation_code": 20,
        "decimal_comma": True,
    }


@SQLITE_ONLY
def test_disable_and_enable_a_converter_and_the_service_follows(
    qtbot: QtBot, tmp_path: Path, open_window: Callable[[Path], MainWindow], live_server: object
) -> None:
    converters = (
        '[[converters]]\ntype = "wsjf"\nwatch = "incoming"\n'
        '[[converters]]\ntype = "wsjf"\nwatch = "other"\n'
    )
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = write_station(tmp_path, base_url, token, converters=converters)
    (tmp_path / "other").mkdir()
    with running_service(station.config) as service:
        window = open_window(station.config)
        page = _converters(qtbot, window)
        qtbot.waitUntil(lambda: "● live" in page.list.item(0).text(), timeout=10_000)
        assert page.list.item(0).checkState() == Qt.CheckState.Checked
        assert page.editor.base is not None

        page.list.item(0).setCheckState(Qt.CheckState.Unchecked)  # what a click on it does
        qtbot.waitUntil(lambda: "(disabled)" in page.list.item(0).text(), timeout=5_000)
        assert window.context.document.converters()[0]["enabled"] is False
        assert "○ not live" in page.list.item(0).text()
        assert window.windowTitle().endswith("*")
        enabled_box = page.editor.base.editor("enabled")
        assert isinstance(enabled_box, QCheckBox)
        assert not enabled_box.isChecked()

        with qtbot.waitSignal(window.reloaded, timeout=20_000):
            qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
        assert load_config(station.config).converters[0].enabled is False
        assert not service.config.converters[0].enabled
        assert not window.windowTitle().endswith("*")
        qtbot.waitUntil(lambda: "● live" in page.list.item(0).text(), timeout=10_000)

        waiting = report_file(station.incoming, "SN-OFF-1")
        report_file(tmp_path / "other", "SN-ON-1")
        qtbot.waitUntil(lambda: service.outbox.stats().delivered == 1, timeout=30_000)
        assert waiting.exists()  # the enabled folder was served; the disabled one was not

        page.list.setCurrentRow(0)
        qtbot.keyClick(enabled_box, Qt.Key.Key_Space)  # the form's checkbox enables it again
        assert page.list.item(0).checkState() == Qt.CheckState.Checked
        assert "enabled" not in window.context.document.converters()[0]
        with qtbot.waitSignal(window.reloaded, timeout=20_000):
            qtbot.mouseClick(window.findChild(QPushButton, "save"), Qt.MouseButton.LeftButton)
        assert "enabled" not in station.config.read_text(encoding="utf-8")
        qtbot.waitUntil(lambda: service.outbox.stats().delivered == 2, timeout=30_000)
        assert not waiting.exists()
