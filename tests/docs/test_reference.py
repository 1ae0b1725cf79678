"""The API reference shows every public name: mkdocstrings renders what griffe finds statically
in the sources, so a name in `__all__` that griffe cannot see (say, exported lazily without the
`TYPE_CHECKING` import beside it) would be missing from the site without a warning."""

from __future__ import annotations

import importlib
from pathlib import Path

import griffe
import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "pywats": "reference/pywats.md",
    "pywats.report": "reference/report.md",
    "pywats_client": "reference/client.md",
    "pywats_client.converters": "reference/converters.md",
    "pywats_server": "reference/server.md",
    "pywats_server.testing": "reference/server.md",
}


@pytest.mark.parametrize("module", sorted(PAGES))
def test_reference_page_renders_every_public_name(module: str) -> None:
    page = (ROOT / "docs" / PAGES[module]).read_text(encoding="utf-8")
    assert f"::: {module}\n" in page, f"docs/{PAGES[module]} does not render {module}"
    found = griffe.load(module, search_paths=[ROOT / "src"], resolve_aliases=False)
    public = importlib.import_module(module).__all__
    missing = [name for name in public if name != "__version__" and name not in found.members]
    assert not missing, f"{module}: public names the reference cannot see: {missing}"
