"""The API reference shows every public name, and the code its module docstrings show runs.

mkdocstrings renders what griffe finds statically in the sources, so a name in `__all__` that
griffe cannot see (say, exported lazily without the `TYPE_CHECKING` import beside it) would be
missing from the site without a warning."""

from __future__ import annotations

import importlib
import subprocess
import sys
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


def indented_blocks(text: str) -> list[str]:
    """The Markdown code blocks of a docstring: runs of lines indented by four or more spaces
    after a blank line, dedented."""
    blocks: list[list[str]] = []
    previous_blank, inside = True, False
    for line in text.splitlines():
        blank = not line.strip()
        if not inside and previous_blank and line.startswith("    ") and not blank:
            blocks.append([])
            inside = True
        elif inside and not blank and not line.startswith("    "):
            inside = False
        if inside:
            blocks[-1].append(line[4:])
        previous_blank = blank
    return ["\n".join(lines).strip() + "\n" for lines in blocks]


DOCSTRING_EXAMPLES = [
    (module, number, code)
    for module in sorted(PAGES)
    for number, code in enumerate(
        indented_blocks(importlib.import_module(module).__doc__ or ""), start=1
    )
]


def test_docstring_examples_are_found() -> None:
    assert {module for module, _, _ in DOCSTRING_EXAMPLES} >= {"pywats.report", "pywats_server"}


@pytest.mark.parametrize(
    ("module", "number", "code"),
    DOCSTRING_EXAMPLES,
    ids=[f"{module}-{number}" for module, number, _ in DOCSTRING_EXAMPLES],
)
def test_module_docstring_examples_run(module: str, number: int, code: str, tmp_path: Path) -> None:
    """The reference shows each module's docstring; the code in it runs, in a folder of its own
    (and a process of its own: it may leave a database open, as a short script does)."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{module} docstring, example {number}:\n{done.stderr}"
