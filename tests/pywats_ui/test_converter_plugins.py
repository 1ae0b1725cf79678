"""A pip-installed converter plug-in in the configurator: its parameters in the converter form
like a built-in's, its origin named, and an installed plug-in that cannot be loaded listed with
why (the two packages of `tests/_converter_plugin.py`, installed with pip into a folder on
`sys.path`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from tests._converter_plugin import (
    BROKEN_DISTRIBUTION,
    EXAMPLE_DISTRIBUTION,
    copy_packages,
    pip_install,
)

from pywats_ui import MainWindow
from pywats_ui._converters_page import ConvertersPage

from .conftest import free_port, write_station

FT200 = """\
[[converters]]
type = "ft200"
watch = "incoming"

[converters.parameters]
operation_code = 100
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("plugin-target")
    target = root / "site"
    pip_install(sys.executable, *copy_packages(root / "src"), target=target)
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))
    for module in [m for m in sys.modules if m.split(".")[0] == "nordlys_converters"]:
        del sys.modules[module]


def test_the_plugin_parameters_are_in_the_converter_form(
    qtbot: QtBot,
    tmp_path: Path,
    installed: Path,
    open_window: Callable[[Path], MainWindow],
) -> None:
    station = write_station(
        tmp_path, f"http://127.0.0.1:{free_port()}", "dXNlcjpwYXNz", converters=FT200
    )
    window = open_window(station.config)
    page = window.show_page("Converters")
    assert isinstance(page, ConvertersPage)
    qtbot.waitUntil(lambda: page.editor.params is not None, timeout=10_000)
    form = page.editor.params
    assert form is not None

    assert (
        page.editor.params_box.title() == f"Parameters of ft200 (plug-in: {EXAMPLE_DISTRIBUTION})"
    )
    delimiter = form.editor("delimiter")
    assert isinstance(delimiter, QComboBox)
    assert [delimiter.itemData(i) for i in range(delimiter.count())] == [None, ";", ",", "\t"]
    operation = form.editor("operation_code")
    assert isinstance(operation, QLineEdit)
    assert operation.text() == "100"
    fixture = form.editor("fixture")
    assert isinstance(fixture, QLineEdit)
    assert "Test fixture id" in fixture.toolTip()

    qtbot.keyClicks(fixture, "FX-9")
    delimiter.setCurrentIndex(delimiter.findData(","))
    delimiter.activated.emit(delimiter.currentIndex())
    (entry,) = window.context.document.converters()
    assert entry["parameters"] == {"operation_code": 100, "fixture": "FX-9", "delimiter": ","}

    assert page.problems_label.isVisible()
    problems = page.problems_label.text()
    assert f"converter plug-in 'legacy' from {BROKEN_DISTRIBUTION}" in problems
    assert "No module named 'nordlys_vendor_sdk'" in problems
    assert page.add_button.isEnabled()  # the catalog loaded despite the broken plug-in
    assert page.editor.base is not None
    kinds = page.editor.base.editor("type")
    assert isinstance(kinds, QComboBox)
    names = [kinds.itemData(i) for i in range(kinds.count())]
    assert "ft200" in names
    assert "legacy" not in names
