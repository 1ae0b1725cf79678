"""Software distribution: versioned packages of files with a release workflow and tags.

Creating a package named like an existing one makes the next version (1, 2, ...). Status flow:
Draft -> Pending (submitted), Pending -> Draft (returned) or Released, Released -> Revoked.
Files change only while a package is a Draft; a package is released only with files; a
released package is revoked, not deleted. A station holding installed packages should remove
those revoked, deleted or superseded by a newer released version of the same name
(`station_plan`).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)

from ._database import Database
from ._domain import KEEP, Conflict, Invalid, Keep, NotFound, new_id, utcnow
from ._metadata import metadata
from ._tags import Tag, TagChange, apply_tags, read_tags, tag_table

__all__ = [
    "STATUSES",
    "PackageDraft",
    "PackageEdit",
    "PackageFile",
    "SoftwarePackage",
    "SoftwareStore",
    "StationPlan",
    "newest_by_name",
    "package_file",
    "package_files",
    "packages",
]

packages = Table(
    "software_packages",
    metadata,
    Column("package_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("description", Text),
    Column("status", String(20), nullable=False),
    Column("install_on_root", Boolean, nullable=False),
    Column("root_directory", String(500)),
    Column("priority", Integer, nullable=False),
    Column("created_utc", DateTime, nullable=False),
    Column("modified_utc", DateTime, nullable=False),
    Column("created_by", String(100)),
    Column("modified_by", String(100)),
    UniqueConstraint("name", "version"),
)

package_tags = tag_table(
    "software_package_tags", "package_id", "software_packages.package_id", String(36)
)

package_files = Table(
    "software_package_files",
    metadata,
    Column("file_id", String(36), primary_key=True),
    Column(
        "package_id",
        String(36),
        ForeignKey("software_packages.package_id"),
        nullable=False,
        index=True,
    ),
    Column("path", String(1000), nullable=False),
    Column("size", Integer, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("attributes", String(200)),
    Column("created_utc", DateTime, nullable=False),
    Column("modified_utc", DateTime, nullable=False),
    UniqueConstraint("package_id", "path"),
)

STATUSES = ("Draft", "Pending", "Released", "Revoked")
_NEXT = {"Draft": {"Pending"}, "Pending": {"Draft", "Released"}, "Released": {"Revoked"}}


@dataclass(frozen=True, slots=True)
class PackageFile:
    """A file of a package (its bytes are read by `SoftwareStore.file_content`)."""

    file_id: str
    package_id: str
    filename: str
    path: str
    size: int
    checksum: str
    attributes: str | None
    created_utc: datetime
    modified_utc: datetime


@dataclass(frozen=True, slots=True)
class SoftwarePackage:
    """A package version; `files` is None where a listing leaves them out."""

    package_id: str
    name: str
    version: int
    status: str
    description: str | None
    install_on_root: bool
    root_directory: str | None
    priority: int
    created_utc: datetime
    modified_utc: datetime
    created_by: str | None
    modified_by: str | None
    tags: list[Tag]
    files: list[PackageFile] | None = None

    @property
    def file_count(self) -> int:
        return len(self.files or ())

    @property
    def total_size(self) -> int:
        """The size of its files in bytes."""
        return sum(file.size for file in self.files or ())


@dataclass(frozen=True, slots=True)
class PackageDraft:
    name: str
    description: str | None = None
    install_on_root: bool = False
    root_directory: str | None = None
    priority: int = 0
    tags: list[TagChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PackageEdit:
    """What an update sets; `KEEP` leaves a field as stored (name and version always stay)."""

    description: str | Keep | None = KEEP
    install_on_root: bool | Keep = KEEP
    root_directory: str | Keep | None = KEEP
    priority: int | Keep = KEEP
    tags: list[TagChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StationPlan:
    """What a station should install, and the installed package ids it should remove."""

    install: list[SoftwarePackage]
    remove: list[str]


def newest_by_name(found: Iterable[SoftwarePackage]) -> list[SoftwarePackage]:
    """The newest version of each name among `found` (ordered by name, then version)."""
    newest: dict[str, SoftwarePackage] = {}
    for package in found:  # the last one of a name is its newest
        newest[package.name] = package
    return list(newest.values())


def _status(value: str) -> str:
    for status in STATUSES:
        if status.lower() == value.lower():
            return status
    raise Invalid(f"status: expected one of {', '.join(STATUSES)}, got {value!r}")


def package_file(row: Any) -> PackageFile:
    """The record of a row of `package_files` (read without its content)."""
    return PackageFile(
        file_id=row.file_id,
        package_id=row.package_id,
        filename=PurePosixPath(row.path).name,
        path=row.path,
        size=row.size,
        checksum=row.checksum,
        attributes=row.attributes,
        created_utc=row.created_utc,
        modified_utc=row.modified_utc,
    )


def _entries(archive: bytes) -> list[tuple[str, bytes]]:
    """The files of a zip as (safe relative path, bytes); Invalid naming a bad entry."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            entries = []
            for info in zipped.infolist():
                if info.is_dir():
                    continue
                path = PurePosixPath(info.filename.replace("\\", "/"))
                if path.is_absolute() or ".." in path.parts or not path.parts:
                    raise Invalid(f"zip entry {info.filename!r}: expected a relative path")
                entries.append((str(path), zipped.read(info)))
            return entries
    except zipfile.BadZipFile as exc:
        raise Invalid(f"body: expected a zip archive ({exc})") from None


