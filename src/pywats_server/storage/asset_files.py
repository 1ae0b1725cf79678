"""Files kept with an asset: calibration certificates, fixture drawings, maintenance logs.

A file is addressed by its asset id and its name; uploading a name again replaces the file, so
an upload can be repeated safely. Names are plain file names: not empty, at most 255
characters, without `/`, `\\` or control characters, and not `.` or `..`. The files go with
their asset when it is deleted (`AssetStore.delete`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from ._database import Database
from ._domain import Invalid, NotFound, utcnow
from ._widths import widths
from .asset_tables import asset_files, assets

__all__ = ["MAX_FILE_NAME", "AssetFileStore", "check_file_name"]

#: The width of the name column (the common file-system limit of a name, too).
MAX_FILE_NAME = dict(widths(asset_files))["file_name"]


def check_file_name(name: str, field: str = "filename") -> str:
    """`name` when it is a plain file name; Invalid naming `field` and the rule otherwise."""
    problem = None
    if not name:
        problem = "got an empty name"
    elif len(name) > MAX_FILE_NAME:
        problem = f"got {len(name)} characters"
    elif name in (".", "..") or "/" in name or "\\" in name:
        problem = f"got the path {name!r}"
    elif any(ord(character) < 32 or ord(character) == 127 for character in name):
        problem = f"got control characters in {name!r}"
    if problem is not None:
        raise Invalid(
            f"{field}: expected a plain file name of 1 to {MAX_FILE_NAME} characters without "
            f"'/', '\\' or control characters, {problem}"
        )
    return name


class AssetFileStore:
    """Upload, list, download and delete the files of an asset (by asset id)."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def upload(self, asset_id: str, name: str, content: bytes) -> None:
        """Store `content` as file `name` of the asset, replacing a file of that name."""
        check_file_name(name)
        values = {
            "content": content,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "uploaded_utc": utcnow(),
        }
        with self._engine.begin() as connection:
            _check_asset(connection, asset_id)
            # One statement that inserts or replaces: two uploads of one name at once must not
            # collide on the primary key.
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(asset_files).values(
                asset_id=asset_id, file_name=name, **values
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[asset_files.c.asset_id, asset_files.c.file_name], set_=values
                )
            )

    def names(self, asset_id: str) -> list[str]:
        """The asset's file names, sorted by code point."""
        f = asset_files.c
        with self._engine.connect() as connection:
            _check_asset(connection, asset_id)
            # Sorted here: the databases' collations order names differently.
            return sorted(connection.scalars(select(f.file_name).where(f.asset_id == asset_id)))

    def download(self, asset_id: str, name: str) -> tuple[bytes, str]:
        """The content of file `name` and its SHA-256 (hex)."""
        check_file_name(name)
        f = asset_files.c
        with self._engine.connect() as connection:
            _check_asset(connection, asset_id)
            row = connection.execute(
                select(f.content, f.sha256).where(f.asset_id == asset_id, f.file_name == name)
            ).one_or_none()
        if row is None:
            raise NotFound(f"filename: asset {asset_id!r} has no file {name!r}")
        return bytes(row.content), str(row.sha256)

    def delete(self, asset_id: str, names: Sequence[str]) -> None:
        """Delete the files `names`: all of them, or none when any is not there (NotFound)."""
        for index, name in enumerate(names):
            check_file_name(name, f"body[{index}]")
        f = asset_files.c
        wanted = set(names)
        with self._engine.begin() as connection:
            _check_asset(connection, asset_id)
            present = set(
                connection.scalars(
                    select(f.file_name).where(f.asset_id == asset_id, f.file_name.in_(wanted))
                )
            )
            missing = sorted(wanted - present)
            if missing:
                raise NotFound(
                    f"asset {asset_id!r} has no file {', '.join(map(repr, missing))}: "
                    "nothing was deleted"
                )
            connection.execute(
                asset_files.delete().where(f.asset_id == asset_id, f.file_name.in_(wanted))
            )


def _check_asset(connection: Connection, asset_id: str) -> None:
    found = connection.scalar(select(assets.c.asset_id).where(assets.c.asset_id == asset_id))
    if found is None:
        raise NotFound(f"assetId: asset {asset_id!r} not found")
