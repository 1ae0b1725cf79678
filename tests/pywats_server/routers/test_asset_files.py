"""Asset files over HTTP as any client sends them: file names the SDK would pass through
unchecked, bodies past the size limit (declared and streamed), the download's headers, the
Referer rule, and the files going with their asset."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pywats_server.storage.asset_tables import asset_files

LIMIT = 1024 * 1024  # the in-process server's body limit (conftest `server_app`)
BLOB = "/api/internal/Blob/Asset"


async def _asset(api: httpx.AsyncClient) -> str:
    unique = uuid.uuid4().hex[:8]
    kind = await api.put("/api/Asset/Types", json={"typeName": f"Blob {unique}"})
    asset = await api.put(
        "/api/Asset", json={"serialNumber": f"B-{unique}", "typeId": kind.json()["typeId"]}
    )
    asset_id: str = asset.json()["assetId"]
    return asset_id


@pytest.mark.anyio
@pytest.mark.parametrize(
    "name", ["", ".", "..", "../x", "a/b", "a\\b", "nul\x00.txt", "tab\t.txt", "x" * 256]
)
async def test_path_like_or_overlong_file_names_are_refused(
    api: httpx.AsyncClient, name: str
) -> None:
    asset_id = await _asset(api)
    for response in (
        await api.post(BLOB, params={"assetId": asset_id, "filename": name}, content=b"x"),
        await api.get(BLOB, params={"assetId": asset_id, "filename": name}),
    ):
        assert response.status_code == 400, response.text
        assert response.json()["Message"].startswith("filename: expected a plain file name")
    listed = await api.get(f"{BLOB}/List/{asset_id}")
    assert listed.json() == []


@pytest.mark.anyio
async def test_a_name_of_255_characters_is_kept(api: httpx.AsyncClient) -> None:
    asset_id = await _asset(api)
    name = "n" * 251 + ".txt"
    stored = await api.post(BLOB, params={"assetId": asset_id, "filename": name}, content=b"x")
    assert stored.status_code == 200, stored.text
    assert (await api.get(f"{BLOB}/List/{asset_id}")).json() == [name]


@pytest.mark.anyio
async def test_bodies_over_the_limit_are_413_declared_or_streamed(api: httpx.AsyncClient) -> None:
    asset_id = await _asset(api)
    params = {"assetId": asset_id, "filename": "big.bin"}
    declared = await api.post(BLOB, params=params, content=bytes(LIMIT + 1))
    assert declared.status_code == 413
    assert "request body too large" in declared.json()["Message"]

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield bytes(LIMIT // 4)

    streamed = await api.post(BLOB, params=params, content=chunks())
    assert streamed.status_code == 413
    at_limit = await api.post(BLOB, params=params, content=bytes(LIMIT))
    assert at_limit.status_code == 200
    assert len((await api.get(BLOB, params=params)).content) == LIMIT


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("certificate.pdf", "application/pdf"),
        ("log ÆØÅ.txt", "text/plain"),
        ('say "hi".unknownext', "application/octet-stream"),
        ("README", "application/octet-stream"),
    ],
)
async def test_the_download_names_the_file_and_its_type(
    api: httpx.AsyncClient, name: str, content_type: str
) -> None:
    asset_id = await _asset(api)
    content = bytes(range(256))
    params = {"assetId": asset_id, "filename": name}
    assert (await api.post(BLOB, params=params, content=content)).status_code == 200
    response = await api.get(BLOB, params=params)
    assert response.content == content
    assert response.headers["Content-Type"] == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f"filename*=UTF-8''{quote(name, safe='')}")
    assert response.headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'


@pytest.mark.anyio
async def test_internal_blob_endpoints_judge_the_referer(api: httpx.AsyncClient) -> None:
    asset_id = await _asset(api)
    response = await api.get(f"{BLOB}/List/{asset_id}", headers={"Referer": "no-url"})
    assert response.status_code == 400
    assert "is not an absolute http(s) URL" in response.json()["Message"]
    assert (await api.get(f"{BLOB}/List/{asset_id}", headers={"Referer": ""})).status_code == 200


@pytest.mark.anyio
async def test_delete_needs_a_list_of_names(api: httpx.AsyncClient) -> None:
    asset_id = await _asset(api)
    response = await api.request(
        "DELETE", "/api/internal/Blob/Assets", params={"assetId": asset_id}, json="a.txt"
    )
    assert response.status_code == 400
    assert "body" in response.json()["Message"]


@pytest.mark.anyio
async def test_files_are_stored_with_size_and_digest_and_go_with_their_asset(
    api: httpx.AsyncClient, server_app: FastAPI
) -> None:
    asset_id = await _asset(api)
    for name, content in (("a.bin", b"\x00\xff" * 10), ("b.txt", b"hello")):
        params = {"assetId": asset_id, "filename": name}
        assert (await api.post(BLOB, params=params, content=content)).status_code == 200
    f = asset_files.c
    engine = server_app.state.context.database.engine
    query = select(f.file_name, f.size, f.sha256).where(f.asset_id == asset_id)
    with engine.connect() as connection:
        rows = sorted(tuple(row) for row in connection.execute(query))
    assert rows == [
        ("a.bin", 20, hashlib.sha256(b"\x00\xff" * 10).hexdigest()),
        ("b.txt", 5, hashlib.sha256(b"hello").hexdigest()),
    ]

    deleted = await api.delete("/api/Asset", params={"id": asset_id})
    assert deleted.status_code == 200, deleted.text
    with engine.connect() as connection:
        assert connection.execute(query).all() == []
    gone = await api.get(f"{BLOB}/List/{asset_id}")
    assert gone.status_code == 404
    assert gone.json()["Message"] == f"assetId: asset {asset_id!r} not found"
