"""pyWATS server: a local WATS-compatible REST server (SQLite by default, PostgreSQL by URL).

    from pywats_server import Settings, create_app
    app = create_app(Settings(database_url="sqlite:///wats.db"))

Run it with `pywats-server init ...` then `pywats-server serve`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pywats._lazy import lazy_exports

if TYPE_CHECKING:
    from pywats_server._app import create_app
    from pywats_server._settings import DEFAULT_DATA_DIR, Settings, sqlite_url

_EXPORTS = {
    "pywats_server._app": ("create_app",),
    "pywats_server._settings": ("DEFAULT_DATA_DIR", "Settings", "sqlite_url"),
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__version__ = "0.1.0"
__all__ = ["DEFAULT_DATA_DIR", "Settings", "__version__", "create_app", "sqlite_url"]
