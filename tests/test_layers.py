"""The import layering from DESIGN.md: SDK <- client <- GUI, SDK <- server."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# package -> the first-party packages it must never import
FORBIDDEN = {
    "pywats": {"pywats_client", "pywats_server", "pywats_ui"},
    "pywats_client": {"pywats_server", "pywats_ui"},
    "pywats_server": {"pywats_client", "pywats_ui"},
    "pywats_ui": {"pywats_server"},
    "pywats_mcp": {"pywats_client", "pywats_server", "pywats_ui"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package: str) -> None:
    root = SRC / package
    assert root.is_dir(), f"{root} is gone: the layer rule would check nothing"
    offenders = {
        f"{path.relative_to(SRC)} imports {name}"
        for path in root.rglob("*.py")
        for name in _imported_roots(path) & FORBIDDEN[package]
    }
    assert not offenders, sorted(offenders)
