"""Atomic writes and reading TOML and secrets files, with errors naming the file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from pywats_client._config import ConfigError
from pywats_client._durable import DiskIO
from pywats_ui._persist import read_document, read_secret, to_toml


def test_write_atomic_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "client.toml"
    DiskIO().write_atomic(target, b"a = 1\n")
    DiskIO().write_atomic(target, to_toml({"a": 2, "server": {"url": "http://x"}}).encode())
    assert read_document(target) == {"a": 2, "server": {"url": "http://x"}}
    assert sorted(p.name for p in target.parent.iterdir()) == ["client.toml"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_private_files_are_0600(tmp_path: Path) -> None:
    target = tmp_path / "server.token"
    DiskIO().write_atomic(target, b"secret\n", private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert read_secret(target) == "secret"


class _FullDisk(DiskIO):
    """The disk fills up while the new file is flushed (cannot be made real here)."""

    def fsync(self, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "client.toml"
    DiskIO().write_atomic(target, b"a = 1\n")
    with pytest.raises(OSError, match="No space left"):
        _FullDisk().write_atomic(target, b"a = 2\n")
    assert target.read_text(encoding="utf-8") == "a = 1\n"
    assert os.listdir(tmp_path) == ["client.toml"]


def test_missing_files_read_as_empty_and_bad_toml_names_the_file(tmp_path: Path) -> None:
    assert read_document(tmp_path / "absent.toml") == {}
    assert read_secret(tmp_path / "absent.token") == ""
    bad = tmp_path / "bad.toml"
    bad.write_text("[server\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{bad}: not valid TOML: "):
        read_document(bad)
