"""For the server's own tests: an authenticated async HTTP client into the in-process server,
and a new empty database of each kind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import httpx
import pytest

from pywats_server.storage import Database


@pytest.fixture
async def api(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Basic {server_token}", "Referer": "http://wats.test"}
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test", headers=headers
    ) as client:
        yield client


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    throwaway_postgres: Callable[[], AbstractContextManager[str]],
) -> Iterator[Database]:
    """A new database without tables, apart from the one the other tests share: an SQLite file,
    then a throwaway PostgreSQL database."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'wats.db'}"
        else:
            url = stack.enter_context(throwaway_postgres())
        database = Database(url)
        stack.callback(database.dispose)
        yield database
