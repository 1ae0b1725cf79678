"""`/api/internal/Software`: the package views the WATS station client uses (rest-api.md §11.1;
shapes there are uncertain, docs/domains.md says what was chosen)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from .._context import ServerContext, context
from .._errors import ApiError
from ..storage.software import SoftwarePackage
from ..storage.software_details import SoftwareDetails
from ._software_answers import FileCheck, FileInfo, PackageAnswer, PackageDetails

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/Software", tags=["Software"])
Context = Annotated[ServerContext, Depends(context)]


def _details(ctx: Context) -> SoftwareDetails:
    return SoftwareDetails(ctx.database, ctx.software)


Details = Annotated[SoftwareDetails, Depends(_details)]


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
