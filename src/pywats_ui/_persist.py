"""Reading the configuration and secrets files, and the configuration as TOML text.

Writing them is the station's own atomic write (`DiskIO.write_atomic`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import tomli_w

from pywats_client._config import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["read_document", "read_secret", "to_toml"]


def read_document(path: Path) -> dict[str, Any]:
    """The TOML document at `path` as plain data; an absent file is an empty document.

    Raises ConfigError naming the file when it cannot be read or is not TOML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc.strerror}") from None
    try:
        document: dict[str, Any] = tomllib.loads(text)
        return document
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def read_secret(path: Path) -> str:
    """The stripped content of a secrets file, or "" when it does not exist."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the secrets file: {exc.strerror}") from None


def to_toml(document: dict[str, Any]) -> str:
    """The document as TOML text (tables in insertion order)."""
    return tomli_w.dumps(document)
