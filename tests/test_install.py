"""Installing and starting: the console scripts without their extra, `--version`, `python -m`,
and what `import pywats` costs in modules."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import pywats
from pywats._extras import EXTRA_MODULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# Stands in for `pip uninstall`: a module mapped to None in sys.modules is one Python cannot find
# (importlib.util.find_spec answers None, `import` raises ModuleNotFoundError), exactly as when
# the package is absent. Building a venv with only the core dependencies takes about a minute on
# this machine, so the default run hides the packages this way, in a fresh interpreter that then
# runs the real installed console script.
HIDE_AND_RUN = """
import runpy, sys
for name in sys.argv[2].split(","):
    sys.modules[name] = None
script = sys.argv[1]
sys.argv = [script, *sys.argv[3:]]
runpy.run_path(script, run_name="__main__")
"""


def _script(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed beside {sys.executable}"
    return str(path)


def _run_without(
    hidden: tuple[str, ...], script: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE_AND_RUN, _script(script), ",".join(hidden), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("script", "hidden", "args", "extra"),
    [
        ("pywats-server", ("fastapi", "sqlalchemy"), ["--help"], "server"),
        ("pywats-server", ("typer",), ["init"], "server"),
        (
            "pywats-server",
            ("psycopg",),
            ["users", "list", "--db", "postgresql://pywats:pw@127.0.0.1:1/none"],
            "postgres",
        ),
        ("pywats-client", ("watchdog",), ["status"], "client"),
        ("pywats-client", ("typer", "rich"), ["--help"], "client"),
        ("pywats-configurator", ("PySide6",), [], "gui"),
        ("pywats-mcp", ("mcp",), [], "mcp"),
    ],
    ids=["server", "server-typer", "postgres-url", "client", "client-typer", "configurator", "mcp"],
)
def test_a_command_without_its_extra_says_which_to_install(
    script: str, hidden: tuple[str, ...], args: list[str], extra: str
) -> None:
    result = _run_without(hidden, script, *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].endswith(f"pip install 'pywats[{extra}]'")
    assert hidden[0] in lines[0]
    assert "pw@" not in lines[0]  # a password in the URL is masked


@pytest.mark.slow
def test_in_a_venv_with_only_the_core_dependencies(tmp_path: Path) -> None:
    """The same, for real: the built wheel installed with anyio, httpx and pydantic only."""
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    target = [*pip, "--python", str(python), "install", "--quiet"]
    subprocess.run([*target, "--no-deps", str(wheel)], check=True, timeout=900)
    subprocess.run([*target, "anyio", "httpx", "pydantic"], check=True, timeout=900)
    scripts = python.parent
    for argv, extra in (
        ([scripts / "pywats-server", "--help"], "server"),
        ([scripts / "pywats-client", "status"], "client"),
        ([scripts / "pywats-configurator"], "gui"),
        ([scripts / "pywats-mcp"], "mcp"),
        ([python, "-m", "pywats_server", "users", "list"], "server"),
    ):
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert result.stderr.endswith(f"pip install 'pywats[{extra}]'\n")
        assert len(result.stderr.splitlines()) == 1
    sdk = subprocess.run([python, "-c", "import pywats; print(pywats.WATS.__name__)"], timeout=120)
    assert sdk.returncode == 0


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(extras: dict[str, list[str]], extra: str) -> set[str]:
    """Distribution names `pip install 'pywats[extra]'` brings, nested extras resolved."""
    names: set[str] = set()
    for text in extras[extra]:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        if requirement.name == "pywats":
            for nested in requirement.extras:
                names |= _requirements(extras, nested)
        else:
            names.add(_normalise(requirement.name))
    return names


@pytest.mark.parametrize("extra", sorted(EXTRA_MODULES))
def test_the_guard_checks_what_pyproject_installs(extra: str) -> None:
    """The guard's import names are the extra's distributions, no more and no fewer."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]
    owners = importlib.metadata.packages_distributions()
    provided = {_normalise(d) for module in EXTRA_MODULES[extra] for d in owners.get(module, [])}
    assert provided == _requirements(extras, extra)


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        ([_script("pywats-server")], "pywats-server"),
        ([_script("pywats-client")], "pywats-client"),
        ([_script("pywats-configurator")], "pywats-configurator"),
        ([_script("pywats-mcp")], "pywats-mcp"),
        ([sys.executable, "-m", "pywats_server"], "pywats-server"),
        ([sys.executable, "-m", "pywats_client"], "pywats-client"),
        ([sys.executable, "-m", "pywats_ui"], "pywats-configurator"),
        ([sys.executable, "-m", "pywats_mcp"], "pywats-mcp"),
    ],
    ids=["server", "client", "configurator", "mcp", "m-server", "m-client", "m-ui", "m-mcp"],
)
def test_version(argv: list[str], name: str) -> None:
    result = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{name} {pywats.__version__}\n"
    assert pywats.__version__ == importlib.metadata.version("pywats")


@pytest.mark.parametrize(
    ("module", "usage"),
    [
        ("pywats_server", "Usage: pywats-server"),
        ("pywats_client", "Usage: pywats-client"),
        ("pywats_ui", "usage: pywats-configurator"),
        ("pywats_mcp", "usage: pywats-mcp"),
    ],
)
def test_python_m_runs_the_command(module: str, usage: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(usage)


def test_importing_the_sdk_loads_no_client_server_or_http_stack() -> None:
    code = (
        "import sys, pywats, pywats.report\n"
        "heavy = ['pywats_server', 'pywats_client', 'pywats_ui', 'fastapi', 'sqlalchemy',"
        " 'uvicorn', 'httpx', 'typer', 'PySide6', 'pywats._client']\n"
        "print(','.join(name for name in heavy if name in sys.modules))\n"
        "pywats.WATS\n"
        "print('pywats._client' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["", "True"]


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["pywats_server", "--help"], ["sqlalchemy", "fastapi", "uvicorn", "alembic"]),
        (["pywats_ui", "--help"], ["PySide6"]),
    ],
)
def test_help_imports_nothing_it_does_not_show(argv: list[str], absent: list[str]) -> None:
    code = (
        "import runpy, sys\n"
        f"sys.argv = {argv!r}\n"
        "try:\n"
        f"    runpy.run_module({argv[0]!r}, run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(n for n in {absent!r} if n in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stderr.splitlines()[-1] == "", result.stderr
