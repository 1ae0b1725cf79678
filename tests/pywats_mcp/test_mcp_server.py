"""`pywats-mcp` driven by the MCP SDK's own client over stdio, against a real local server.

The server holds a small production: four units pass, one fails its 3V3 rail and passes on
retest, one is repaired; a unit of a second product fails the same rail. Each tool's answer
is checked against those facts.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from pywats import WATS
from pywats.report import UURReport, UUTReport

PART = "MCP-TEST-1"
START = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=6)
RAIL = "MainSequence Callback¶Power¶3V3 rail"

pytestmark = [
    pytest.mark.anyio,
    # The MCP server is a client of the API; one database kind is enough.
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


def _run(serial: str, run: int, volts: float, part: str = PART) -> UUTReport:
    report = UUTReport.new(
        part_number=part,
        serial_number=serial,
        revision="A",
        process_code=100,
        station_name="ST-MCP",
        location="Lab",
        purpose="Test",
        operator="pytest",
        start=START + timedelta(minutes=run + 5 * int(serial[-1])),
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"pywats-test/mcp/{serial}/{run}"),
    )
    report.root.add_sequence("Power").add_numeric("3V3 rail", volts, low=3.2, high=3.4, unit="V")
    report.propagate_failures()
    return report


@pytest.fixture(scope="module")
def production(live_server: Any) -> dict[str, UUTReport | UURReport]:
    failed = _run("SN-3", 1, 3.55)
    retest = _run("SN-3", 2, 3.30)
    repair = UURReport.from_uut(failed, category="Component", code="Wrong value", operator="pytest",
                                start=START + timedelta(hours=1))  # fmt: skip
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        for serial in ("SN-1", "SN-2", "SN-4", "SN-5"):
            client.reports.submit(_run(serial, 1, 3.30))
        for report in (failed, retest, repair, _run("SN-9", 1, 3.6, part=f"{PART}-B")):
            client.reports.submit(report)
    return {"failed": failed, "retest": retest, "repair": repair}


def _server(live_server: Any, **env: str) -> StdioServerParameters:
    environment = {**os.environ, "WATS_BASE_URL": live_server.base_url,
                   "WATS_AUTH_TOKEN": live_server.token, **env}  # fmt: skip
    return StdioServerParameters(command=sys.executable, args=["-m", "pywats_mcp"],
                                 env=environment)  # fmt: skip


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one MCP server serves every test


@pytest.fixture(scope="module")
async def assistant(live_server: Any, production: Any) -> AsyncIterator[Client]:
    async with Client(_server(live_server), read_timeout_seconds=60) as client:
        yield client


async def _ask(client: Client, tool: str, **arguments: Any) -> Any:
    answer = await client.call_tool(tool, arguments)
    assert not answer.is_error, answer.content
    return answer.structured_content


async def test_every_tool_is_read_only_with_a_typed_input(assistant: Client) -> None:
    tools = {tool.name: tool for tool in (await assistant.list_tools()).tools}
    assert set(tools) == {"yield_summary", "top_failing_steps", "unit_history",
                          "report_failures", "measurement_statistics"}  # fmt: skip
    for tool in tools.values():
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint, tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None, tool.name
    assert tools["report_failures"].input_schema["required"] == ["report_id"]


async def test_yield_counts_the_retested_unit_against_first_pass_only(
    assistant: Client, live_server: Any
) -> None:
    answer = await _ask(assistant, "yield_summary", part_number=PART, days=2)
    (row,) = answer["rows"]
    assert (row["group"], row["units"]) == (PART, 5)
    assert row["first_pass_yield"] == 80.0  # SN-3 failed its first run
    assert row["final_yield"] == 100.0  # and passed its last
    assert row["link"].startswith(f"{live_server.base_url}/yield?")


async def test_top_failing_step_is_the_rail_with_its_run_count(assistant: Client) -> None:
    answer = await _ask(assistant, "top_failing_steps", part_number=PART, days=2)
    top = answer["rows"][0]
    assert top["step_path"] == RAIL
    assert (top["failures"], top["runs"]) == (1, 6)
    assert not answer["more"]  # of this product only the rail failed (sequences do not count)


async def test_top_failing_steps_says_more_failed_than_the_limit_shows(assistant: Client) -> None:
    both = await _ask(assistant, "top_failing_steps", part_number=f"{PART}%", days=2)
    assert [row["part_number"] for row in both["rows"]] == [PART, f"{PART}-B"]
    assert not both["more"]
    answer = await _ask(assistant, "top_failing_steps", part_number=f"{PART}%", days=2, limit=1)
    assert len(answer["rows"]) == 1
    assert answer["more"]


async def test_unit_history_lists_repair_and_runs_newest_first(
    assistant: Client, production: Any, live_server: Any
) -> None:
    answer = await _ask(assistant, "unit_history", serial_number="SN-3")
    kinds = [(run["kind"], run["result"]) for run in answer["runs"]]
    assert sorted(kinds) == sorted([("test", "Failed"), ("test", "Passed"), ("repair", "Passed")])
    assert answer["runs"][-1]["report_id"] == production["failed"].id  # the oldest
    assert answer["link"] == f"{live_server.base_url}/units/SN-3"


async def test_report_failures_name_the_step_value_and_limits(
    assistant: Client, production: Any
) -> None:
    answer = await _ask(assistant, "report_failures", report_id=production["failed"].id)
    assert (answer["kind"], answer["result"], answer["total"]) == ("test", "F", 1)
    (step,) = answer["failed_steps"]
    assert step["step_path"] == RAIL
    (meas,) = step["measurements"]
    assert (meas["value"], meas["low_limit"], meas["high_limit"], meas["unit"]) == (
        3.55, 3.2, 3.4, "V")  # fmt: skip
    repair = await _ask(assistant, "report_failures", report_id=production["repair"].id)
    assert repair["kind"] == "repair"
    assert [(r["category"], r["code"]) for r in repair["repairs"]] == [("Component", "Wrong value")]


async def test_measurement_statistics_count_every_run(assistant: Client) -> None:
    answer = await _ask(assistant, "measurement_statistics", part_number=PART,
                        measurement_path=RAIL, days=2)  # fmt: skip
    (row,) = answer["rows"]
    assert row["count"] == 6
    assert row["min"] == pytest.approx(3.30)
    assert row["max"] == pytest.approx(3.55)
    assert (row["low_limit"], row["high_limit"]) == (3.2, 3.4)


async def test_an_unknown_report_and_bad_input_are_errors_the_model_can_read(
    assistant: Client,
) -> None:
    missing = str(uuid.uuid4())
    answer = await assistant.call_tool("report_failures", {"report_id": missing})
    assert answer.is_error
    assert "404" in answer.content[0].text  # type: ignore[union-attr]
    answer = await assistant.call_tool("yield_summary", {"days": 0})
    assert answer.is_error
    assert "days" in answer.content[0].text  # type: ignore[union-attr]


async def test_a_wrong_token_is_reported_by_the_tool_not_a_crash(
    live_server: Any, production: Any
) -> None:
    server = _server(live_server, WATS_AUTH_TOKEN="bm9wZTpub3Bl")
    async with Client(server, read_timeout_seconds=60) as client:
        answer = await client.call_tool("unit_history", {"serial_number": "SN-1"})
    assert answer.is_error
    assert "401" in answer.content[0].text  # type: ignore[union-attr]
