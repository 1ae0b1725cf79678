"""`/api/internal/Software`: the package views the WATS station client uses (rest-api.md §11.1;
shapes there are uncertain, docs/domains.md says what was chosen)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from .._context import CallerName, ServerContext, context
from .._errors import ApiError
from ..storage.software import SoftwarePackage
from ..storage.software_details import SoftwareDetails
from ..storage.software_downloads import SoftwareDownloads
from ..storage.software_folders import SoftwareFolders
from ._software_answers import (
    Download,
    FileCheck,
    FileInfo,
    PackageAnswer,
    PackageDetails,
    PackageFolder,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/Software", tags=["Software"])
Context = Annotated[ServerContext, Depends(context)]


def _details(ctx: Context) -> SoftwareDetails:
    return SoftwareDetails(ctx.database, ctx.software)


Details = Annotated[SoftwareDetails, Depends(_details)]


def _downloads(ctx: Context) -> SoftwareDownloads:
    return SoftwareDownloads(ctx.database)


Downloads = Annotated[SoftwareDownloads, Depends(_downloads)]


def _folders(ctx: Context) -> SoftwareFolders:
    return SoftwareFolders(ctx.database)


Folders = Annotated[SoftwareFolders, Depends(_folders)]


class FolderBody(BaseModel):
    """A folder to create (`name`, inside `parentFolderId` or at the root) or rename
    (`packageFolderId`, new `name`)."""

    model_config = ConfigDict(extra="forbid")

    packageFolderId: str | None = None
    name: str
    parentFolderId: str | None = None


class Removed(BaseModel):
    count: int


@router.get("/isConnected", response_model=bool)
def is_connected() -> bool:
    """True: the software module answers."""
    return True


@router.get("/File/{fileId}", response_model=FileInfo)
def get_file(details: Details, fileId: str) -> Any:
    """One file's info (PackageFile with its `packageId`), without its content."""
    return details.file(fileId)


@router.get("/CheckFile", response_model=FileCheck)
def check_file(
    details: Details,
    packageId: str,
    filePath: str,
    checksum: str | None = None,
    parentFolderId: str | None = None,
    fileDateEpoch: int | None = None,
) -> Any:
    """Whether a station's file is the package's current one (by path and checksum).
    `parentFolderId` and `fileDateEpoch` are accepted: paths here are whole, and a checksum
    says more than a date."""
    return details.check_file(packageId, filePath, checksum)


@router.get("/GetPackageHistory", response_model=list[PackageAnswer])
def package_history(
    details: Details, tags: str, status: str | None = None, allVersions: bool = False
) -> Any:
    """Packages carrying every tag of `tags` (`key` or `key=value`, comma-separated)."""
    return details.history(tags, status, allVersions)


@router.get("/GetSoftwareEntityDetails", response_model=PackageDetails)
def entity_details(ctx: Context, packageId: str) -> SoftwarePackage:
    """The package with its files, `fileCount` and `totalSize`."""
    return ctx.software.get(packageId)


@router.post("/DeletePackageFolderFiles", response_model=Removed)
def delete_package_folder_files(details: Details, packageFolderFileIds: str) -> Any:
    """Remove files of Draft packages by id (comma-separated)."""
    ids = [item.strip() for item in packageFolderFileIds.split(",") if item.strip()]
    if not ids:
        raise ApiError(400, "packageFolderFileIds: expected comma-separated file ids")
    return {"count": details.delete_files(ids)}


@router.get("/Log", response_model=Download)
def log_download(
    downloads: Downloads, packageId: str, downloadSize: int, client: CallerName
) -> Any:
    """Record that the calling client downloaded `downloadSize` bytes of the package."""
    return downloads.log(packageId, downloadSize, client)


@router.get("/GetPackageDownloadHistory", response_model=list[Download])
def download_history(downloads: Downloads, clientId: str) -> Any:
    """The downloads of client `clientId` (the user its credential belongs to), newest first."""
    return downloads.history(clientId)


@router.post("/PostPackageFolder", response_model=PackageFolder)
def post_package_folder(folders: Folders, packageId: str, body: FolderBody) -> Any:
    """Create a folder in a Draft package."""
    return folders.create(packageId, body.name, body.parentFolderId)


@router.post("/UpdatePackageFolder", response_model=PackageFolder)
def update_package_folder(folders: Folders, body: FolderBody) -> Any:
    """Rename a folder of a Draft package; its files and sub-folders move with it."""
    if not body.packageFolderId:
        raise ApiError(400, "packageFolderId: required, the folder to rename")
    return folders.rename(body.packageFolderId, body.name)


@router.post("/DeletePackageFolder", response_model=Removed)
def delete_package_folder(folders: Folders, packageFolderId: str) -> Any:
    """Remove a folder of a Draft package with its sub-folders and files; how many files."""
    return {"count": folders.delete(packageFolderId)}
