"""`pywats-mcp`: a read-only Model Context Protocol server over a WATS server.

It lets an AI assistant answer the questions a test engineer asks: yield by product, station
or process over a period, the top failing steps, a unit's history, a report's failures and a
measurement's statistics. The WATS server's URL and token come from `WATS_BASE_URL` and
`WATS_AUTH_TOKEN`, as for the SDK; results are summaries small enough for a model's context,
with links to the server's web pages when it has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pywats._lazy import lazy_exports

# Imported on first use: the console script must start (and say which extra is missing)
# without the MCP SDK.
if TYPE_CHECKING:
    from pywats_mcp._server import build_server
    from pywats_mcp._tools import WatsTools

_EXPORTS = {"pywats_mcp._server": ("build_server",), "pywats_mcp._tools": ("WatsTools",)}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["WatsTools", "build_server"]
