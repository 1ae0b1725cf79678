"""Sign-in and sign-out pages: the API's users and passwords, a session cookie, CSRF checked."""

from __future__ import annotations

from urllib.parse import parse_qs

import anyio.to_thread
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from .._context import ServerContext
from ._render import SECURITY_HEADERS, page
from ._session import clear_session, csrf_valid, principal_of, start_session

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_FORM_LIMIT = 16 * 1024


def _safe_next(target: str) -> str:
    """Only a path on this server: never an absolute or protocol-relative URL."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/reports"


def _signin_page(request: Request, next_url: str, error: str = "", status: int = 200) -> Response:
    return page("signin.html", request, status_code=status, next_url=next_url, error=error)


@router.get("/signin")
def signin_form(request: Request, next: str = "/reports") -> Response:
    return _signin_page(request, _safe_next(next))


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > _FORM_LIMIT:
        return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await _form(request)
    next_url = _safe_next(form.get("next", "/reports"))
    if not csrf_valid(request, form.get("csrf", "")):
        return _signin_page(
            request, next_url, "The form expired or came from elsewhere: sign in again.", 403
        )
    context: ServerContext = request.app.state.context
    credential = await anyio.to_thread.run_sync(
        context.users.sign_in, form.get("user", ""), form.get("password", "")
    )
    if credential is None:
        return _signin_page(request, next_url, "Unknown user name or wrong password.", 401)
    response = RedirectResponse(next_url, status_code=303, headers=SECURITY_HEADERS)
    start_session(response, request, context.users, credential)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    form = await _form(request)
    if not csrf_valid(request, form.get("csrf", "")):
        context: ServerContext = request.app.state.context
        user = principal_of(request, context.users)
        return page("signout.html", request, status_code=403, user=user)
    response = RedirectResponse("/signin", status_code=303, headers=SECURITY_HEADERS)
    clear_session(response)
    return response
