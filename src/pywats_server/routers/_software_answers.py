"""Response models of `/api/Software` (packages, their files, station plans), read from the
store's records."""

from __future__ import annotations

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = [
    "Download",
    "FileCheck",
    "FileInfo",
    "PackageAnswer",
    "PackageDetails",
    "PackageFile",
    "PackageFolder",
    "PackageWithFiles",
    "StationPlan",
    "VirtualFolder",
]


class PackageFile(Answer):
    file_id: str
    filename: str
    path: str
    size: int
    checksum: str
    attributes: str | None
    created_utc: Instant
    modified_utc: Instant


class FileInfo(Answer):
    """A package file's info with the package it belongs to (no content)."""

    file_id: str
    package_id: str
    filename: str
    path: str
    size: int
    checksum: str
    attributes: str | None
    created_utc: Instant
    modified_utc: Instant


class PackageAnswer(Answer):
    package_id: str
    name: str
    version: int
    status: str
    description: str | None
    install_on_root: bool
    root_directory: str | None
    priority: int
    created_utc: Instant
    modified_utc: Instant
    created_by: str | None
    modified_by: str | None
    tags: list[TagAnswer]


class PackageWithFiles(PackageAnswer):
    files: list[PackageFile]


class PackageDetails(PackageWithFiles):
    """A package with its files, how many there are and their total size in bytes."""

    file_count: int
    total_size: int


class StationPlan(Answer):
    """What a station should install, and the installed package ids it should remove."""

    install: list[PackageAnswer]
    remove: list[str]


class FileCheck(Answer):
    """Whether a package has a file at a path, and whether it is the station's."""

    package_id: str
    path: str
    exists: bool
    file_id: str | None
    checksum: str | None
    is_current: bool


class VirtualFolder(Answer):
    """A virtual folder of packages (this server defines none)."""

    name: str
    path: str


class Download(Answer):
    """One download a client logged: which package version, how many bytes, when."""

    downloadId: str
    packageId: str
    name: str
    version: int
    clientId: str
    downloadSize: int
    downloadedUtc: Instant


class PackageFolder(Answer):
    """A folder of a package: its path and the folder it is in (None: the root)."""

    packageFolderId: str
    packageId: str
    name: str
    path: str
    parentFolderId: str | None
    fileCount: int
