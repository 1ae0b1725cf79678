"""Rendering pages: the Jinja2 environment (autoescaped), the security headers of every page,
and the signed-in user a page handler needs.

The Content-Security-Policy allows nothing but this server's own stylesheet and images drawn
inline as SVG: no script runs on any page, so a report field that holds markup can only ever be
text (Jinja2 escapes every value as well).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .._context import ServerContext
from ..storage import Principal
from ._session import CSRF_COOKIE, new_csrf_token, principal_of

__all__ = ["SECURITY_HEADERS", "NotSignedIn", "page", "require_user", "url_with"]

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_environment = Environment(
    loader=PackageLoader("pywats_server.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def url_with(base: str, params: Mapping[str, Any]) -> str:
    """`base` with the non-empty `params` as its query string."""
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{base}?{urlencode(kept)}" if kept else base


_environment.globals["url_with"] = url_with
_environment.filters["q"] = lambda value: quote(str(value), safe="")


class NotSignedIn(Exception):
    """Raised by `require_user`; the app answers with a redirect to the sign-in page."""

    def __init__(self, request: Request) -> None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        self.response = RedirectResponse(url_with("/signin", {"next": target}), status_code=303)


def require_user(request: Request) -> Principal:
    context: ServerContext = request.app.state.context
    principal = principal_of(request, context.users)
    if principal is None:
        raise NotSignedIn(request)
    return principal


def page(template: str, request: Request, *, status_code: int = 200, **values: Any) -> Response:
    """Render `template` with `values`, the request and the CSRF token its forms carry (the
    sign-out button is on every page); sets the CSRF cookie when the browser has none."""
    csrf = request.cookies.get(CSRF_COOKIE, "")
    fresh = len(csrf) < 32
    if fresh:
        csrf = new_csrf_token()
    body = _environment.get_template(template).render(request=request, csrf=csrf, **values)
    response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE, csrf, httponly=True, samesite="strict",
            secure=request.url.scheme == "https", path="/",
        )  # fmt: skip
    return response
