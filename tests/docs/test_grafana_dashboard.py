"""The metrics page and its Grafana dashboard name the metrics a running station really serves.

The station runs in-process with its control API on a free port; `/metrics` is scraped over
HTTP as Prometheus would. Every `pywats_client_*` name in the dashboard's queries must be one
the scrape declares (a histogram's `_bucket`, `_sum` and `_count` series only for histograms),
and the dashboard must show every declared metric; the page's table lists each with its type,
and its alert rules use only served names.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from tests.pywats_client.conftest import write_config

from pywats_client._config import load_config
from pywats_client._service import Service

PAGE = Path(__file__).resolve().parents[2] / "docs" / "station" / "metrics.md"
DASHBOARD = PAGE.with_name("grafana-dashboard.json")
TABLE_ROW = re.compile(r"^\| `(pywats_client_[a-z_]+)` \| (\w+) \|", re.MULTILINE)
NAME = re.compile(r"\bpywats_client_[a-z_]+")
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")


def served_name(name: str, declared: dict[str, str], where: str) -> str:
    """The declared metric `name` belongs to (a histogram's series to the histogram)."""
    if name not in declared and name.endswith(HISTOGRAM_SERIES):
        base = name.rsplit("_", 1)[0]
        assert declared.get(base) == "histogram", f"{name} in {where}: not a histogram"
        return base
    assert name in declared, f"{name} in {where} is not served by the station"
    return name


def queries(dashboard: dict[str, Any]) -> list[str]:
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    exprs += [variable["definition"] for variable in dashboard["templating"]["list"]]
    return exprs


async def scrape(tmp_path: Path) -> str:
    # No server is needed: nothing is queued, so nothing is uploaded.
    config_path = write_config(tmp_path, "http://127.0.0.1:9", "dG9rZW4=")
    service = Service(load_config(config_path), config_path=config_path)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        endpoint = json.loads((tmp_path / "data" / "control.json").read_text())
        async with httpx.AsyncClient(base_url=endpoint["url"], timeout=10) as api:
            text = (await api.get("/metrics")).text
        service.stop()
    return text


@pytest.mark.anyio
async def test_metrics_page_and_dashboard_name_what_a_station_serves(tmp_path: Path) -> None:
    declared = dict(re.findall(r"^# TYPE (\S+) (\S+)$", await scrape(tmp_path), re.MULTILINE))
    assert "pywats_client_pending" in declared, declared

    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    used = {
        served_name(name, declared, repr(expr))
        for expr in queries(dashboard)
        for name in NAME.findall(expr)
    }
    assert used == set(declared), f"not on the dashboard: {sorted(set(declared) - used)}"

    page = PAGE.read_text(encoding="utf-8")
    assert dict(TABLE_ROW.findall(page)) == declared, "the page's table differs from /metrics"
    for name in NAME.findall(page):
        served_name(name, declared, "docs/station/metrics.md")
