"""Response models of `/api/Software` (packages, their files, station plans)."""

from __future__ import annotations

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = [
    "Download",
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
    fileId: str
    filename: str
    path: str
    size: int
    checksum: str
    attributes: str | None
    createdUtc: Instant
    modifiedUtc: Instant


class FileInfo(Answer):
    """A package file's info with the package it belongs to (no content)."""

    fileId: str
    packageId: str
    filename: str
    path: str
    size: int
    checksum: str
    attributes: str | None
    createdUtc: Instant
    modifiedUtc: Instant


class PackageAnswer(Answer):
    packageId: str
    name: str
    version: int
    status: str
    description: str | None
    installOnRoot: bool
    rootDirectory: str | None
    priority: int
    createdUtc: Instant
    modifiedUtc: Instant
    createdBy: str | None
    modifiedBy: str | None
    tags: list[TagAnswer]


class PackageWithFiles(PackageAnswer):
    files: list[PackageFile]


class PackageDetails(PackageWithFiles):
    """A package with its files, how many there are and their total size in bytes."""

    fileCount: int
    totalSize: int


class StationPlan(Answer):
    """What a station should install, and the installed package ids it should remove."""

    install: list[PackageAnswer]
    remove: list[str]


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
