"""The domain-service pattern: a service written once runs on both twins with the same calls."""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any

import httpx
import pydantic
import pytest

import pywats
from pywats._service import Call, M, Service, endpoint
from pywats.testing import FakeClock, ScriptedTransport


class Unit(pydantic.BaseModel):
    """A response model: tolerates fields the server adds later."""

    model_config = pydantic.ConfigDict(extra="allow")

    serialNumber: str
    partNumber: str


class Widgets(Service[M]):
    """A small domain service shaped like the real ones."""

    @endpoint
    def query(
        self, part_number: str, *, top: int | None = None, active: bool = True
    ) -> Call[list[Unit]]:
        """Units of a part number."""
        params = {"partNumber": part_number, "$top": top, "active": active}
        return Call("GET", "/api/Widget/Query", returns=list[Unit], params=params)

    @endpoint
    def find(self, serial_number: str) -> Call[Unit | None]:
        return Call("GET", f"/api/Widget/{serial_number}", returns=Unit | None)

    @endpoint
    def submit(self, document: dict[str, Any]) -> Call[None]:
        return Call("POST", "/api/Widget", json=document, idempotent=True)

    @endpoint
    def take(self, count: int) -> Call[list[str]]:
        return Call("POST", "/api/Widget/Take", params={"count": count}, returns=list[str])

    @endpoint
    def upload(self, data: bytes) -> Call[bytes]:
        headers = {"Content-Type": "application/zip"}
        return Call("PUT", "/api/Widget/Blob", content=data, headers=headers, returns=bytes)


def sync_widgets(*replies: httpx.Response | Exception) -> tuple[Widgets[Any], ScriptedTransport]:
    transport = ScriptedTransport(*replies)
    clock = FakeClock()
    client = pywats.WATS(base_url="http://wats.test", token="t", transport=transport, clock=clock)
    return Widgets(client), transport


def test_query_parameters_and_list_of_models_with_extra_fields() -> None:
    rows = [{"serialNumber": "SN1", "partNumber": "PN", "newField": 1}]
    widgets, transport = sync_widgets(httpx.Response(200, json=rows))
    units = widgets.query("PN", top=5)
    assert units == [Unit(serialNumber="SN1", partNumber="PN", newField=1)]
    assert units[0].model_extra == {"newField": 1}
    params = transport.requests[0].url.params
    assert dict(params) == {"partNumber": "PN", "$top": "5", "active": "true"}


def test_none_parameters_are_left_out() -> None:
    widgets, transport = sync_widgets(httpx.Response(200, json=[]))
    assert widgets.query("PN", active=False) == []
    assert dict(transport.requests[0].url.params) == {"partNumber": "PN", "active": "false"}


def test_empty_body_validates_as_none_when_the_model_allows_it() -> None:
    widgets, transport = sync_widgets(httpx.Response(200), httpx.Response(200, content=b"null"))
    assert widgets.find("SN 1/2") is None
    assert widgets.find("SN2") is None
    assert transport.requests[0].url.raw_path == b"/api/Widget/SN%201/2"


def test_json_body_and_idempotent_post_is_retried() -> None:
    widgets, transport = sync_widgets(httpx.ConnectError("refused"), httpx.Response(200))
    assert widgets.submit({"id": "abc"}) is None
    assert len(transport.requests) == 2
    assert json.loads(transport.requests[1].content) == {"id": "abc"}
    assert transport.requests[1].headers["Content-Type"] == "application/json"


def test_non_idempotent_post_is_not_retried() -> None:
    widgets, transport = sync_widgets(httpx.Response(503), httpx.Response(200, json=["SN1"]))
    with pytest.raises(pywats.InternalServerError):
        widgets.take(1)
    assert len(transport.requests) == 1


def test_raw_content_and_bytes_response() -> None:
    widgets, transport = sync_widgets(httpx.Response(200, content=b"\x00\x01"))
    assert widgets.upload(b"PK\x03\x04") == b"\x00\x01"
    assert transport.requests[0].content == b"PK\x03\x04"
    assert transport.requests[0].headers["Content-Type"] == "application/zip"


def test_model_mismatch_names_the_field() -> None:
    widgets, _ = sync_widgets(httpx.Response(200, json=[{"serialNumber": "SN1"}]))
    with pytest.raises(pywats.APIResponseValidationError, match=r"0\.partNumber"):
        widgets.query("PN")


def test_methods_keep_their_docstrings() -> None:
    widgets, _ = sync_widgets()
    assert widgets.query.__doc__ == "Units of a part number."
    assert widgets.query.__qualname__ == "Widgets.query"
    assert Widgets.query.__doc__ == "Units of a part number."


@pytest.mark.anyio
async def test_the_same_service_is_awaitable_on_the_async_client() -> None:
    rows = [{"serialNumber": "SN1", "partNumber": "PN"}]
    transport = ScriptedTransport(httpx.Response(503), httpx.Response(200, json=rows))
    clock = FakeClock()
    async with pywats.AsyncWATS(
        base_url="http://wats.test", token="t", transport=transport, clock=clock
    ) as client:
        widgets = Widgets(client)
        assert await widgets.query("PN") == [Unit(serialNumber="SN1", partNumber="PN")]
    assert len(transport.requests) == 2


def test_help_shows_real_parameters_and_result_types() -> None:
    # Every public method of every service, on both twins: never `(*args, **kwargs) -> Any`.
    with pywats.WATS(base_url="http://wats.test", token="t") as sync_client:
        sync_list = inspect.signature(sync_client.processes.list)
        sync_pages = inspect.signature(sync_client.reports.iter_headers)
        sync_all = _service_signatures(sync_client)
    async_client = pywats.AsyncWATS(base_url="http://wats.test", token="t")
    async_list = inspect.signature(async_client.processes.list)
    async_pages = inspect.signature(async_client.reports.iter_headers)
    async_all = _service_signatures(async_client)
    assert str(sync_list) == "(*, include_inactive: 'bool' = False) -> 'list[ProcessInfo]'"
    assert str(async_list).endswith("-> 'Awaitable[list[ProcessInfo]]'")
    assert str(sync_pages).endswith("page_size: 'int' = 500) -> 'Iterator[ReportHeader]'")
    assert str(async_pages).endswith("-> 'AsyncIterator[ReportHeader]'")
    assert len(sync_all) > 100
    for signatures in (sync_all, async_all):
        vague = [name for name, sig in signatures.items() if "*args" in sig or sig.endswith("Any'")]
        assert vague == []


def _service_signatures(client: pywats.WATS | pywats.AsyncWATS) -> dict[str, str]:
    services = [client] + [
        getattr(client, name)
        for name, value in vars(type(client).__mro__[1]).items()
        if isinstance(value, functools.cached_property)
    ]
    return {
        f"{type(service).__name__}.{name}": str(inspect.signature(getattr(service, name)))
        for service in services
        for name in dir(service)
        if not name.startswith("_")
        and callable(getattr(service, name))
        and not inspect.isclass(getattr(service, name))
        and name not in ("close", "aclose")
    }
