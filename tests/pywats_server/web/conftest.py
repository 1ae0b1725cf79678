"""A browser-like client of the in-process server's pages: cookies kept, signed in as admin."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

BASE = "http://wats.test"


def hidden(html: str, name: str) -> str:
    """The value of the hidden form field `name` in a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no hidden field {name!r} in the page"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, user: str, password: str) -> httpx.Response:
    form = await client.get("/signin")
    data = {
        "csrf": hidden(form.text, "csrf"),
        "next": "/reports",
        "user": user,
        "password": password,
    }
    return await client.post("/signin", data=data)


@pytest.fixture
async def browser(asgi_transport: httpx.ASGITransport) -> AsyncIterator[httpx.AsyncClient]:
    """A client without credentials (no Basic header), keeping cookies as a browser does."""
    async with httpx.AsyncClient(transport=asgi_transport, base_url=BASE) as client:
        yield client


@pytest.fixture
async def pages(browser: httpx.AsyncClient) -> httpx.AsyncClient:
    """`browser`, signed in as the admin user."""
    response = await sign_in(browser, "admin", "admin-secret")
    assert response.status_code == 303, response.text
    return browser
