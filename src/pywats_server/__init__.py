"""pyWATS server: a local WATS-compatible REST server (SQLite by default, PostgreSQL by URL).

    from pywats_server import Settings, create_app
    app = create_app(Settings(database_url="sqlite:///wats.db"))

Run it with `pywats-server init ...` then `pywats-server serve`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ._app import create_app
from ._settings import DEFAULT_DATA_DIR, Settings, sqlite_url

__all__ = ["DEFAULT_DATA_DIR", "Settings", "__version__", "create_app", "sqlite_url"]
