"""What the sdist and the wheel carry: the licence, `py.typed` in every package, and a long
description whose images and links work on a package index page (no repository-relative paths).

Building both takes over a minute on this machine (two isolated build environments), so that
test is `slow`; the quick checks read the same facts from pyproject.toml and the tree.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pywats", "pywats_client", "pywats_mcp", "pywats_server", "pywats_ui")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
# A Markdown image or link whose target is not an absolute http(s) URL.
RELATIVE_LINK = re.compile(r"\]\((?!https?://)[^)]+\)")


def _long_description() -> str:
    """The README as the build's readme hook rewrites it (its configured substitutions)."""
    hook = PYPROJECT["tool"]["hatch"]["metadata"]["hooks"]["fancy-pypi-readme"]
    text = "".join((ROOT / part["path"]).read_text("utf-8") for part in hook["fragments"])
    for substitution in hook["substitutions"]:
        text = re.sub(substitution["pattern"], substitution["replacement"], text)
    return text


def test_every_package_is_typed_and_shipped() -> None:
    shipped = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert sorted(Path(p).name for p in shipped) == sorted(PACKAGES)
    assert sorted(p.name for p in (ROOT / "src").iterdir() if p.is_dir()) == sorted(PACKAGES)
    for package in PACKAGES:
        assert (ROOT / "src" / package / "py.typed").is_file(), package


def test_licence_is_declared_and_present() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "pyWATS" in text


def test_long_description_has_no_repository_relative_links() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert RELATIVE_LINK.search(readme), "the README has repository images; this test is moot"
    description = _long_description()
    assert not RELATIVE_LINK.findall(description)
    assert "`docs/screenshots/status.png` in the source repository" in description


@pytest.mark.slow
def test_built_sdist_and_wheel_carry_licence_types_and_a_clean_description(
    tmp_path: Path,
) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    (wheel,) = tmp_path.glob("*.whl")
    (sdist,) = tmp_path.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
    assert f"{info}/licenses/LICENSE" in names
    assert {f"{p}/py.typed" for p in PACKAGES} <= names
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("Project-URL")
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert not RELATIVE_LINK.findall(metadata.get_payload())
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "LICENSE" in members
    assert {f"src/{p}/py.typed" for p in PACKAGES} <= members
