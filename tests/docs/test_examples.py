"""Every ```python block of the documentation site runs against a real local server.

The blocks of one page run in order in one namespace, as a reader would paste them into one
session, with `WATS_BASE_URL` and `WATS_AUTH_TOKEN` naming a `pywats-server` subprocess (so
`WATS()` connects to it) and an empty working folder. A block that raises fails the test naming
the page, the block's number and its first line in the page.

A block whose fence reads ```` ```python {.no-run} ```` is shown but not run: the few that need
hardware, a test framework's own runner, or a name the page leaves to the reader. Every other
language (sh, json, ...) is not Python and is not run either; but every station configuration
(a ```toml block with `schema_version` or `[[converters]]`) must load, converter parameters
included, unless its fence is marked `{.no-run}` too (a plug-in's converter that is not
installed here).
"""

from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
NO_RUN = ".no-run"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Block:
    page: str
    number: int  # 1-based among the page's fenced blocks
    line: int  # 1-based line of the opening fence
    info: str
    code: str

    @property
    def language(self) -> str:
        return self.info.split("{", 1)[0].strip().split(" ", 1)[0]

    @property
    def runs(self) -> bool:
        return self.language == "python" and NO_RUN not in self.info

    @property
    def where(self) -> str:
        return f"docs/{self.page}, block {self.number} (line {self.line})"


def fenced_blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, with their info strings, dedented."""
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    name = page.relative_to(DOCS).as_posix()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        if end == len(lines):
            raise AssertionError(f"docs/{name}: the fence at line {index + 1} is never closed")
        info = opening["info"].strip()
        blocks.append(Block(name, len(blocks) + 1, index + 1, info, "\n".join(body) + "\n"))
        index = end + 1
    return blocks


PAGES = sorted(DOCS.rglob("*.md"))
RUNNABLE = {
    page.relative_to(DOCS).as_posix(): [b for b in fenced_blocks(page) if b.runs] for page in PAGES
}


def test_pages_are_found() -> None:
    assert "index.md" in RUNNABLE
    assert "getting-started.md" in RUNNABLE


def test_python_blocks_that_do_not_run_are_few() -> None:
    skipped = [b.where for page in PAGES for b in fenced_blocks(page) if NO_RUN in b.info]
    assert len(skipped) <= 6, f"more examples excluded than deliberate: {skipped}"
    misspelled = [
        b.where
        for page in PAGES
        for b in fenced_blocks(page)
        if b.language in {"py", "python3", "Python"}
        or ("no-run" in b.info and NO_RUN not in b.info)
    ]
    assert not misspelled, f"a Python block with a fence this test does not recognise: {misspelled}"


# The examples show the API, which is the same on both databases: SQLite is enough here.
@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("page", [name for name, blocks in RUNNABLE.items() if blocks])
def test_page_examples_run(
    page: str,
    live_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WATS_BASE_URL", live_server.base_url)
    monkeypatch.setenv("WATS_AUTH_TOKEN", live_server.token)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": f"docs.{page}"}
    failure = ""
    try:
        for block in RUNNABLE[page]:
            try:
                exec(compile(block.code, block.where, "exec"), namespace)
            except BaseException as exc:  # SystemExit too: a block must not end the session
                shown = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                failure = f"{block.where} raised:\n{shown}"
                break
    finally:
        for value in list(namespace.values()):  # clients a page opened without `with`
            close = getattr(value, "close", None)
            if callable(close) and type(value).__module__.startswith("pywats"):
                close()
    if failure:
        pytest.fail(failure, pytrace=False)
    assert os.getcwd() == str(tmp_path), f"docs/{page} changed the working folder"


# A `[[converters]]` snippet is checked as the converter list of a minimal station configuration.
MINIMAL_CONFIG = 'schema_version = 1\n[server]\nurl = "http://127.0.0.1:8080"\n'
CONFIGS = [
    block
    for page in PAGES
    for block in fenced_blocks(page)
    if block.language == "toml"
    and NO_RUN not in block.info
    and ("schema_version" in block.code or "[[converters]]" in block.code)
]


def test_station_configurations_are_found() -> None:
    assert any(block.page == "station/setup.md" for block in CONFIGS)


@pytest.mark.parametrize("block", CONFIGS, ids=lambda block: f"{block.page}:{block.line}")
def test_station_configuration_examples_are_valid(block: Block) -> None:
    """Every station configuration on the site loads, converter parameters included."""
    from pywats_client import ConfigError, parse_config

    text = block.code if "schema_version" in block.code else MINIMAL_CONFIG + block.code
    try:
        parse_config(text, origin=block.where)
    except ConfigError as error:
        pytest.fail(str(error), pytrace=False)
