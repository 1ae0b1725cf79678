"""`client.software`: software packages for test stations, their files and release workflow.

A package name has versions (1, 2, ...); each version moves Draft -> Pending -> Released ->
Revoked (Pending may return to Draft). Files change only in a Draft. `station_plan` answers
what a station should install and remove, given its tag and what it has installed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from pywats._service import Call, M, Service, endpoint
from pywats._wire import Params, Tag, WireModel, dump, items, segment

__all__ = [
    "Download",
    "FileCheck",
    "Package",
    "PackageDetails",
    "PackageFile",
    "PackageFolder",
    "SoftwareService",
    "StationPlan",
]


class PackageFile(WireModel):
    """A file in a package; `path` is relative to the package root, `checksum` SHA-1 hex."""

    file_id: str
    path: str
    filename: str | None = None
    size: int | None = None
    checksum: str | None = None
    attributes: str | None = None
    created_utc: datetime | None = None
    modified_utc: datetime | None = None


class Package(WireModel):
    """A version of a software package; the server assigns `package_id`, `version`, `status`."""

    name: str
    description: str | None = None
    install_on_root: bool = False
    root_directory: str | None = None
    priority: int = 0
    tags: list[Tag] = Field(default_factory=list)
    package_id: str | None = None
    version: int | None = None
    status: str | None = None
    created_utc: datetime | None = None
    modified_utc: datetime | None = None
    created_by: str | None = None
    modified_by: str | None = None
    files: list[PackageFile] = Field(default_factory=list)


class PackageDetails(Package):
    """A package with its files, how many there are and their total size in bytes."""

    file_count: int = 0
    total_size: int = 0


class FileCheck(WireModel):
    """Whether a package has a file at `path` and whether the station's copy is current."""

    package_id: str
    path: str
    exists: bool
    file_id: str | None = None
    checksum: str | None = None
    is_current: bool = False


def _removed(value: Any) -> Any:
    return value.get("count") if isinstance(value, dict) else value


