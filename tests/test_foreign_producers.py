"""Reports written the way Virinco's own producers write them (wats-rules.md §2.3) are accepted by
the SDK, by the station (files dropped into the watch folder of a running station service) and by
the server, which numbers the steps and counts the assets as WATS does."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests._poll import eventually
from tests.pywats_client._harness import running, tuned_config

from pywats.report import read_wsjf

pytestmark = [
    pytest.mark.anyio,
    # What matters is the API and the rules, the same over either storage backend.
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


def _pywats_api_uut(asset: str) -> dict[str, Any]:
    """As Virinco's pyWATS_API writes a UUT: no step ids, no totTime/causedUUTFailure, a single
    measurement without a name key, a skipped numeric test, an asset keyed `assetSN` used 0
    times and a `processName` of its own."""
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "FOREIGN-PCBA",
        "sn": f"F-{uuid.uuid4().hex[:8]}",
        "rev": "A",
        "processCode": 10,
        "processName": "Whatever the client thinks",
        "result": "P",
        "machineName": "VIRINCO-CLIENT",
        "location": "Lab",
        "purpose": "Development",
        "start": "2026-12-07T10:00:00.000+01:00",
        "uut": {"user": "operator", "execTime": 2.0},
        "assets": [{"assetSN": asset, "usageCount": 0}],
        "root": {
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "status": "P",
            "seqCall": {"path": "Board.seq", "name": "Board.seq", "version": "1.2.0"},
            "steps": [
                {
                    "group": "M",
                    "stepType": "ET_NLT",
                    "name": "Voltage",
                    "status": "P",
                    "numericMeas": [
                        {"compOp": "GELE", "status": "P", "unit": "V", "value": 3.3,
                         "lowLimit": 3.2, "highLimit": 3.4}
                    ],
                },
                {
                    "group": "M",
                    "stepType": "ET_NLT",
                    "name": "Current",
                    "status": "S",
                    "numericMeas": [{"status": "S", "value": "NaN", "unit": ""}],
                },
            ],
        },
    }  # fmt: skip


def _generator_uut() -> dict[str, Any]:
    """As Virinco's wsjf_generator numbers steps: root 0 and gaps."""
    report = _pywats_api_uut("GEN-ASSET")
    del report["assets"]
    report["root"]["id"] = 0
    for step, step_id in zip(report["root"]["steps"], (3, 7), strict=True):
        step["id"] = step_id
    return report


def _pywats_api_failed_uut() -> dict[str, Any]:
    """A failed UUT as pyWATS_API writes one: its step statuses (T and D besides P F S), numbers
    stringified into misc-info `text` with its extra keys, format keys our spec does not list,
    a chart with the labels it requires, a callExe exit code as an int, and a failed step with
    no `stepIdCausedUUTFailure` pointing at it."""
    report = _pywats_api_uut("UNUSED")
    del report["assets"]
    report["result"] = "F"
    report["uut"].update(execTimeFormat="0.000")
    report["miscInfos"] = [
        {"description": "Temperature", "text": "23", "typedef": None, "numericFormat": None}
    ]
    report["root"]["status"] = "F"
    report["root"]["steps"] += [
        {"group": "M", "stepType": "ET_PFT", "name": "Self test", "status": "F",
         "booleanMeas": [{"status": "F"}]},
        {"group": "C", "stepType": "Action", "name": "Power off", "status": "D",
         "buttonFormat": None},
        {"group": "M", "stepType": "CallExecutable", "name": "Flash", "status": "P",
         "callExe": {"exitCode": 0}},
        {"group": "M", "stepType": "WATS_XYGMNLT", "name": "Ramp", "status": "P",
         "chart": {"chartType": "Line", "label": "Ramp", "xLabel": "s", "yLabel": "V",
                   "xUnit": "s", "yUnit": "V",
                   "series": [{"name": "ramp", "xdata": "0;1;2", "ydata": "0;1.5;3.3"}]}},
    ]  # fmt: skip
    return report


def _ids(step: dict[str, Any]) -> list[int]:
    return [step["id"], *(i for child in step.get("steps") or [] for i in _ids(child))]


async def test_the_sdk_station_and_server_accept_them(
    asgi_transport: httpx.ASGITransport, server_token: str, tmp_path: Path
) -> None:
    asset = f"DMM-{uuid.uuid4().hex[:6]}"
    documents = [_pywats_api_uut(asset), _generator_uut(), _pywats_api_failed_uut()]
    headers = {"Authorization": f"Basic {server_token}"}  # and no Referer, as theirs
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test", headers=headers
    ) as http:
        # Virinco's client starts by reading the processes, without a Referer.
        processes = await http.get("/api/internal/Process/GetProcesses")
        assert processes.status_code == 200, processes.text
        kind = await http.put("/api/Asset/Types", json={"typeName": f"Meter-{asset}"})
        assert kind.status_code == 200, kind.text
        type_id = kind.json()["typeId"]
        created = await http.put(
            "/api/Asset", json={"serialNumber": asset, "assetName": asset, "typeId": type_id}
        )
        assert created.status_code == 200, created.text
        # The SDK: each document loads and passes the submit rules.
        for document in documents:
            loaded = read_wsjf(json.dumps(document))
            assert not isinstance(loaded, list)
            assert loaded.problems() == []
        # The station: the files dropped into a running station's watch folder reach the server.
        config = tuned_config(tmp_path, "http://wats.test", server_token, station="VIRINCO-CLIENT")
        async with running(config, transport=asgi_transport) as service:
            for index, document in enumerate(documents):
                (tmp_path / "in" / f"foreign-{index}.json").write_text(json.dumps(document))
            await eventually(
                lambda: service.outbox.stats().delivered == len(documents),
                what="the foreign reports delivered",
            )
        # The server: stored, and exported as WATS exports them.
        for document in documents:
            exported = (await http.get(f"/api/Report/Wsjf/{document['id']}")).json()
            assert _ids(exported["root"])[:3] == [1, 2, 3]
            assert exported["processName"] == "SW Debug"
            assert exported["result"] == document["result"]
            assert exported["root"]["steps"][1]["numericMeas"][0]["value"] == "NaN"
        asset_row = (await http.get(f"/api/Asset/{asset}")).json()
    # A usage count of 0 counts no use.
    assert asset_row["totalCount"] == 0
