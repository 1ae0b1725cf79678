"""Web sign-in state: a signed session cookie and a CSRF token, for the pages only.

The cookie holds `credential id . expiry . HMAC`, signed with a key derived from that
credential's stored hash (`UserStore.session_key`): no session table, valid on every server
over the same database, and void as soon as the token is revoked. The API keeps HTTP Basic.
Forms that change state (sign-in, sign-out) carry a CSRF token that must equal the value of a
SameSite=Strict cookie (double submit), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from ..storage import Principal, UserStore

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "clear_session",
    "csrf_valid",
    "new_csrf_token",
    "principal_of",
    "start_session",
]

SESSION_COOKIE = "pywats_session"
CSRF_COOKIE = "pywats_csrf"
SESSION_SECONDS = 12 * 3600


def _signature(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def start_session(
    response: Response, request: Request, users: UserStore, credential_id: int,
    now: Callable[[], float] = time.time,
) -> None:  # fmt: skip
    """Set the session cookie for a credential that just signed in."""
    found = users.session_key(credential_id)
    if found is None:
        return
    payload = f"{credential_id}.{int(now()) + SESSION_SECONDS}"
    response.set_cookie(
        SESSION_COOKIE, f"{payload}.{_signature(found[1], payload)}", max_age=SESSION_SECONDS,
        httponly=True, samesite="lax", secure=_secure(request), path="/",
    )  # fmt: skip


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def principal_of(
    request: Request, users: UserStore, now: Callable[[], float] = time.time
) -> Principal | None:
    """The signed-in user of a page request, or None (no, forged, expired or revoked session)."""
    credential, _, rest = request.cookies.get(SESSION_COOKIE, "").partition(".")
    expiry, _, signature = rest.partition(".")
    if not (credential.isdigit() and expiry.isdigit() and int(expiry) > now()):
        return None
    found = users.session_key(int(credential))
    if found is None:
        return None
    expected = _signature(found[1], f"{credential}.{expiry}")
    return found[0] if hmac.compare_digest(expected, signature) else None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_valid(request: Request, submitted: str) -> bool:
    """Whether a form's CSRF field equals the browser's CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return len(cookie) >= 32 and hmac.compare_digest(cookie.encode(), submitted.encode())
