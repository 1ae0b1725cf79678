"""Each rule of wats-rules.md that our code once judged differently from WATS: the SDK's rule set
(`Report.problems`, with the server's process configuration) and the server's
`POST /api/Report/WSJF` give the same verdict on a document that tests it, and it is WATS's.

Rows that are not a verdict on one document (S15 propagation, S31 index paths, U34 identity,
V1 validation mode) are tested where that behaviour lives; see the comments below.
"""

from __future__ import annotations

import base64
import copy
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pywats.report import Operations, report_from_json

pytestmark = [
    pytest.mark.anyio,
    # The rules are the same over either storage backend; one is enough here.
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

Doc = dict[str, Any]


def _uut() -> Doc:
    """A UUT every rule accepts."""
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "RULES-PCBA",
        "sn": f"R-{uuid.uuid4().hex[:10]}",
        "rev": "A",
        "processCode": 10,
        "result": "P",
        "machineName": "RULES-ST",
        "location": "Lab",
        "purpose": "Development",
        "start": "2026-12-07T10:00:00.000+01:00",
        "uut": {"user": "operator", "execTime": 1.5},
        "miscInfos": [{"description": "Slot", "text": "3"}],
        "subUnits": [{"partType": "PSU", "pn": "PSU-1", "rev": "B", "sn": "PSU-0001"}],
        "root": {
            "id": 1,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "status": "P",
            "seqCall": {"path": "Board.seq", "name": "Board.seq", "version": "1.2.0"},
            "steps": [
                {
                    "id": 2,
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
                    "id": 3,
                    "group": "M",
                    "stepType": "ET_MNLT",
                    "name": "Rails",
                    "status": "P",
                    "numericMeas": [
                        {"name": "1V8", "compOp": "LOG", "status": "P", "value": 1.8},
                        {"name": "3V3", "compOp": "LOG", "status": "P", "value": 3.3},
                    ],
                },
                {
                    "id": 4,
                    "group": "M",
                    "stepType": "ET_SVT",
                    "name": "Firmware",
                    "status": "P",
                    "stringMeas": [
                        {"compOp": "CASESENSIT", "status": "P", "value": "1.0", "limit": "1.0"}
                    ],
                },
                {
                    "id": 5,
                    "group": "M",
                    "stepType": "WATS_XYGMNLT",
                    "name": "Sweep",
                    "status": "P",
                    "chart": {"chartType": "Line", "label": "Sweep", "xLabel": "t",
                              "yLabel": "V", "series": [{"name": "a", "xdata": "1;2",
                                                         "ydata": "3;4"}]},
                },
            ],
        },
    }  # fmt: skip


def _uur() -> Doc:
    """A UUR every rule accepts: repair 500 of a unit that failed test operation 10."""
    return {
        "type": "R",
        "id": str(uuid.uuid4()),
        "pn": "RULES-PCBA",
        "sn": f"R-{uuid.uuid4().hex[:10]}",
        "rev": "A",
        "processCode": 500,
        "result": "P",
        "machineName": "RULES-ST",
        "location": "Lab",
        "purpose": "Repair",
        "start": "2026-12-07T11:00:00.000+01:00",
        "uur": {"user": "repairer", "processCode": 10, "refUUT": str(uuid.uuid4())},
        "subUnits": [
            {"idx": 0, "pn": "RULES-PCBA", "rev": "A", "sn": "X",
             "failures": [{"category": "Soldering", "code": "Short circuit", "comRef": "R12"}]}
        ],
    }  # fmt: skip


Change = Callable[[Doc], object]


def _step(doc: Doc, index: int) -> Doc:
    step: Doc = doc["root"]["steps"][index]
    return step


def _row(row: str, base: Callable[[], Doc], change: Change, accepted: bool) -> Any:
    """One case of `row`: `change` applied to `base()`, and whether WATS accepts the result."""
    return pytest.param(row, base, change, accepted, id=row)


