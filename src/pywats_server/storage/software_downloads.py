"""The software download log: which client downloaded which package version, how much, when
(`/api/internal/Software/Log` records, `GetPackageDownloadHistory` reads). A client is the user
its credential belongs to (each station has its own, `POST /api/internal/Client/Register`).
A row keeps the package's name and version, so the log outlives a deleted package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, select

from ._database import Database
from ._domain import Invalid, NotFound, new_id, utcnow
from ._metadata import metadata
from .software import packages

__all__ = ["SoftwareDownloads", "software_downloads"]

software_downloads = Table(
    "software_downloads",
    metadata,
    Column("download_id", String(36), primary_key=True),
    Column("package_id", String(36), nullable=False),
    Column("package_name", String(200), nullable=False),
    Column("package_version", Integer, nullable=False),
    Column("client_id", String(200), nullable=False, index=True),
    Column("download_size", BigInteger, nullable=False),
    Column("downloaded_utc", DateTime, nullable=False),
)


def _download(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "downloadId": row["download_id"],
        "packageId": row["package_id"],
        "name": row["package_name"],
        "version": row["package_version"],
        "clientId": row["client_id"],
        "downloadSize": row["download_size"],
        "downloadedUtc": row["downloaded_utc"],
    }


class SoftwareDownloads:
    """NotFound for an unknown package, Invalid for a negative size."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def log(self, package_id: str, size: int, client_id: str) -> dict[str, Any]:
        """Record that `client_id` downloaded `size` bytes of the package."""
        if size < 0:
            raise Invalid(f"downloadSize: expected a byte count of 0 or more, got {size}")
        p = packages.c
        with self._engine.begin() as connection:
            package = connection.execute(
                select(p.name, p.version).where(p.package_id == package_id)
            ).one_or_none()
            if package is None:
                raise NotFound(f"package {package_id!r} not found")
            row = {
                "download_id": new_id(),
                "package_id": package_id,
                "package_name": package.name,
                "package_version": package.version,
                "client_id": client_id,
                "download_size": size,
                "downloaded_utc": utcnow(),
            }
            connection.execute(software_downloads.insert().values(**row))
        return _download(row)

    def history(self, client_id: str) -> list[dict[str, Any]]:
        """The client's downloads, newest first."""
        d = software_downloads.c
        query = (
            select(software_downloads)
            .where(d.client_id == client_id)
            .order_by(d.downloaded_utc.desc(), d.download_id)
        )
        with self._engine.connect() as connection:
            return [_download(row._mapping) for row in connection.execute(query)]
