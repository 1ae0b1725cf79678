"""docs/endpoints.md is the table of every endpoint rest-api.md lists, served or not, made from
the server's own routes: this test regenerates it and fails when the committed copy differs.

Rewrite it with `UPDATE_ENDPOINT_TABLE=1 .venv/bin/python -m pytest
tests/pywats_server/test_endpoint_coverage.py -q`.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from tests.conftest import REPO

SPEC_LIST = REPO / "tests" / "data" / "spec" / "rest-api-endpoints.txt"
TABLE = REPO / "docs" / "endpoints.md"
_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"}
_HEADER = """# Endpoint coverage

Every endpoint the WATS REST API specification (`rest-api.md`) lists, and whether this server
serves it. Generated from the server's routes by `tests/pywats_server/test_endpoint_coverage.py`,
which fails when this file is stale; rewrite it with

    UPDATE_ENDPOINT_TABLE=1 .venv/bin/python -m pytest \\
        tests/pywats_server/test_endpoint_coverage.py -q

The spec's list is kept in `tests/data/spec/rest-api-endpoints.txt`. A path matches a route when
each segment is equal ignoring case (paths are case-insensitive, as on WATS) or the route
captures it (`{...}`); a route with a capture never stands in for a literal spec segment.
"""


def _segments(template: str) -> list[str]:
    return template.strip("/").lower().split("/")


def serves(route_template: str, spec_template: str) -> bool:
    """Whether a route with `route_template` answers the spec path `spec_template`."""
    route, spec = _segments(route_template), _segments(spec_template)
    if len(route) != len(spec):
        return False
    for ours, theirs in zip(route, spec, strict=True):
        if ours.startswith("{"):
            if "{" not in theirs:  # a capture is no answer to a literal the spec names
                return False
        elif ours != theirs:
            return False
    return True


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, template) of every API route, read from the OpenAPI document as the app's
    path matching reads it (routers are mounted, so `app.routes` does not list them)."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
        if method.upper() in _METHODS
    )


def render(app: FastAPI) -> str:
    """The coverage table for `app`'s routes against the spec's endpoint list."""
    routes = _routes(app)
    rows: list[str] = []
    matched: set[tuple[str, str]] = set()
    served_count = total = 0
    for line in SPEC_LIST.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        method, path, section = line.split()
        hits = [r for r in routes if r[0] == method and serves(r[1], path)]
        matched.update(hits)
        total += 1
        served_count += bool(hits)
        route = f"`{hits[0][1]}`" if hits else ""
        rows.append(
            f"| {section} | {method} | `{path}` | {'yes' if hits else '**no**'} | {route} |"
        )
    extra = [f"| {method} | `{path}` |" for method, path in routes if (method, path) not in matched]
    return "\n".join(
        [
            _HEADER,
            f"Served: {served_count} of {total}.",
            "",
            "| Spec | Method | Path | Served | Route |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "## Served beyond the spec",
            "",
            "pyWATS extensions and routes client libraries call that the spec does not list.",
            "",
            "| Method | Route |",
            "|---|---|",
            *extra,
            "",
        ]
    )


def test_serves_matches_captures_but_not_literals() -> None:
    assert serves("/api/Product/{partNumber}", "/api/Product/{partNumber}")
    assert serves("/api/report/wsjf/{id}", "/api/Report/Wsjf/{id}")
    assert serves("/api/SCIM/v2/Users/{id}", "/api/SCIM/v2/Users/userName={userName}")
    assert not serves("/api/Product/{partNumber}", "/api/Product/BOM")
    assert not serves("/api/Product", "/api/Product/Query")


def test_endpoint_table_is_current(server_app: FastAPI) -> None:
    fresh = render(server_app)
    if os.environ.get("UPDATE_ENDPOINT_TABLE"):
        TABLE.write_text(fresh, encoding="utf-8")
    current = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
    assert current == fresh, (
        "docs/endpoints.md is stale: rerun this test with UPDATE_ENDPOINT_TABLE=1 to rewrite it"
    )


def test_spec_list_is_the_specs_size() -> None:
    """The copied list keeps every row of the spec's tables (207 when it was copied)."""
    rows = [line for line in SPEC_LIST.read_text().splitlines() if line and line[0] != "#"]
    assert len(rows) == 207
    assert len(set(rows)) == len(rows)