ROWS = [
    _row("U2", _uut, lambda d: d.update(pn="P" * 51), False),
    _row("U2", _uut, lambda d: d.update(pn="P" * 50), True),
    _row("U4", _uut, lambda d: d.update(sn="S" * 51), False),
    _row("U6", _uut, lambda d: d.update(rev="R" * 51), False),
    _row("U7", _uut, lambda d: d.update(processCode=4242), False),
    _row("U8", _uut, lambda d: d.update(processCode=500), False),
    _row("U9", _uut, lambda d: d["root"].pop("seqCall"), False),
    _row("U10", _uut, lambda d: d["root"]["seqCall"].update(name="N" * 256), False),
    _row("U10", _uut, lambda d: d["root"]["seqCall"].update(name="N" * 255), True),
    _row("U11", _uut, lambda d: d["root"]["seqCall"].update(version=None), False),
    _row("U12", _uut, lambda d: d["root"]["seqCall"].update(version="1" * 51), False),
    _row("U12", _uut, lambda d: d["root"]["seqCall"].update(version="1" * 50), True),
    _row("U13", _uut, lambda d: d["uut"].update(user=None), False),
    _row("U14", _uut, lambda d: d["uut"].update(user="O" * 129), False),
    _row("U14", _uut, lambda d: d["uut"].update(user="O" * 128), True),
    _row("U15", _uut, lambda d: d.update(machineName="M" * 51), False),
    _row("U16", _uut, lambda d: d.pop("location"), False),
    _row("U16", _uut, lambda d: d.pop("purpose"), False),
    _row("U17", _uut, lambda d: d["uut"].update(fixtureId="F" * 51), False),
    _row("U18", _uut, lambda d: d["uut"].update(comment="C" * 1001), False),
    _row("U18", _uut, lambda d: d["uut"].update(comment="C" * 1000), True),
    _row("U19", _uut, lambda d: d["uut"].update(errorMessage="E" * 1001), False),
    _row("U20", _uut, lambda d: d["uut"].update(batchSN="B" * 51), False),
    # WATS trims header strings rather than refusing them.
    _row("U21", _uut, lambda d: d.update(sn=f"  {d['sn']}  "), True),
    _row("U24", _uut, lambda d: d.update(result="D"), False),
    _row("U25", _uut, lambda d: d.update(result="R"), False),
    # WATS derives the local start from startUTC when only that is given.
    _row(
        "U27",
        _uut,
        lambda d: d.update(start=None, startUTC="2026-12-07T09:00:00Z"),
        True,
    ),
    _row("U28", _uut, lambda d: d.update(start="2026-12-07T10:00:00"), False),
    _row("U30", _uut, lambda d: d["uut"].update(execTimeFormat="0.00"), True),
    _row("U31", _uut, lambda d: d["uut"].update(testSocketIndex=40000), False),
    _row("U31", _uut, lambda d: d["uut"].update(testSocketIndex=3), True),
    _row("U33", _uut, lambda d: d["uut"].update(errorCode="E12"), False),
    _row("C1", _uut, lambda d: d["miscInfos"][0].update(description="D" * 51), False),
    _row("C2", _uut, lambda d: d["miscInfos"][0].update(description=""), False),
    _row("C3", _uut, lambda d: d["miscInfos"][0].update(text="T" * 256), False),
    _row("C3", _uut, lambda d: d["miscInfos"][0].update(text="T" * 255), True),
    _row("C4", _uut, lambda d: d["miscInfos"][0].update(numeric=0.05), False),
    _row("C4", _uut, lambda d: d["miscInfos"][0].update(numeric=40000), False),
    _row("C4", _uut, lambda d: d["miscInfos"][0].update(numeric=-7), True),
    _row("C5", _uut, lambda d: d["miscInfos"][0].update(numericFormat="0.0"), True),
    _row("C6", _uut, lambda d: d["subUnits"][0].update(partType="P" * 51), False),
    _row("C7", _uut, lambda d: d["subUnits"][0].update(pn="P" * 51), False),
    _row("C7", _uut, lambda d: d["subUnits"][0].update(sn="S" * 51), False),
    _row("C8", _uut, lambda d: d.update(assets=[{"assetSN": "NO-SUCH", "usageCount": 1}]), True),
    _row("C10", _uut, lambda d: d.update(assets=[{"sn": "NO-SUCH", "usageCount": 0}]), True),
    # The position is how the .NET API places a genealogy item; WSJF sub-units carry none.
    _row("C12", _uut, lambda d: d["subUnits"][0].pop("partType"), True),
    _row("S1", _uut, lambda d: _step(d, 0)["numericMeas"][0].update(compOp="FOO"), False),
    _row("S3", _uut, lambda d: _step(d, 0)["numericMeas"][0].pop("highLimit"), False),
    _row(
        "S5",
        _uut,
        lambda d: _step(d, 0)["numericMeas"].append({"compOp": "LOG", "status": "P", "value": 1.0}),
        False,
    ),
    _row("S6", _uut, lambda d: _step(d, 1)["numericMeas"][1].update(name="1V8"), False),
    _row(
        "S8",
        _uut,
        lambda d: _step(d, 0).update(
            status="S", numericMeas=[{"status": "S", "value": "NaN", "unit": ""}]
        ),
        True,
    ),
    _row("S10", _uut, lambda d: _step(d, 2)["stringMeas"][0].update(compOp="GELE"), False),
    # WATS's own exports repeat sequence names within a parent (loops).
    _row(
        "S13",
        _uut,
        lambda d: d["root"]["steps"].extend(
            [
                {
                    "group": "M",
                    "stepType": "SequenceCall",
                    "name": "Loop",
                    "status": "P",
                    "seqCall": {"path": "L.seq", "name": "Loop", "version": "1"},
                }
            ]
            * 2
        ),
        True,
    ),
    # Import mode stores a passed parent over a failed child as given (FailParentOnFail=false).
    _row("S15", _uut, lambda d: _step(d, 0).update(status="F"), True),
    _row("S17", _uut, lambda d: _step(d, 0).update(status="X"), False),
    _row("S18", _uut, lambda d: _step(d, 0).update(group="X"), False),
    _row("S19", _uut, lambda d: _step(d, 0).update(name=""), False),
    _row("S21", _uut, lambda d: _step(d, 0).update(moduleTime=0.2, moduleTimeFormat="0.0"), True),
    _row("S22", _uut, lambda d: [s.pop("id") for s in (d["root"], *d["root"]["steps"])], True),
    _row("S23", _uut, lambda d: _step(d, 3)["chart"].update(chartType="Pie"), False),
    _row("S23", _uut, lambda d: _step(d, 3)["chart"].update(chartType="LineLogY"), True),
    _row("S24", _uut, lambda d: _step(d, 3).update(chart=[_step(d, 3)["chart"]] * 2), False),
    _row("S25", _uut, lambda d: _step(d, 3)["chart"]["series"][0].update(ydata="3"), False),
    _row(
        "S27",
        _uut,
        lambda d: _step(d, 0).update(
            attachment={
                "name": "big.bin",
                "contentType": "application/octet-stream",
                "data": base64.b64encode(bytes(200 * 1024)).decode(),
            }
        ),
        False,
    ),
    _row(
        "S27",
        _uut,
        lambda d: _step(d, 0).update(
            attachment={
                "name": "small.bin",
                "contentType": "application/octet-stream",
                "data": base64.b64encode(bytes(1024)).decode(),
            }
        ),
        True,
    ),
    _row(
        "S28",
        _uut,
        lambda d: _step(d, 3).update(
            attachment={"name": "a.txt", "contentType": "text/plain", "data": "aGk="}
        ),
        False,
    ),
    # WATS numbers steps its own way; the path text is an index detail, not a verdict.
    _row("S31", _uut, lambda d: d["root"].update(name="Main"), True),
    _row("R1", _uur, lambda d: d.update(pn="P" * 51), False),
    _row("R2", _uur, lambda d: d.update(processCode=10), False),
    _row("R2", _uur, lambda d: d.update(processCode=4242), False),
    _row("R3", _uur, lambda d: d["uur"].pop("processCode"), False),
    _row("R3", _uur, lambda d: d["uur"].update(processCode=4242), False),
    _row("R4", _uur, lambda d: d["uur"].update(user=None), False),
    _row("R4", _uur, lambda d: d["uur"].update(user="O" * 129), False),
    _row("R5", _uur, lambda d: d["uur"].update(comment="C" * 1001), False),
    _row("R6", _uur, lambda d: d["uur"].update(refUUT="not-a-guid"), False),
    # Repair type 500 has UUTRequired: a repair names the UUT it follows.
    _row("R7", _uur, lambda d: d["uur"].update(refUUT=None), False),
    _row("R9", _uur, lambda d: d["uur"].update(finalizeDate="1969-12-31T23:00:00Z"), False),
    _row("R11", _uur, lambda d: d["subUnits"][0].update(idx=1), False),
    _row("R12", _uur, lambda d: d["subUnits"][0]["failures"][0].update(code="Gremlins"), False),
    _row("R12", _uur, lambda d: d["subUnits"][0]["failures"][0].update(category="Magic"), False),
    # The fail code's Description is what WSJF carries in `code` (R13).
    _row("R13", _uur, lambda d: d["subUnits"][0]["failures"][0].update(code="Open joint"), True),
    _row("R15", _uur, lambda d: d["subUnits"][0]["failures"][0].update(refStepId=0), True),
    _row("R17", _uur, lambda d: d["subUnits"][0]["failures"][0].update(comment="C" * 1001), False),
    _row("R18", _uur, lambda d: d["subUnits"][0].update(failures=[]), False),
    _row(
        "R21",
        _uur,
        lambda d: d["subUnits"][0]["failures"][0].update(
            attachments=[{"name": "photo.txt", "contentType": "text/plain", "data": "aGk="}]
        ),
        True,
    ),
]


