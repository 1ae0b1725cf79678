"""The MCP server: the tools of `WatsTools`, each marked read-only, under one server name."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from pywats import AsyncWATS
from pywats_mcp._tools import WatsTools

__all__ = ["build_server"]

_INSTRUCTIONS = (
    "Answers questions about manufacturing test results in a WATS server: yield by product, "
    "station or process; the top failing steps; a unit's test and repair history; where a "
    "report failed; a measurement's statistics and Cpk. Every tool only reads. Paths of steps "
    "and measurements use ¶ between step names, as report_failures answers them."
)


def build_server(client: AsyncWATS, web_url: str | None = None) -> MCPServer:
    """An MCP server over `client`; answers link to `web_url`'s pages when it is given."""
    tools = WatsTools(client, web_url)
    server = MCPServer("pywats", instructions=_INSTRUCTIONS, log_level="WARNING")
    read_only = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
    for tool in (
        tools.yield_summary,
        tools.top_failing_steps,
        tools.unit_history,
        tools.report_failures,
        tools.measurement_statistics,
    ):
        server.add_tool(tool, annotations=read_only, structured_output=True)
    return server
