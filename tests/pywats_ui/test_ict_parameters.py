"""The configurator's parameter form for the in-circuit converters marks the values their files
never carry as required, so a new station is set up with them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from pywats_client.converters import get_converter
from pywats_ui._form import SettingsForm
from pywats_ui._settings import SettingError, parameter_settings


@pytest.mark.parametrize(
    ("kind", "required"),
    [("takaya", ["revision"]), ("spea", ["part_number", "revision"]),
     ("teradyne-nano", ["revision"])],
)  # fmt: skip
def test_required_parameters_are_marked_and_refused_empty(
    qtbot: QtBot, kind: str, required: list[str]
) -> None:
    settings = parameter_settings(get_converter(kind).parameters)
    form = SettingsForm(settings)
    qtbot.addWidget(form)
    marked = [s.key for s in settings if s.required]
    assert marked == required
    for key in marked:
        editor = form.editor(key)
        assert isinstance(editor, QLineEdit)
        assert editor.placeholderText() == "required"
        setting = next(s for s in settings if s.key == key)
        with pytest.raises(SettingError, match="a value is required"):
            setting.parse("")
