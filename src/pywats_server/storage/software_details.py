"""Software-package views for the WATS station client's internal endpoints: one file's info,
whether a station's file is current, package history by tags, package details, and removing
files from a Draft package by id.

Shapes follow the public Package and PackageFile; docs/domains.md lists what was inferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select

from ._database import Database
from ._domain import Conflict, Invalid, NotFound
from .software import (
    PackageFile,
    SoftwarePackage,
    SoftwareStore,
    newest_by_name,
    package_file,
    package_files,
    packages,
)

__all__ = ["FileCheck", "SoftwareDetails"]


@dataclass(frozen=True, slots=True)
class FileCheck:
    """Whether a package has a file at `path`, and whether it is the station's (`is_current`:
    the checksums agree)."""

    package_id: str
    path: str
    exists: bool
    file_id: str | None
    checksum: str | None
    is_current: bool


def parse_tags(text: str) -> list[tuple[str, str | None]]:
    """`key` or `key=value` items, comma-separated; Invalid naming `tags` when empty."""
    items = []
    for item in text.split(","):
        key, has_value, value = item.strip().partition("=")
        if key.strip():
            items.append((key.strip(), value.strip() if has_value else None))
    if not items:
        raise Invalid("tags: expected comma-separated tag keys or key=value pairs")
    return items


class SoftwareDetails:
    """NotFound for an unknown package or file; Conflict when a file change needs a Draft."""

    def __init__(self, database: Database, store: SoftwareStore) -> None:
        self._engine = database.engine
        self._store = store

    def file(self, file_id: str) -> PackageFile:
        columns = [c for c in package_files.c if c.name != "content"]
        with self._engine.connect() as connection:
            row = connection.execute(
                select(*columns).where(package_files.c.file_id == file_id)
            ).one_or_none()
        if row is None:
            raise NotFound(f"file {file_id!r} not found")
        return package_file(row)

    def check_file(self, package_id: str, path: str, checksum: str | None) -> FileCheck:
        """Whether the package has a file at `path`, and whether its checksum is `checksum`."""
        wanted = str(PurePosixPath(path.replace("\\", "/").lstrip("/")))
        f = package_files.c
        self._store.files(package_id)  # NotFound for an unknown package
        with self._engine.connect() as connection:
            row = connection.execute(
                select(f.file_id, f.checksum).where(f.package_id == package_id, f.path == wanted)
            ).one_or_none()
        if row is None:
            return FileCheck(package_id, wanted, False, None, None, False)
        current = checksum is not None and row.checksum.lower() == checksum.lower()
        return FileCheck(package_id, wanted, True, row.file_id, row.checksum, current)

    def history(self, tags: str, status: str | None, all_versions: bool) -> list[SoftwarePackage]:
        """Packages carrying every tag in `tags`, by name and version; only each name's newest
        version (of `status`, when given) unless `all_versions`."""
        wanted = parse_tags(tags)
        found = self._store.query(status=status, tag=wanted[0])
        matching = [
            package
            for package in found
            if all(
                any(t.key == key and (value is None or t.value == value) for t in package.tags)
                for key, value in wanted
            )
        ]
        return matching if all_versions else newest_by_name(matching)

    def delete_files(self, file_ids: Sequence[str]) -> int:
        """Remove files (of Draft packages) by id; how many."""
        f = package_files.c
        with self._engine.begin() as connection:
            rows = connection.execute(
                select(f.file_id, packages.c.name, packages.c.version, packages.c.status)
                .join(packages, packages.c.package_id == f.package_id)
                .where(f.file_id.in_(file_ids))
            ).all()
            missing = sorted(set(file_ids) - {row.file_id for row in rows})
            if missing:
                raise NotFound(f"packageFolderFileIds: file {missing[0]!r} not found")
            for row in rows:
                if row.status != "Draft":
                    raise Conflict(
                        f"package {row.name!r} version {row.version} is {row.status}: files "
                        "change only in a Draft"
                    )
            connection.execute(package_files.delete().where(f.file_id.in_(file_ids)))
        return len(rows)