@pytest.fixture
async def api(asgi_transport: httpx.ASGITransport, server_token: str) -> Any:
    headers = {"Authorization": f"Basic {server_token}", "Referer": "http://wats.test/"}
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test", headers=headers
    ) as client:
        yield client


async def _operations(api: httpx.AsyncClient) -> Operations:
    """The server's processes and fail codes, read through its API as a client would."""
    processes = (await api.get("/api/App/Processes")).json()
    repair = (await api.get("/api/internal/Process/GetRepairOperations")).json()

    def below(node: dict[str, Any]) -> set[str]:
        return {c["Description"] for c in node["Failcodes"]}.union(*map(below, node["Failcodes"]))

    return Operations(
        test=frozenset(p["code"] for p in processes if p["isTestOperation"]),
        repair=frozenset(p["code"] for p in processes if p["isRepairOperation"]),
        fail_codes={
            int(code): {c["Description"]: frozenset(below(c)) for c in config["Categories"]}
            for code, config in repair.items()
        },
        uut_required=frozenset(int(c) for c, config in repair.items() if config["UUTRequired"]),
    )


@pytest.mark.parametrize(("row", "base", "change", "accepted"), ROWS)
async def test_sdk_and_server_give_wats_verdict(
    api: httpx.AsyncClient, row: str, base: Callable[[], Doc], change: Change, accepted: bool
) -> None:
    document = base()
    change(document)
    problems = report_from_json(copy.deepcopy(document)).problems(await _operations(api))
    answer = await api.post("/api/Report/WSJF", json=document)
    assert (problems == [], answer.status_code == 200) == (accepted, accepted), (
        row,
        problems,
        answer.text,
    )
    if not accepted:
        assert answer.status_code == 400, answer.text


async def test_the_base_documents_are_accepted(api: httpx.AsyncClient) -> None:
    for document in (_uut(), _uur()):
        assert report_from_json(document).problems(await _operations(api)) == []
        answer = await api.post("/api/Report/WSJF", json=document)
        assert answer.status_code == 200, answer.text
