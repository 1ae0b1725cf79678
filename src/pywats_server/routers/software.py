"""`/api/Software`: packages, versions, files, release status, tags and what stations need.

pyWATS extensions: `GET /api/Software/Package/{packageId}/File?path=...` downloads one file;
`GET /api/Software/StationPlan?tag=&value=&installedPackages=` answers what a station should
install and remove.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .._context import CallerName, ServerContext, context
from .._json import StrictJsonRoute
from ..storage.software import PackageDraft, PackageEdit, SoftwarePackage
from ..storage.software import PackageFile as StoredFile
from ..storage.software import StationPlan as Plan
from ._answer import file_answer
from ._software_answers import (
    PackageAnswer,
    PackageFile,
    PackageWithFiles,
    StationPlan,
    VirtualFolder,
)
from ._updates import NotNull, sent
from .products import Setting

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, tags=["Software"])
Context = Annotated[ServerContext, Depends(context)]
_ZIP_BODY = {"requestBody": {"content": {"application/zip": {"schema": {"type": "string"}}}}}


class Package(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    description: str | None = None
    installOnRoot: bool = False
    rootDirectory: str | None = None
    priority: int = 0
    tags: list[Setting] | None = None

    def draft(self) -> PackageDraft:
        return PackageDraft(
            self.name,
            self.description,
            self.installOnRoot,
            self.rootDirectory,
            self.priority,
            [tag.tag_change() for tag in self.tags or ()],
        )


class PackageUpdate(BaseModel):
    """Only the keys sent change; `NotNull` keys refuse null (their columns hold none)."""

    model_config = ConfigDict(extra="ignore")

    description: str | None = None
    installOnRoot: Annotated[bool | None, NotNull] = None
    rootDirectory: str | None = None
    priority: Annotated[int | None, NotNull] = None
    tags: list[Setting] | None = None

    def edit(self) -> PackageEdit:
        kept = sent(
            self,
            description="description",
            install_on_root="installOnRoot",
            root_directory="rootDirectory",
            priority="priority",
        )
        return PackageEdit(**kept, tags=[tag.tag_change() for tag in self.tags or ()])


class FileAttributes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attributes: str | None = None


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@router.get("/api/Software/Packages", response_model=list[PackageAnswer])
def list_packages(ctx: Context) -> list[SoftwarePackage]:
    """Every version of every package (without files)."""
    return ctx.software.query()


@router.get("/api/Software/PackageByName", response_model=PackageWithFiles)
def package_by_name(
    ctx: Context, name: str, status: str | None = None, version: int | None = None
) -> SoftwarePackage:
    """A version of a package by name: the newest (with `status`), or `version`."""
    return ctx.software.by_name(name, status, version)


@router.delete("/api/Software/PackageByName")
def delete_package_by_name(ctx: Context, name: str, version: int | None = None) -> None:
    """Delete one version, or every version, of a package."""
    ctx.software.delete(ctx.software.ids_by_name(name, version))


@router.get("/api/Software/PackagesByTag", response_model=list[PackageAnswer])
def packages_by_tag(
    ctx: Context, tag: str, value: str | None = None, status: str | None = None
) -> list[SoftwarePackage]:
    return ctx.software.query(tag=(tag, value), status=status)


@router.post("/api/Software/Package", response_model=PackageWithFiles)
def create_package(ctx: Context, package: Package, user: CallerName) -> SoftwarePackage:
    """Create a Draft package: the next version of its name."""
    return ctx.software.create(package.draft(), user)


@router.get("/api/Software/Package/{packageId}", response_model=PackageWithFiles)
def get_package(ctx: Context, packageId: str) -> SoftwarePackage:
    return ctx.software.get(packageId)


@router.put("/api/Software/Package/{packageId}", response_model=PackageWithFiles)
def update_package(
    ctx: Context, packageId: str, package: PackageUpdate, user: CallerName
) -> SoftwarePackage:
    return ctx.software.update(packageId, package.edit(), user)


@router.delete("/api/Software/Package/{packageId}")
def delete_package(ctx: Context, packageId: str) -> None:
    ctx.software.delete([packageId])


@router.post("/api/Software/PackageStatus/{packageId}")
def set_package_status(ctx: Context, packageId: str, status: str, user: CallerName) -> None:
    """Move a package along Draft -> Pending -> Released -> Revoked (or Pending -> Draft)."""
    ctx.software.set_status(packageId, status, user)


@router.get("/api/Software/PackageFiles/{packageId}", response_model=list[PackageFile])
def package_files(ctx: Context, packageId: str) -> list[StoredFile]:
    return ctx.software.files(packageId)


@router.post("/api/Software/Package/UploadZip/{packageId}", openapi_extra=_ZIP_BODY)
async def upload_zip(
    ctx: Context, packageId: str, request: Request, user: CallerName, cleanInstall: bool = False
) -> None:
    """Add the files of a zip to a Draft package (`cleanInstall` replaces all its files)."""
    archive = await request.body()
    await run_in_threadpool(ctx.software.upload_zip, packageId, archive, cleanInstall, user)


@router.post("/api/Software/Package/FileAttribute/{fileId}")
def set_file_attribute(ctx: Context, fileId: str, body: FileAttributes) -> None:
    ctx.software.set_file_attributes(fileId, body.attributes)


@router.get(
    "/api/Software/Package/{packageId}/File", responses=file_answer("application/octet-stream")
)
def download_file(ctx: Context, packageId: str, path: str) -> Response:
    """The bytes of the file at `path` in a package."""
    name, content = ctx.software.file_content(packageId, path)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type="application/octet-stream", headers=headers)


@router.get("/api/Software/VirtualFolders", response_model=list[VirtualFolder])
def virtual_folders() -> list[VirtualFolder]:
    """Virtual folders: this server defines none."""
    return []


@router.get("/api/Software/StationPlan", response_model=StationPlan)
def station_plan(ctx: Context, tag: str, value: str, installedPackages: str = "") -> Plan:
    """`{install: [Package], remove: [packageId]}` for a station tagged `tag`=`value` that has
    the comma-separated `installedPackages`."""
    return ctx.software.station_plan(tag, value, _ids(installedPackages))


@router.get("/api/internal/Software/GetRevokedPackages")
def revoked_packages(
    ctx: Context, installedPackages: str = "", includeRevokedOnly: bool = False
) -> list[str]:
    """Which installed package ids a station should remove: revoked, and unless
    `includeRevokedOnly` also deleted or superseded by a newer released version."""
    return ctx.software.obsolete(_ids(installedPackages), includeRevokedOnly)


@router.get("/api/internal/Software/GetAvailablePackages", response_model=list[PackageAnswer])
def available_packages(
    ctx: Context, installedPackages: Annotated[str, Query()] = ""
) -> list[SoftwarePackage]:
    """The newest released version of each package, except those already installed."""
    return ctx.software.available(_ids(installedPackages))
