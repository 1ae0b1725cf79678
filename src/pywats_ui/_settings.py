"""The editable settings, declared as data: key, label, type, default, help, choices.

Labels are ours; types, defaults, bounds and help come from the service's own config models
(`pywats_client._config`) and converter parameter declarations, so the forms cannot drift from
what the service accepts. Widgets (`_form.py`) and persistence (`_document.py`) read these.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pywats_client._config import ClientConfig, ConverterConfig
from pywats_client.converters import Parameter

__all__ = [
    "CONNECTION",
    "CONVERTER",
    "CONVERTER_DEFAULTS",
    "SERVICE",
    "STATION",
    "TOKEN",
    "Setting",
    "SettingError",
    "parameter_settings",
]

#: Value kinds a setting can have; `list` is a list of strings (file patterns).
Kind = type


class SettingError(ValueError):
    """A value typed into a field is not of the setting's kind; names the setting."""


@dataclass(frozen=True)
class Setting:
    """One editable value.

    `key` is the dotted TOML key (`server.url`; a converter's own keys are relative: `watch`).
    `default` None means "not set" is allowed and the key is then left out of the file. `folder`
    asks for a folder picker; `secret` values are stored in the 0600 secrets file, not the TOML.
    """

    key: str
    label: str
    kind: Kind
    default: Any
    help: str = ""
    choices: tuple[Any, ...] | None = None
    required: bool = False
    folder: bool = False
    secret: bool = False
    minimum: float | None = None

    def parse(self, text: str) -> Any:
        """The value typed as `text`, or None for an empty field; SettingError when malformed."""
        text = text.strip()
        if not text:
            if self.required:
                raise SettingError(f"{self.label}: a value is required")
            return None
        if self.kind is list:
            return [part for part in text.replace(",", " ").split() if part]
        if self.kind in (int, float):
            try:
                number = self.kind(text)
            except ValueError:
                expected = "a whole number" if self.kind is int else "a number"
                raise SettingError(f"{self.label}: expected {expected}, got {text!r}") from None
            if self.minimum is not None and number < self.minimum:
                raise SettingError(f"{self.label}: expected at least {self.minimum:g}")
            return number
        return text

    def show(self, value: Any) -> str:
        """`value` as the text of an editor field ("" for not set)."""
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return " ".join(str(part) for part in value)
        return str(value)


def _kind_of(annotation: Any) -> tuple[Kind, tuple[Any, ...] | None]:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return str, typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind_of(inner)
    if origin is tuple:
        return list, None
    if annotation is Path:
        return str, None
    return annotation, None


def _declared(model: type[BaseModel], name: str, label: str, prefix: str, **extra: Any) -> Setting:
    info = model.model_fields[name]
    kind, choices = _kind_of(info.annotation)
    required = info.default is PydanticUndefined and info.default_factory is None
    default = None if required else info.get_default(call_default_factory=True)
    if isinstance(default, Path):
        default = str(default)
    if isinstance(default, tuple):
        default = list(default)
    minimum = None
    for rule in info.metadata:
        if getattr(rule, "ge", None) is not None:
            minimum = float(rule.ge)
    return Setting(
        key=f"{prefix}{name}",
        label=label,
        kind=kind,
        default=default,
        help=info.description or "",
        choices=choices,
        required=required,
        minimum=minimum,
        **extra,
    )


def _section(section: str, name: str, label: str, **extra: Any) -> Setting:
    annotation = ClientConfig.model_fields[section].annotation
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        raise TypeError(f"ClientConfig.{section} is not a section model")
    return _declared(annotation, name, label, f"{section}.", **extra)


TOKEN = Setting(
    key="server.token",
    label="API token",
    kind=str,
    default=None,
    help="The WATS API token (base64), kept in a 0600 secrets file beside the configuration.",
    secret=True,
)

CONNECTION: tuple[Setting, ...] = (
    _section("server", "url", "Server URL"),
    TOKEN,
    _section("server", "timeout", "Timeout (s)"),
)

STATION: tuple[Setting, ...] = (
    _section("station", "name", "Station name"),
    _section("station", "location", "Location"),
    _section("station", "purpose", "Purpose"),
)

SERVICE: tuple[Setting, ...] = (
    _section("paths", "data", "Data folder", folder=True),
    _section("intake", "stable_seconds", "Stable for (s)"),
    _section("intake", "workers", "Conversion workers"),
    _section("intake", "timeout_seconds", "Conversion limit (s)"),
    _section("outbox", "max_mb", "Outbox budget (MB)"),
    _section("outbox", "upload_concurrency", "Parallel uploads"),
    _section("logging", "level", "Log level"),
    _section("logging", "format", "Log format"),
    _section("control", "port", "Control API port"),
)

CONVERTER: tuple[Setting, ...] = (
    _declared(ConverterConfig, "type", "Converter", ""),
    _declared(ConverterConfig, "enabled", "Enabled", ""),
    _declared(ConverterConfig, "watch", "Watch folder", "", folder=True),
    _declared(ConverterConfig, "patterns", "File patterns", ""),
    _declared(ConverterConfig, "exclude", "Exclude patterns", ""),
    _declared(ConverterConfig, "after", "After conversion", ""),
    _declared(ConverterConfig, "done", "Done folder", "", folder=True),
    _declared(ConverterConfig, "priority", "Priority", ""),
)

#: The service's default for each converter entry key (what a key left out of the file means).
CONVERTER_DEFAULTS: dict[str, Any] = {setting.key: setting.default for setting in CONVERTER}


def parameter_settings(parameters: Sequence[Parameter]) -> tuple[Setting, ...]:
    """Settings for a converter's declared parameters (key = parameter name)."""
    return tuple(
        Setting(
            key=p.name,
            label=p.name.replace("_", " ").capitalize(),
            kind=p.kind,
            default=p.default,
            help=p.help,
            choices=tuple(p.choices) if p.choices is not None else None,
            required=p.required,
        )
        for p in parameters
    )
