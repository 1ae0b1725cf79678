"""Installing converter plug-ins as a site would: `pip install` of real packages, offline.

The example plug-in (`examples/converter_plugin`) and a broken one (its import needs a vendor
module that is not installed) are built by pip with the build backend this environment has
(`--no-build-isolation`, hatchling from the dev extra) and no index (`--no-index`), from copies
in a temporary folder so nothing is written into the checkout.
"""

from __future__ import annotations

import shutil
import site
import subprocess
from pathlib import Path

__all__ = [
    "BROKEN_DISTRIBUTION",
    "EXAMPLE",
    "EXAMPLE_DISTRIBUTION",
    "copy_packages",
    "parent_site_packages",
    "pip_install",
]

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "converter_plugin"
EXAMPLE_DISTRIBUTION = "nordlys-ft200-converter 1.0.0"
BROKEN_DISTRIBUTION = "nordlys-legacy 0.9"

_BROKEN_PYPROJECT = """
[build-system]
requires = ["hatchling>=1.27"]
build-backend = "hatchling.build"

[project]
name = "nordlys-legacy"
version = "0.9"

[project.entry-points."pywats.converters"]
legacy = "nordlys_legacy:LegacyConverter"

[tool.hatch.build.targets.wheel]
packages = ["nordlys_legacy"]
"""

_BROKEN_MODULE = """
import nordlys_vendor_sdk  # the tester vendor's library, not installed on this station

from pywats_client.converters import Converter


class LegacyConverter(Converter):
    name = "legacy"

    def convert(self, source):
        return nordlys_vendor_sdk.read(source.data)
"""


def copy_packages(folder: Path) -> tuple[Path, Path]:
    """Source trees of the example plug-in and of the broken one, in `folder`."""
    example = folder / "converter_plugin"
    shutil.copytree(EXAMPLE, example)
    broken = folder / "nordlys_legacy_package"
    (broken / "nordlys_legacy").mkdir(parents=True)
    (broken / "pyproject.toml").write_text(_BROKEN_PYPROJECT)
    (broken / "nordlys_legacy" / "__init__.py").write_text(_BROKEN_MODULE)
    return example, broken


def pip_install(python: Path | str, *packages: Path, target: Path | None = None) -> None:
    """`python -m pip install` the source trees `packages`, offline and without their
    dependencies (pywats is there already); into `target` when given."""
    where = ["--target", str(target)] if target is not None else []
    result = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--no-cache-dir",
            *where,
            *map(str, packages),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"pip install failed:\n{result.stdout}\n{result.stderr}"


def parent_site_packages() -> list[str]:
    """The site-packages folders of this interpreter (where pywats and its dependencies are)."""
    return [path for path in site.getsitepackages() if Path(path).is_dir()]
