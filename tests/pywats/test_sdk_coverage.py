"""Every route the server serves has an SDK method: the paths the SDK's services call (string
and f-string literals under `/api/`, module constants resolved) cover every route template.

Read from the source rather than by calling each method: a method's arguments cannot be made
up generically. A `{...}` placeholder on the SDK side stands for any one segment; the method
(GET, PUT, ...) is not compared.
"""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi import FastAPI
from tests.conftest import REPO

SDK = REPO / "src" / "pywats"


def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif (
                isinstance(value, ast.FormattedValue)
                and isinstance(value.value, ast.Name)
                and value.value.id in constants
            ):
                parts.append(constants[value.value.id])
            else:
                parts.append("{}")
        return "".join(parts)
    return None


def sdk_paths(folder: Path = SDK) -> set[str]:
    """Every `/api/...` path template the SDK's modules spell."""
    found: set[str] = set()
    for module in folder.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.expr):
                text = _text(node, constants)
                if text is not None and text.startswith("/api/"):
                    found.add(text.split("?")[0])
    return found


def _covers(sdk: str, route: str) -> bool:
    ours, theirs = sdk.strip("/").lower().split("/"), route.strip("/").lower().split("/")
    if len(ours) != len(theirs):
        return False
    return all(
        a == "{}" or a == b or (b.startswith("{") and "{" in a)
        for a, b in zip(ours, theirs, strict=True)
    )


def test_the_reader_resolves_constants_and_placeholders(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text('_ROOT = "/api/x"\ndef f(i):\n    return f"{_ROOT}/Y/{i}"\n')
    assert sdk_paths(tmp_path) == {"/api/x", "/api/x/Y/{}"}
    assert _covers("/api/x/Y/{}", "/api/X/y/{id}")
    assert not _covers("/api/x/Y", "/api/x/Y/{id}")


def test_every_served_route_has_an_sdk_method(server_app: FastAPI) -> None:
    paths = sdk_paths()
    routes = [p for p in server_app.openapi()["paths"] if p.startswith("/api/")]
    missing = sorted(route for route in routes if not any(_covers(p, route) for p in paths))
    assert missing == []
