"""SDK models: strict where we write (a misspelt field raises instead of going onto the wire),
tolerant where the server writes (unknown response fields are kept and sent back), and one
attribute naming convention (snake_case, wire names as aliases)."""

from __future__ import annotations

import json
import re

import httpx
import pydantic
import pytest

import pywats
from pywats import WATS, ProcessDefinition, Unit
from pywats._wire import dump
from pywats.testing import ScriptedTransport


def test_a_misspelt_field_is_refused_when_building_a_request() -> None:
    with pytest.raises(pydantic.ValidationError, match="Unit has no field batch_numbr"):
        Unit(serial_number="SN1", part_number="PCBA-1", batch_numbr="B7")  # type: ignore[call-arg]


def test_a_misspelt_nested_field_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="valeu"):
        Unit.model_validate(
            {"serialNumber": "SN1", "partNumber": "PCBA-1", "tags": [{"key": "k", "valeu": "v"}]}
        )


def test_either_spelling_builds_a_request() -> None:
    by_name = Unit(serial_number="SN1", part_number="PCBA-1")
    by_wire = Unit(serialNumber="SN1", partNumber="PCBA-1")  # type: ignore[call-arg]
    assert (
        dump(by_name)
        == dump(by_wire)
        == {
            "serialNumber": "SN1",
            "partNumber": "PCBA-1",
            "tags": [],
            "subUnits": [],
        }
    )
    definition = ProcessDefinition(code=7, name="ICT", process_id="x", is_wip_operation=True)
    assert dump(definition)["ProcessID"] == "x"
    assert dump(definition)["IsWIPOperation"] is True


def test_unknown_response_fields_are_kept_and_sent_back() -> None:
    # A field a newer server adds cannot come from the local server: the transport stands in.
    unit = {"serialNumber": "SN1", "partNumber": "PCBA-1", "futureField": {"a": 1}}
    unit["tags"] = [{"key": "k", "value": "v", "futureTagField": 2}]
    transport = ScriptedTransport(httpx.Response(200, json=unit), httpx.Response(200, json=[unit]))
    with WATS(base_url="http://wats.test", token="t", transport=transport) as client:
        got = client.production.get_unit("SN1", "PCBA-1")
        assert got.model_extra == {"futureField": {"a": 1}}
        assert got.tags[0].model_extra == {"futureTagField": 2}
        client.production.save_unit(got)
    assert json.loads(transport.requests[1].content) == [
        {
            "serialNumber": "SN1",
            "partNumber": "PCBA-1",
            "tags": [{"key": "k", "value": "v", "futureTagField": 2}],
            "subUnits": [],
            "futureField": {"a": 1},
        }
    ]


def test_every_public_model_names_its_attributes_in_snake_case() -> None:
    models = [
        obj
        for name in pywats.__all__
        if isinstance(obj := getattr(pywats, name), type) and issubclass(obj, pydantic.BaseModel)
    ]
    assert len(models) > 20
    bad = [
        f"{model.__name__}.{field}"
        for model in models
        for field in model.model_fields
        if not re.fullmatch(r"[a-z][a-z0-9_]*", field)
    ]
    assert bad == []
