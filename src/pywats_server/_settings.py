"""Server settings: one frozen value object, built by the CLI or by tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_DATA_DIR", "Settings", "sqlite_url"]

DEFAULT_DATA_DIR = Path.home() / ".pywats-server"


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite database file."""
    return f"sqlite:///{path.expanduser().resolve()}"


@dataclass(frozen=True)
class Settings:
    """What a server instance needs to run.

    `database_url` is a SQLAlchemy URL (`sqlite:///path` or `postgresql://user:pw@host/db`).
    `max_body_bytes` caps every request body; larger requests get 413 and are not read.
    `body_timeout_seconds` is how long a client may pause its request body before a 408.
    `credential_failures_allowed` is how many failed credentials in a row a client may send
    before each further one makes it wait (429 with `Retry-After`, doubling).
    `api_version` is what `GET /api/App/Version` answers: the WATS API family this server speaks.
    """

    database_url: str = sqlite_url(DEFAULT_DATA_DIR / "pywats.db")
    max_body_bytes: int = 32 * 1024 * 1024
    body_timeout_seconds: float = 30.0
    credential_failures_allowed: int = 20
    api_version: str = "2025.3.0.0"
