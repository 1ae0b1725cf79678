"""Signing in to the pages: the API's users, a session cookie, CSRF, and the API left on Basic."""

from __future__ import annotations

import httpx
import pytest

from pywats_server.web._session import SESSION_COOKIE

from .conftest import hidden, sign_in

pytestmark = pytest.mark.anyio


async def test_a_page_without_a_session_redirects_to_sign_in_and_back(
    browser: httpx.AsyncClient,
) -> None:
    response = await browser.get("/reports?serial=SN1")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Freports%3Fserial%3DSN1"


async def test_signing_in_sets_an_httponly_samesite_session_cookie(
    browser: httpx.AsyncClient,
) -> None:
    response = await sign_in(browser, "admin", "admin-secret")
    assert response.status_code == 303
    cookie = next(
        header for header in response.headers.get_list("set-cookie") if SESSION_COOKIE in header
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert (await browser.get("/reports")).status_code == 200


async def test_a_wrong_password_is_refused_and_sets_no_session(browser: httpx.AsyncClient) -> None:
    response = await sign_in(browser, "admin", "wrong")
    assert response.status_code == 401
    assert "Unknown user name or wrong password" in response.text
    assert SESSION_COOKIE not in browser.cookies


async def test_sign_in_without_the_csrf_token_is_refused(browser: httpx.AsyncClient) -> None:
    await browser.get("/signin")
    data = {"csrf": "forged" * 8, "user": "admin", "password": "admin-secret"}
    response = await browser.post("/signin", data=data)
    assert response.status_code == 403
    assert SESSION_COOKIE not in browser.cookies


async def test_sign_out_needs_the_csrf_token_and_ends_the_session(
    pages: httpx.AsyncClient,
) -> None:
    refused = await pages.post("/signout", data={"csrf": "x" * 43})
    assert refused.status_code == 403
    assert (await pages.get("/reports")).status_code == 200
    reports = await pages.get("/reports")
    response = await pages.post("/signout", data={"csrf": hidden(reports.text, "csrf")})
    assert response.status_code == 303
    assert (await pages.get("/reports")).status_code == 303


async def test_a_forged_session_cookie_is_not_a_session(browser: httpx.AsyncClient) -> None:
    browser.cookies.set(SESSION_COOKIE, "1.9999999999.deadbeef")
    assert (await browser.get("/reports")).status_code == 303


async def test_a_revoked_token_ends_its_web_sessions(
    browser: httpx.AsyncClient, server_db_url: str
) -> None:
    from pywats_server.storage import Database, UserStore

    database = Database(server_db_url)
    users = UserStore(database)
    if "viewer" not in {user.name for user in users.list_users()}:
        users.create_user("viewer", is_admin=False)
    token = users.issue_token("viewer", "viewer-secret")
    await sign_in(browser, "viewer", "viewer-secret")
    assert (await browser.get("/reports")).status_code == 200
    users.revoke_token(token)
    database.dispose()
    assert (await browser.get("/reports")).status_code == 303


async def test_the_api_still_wants_basic_auth_and_ignores_the_session(
    pages: httpx.AsyncClient,
) -> None:
    assert (await pages.get("/api/App/Version")).status_code == 401
    assert (await pages.get("/openapi.json")).status_code == 401


async def test_sign_in_only_returns_to_a_path_on_this_server(browser: httpx.AsyncClient) -> None:
    form = await browser.get("/signin?next=//evil.example/x")
    assert hidden(form.text, "next") == "/reports"
