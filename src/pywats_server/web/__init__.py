"""The server's web pages: reports, units, yield, failures, products and assets, read-only.

Served by the same app as the API, under their own paths (`PAGE_PREFIXES`), signed in with the
API's users and passwords through a session cookie; the API keeps HTTP Basic. Pages are
rendered on the server (Jinja2) with charts as inline SVG, so they run no script and load
nothing from outside the server.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from starlette.responses import Response

from ._render import SECURITY_HEADERS, NotSignedIn

__all__ = ["PAGE_PREFIXES", "install_pages", "is_page_path"]

PAGE_PREFIXES = (
    "/reports", "/units", "/yield", "/failures", "/products", "/assets", "/attachments",
    "/signin", "/signout", "/static",
)  # fmt: skip
_STYLE = files("pywats_server.web").joinpath("static/app.css").read_bytes()


def is_page_path(path: str) -> bool:
    """Whether `path` is a page (session sign-in) rather than the API (HTTP Basic)."""
    lowered = path.lower()
    return lowered == "/" or any(
        lowered == prefix or lowered.startswith(prefix + "/") for prefix in PAGE_PREFIXES
    )


def install_pages(app: FastAPI) -> None:
    """Add the page routes, the stylesheet and the sign-in redirect to `app`."""
    from . import _analytics, _catalog, _reports, _signin

    for module in (_signin, _reports, _analytics, _catalog):
        app.include_router(module.router)

    @app.get("/static/app.css", include_in_schema=False)
    def stylesheet() -> Response:
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return Response(_STYLE, media_type="text/css", headers=headers)

    @app.exception_handler(NotSignedIn)
    async def sign_in_first(_: Request, exc: NotSignedIn) -> Response:
        return exc.response
