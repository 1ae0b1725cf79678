"""Folders of a software package (`/api/internal/Software/*PackageFolder`): named directories a
Draft package's files are placed in. A folder is a path ('bin/drivers'); a file is in it when
its path starts with the folder's path and '/'. Renaming a folder moves its files and
sub-folders; deleting it removes them. Files change only in a Draft, so folders do too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    func,
    literal,
    or_,
    select,
)

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id, utcnow
from ._metadata import metadata
from .software import package_files, packages

__all__ = ["SoftwareFolders", "software_folders"]

software_folders = Table(
    "software_package_folders",
    metadata,
    Column("folder_id", String(36), primary_key=True),
    Column(
        "package_id",
        String(36),
        ForeignKey("software_packages.package_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("path", String(1000), nullable=False),
    UniqueConstraint("package_id", "path"),
)


def _name(name: str) -> str:
    name = name.strip()
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise Invalid(f"name: expected a folder name without '/' or '\\\\', got {name!r}")
    return name


def _below(column: Any, path: str) -> Any:
    """`column` is `path` or a path inside it."""
    return or_(column == path, func.substr(column, 1, len(path) + 1) == path + "/")


class SoftwareFolders:
    """NotFound for an unknown package or folder, Conflict outside a Draft or for a path in
    use, Invalid for a bad name."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    @staticmethod
    def _draft(connection: Connection, package_id: str) -> None:
        row = connection.execute(
            select(packages.c.name, packages.c.version, packages.c.status).where(
                packages.c.package_id == package_id
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"package {package_id!r} not found")
        if row.status != "Draft":
            raise Conflict(
                f"package {row.name!r} version {row.version} is {row.status}: folders change "
                "only in a Draft"
            )

    @staticmethod
    def _folder(connection: Connection, folder_id: str) -> Any:
        row = connection.execute(
            select(software_folders).where(software_folders.c.folder_id == folder_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"package folder {folder_id!r} not found")
        return row

    def _answer(self, connection: Connection, folder: Any) -> dict[str, Any]:
        f, parent_path = software_folders.c, folder.path.rpartition("/")[0]
        parent = connection.scalar(
            select(f.folder_id).where(f.package_id == folder.package_id, f.path == parent_path)
        )
        files = connection.scalar(
            select(func.count()).where(
                package_files.c.package_id == folder.package_id,
                _below(package_files.c.path, folder.path),
            )
        )
        return {
            "packageFolderId": folder.folder_id,
            "packageId": folder.package_id,
            "name": folder.path.rpartition("/")[2],
            "path": folder.path,
            "parentFolderId": parent,
            "fileCount": int(files or 0),
        }

    @staticmethod
    def _check_free(
        connection: Connection, package_id: str, path: str, *, empty: bool = False
    ) -> None:
        """Conflict when `path` is a folder or a file already (`empty`: or holds anything)."""
        for table, key, what in (
            (software_folders, "folder_id", "a folder"),
            (package_files, "file_id", "a file"),
        ):
            at = _below(table.c.path, path) if empty else table.c.path == path
            if connection.scalar(select(table.c[key]).where(table.c.package_id == package_id, at)):
                raise Conflict(f"the package has {what} at {path!r} already")

    def create(self, package_id: str, name: str, parent_id: str | None) -> dict[str, Any]:
        """A folder `name` at the package's root or inside folder `parent_id`."""
        name = _name(name)
        with self._engine.begin() as connection:
            self._draft(connection, package_id)
            path = name
            if parent_id:
                parent = self._folder(connection, parent_id)
                if parent.package_id != package_id:
                    raise Invalid(f"parentFolderId: folder {parent_id!r} is in another package")
                path = f"{parent.path}/{name}"
            self._check_free(connection, package_id, path)
            folder_id = new_id()
            connection.execute(
                software_folders.insert().values(
                    folder_id=folder_id, package_id=package_id, path=path
                )
            )
            return self._answer(connection, self._folder(connection, folder_id))

    def rename(self, folder_id: str, name: str) -> dict[str, Any]:
        """Give the folder a new name; its files and sub-folders move with it."""
        name = _name(name)
        with self._engine.begin() as connection:
            folder = self._folder(connection, folder_id)
            self._draft(connection, folder.package_id)
            parent = folder.path.rpartition("/")[0]
            path = f"{parent}/{name}" if parent else name
            if path != folder.path:
                self._check_free(connection, folder.package_id, path, empty=True)
                for table in (software_folders, package_files):
                    column = table.c.path
                    connection.execute(
                        table.update()
                        .where(table.c.package_id == folder.package_id, _below(column, folder.path))
                        .values(
                            path=literal(path, String).concat(
                                func.substr(column, len(folder.path) + 1)
                            )
                        )
                    )
                connection.execute(
                    package_files.update()
                    .where(
                        package_files.c.package_id == folder.package_id,
                        _below(package_files.c.path, path),
                    )
                    .values(modified_utc=utcnow())
                )
            return self._answer(connection, self._folder(connection, folder_id))

    def delete(self, folder_id: str) -> int:
        """Remove the folder, its sub-folders and the files in them; how many files."""
        with self._engine.begin() as connection:
            folder = self._folder(connection, folder_id)
            self._draft(connection, folder.package_id)
            removed = connection.execute(
                package_files.delete().where(
                    package_files.c.package_id == folder.package_id,
                    _below(package_files.c.path, folder.path),
                )
            ).rowcount
            connection.execute(
                software_folders.delete().where(
                    software_folders.c.package_id == folder.package_id,
                    _below(software_folders.c.path, folder.path),
                )
            )
        return int(removed)
