"""The optional extras of the `pywats` distribution and the one-line exit when one is missing.

The station service, the configurator and the server each need an extra (`pip install
'pywats[server]'`, ...). Their console scripts call `require_extra` before importing anything
from it, so a missing extra ends with one line naming it instead of a traceback.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import NoReturn

__all__ = ["EXTRA_MODULES", "MissingExtraError", "exit_missing", "missing_extra", "require_extra"]

_CLIENT = ("typer", "rich", "tomli_w", "watchdog", "starlette", "uvicorn")

#: Top-level import names each extra provides (kept equal to pyproject.toml by a test).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "client": _CLIENT + (("tomli",) if sys.version_info < (3, 11) else ()),
    "server": (
        *("typer", "fastapi", "uvicorn", "httptools", "sqlalchemy", "alembic", "jinja2", "orjson"),
        *(("uvloop",) if sys.platform != "win32" else ()),
    ),
    "postgres": ("psycopg",),
    "gui": (*_CLIENT, "PySide6"),
    "mcp": ("mcp",),
    "pytest": (*_CLIENT, "pytest"),
}


class MissingExtraError(ImportError):
    """An optional extra is not installed; the message names it and the command that installs it."""


def missing_extra(extra: str, purpose: str) -> MissingExtraError | None:
    """The error to raise when a module of `extra` cannot be found, else None (imports nothing).

    `purpose` says what needs it ("pywats-server", "a PostgreSQL URL").
    """
    absent = [name for name in EXTRA_MODULES[extra] if importlib.util.find_spec(name) is None]
    if not absent:
        return None
    return MissingExtraError(
        f"{purpose} needs the [{extra}] extra ({', '.join(absent)} not installed): "
        f"pip install 'pywats[{extra}]'"
    )


def exit_missing(error: MissingExtraError) -> NoReturn:
    """Print the one line to stderr and exit 2 (a usage error: nothing was attempted)."""
    print(f"error: {error}", file=sys.stderr)
    raise SystemExit(2)


def require_extra(extra: str, command: str) -> None:
    """Exit 2 with one line naming `extra` when any module of it is not installed."""
    error = missing_extra(extra, command)
    if error is not None:
        exit_missing(error)