class StationPlan(WireModel):
    """What a station should do: `install` these packages, `remove` these installed ids."""

    install: list[Package]
    remove: list[str]


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """A zip archive holding `files` (relative path -> content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def _upload(package_id: str, archive: bytes, clean: bool) -> Call[None]:
    # Uploading the same files again leaves the same package, so retrying is safe.
    return Call(
        "POST",
        f"/api/Software/Package/UploadZip/{package_id}",
        params={"cleanInstall": clean},
        content=archive,
        headers={"Content-Type": "application/zip"},
        idempotent=True,
    )


_INTERNAL = "/api/internal/Software"
# The answer `{"count": n}` of file removal, read as n.
Removed = Annotated[int, BeforeValidator(_removed)]


class Download(WireModel):
    """One logged download: which package version a client downloaded, how much, when."""

    download_id: str
    package_id: str
    name: str
    version: int
    client_id: str
    download_size: int
    downloaded_utc: datetime


class PackageFolder(WireModel):
    """A folder of a package (`parent_folder_id` None: at its root)."""

    package_folder_id: str
    package_id: str
    name: str
    path: str
    parent_folder_id: str | None = None
    file_count: int = 0


class SoftwareService(Service[M]):
    """Packages. Unknown ids raise NotFoundError; workflow violations ConflictError."""

    @endpoint
    def packages(self) -> Call[list[Package]]:
        """Every version of every package (without files)."""
        return Call("GET", "/api/Software/Packages", returns=list[Package])

    @endpoint
    def get(self, package_id: str) -> Call[Package]:
        """One package version with its files."""
        return Call("GET", f"/api/Software/Package/{package_id}", returns=Package)

    @endpoint
    def by_name(
        self, name: str, *, status: str | None = None, version: int | None = None
    ) -> Call[Package]:
        """The newest version of a package (with `status`, if given), or `version`."""
        params: Params = {"name": name, "status": status, "version": version}
        return Call("GET", "/api/Software/PackageByName", params=params, returns=Package)

    @endpoint
    def by_tag(
        self, tag: str, value: str | None = None, *, status: str | None = None
    ) -> Call[list[Package]]:
        """Packages carrying tag `tag` (with `value`, if given)."""
        params: Params = {"tag": tag, "value": value, "status": status}
        return Call("GET", "/api/Software/PackagesByTag", params=params, returns=list[Package])

    @endpoint
    def create(self, package: Package) -> Call[Package]:
        """Create the next version of `package.name` as a Draft."""
        body = dump(package)
        for server_field in ("packageId", "version", "status", "files"):
            body.pop(server_field, None)
        return Call("POST", "/api/Software/Package", json=body, returns=Package)

    @endpoint
    def update(self, package: Package) -> Call[Package]:
        """Store changed description, install settings, priority or tags of a package."""
        body = {k: v for k, v in dump(package).items() if k != "files"}
        path = f"/api/Software/Package/{package.package_id}"
        return Call("PUT", path, json=body, returns=Package)

    @endpoint
    def delete(self, package_id: str) -> Call[None]:
        """Delete a package version that is not released (ConflictError: revoke it instead)."""
        return Call("DELETE", f"/api/Software/Package/{package_id}")

    @endpoint
    def set_status(self, package_id: str, status: str) -> Call[None]:
        """Move a package to `Draft`, `Pending`, `Released` or `Revoked` (ConflictError when
        the workflow does not allow it)."""
        params = {"status": status}
        return Call("POST", f"/api/Software/PackageStatus/{package_id}", params=params)

    @endpoint
    def files(self, package_id: str) -> Call[list[PackageFile]]:
        path = f"/api/Software/PackageFiles/{package_id}"
        return Call("GET", path, returns=list[PackageFile])

    @endpoint
    def upload_zip(self, package_id: str, archive: bytes, *, clean: bool = False) -> Call[None]:
        """Add the files of a zip archive to a Draft; `clean` replaces all its files."""
        return _upload(package_id, archive, clean)

    @endpoint
    def upload_files(
        self, package_id: str, files: Mapping[str, bytes], *, clean: bool = False
    ) -> Call[None]:
        """Add files (relative path -> content) to a Draft, sent as one zip."""
        return _upload(package_id, zip_files(files), clean)

    @endpoint
    def download(self, package_id: str, path: str) -> Call[bytes]:
        """The content of the file at `path` in a package."""
        params = {"path": path}
        return Call("GET", f"/api/Software/Package/{package_id}/File", params=params, returns=bytes)

    @endpoint
    def set_file_attributes(self, file_id: str, attributes: str | None) -> Call[None]:
        body = {"attributes": attributes}
        return Call("POST", f"/api/Software/Package/FileAttribute/{file_id}", json=body)

    @endpoint
    def obsolete(
        self, installed: str | Sequence[str], *, revoked_only: bool = False
    ) -> Call[list[str]]:
        """Of the installed package ids, those to remove: revoked, and unless `revoked_only`
        also deleted or superseded by a newer released version."""
        params: Params = {
            "installedPackages": ",".join(items(installed)),
            "includeRevokedOnly": revoked_only,
        }
        path = "/api/internal/Software/GetRevokedPackages"
        return Call("GET", path, params=params, returns=list[str])

    @endpoint
    def station_plan(
        self, tag: str, value: str, installed: str | Sequence[str] = ()
    ) -> Call[StationPlan]:
        """What a station tagged `tag`=`value` should install (the newest released version of
        each package for it, highest priority first) and remove (revoked, deleted or
        superseded), given the package ids it has installed. A pyWATS server endpoint."""
        installed_ids = ",".join(items(installed))
        params: Params = {"tag": tag, "value": value, "installedPackages": installed_ids}
        return Call("GET", "/api/Software/StationPlan", params=params, returns=StationPlan)

    @endpoint
    def is_connected(self) -> Call[bool]:
        return Call("GET", f"{_INTERNAL}/isConnected", returns=bool)

    @endpoint
    def get_file(self, file_id: str) -> Call[PackageFile]:
        """One file's info (without its content); NotFoundError when unknown."""
        return Call("GET", f"{_INTERNAL}/File/{segment(file_id)}", returns=PackageFile)

    @endpoint
    def check_file(
        self, package_id: str, path: str, checksum: str | None = None
    ) -> Call[FileCheck]:
        """Whether the package has a file at `path` and whether `checksum` (SHA-1) is its."""
        params: Params = {"packageId": package_id, "filePath": path, "checksum": checksum}
        return Call("GET", f"{_INTERNAL}/CheckFile", params=params, returns=FileCheck)

    @endpoint
    def history(
        self,
        tags: Mapping[str, str | None],
        *,
        status: str | None = None,
        all_versions: bool = False,
    ) -> Call[list[Package]]:
        """Packages carrying every tag (a None value: any value), newest version of each name
        unless `all_versions`."""
        text = ",".join(key if value is None else f"{key}={value}" for key, value in tags.items())
        params: Params = {"tags": text, "status": status, "allVersions": all_versions}
        return Call("GET", f"{_INTERNAL}/GetPackageHistory", params=params, returns=list[Package])

    @endpoint
    def get_details(self, package_id: str) -> Call[PackageDetails]:
        params: Params = {"packageId": package_id}
        path = f"{_INTERNAL}/GetSoftwareEntityDetails"
        return Call("GET", path, params=params, returns=PackageDetails)

    @endpoint
    def delete_files(self, file_ids: Sequence[str]) -> Call[int]:
        """Remove files of Draft packages by id; how many. ConflictError outside a Draft."""
        params: Params = {"packageFolderFileIds": ",".join(file_ids)}
        path = f"{_INTERNAL}/DeletePackageFolderFiles"
        return Call("POST", path, params=params, returns=Removed)

    @endpoint
    def list_virtual_folders(self) -> Call[list[dict[str, Any]]]:
        """Virtual folders `{folderId, name, path, description}` (a pyWATS server has none)."""
        return Call("GET", "/api/Software/VirtualFolders", returns=list[dict[str, Any]])

    @endpoint
    def list_available(self, installed: Sequence[str] = ()) -> Call[list[Package]]:
        """The newest released version of each package, except the `installed` ids."""
        params: Params = {"installedPackages": ",".join(installed)}
        path = f"{_INTERNAL}/GetAvailablePackages"
        return Call("GET", path, params=params, returns=list[Package])

    @endpoint
    def log_download(self, package_id: str, size: int) -> Call[Download]:
        """Record that this client downloaded `size` bytes of the package."""
        params: Params = {"packageId": package_id, "downloadSize": size}
        return Call("GET", f"{_INTERNAL}/Log", params=params, returns=Download)

    @endpoint
    def list_downloads(self, client_id: str) -> Call[list[Download]]:
        """The downloads client `client_id` (a user name) logged, newest first."""
        params: Params = {"clientId": client_id}
        path = f"{_INTERNAL}/GetPackageDownloadHistory"
        return Call("GET", path, params=params, returns=list[Download])

    @endpoint
    def create_folder(
        self, package_id: str, name: str, parent_folder_id: str | None = None
    ) -> Call[PackageFolder]:
        """A folder in a Draft package, at its root or inside `parent_folder_id`."""
        body = {"name": name, "parentFolderId": parent_folder_id}
        path = f"{_INTERNAL}/PostPackageFolder"
        params: Params = {"packageId": package_id}
        return Call("POST", path, params=params, json=body, returns=PackageFolder)

    @endpoint
    def update_folder(self, folder_id: str, name: str) -> Call[PackageFolder]:
        """Rename a folder of a Draft package; its files and sub-folders move with it."""
        body = {"packageFolderId": folder_id, "name": name}
        return Call("POST", f"{_INTERNAL}/UpdatePackageFolder", json=body, returns=PackageFolder)

    @endpoint
    def delete_folder(self, folder_id: str) -> Call[int]:
        """Remove a folder of a Draft package with what it holds; how many files."""
        params: Params = {"packageFolderId": folder_id}
        path = f"{_INTERNAL}/DeletePackageFolder"
        return Call("POST", path, params=params, returns=Removed)
