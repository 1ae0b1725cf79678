"""Settings are declared from the service's own models and converter parameter declarations."""

from __future__ import annotations

import re

import pytest

from pywats_client._config import IntakeConfig, LoggingConfig
from pywats_client.converters import get_converter
from pywats_ui._settings import (
    CONNECTION,
    CONVERTER,
    SERVICE,
    STATION,
    Setting,
    SettingError,
    parameter_settings,
)


def _by_key(settings: tuple[Setting, ...]) -> dict[str, Setting]:
    return {s.key: s for s in settings}


def test_types_defaults_bounds_and_choices_come_from_the_config_models() -> None:
    service = _by_key(SERVICE)
    workers = service["intake.workers"]
    assert workers.kind is int
    assert workers.default == IntakeConfig().workers
    assert workers.minimum == 1
    assert workers.help == "Conversion worker processes, at most"
    level = service["logging.level"]
    assert level.choices == ("DEBUG", "INFO", "WARNING", "ERROR")
    assert level.default == LoggingConfig().level
    assert service["paths.data"].folder
    url = _by_key(CONNECTION)["server.url"]
    assert url.required
    assert _by_key(CONNECTION)["server.token"].secret
    assert _by_key(STATION)["station.name"].default is None
    converter = _by_key(CONVERTER)
    assert converter["after"].choices == ("move", "delete", "keep")
    assert converter["patterns"].kind is list
    assert converter["watch"].required
    assert (converter["enabled"].kind, converter["enabled"].default) == (bool, True)


def test_converter_parameters_become_settings() -> None:
    declared = get_converter("wsjf").parameters
    settings = parameter_settings(declared)
    assert [s.key for s in settings] == [p.name for p in declared]
    encoding = _by_key(settings)["encoding"]
    assert (encoding.kind, encoding.default, encoding.label) == (str, "utf-8", "Encoding")
    assert _by_key(settings)["decimal_comma"].kind is bool


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("intake.workers", " 4 ", 4),
        ("intake.stable_seconds", "0.5", 0.5),
        ("intake.workers", "", None),
        ("paths.data", "/var/lib/pywats", "/var/lib/pywats"),
    ],
)
def test_parse_turns_field_text_into_values(key: str, text: str, value: object) -> None:
    assert _by_key(SERVICE)[key].parse(text) == value


def test_patterns_split_on_spaces_and_commas() -> None:
    patterns = _by_key(CONVERTER)["patterns"]
    assert patterns.parse("*.xml, *.XML  *.txt") == ["*.xml", "*.XML", "*.txt"]
    assert patterns.show(["*.xml", "*.txt"]) == "*.xml *.txt"


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("intake.workers", "two", "Conversion workers: expected a whole number, got 'two'"),
        ("intake.workers", "0", "Conversion workers: expected at least 1"),
        ("outbox.max_mb", "lots", "Outbox budget (MB): expected a number, got 'lots'"),
    ],
)
def test_malformed_text_names_the_setting(key: str, text: str, message: str) -> None:
    with pytest.raises(SettingError, match=f"^{re.escape(message)}$"):
        _by_key(SERVICE)[key].parse(text)


def test_a_required_value_cannot_be_left_empty() -> None:
    with pytest.raises(SettingError, match="Server URL: a value is required"):
        _by_key(CONNECTION)["server.url"].parse("  ")
