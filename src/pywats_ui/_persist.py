"""Reading and writing the configuration and secrets files, atomically.

A write goes to a temporary file in the same folder, is fsynced and renamed over the target, and
the folder is fsynced: a crash leaves either the old file or the new one, never half of either.
The secrets file is created 0600 before any byte of the secret is written to it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import tomli_w

from pywats_client._config import ConfigError
from pywats_client._durable import DiskIO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["read_document", "read_secret", "to_toml", "write_atomic"]


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


def write_atomic(path: Path, text: str, *, private: bool = False) -> None:
    """Replace `path` with `text` (UTF-8) atomically; `private` makes the file 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if not private and os.name != "nt":
                os.fchmod(handle.fileno(), 0o644)  # mkstemp makes 0600; config is not secret
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    DiskIO().fsync_dir(path.parent)


def to_toml(document: dict[str, Any]) -> str:
    """The document as TOML text (tables in insertion order)."""
    return tomli_w.dumps(document)
