"""The OpenAPI document describes every answer: a typed success schema on every operation,
400 (never FastAPI's 422) for bad input, and each error status the server really gives."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """A server over a database of its own (the sweep below must not touch the shared one),
    with an administrator `admin` and a user `plain`."""
    from pywats_server import Settings, create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'wats.db'}"
    app = create_app(Settings(database_url=url))
    users = app.state.context.users
    users.create_user("admin", is_admin=True)
    users.create_user("plain", is_admin=False)
    yield app
    app.state.context.database.dispose()


@pytest.fixture(scope="module")
def document(own_app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document (the same over either database)."""
    return own_app.openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _untyped(
    schema: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()
) -> str | None:
    """Where `schema` says nothing of a value (`{}`, an object of anything); None when typed."""
    if not isinstance(schema, dict) or not schema:
        return "an empty schema"
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return None if name in seen else _untyped(schemas[name], schemas, seen | {name})
    for combined in ("anyOf", "oneOf", "allOf"):
        for index, part in enumerate(schema.get(combined, ())):
            if (where := _untyped(part, schemas, seen)) is not None:
                return f"{combined}[{index}]: {where}"
        if combined in schema:
            return None
    if schema.get("type") == "array":
        where = _untyped(schema.get("items"), schemas, seen)
        return None if where is None else f"items: {where}"
    if schema.get("type") == "object" or "properties" in schema:
        for name, value in schema.get("properties", {}).items():
            if (where := _untyped(value, schemas, seen)) is not None:
                return f"{name}: {where}"
        extra = schema.get("additionalProperties")
        if not schema.get("properties") and not isinstance(extra, dict):
            return "an object of any keys"
        if isinstance(extra, dict):
            return _untyped(extra, schemas, seen)
        return None
    if "type" in schema or "const" in schema or "enum" in schema:
        return None
    return f"no type in {schema}"


def _success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    codes = sorted(code for code in operation["responses"] if code.startswith("2"))
    assert codes, "no success response"
    return codes[0], operation["responses"][codes[0]]


def test_every_operation_documents_a_typed_success_answer(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    problems = []
    for method, path, operation in _operations(document):
        code, response = _success(operation)
        content = response.get("content")
        if code == "204" and not content:
            continue
        if not content:
            problems.append(f"{method} {path}: {code} has no content")
            continue
        for media, body in content.items():
            where = _untyped(body.get("schema"), schemas)
            if where is not None:
                problems.append(f"{method} {path}: {code} {media}: {where}")
    assert problems == []


def test_bad_input_is_documented_as_400_and_never_422(document: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "422" not in responses, f"{method} {path}"
        if operation.get("parameters") or operation.get("requestBody"):
            assert responses["400"]["content"]["application/json"]["schema"] == error, path
        assert "401" in responses, f"{method} {path}: every path needs credentials"
        if operation.get("requestBody"):
            assert "413" in responses, f"{method} {path}: bodies are bounded"


def test_statuses_come_from_what_the_route_can_raise(document: dict[str, Any]) -> None:
    """Spot checks of the derivation: a store's NotFound and Conflict, a router's 405, the
    administrator check, and no 409 on a read."""
    operations = {(m, p): op["responses"] for m, p, op in _operations(document)}
    assert "404" in operations["GET", "/api/internal/Process/GetProcess/{processId}"]
    assert "409" in operations["PUT", "/api/Product/Group"]
    assert "405" in operations["GET", "/api/Product/{partNumber}"]
    assert "403" in operations["PUT", "/api/internal/Process/PutProcess"]
    assert "403" not in operations["GET", "/api/internal/Process/GetProcesses"]
    assert "409" not in operations["GET", "/api/App/Processes"]


# Real error answers of the server: each status must be listed for its operation.
_ERROR_CASES = [
    ("PUT", "/api/internal/Process/PutProcess", "/api/internal/Process/PutProcess", {"Code": -1}),
    (
        "GET",
        "/api/internal/Process/GetProcess/{processId}",
        "/api/internal/Process/GetProcess/nope",
        None,
    ),
    ("GET", "/api/Product/{partNumber}", "/api/Product/NO-SUCH-PART", None),
    ("GET", "/api/Product/{partNumber}", "/api/Product/BOM", None),
    ("GET", "/api/Asset/{assetIdOrSerialNumber}", "/api/Asset/no-such-asset", None),
    ("PUT", "/api/Product", "/api/Product", {"partNumber": ""}),
    (
        "PUT",
        "/api/Product/Group",
        "/api/Product/Group",
        {"productGroupName": "openapi-b", "productGroupId": 1},
    ),
    ("GET", "/api/App/Processes", "/api/App/Processes?$top=1", None),
    ("GET", "/api/Software/Package/{packageId}", "/api/Software/Package/x?$filter=1", None),
    ("DELETE", "/api/Asset", "/api/Asset?id=no-such-asset", None),
]


async def test_real_error_answers_are_documented(
    api: httpx.AsyncClient, server_app: FastAPI
) -> None:
    operations = {(m, p): op["responses"] for m, p, op in _operations(server_app.openapi())}
    # Two groups, so renaming the first to the second's name is a conflict.
    first = (await api.put("/api/Product/Group", json={"productGroupName": "openapi-a"})).json()
    await api.put("/api/Product/Group", json={"productGroupName": "openapi-b"})
    seen = set()
    for method, template, url, body in _ERROR_CASES:
        if template == "/api/Product/Group":
            body = {**(body or {}), "productGroupId": first["productGroupId"]}
        answer = await api.request(method, url, json=body)
        assert 400 <= answer.status_code < 500, (url, answer.status_code, answer.text)
        assert str(answer.status_code) in operations[method, template], (url, answer.status_code)
        assert answer.json()["Message"]
        seen.add(answer.status_code)
    assert {400, 404, 405, 409} <= seen
    refused = await api.get("/api/App/Processes", headers={"Authorization": ""})
    assert str(refused.status_code) in operations["GET", "/api/App/Processes"]


async def test_every_operation_answers_a_documented_status_for_unknown_things(
    own_app: FastAPI, document: dict[str, Any]
) -> None:
    """Every operation, asked by an administrator and by a plain user about ids and names that
    do not exist with an empty JSON object as body, answers a status its document lists."""
    users = own_app.state.context.users
    tokens = [users.issue_token("admin", "openapi-a"), users.issue_token("plain", "openapi-p")]
    undocumented = []
    transport = httpx.ASGITransport(app=own_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://wats.test") as client:
        for method, path, operation in _operations(document):
            url = re.sub(r"\{[^}]+\}", "no-such-thing", path)
            required = [p for p in operation.get("parameters", ()) if p.get("required")]
            params = {p["name"]: "no-such-thing" for p in required if p["in"] == "query"}
            for token in tokens:
                headers = {"Authorization": f"Basic {token}", "Referer": "http://wats.test"}
                answer = await client.request(method, url, params=params, json={}, headers=headers)
                if str(answer.status_code) not in operation["responses"]:
                    undocumented.append(f"{method} {path}: {answer.status_code} {answer.text}")
    assert undocumented == []
