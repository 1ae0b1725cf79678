"""The `pywats-mcp` console script: an MCP server on stdin/stdout for one WATS server.

    WATS_BASE_URL=http://wats.example.com WATS_AUTH_TOKEN=... pywats-mcp

Kept free of the [mcp] extra's imports until it is known to be installed, so that without it
the command ends with one line naming the extra instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys

from pywats._extras import require_extra

__all__ = ["main"]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pywats-mcp",
        description="A read-only MCP server (stdio) answering questions about a WATS server. "
        "The server's URL and token come from WATS_BASE_URL and WATS_AUTH_TOKEN.",
    )
    parser.add_argument(
        "--web-url",
        help="where the server's web pages are, for links in answers (default: the server's "
        "own URL when it serves pywats pages; 'none' for no links)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    return parser.parse_args(argv)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pywats")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    """Entry point of `pywats-mcp` and `python -m pywats_mcp`."""
    arguments = _arguments(argv)
    require_extra("mcp", "pywats-mcp")
    from pywats import AsyncWATS, ConfigurationError
    from pywats_mcp._pages import web_pages_url
    from pywats_mcp._server import build_server

    try:
        client = AsyncWATS()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    web_url = arguments.web_url
    if web_url is None:
        web_url = web_pages_url(client.base_url)
    elif web_url.lower() == "none":
        web_url = None
    build_server(client, web_url).run("stdio")
