"""Whether a WATS server has pywats web pages to link to (the local server does; WATS's own
pages have other addresses, so answers give no links for it)."""

from __future__ import annotations

import httpx

__all__ = ["web_pages_url"]


def web_pages_url(base_url: str, timeout: float = 3.0) -> str | None:
    """`base_url` when it serves the pywats sign-in page, else None (also when unreachable)."""
    try:
        answer = httpx.get(f"{base_url.rstrip('/')}/signin", timeout=timeout)
    except httpx.HTTPError:
        return None
    page = answer.status_code == 200 and "text/html" in answer.headers.get("content-type", "")
    return base_url.rstrip("/") if page and b'name="csrf"' in answer.content else None
