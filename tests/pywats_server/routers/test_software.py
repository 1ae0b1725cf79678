"""Software packages on the wire: the stores answer records, the answers keep WATS's names."""

from __future__ import annotations

import io
import uuid
import zipfile

import httpx
import pytest

pytestmark = pytest.mark.anyio

_PACKAGE_KEYS = [
    "packageId", "name", "version", "status", "description", "installOnRoot", "rootDirectory",
    "priority", "createdUtc", "modifiedUtc", "createdBy", "modifiedBy", "tags",
]  # fmt: skip


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


async def test_package_answers_and_an_update_that_keeps_what_it_leaves_out(
    api: httpx.AsyncClient,
) -> None:
    name = f"tool-{uuid.uuid4().hex[:8]}"
    created = await api.post(
        "/api/Software/Package",
        json={"name": name, "priority": 3, "tags": [{"key": "line", "value": "A"}]},
    )
    assert created.status_code == 200, created.text
    package = created.json()
    assert list(package) == [*_PACKAGE_KEYS, "files"]
    package_id = package["packageId"]
    uploaded = await api.post(
        f"/api/Software/Package/UploadZip/{package_id}",
        content=_zip({"bin/a.exe": b"12345", "b.cfg": b"x"}),
        headers={"Content-Type": "application/zip"},
    )
    assert uploaded.status_code < 300, uploaded.text
    details = (
        await api.get(
            "/api/internal/Software/GetSoftwareEntityDetails", params={"packageId": package_id}
        )
    ).json()
    assert (details["fileCount"], details["totalSize"]) == (2, 6)
    assert list(details["files"][0]) == ["fileId", "filename", "path", "size", "checksum",
                                         "attributes", "createdUtc", "modifiedUtc"]  # fmt: skip
    changed = await api.put(
        f"/api/Software/Package/{package_id}",
        json={"description": "new", "tags": [{"key": "line", "change": 3}]},
    )
    after = changed.json()
    assert (after["description"], after["priority"], after["tags"]) == ("new", 3, [])
    refused = await api.put(f"/api/Software/Package/{package_id}", json={"priority": None})
    assert refused.status_code == 400
    check = await api.get(
        "/api/internal/Software/CheckFile",
        params={"packageId": package_id, "filePath": "bin/a.exe", "checksum": "nope"},
    )
    assert list(check.json()) == ["packageId", "path", "exists", "fileId", "checksum",
                                  "isCurrent"]  # fmt: skip
    assert (check.json()["exists"], check.json()["isCurrent"]) == (True, False)
