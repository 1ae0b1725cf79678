"""`pywats-mcp`: a read-only Model Context Protocol server over a WATS server.

It lets an AI assistant answer the questions a test engineer asks: yield by product, station
or process over a period, the top failing steps, a unit's history, a report's failures and a
measurement's statistics. The WATS server's URL and token come from `WATS_BASE_URL` and
`WATS_AUTH_TOKEN`, as for the SDK; results are summaries small enough for a model's context,
with links to the server's web pages when it has them.
"""

from __future__ import annotations

from pywats_mcp._server import build_server
from pywats_mcp._tools import WatsTools

__all__ = ["WatsTools", "build_server"]