class SoftwareStore:
    """Packages, their files and tags, and the release workflow."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def query(
        self,
        *,
        name: str | None = None,
        status: str | None = None,
        tag: tuple[str, str | None] | None = None,
    ) -> list[SoftwarePackage]:
        """Packages (without files) by name and version, optionally filtered."""
        p = packages.c
        query = select(p.package_id).order_by(p.name, p.version)
        if name is not None:
            query = query.where(p.name == name)
        if status is not None:
            query = query.where(p.status == _status(status))
        if tag is not None:
            t = package_tags.c
            tagged = select(t.package_id).where(t.key == tag[0])
            if tag[1] is not None:
                tagged = tagged.where(t.value == tag[1])
            query = query.where(p.package_id.in_(tagged))
        with self._engine.connect() as connection:
            ids = connection.scalars(query).all()
            return [self._package(connection, package_id) for package_id in ids]

    def get(self, package_id: str) -> SoftwarePackage:
        with self._engine.connect() as connection:
            self._row(connection, package_id)
            return self._package(connection, package_id, files=True)

    def by_name(self, name: str, status: str | None, version: int | None) -> SoftwarePackage:
        """A version of a package (default: the newest, with `status` if given)."""
        candidates = self.query(name=name, status=status)
        if version is not None:
            candidates = [c for c in candidates if c.version == version]
        if not candidates:
            wanted = f"package {name!r}" + (f" version {version}" if version else "")
            raise NotFound(wanted + (f" with status {status}" if status else "") + " not found")
        return self.get(candidates[-1].package_id)

    def create(self, draft: PackageDraft, user: str) -> SoftwarePackage:
        """A new Draft package, the next version of its name."""
        now = utcnow()
        with self._engine.begin() as connection:
            version = connection.scalar(
                select(func.max(packages.c.version)).where(packages.c.name == draft.name)
            )
            package_id = new_id()
            connection.execute(
                packages.insert().values(
                    package_id=package_id,
                    name=draft.name,
                    version=(version or 0) + 1,
                    description=draft.description,
                    status="Draft",
                    install_on_root=draft.install_on_root,
                    root_directory=draft.root_directory,
                    priority=draft.priority,
                    created_utc=now,
                    modified_utc=now,
                    created_by=user,
                    modified_by=user,
                )
            )
            apply_tags(connection, package_tags, "package_id", package_id, draft.tags)
            return self._package(connection, package_id, files=True)

    def update(self, package_id: str, edit: PackageEdit, user: str) -> SoftwarePackage:
        """Change description, install settings, priority or tags (name and version stay)."""
        given = {
            "description": edit.description,
            "install_on_root": edit.install_on_root,
            "root_directory": edit.root_directory,
            "priority": edit.priority,
        }
        values = {column: value for column, value in given.items() if value is not KEEP}
        with self._engine.begin() as connection:
            self._row(connection, package_id)
            connection.execute(
                packages.update()
                .where(packages.c.package_id == package_id)
                .values(modified_utc=utcnow(), modified_by=user, **values)
            )
            apply_tags(connection, package_tags, "package_id", package_id, edit.tags)
            return self._package(connection, package_id, files=True)

    def delete(self, package_ids: Sequence[str]) -> None:
        """Delete packages with their files; Conflict for a released one (revoke it instead)."""
        with self._engine.begin() as connection:
            for package_id in package_ids:
                row = self._row(connection, package_id)
                if row.status == "Released":
                    raise Conflict(
                        f"package {row.name!r} version {row.version} is Released: revoke it "
                        "instead of deleting it"
                    )
                for table in (package_files, package_tags, packages):
                    connection.execute(table.delete().where(table.c.package_id == package_id))

    def ids_by_name(self, name: str, version: int | None) -> list[str]:
        query = select(packages.c.package_id).where(packages.c.name == name)
        if version is not None:
            query = query.where(packages.c.version == version)
        with self._engine.connect() as connection:
            found = list(connection.scalars(query))
        if not found:
            raise NotFound(
                f"package {name!r}" + (f" version {version}" if version else "") + " not found"
            )
        return found

    def set_status(self, package_id: str, status: str, user: str) -> None:
        wanted = _status(status)
        with self._engine.begin() as connection:
            row = self._row(connection, package_id)
            if wanted == row.status:
                return
            allowed = _NEXT.get(row.status, set())
            if wanted not in allowed:
                choices = " or ".join(sorted(allowed)) or "nothing (final)"
                raise Conflict(
                    f"package {row.name!r} version {row.version} is {row.status}: it can move "
                    f"to {choices}, not {wanted}"
                )
            connection.execute(
                packages.update()
                .where(packages.c.package_id == package_id)
                .values(status=wanted, modified_utc=utcnow(), modified_by=user)
            )

    # -- files --------------------------------------------------------------------------------

    def files(self, package_id: str) -> list[PackageFile]:
        with self._engine.connect() as connection:
            self._row(connection, package_id)
            return self._files(connection, package_id)

    def upload_zip(self, package_id: str, archive: bytes, clean: bool, user: str) -> None:
        """Add (or replace by path) the zip's files; `clean` removes the other files first."""
        entries = _entries(archive)
        now = utcnow()
        f = package_files.c
        with self._engine.begin() as connection:
            row = self._row(connection, package_id)
            if row.status != "Draft":
                raise Conflict(
                    f"package {row.name!r} version {row.version} is {row.status}: files change "
                    "only in a Draft"
                )
            if clean:
                connection.execute(package_files.delete().where(f.package_id == package_id))
            for path, content in entries:
                connection.execute(
                    package_files.delete().where(f.package_id == package_id, f.path == path)
                )
                connection.execute(
                    package_files.insert().values(
                        file_id=new_id(),
                        package_id=package_id,
                        path=path,
                        size=len(content),
                        checksum=hashlib.sha1(content).hexdigest(),
                        content=content,
                        created_utc=now,
                        modified_utc=now,
                    )
                )
            connection.execute(
                packages.update()
                .where(packages.c.package_id == package_id)
                .values(modified_utc=now, modified_by=user)
            )

    def set_file_attributes(self, file_id: str, attributes: str | None) -> None:
        with self._engine.begin() as connection:
            updated = connection.execute(
                package_files.update()
                .where(package_files.c.file_id == file_id)
                .values(attributes=attributes, modified_utc=utcnow())
            )
        if updated.rowcount == 0:
            raise NotFound(f"file {file_id!r} not found")

    def file_content(self, package_id: str, path: str) -> tuple[str, bytes]:
        """`(file name, bytes)` of the file at `path` in a package."""
        wanted = str(PurePosixPath(path.replace("\\", "/").lstrip("/")))
        f = package_files.c
        with self._engine.connect() as connection:
            row = self._row(connection, package_id)
            content = connection.scalar(
                select(f.content).where(f.package_id == package_id, f.path == wanted)
            )
        if content is None:
            raise NotFound(f"package {row.name!r} version {row.version} has no file {wanted!r}")
        return PurePosixPath(wanted).name, bytes(content)

    # -- stations -----------------------------------------------------------------------------

    def obsolete(self, installed: Sequence[str], revoked_only: bool) -> list[str]:
        """Of the installed package ids: those revoked, and unless `revoked_only` also those
        deleted or superseded by a newer released version of the same name."""
        p = packages.c
        with self._engine.connect() as connection:
            rows = {
                row.package_id: row
                for row in connection.execute(select(packages).where(p.package_id.in_(installed)))
            }
            newest = dict(
                connection.execute(
                    select(p.name, func.max(p.version))
                    .where(p.status == "Released")
                    .group_by(p.name)
                ).all()
            )

        def gone(package_id: str) -> bool:
            row = rows.get(package_id)
            if row is not None and row.status == "Revoked":
                return True
            if revoked_only:
                return False
            return row is None or newest.get(row.name, 0) > row.version

        return [package_id for package_id in installed if gone(package_id)]

    def station_plan(self, tag: str, value: str, installed: Sequence[str]) -> StationPlan:
        """What a station tagged `tag`=`value` should install (the newest released version of
        each of its packages not yet installed, highest priority first) and remove."""
        install = self.available(installed, tag=(tag, value))
        install.sort(key=lambda p: (-p.priority, p.name))
        return StationPlan(install, self.obsolete(installed, revoked_only=False))

    def available(
        self, installed: Iterable[str], *, tag: tuple[str, str | None] | None = None
    ) -> list[SoftwarePackage]:
        """The newest released version of each package (tagged `tag`, when given) that is not
        among the `installed` ids, by name."""
        have = set(installed)
        newest = newest_by_name(self.query(tag=tag, status="Released"))
        return [package for package in newest if package.package_id not in have]

    # -- internals ----------------------------------------------------------------------------

    def _row(self, connection: Connection, package_id: str) -> Any:
        row = connection.execute(
            select(packages).where(packages.c.package_id == package_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"package {package_id!r} not found")
        return row

    def _files(self, connection: Connection, package_id: str) -> list[PackageFile]:
        f = package_files.c
        columns = [c for c in package_files.c if c.name != "content"]
        rows = connection.execute(
            select(*columns).where(f.package_id == package_id).order_by(f.path)
        )
        return [package_file(row) for row in rows]

    def _package(
        self, connection: Connection, package_id: str, files: bool = False
    ) -> SoftwarePackage:
        row = self._row(connection, package_id)
        return SoftwarePackage(
            package_id=row.package_id,
            name=row.name,
            version=row.version,
            status=row.status,
            description=row.description,
            install_on_root=row.install_on_root,
            root_directory=row.root_directory,
            priority=row.priority,
            created_utc=row.created_utc,
            modified_utc=row.modified_utc,
            created_by=row.created_by,
            modified_by=row.modified_by,
            tags=read_tags(connection, package_tags, "package_id", package_id),
            files=self._files(connection, package_id) if files else None,
        )
