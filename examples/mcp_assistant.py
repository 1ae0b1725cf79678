"""Ask `pywats-mcp` the questions an AI assistant would, the way an assistant host connects to it.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/mcp_assistant.py

Submits a few units of a demo product (one fails its 3V3 rail first and passes on retest), then
starts `pywats-mcp` as a subprocess over stdio with the MCP SDK's client, lists its tools and
asks for yield, the top failing step, the failing unit's history and where its first run failed.
Safe to run again: report ids are derived from the unit and run. Needs `pip install
'pywats[mcp]'`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

from pywats import WATS, WATSError
from pywats.report import UUTReport

PART_NUMBER = "DEMO-MCP-1"
START = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)


def unit_run(serial: str, run: int, volts: float) -> UUTReport:
    report = UUTReport.new(
        part_number=PART_NUMBER,
        serial_number=serial,
        revision="A",
        process_code=100,
        station_name="ST-MCP",
        location="Line 1",
        purpose="Production",
        operator="example",
        start=START + timedelta(minutes=10 * int(serial[-2:]) + run),
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"pywats-example/mcp/{serial}/{run}"),
    )
    power = report.root.add_sequence("Power")
    power.add_numeric("3V3 rail", volts, low=3.2, high=3.4, unit="V")
    report.propagate_failures()
    return report


def submit_units() -> UUTReport:
    """Five units, MCP-03 failing its first run; returns that failed run."""
    failed = unit_run("MCP-03", 1, 3.51)
    with WATS() as client:
        for number in (1, 2, 4, 5):
            client.reports.submit(unit_run(f"MCP-{number:02d}", 1, 3.30))
        client.reports.submit(failed)
        client.reports.submit(unit_run("MCP-03", 2, 3.31))
    return failed


async def ask(failed: UUTReport) -> None:
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "pywats_mcp"], env=dict(os.environ)
    )
    async with Client(server) as assistant:
        tools = await assistant.list_tools()
        print("tools:", ", ".join(tool.name for tool in tools.tools))
        questions: list[tuple[str, dict[str, Any]]] = [
            ("yield_summary", {"part_number": PART_NUMBER, "days": 7}),
            ("top_failing_steps", {"part_number": PART_NUMBER, "days": 7, "limit": 3}),
            ("unit_history", {"serial_number": "MCP-03", "part_number": PART_NUMBER}),
            ("report_failures", {"report_id": failed.id}),
        ]
        for name, arguments in questions:
            answer = await assistant.call_tool(name, arguments)
            if answer.is_error:
                raise SystemExit(f"error: {answer.content[0].text}")  # type: ignore[union-attr]
            print(f"\n{name}({arguments}):")
            print(json.dumps(answer.structured_content, indent=1, ensure_ascii=False))


def main() -> None:
    try:
        failed = submit_units()
    except WATSError as exc:
        raise SystemExit(f"error: {exc}") from None
    asyncio.run(ask(failed))


if __name__ == "__main__":
    main()
