"""Drives every domain service of `pywats-api` 0.6.0rc1 against a running server.

Runs under the reference environment's interpreter (the package imports as `pywats`, the same
name as ours), as `python pywats_api_driver.py BASE_URL TOKEN`, and prints one JSON list of
`{"domain", "call", "ok", "detail"}`. A call is ok only when it raised nothing, what it read back
matches what was written, and no HTTP request made inside it answered 4xx/5xx: the transport is
wrapped to see those, because the client turns some of them into `None` or `[]`.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

_REQUESTS: list[tuple[str, str, int]] = []


def _wrap_transports() -> None:
    """Record (method, path, status) of every request either of httpx's transports sends."""
    sync_send = httpx.HTTPTransport.handle_request
    async_send = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        response = sync_send(self, request)
        _REQUESTS.append((request.method, str(request.url.raw_path, "ascii"), response.status_code))
        return response

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        response = await async_send(self, request)
        _REQUESTS.append((request.method, str(request.url.raw_path, "ascii"), response.status_code))
        return response

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]


class Driver:
    """Runs calls, recording a verdict for each."""

    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []

    def call(
        self,
        domain: str,
        name: str,
        action: Callable[[], Any],
        check: Callable[[Any], object] | None = None,
    ) -> Any:
        """Run `action`; ok when it raises nothing, no request failed and `check(result)` holds
        (a check returns a falsy value or raises AssertionError to fail)."""
        _REQUESTS.clear()
        value: Any = None
        problems: list[str] = []
        try:
            value = action()
            if check is not None and not check(value):
                problems.append(f"read back does not match: {_short(value)}")
        except AssertionError as exc:
            problems.append(f"read back does not match: {exc}")
        except Exception as exc:  # every failure of the client is a verdict
            problems.append(f"raised {type(exc).__name__}: {str(exc)[:300]}")
            value = None
        failed = [f"{m} {p} -> {s}" for m, p, s in _REQUESTS if s >= 400]
        if failed:
            problems.append("HTTP errors: " + "; ".join(failed))
        self.results.append(
            {"domain": domain, "call": name, "ok": not problems, "detail": " | ".join(problems)}
        )
        return value


def _short(value: Any) -> str:
    return repr(value)[:300]


def _uut(api: Any, pn: str, sn: str, start: datetime) -> Any:
    report = api.report.create_uut_report(
        operator="compat",
        part_number=pn,
        revision="A",
        serial_number=sn,
        operation_type=10,
        station_name="COMPAT-ST",
        location="Lab",
        purpose="Development",
        start_time=start,
    )
    root = report.get_root_sequence_call()
    root.add_numeric_step(
        name="Voltage", value=3.3, unit="V", comp_op="GELE", low_limit=3.0, high_limit=3.6
    )
    root.add_string_step(name="Firmware", value="1.2.3", comp_op="CASESENSIT", limit="1.2.3")
    root.add_boolean_step(name="Lid closed")
    report.add_misc_info(description="Fixture slot", value="3")
    return report


def _reports(driver: Driver, api: Any, run: str) -> dict[str, Any]:
    from pywats.domains.report import ReportType

    pn, sn = f"CMP-{run}", f"SN-{run}-1"
    start = datetime.now(timezone.utc).astimezone() - timedelta(minutes=5)
    report = _uut(api, pn, sn, start)
    report_id = driver.call(
        "report",
        "submit_report (WSJF)",
        lambda: api.report.submit_report(report),
        lambda got: got and str(got).lower() == str(report.id).lower(),
    )

    def fetched(got: Any) -> bool:
        steps = got.get_root_sequence_call().steps
        assert [s.name for s in steps] == ["Voltage", "Firmware", "Lid closed"], steps
        assert (got.sn, got.pn) == (sn, pn)
        assert steps[0].measurement.value == 3.3, steps[0]
        return True

    driver.call(
        "report", "get_report (WSJF)", lambda: api.report.get_report(str(report_id)), fetched
    )
    driver.call(
        "report",
        "query_uut_headers $filter",
        lambda: api.report.query_uut_headers(odata_filter=f"serialNumber eq '{sn}'"),
        lambda got: [h.serial_number for h in got] == [sn],
    )
    driver.call(
        "report",
        "query_headers $top/$orderby",
        lambda: api.report.query_headers(
            ReportType.UUT, odata_filter=f"partNumber eq '{pn}'", top=1, orderby="start desc"
        ),
        lambda got: len(got) == 1 and got[0].part_number == pn,
    )
    driver.call(
        "report",
        "get_headers_by_serial",
        lambda: api.report.get_headers_by_serial(sn),
        lambda got: [h.serial_number for h in got] == [sn],
    )
    driver.call(
        "report",
        "query_headers_by_misc_info",
        lambda: api.report.query_headers_by_misc_info("Fixture slot", "3"),
        lambda got: sn in [h.serial_number for h in got],
    )
    xml = driver.call(
        "report",
        "get_report_xml (WSXF)",
        lambda: api.report.get_report_xml(str(report_id)),
        lambda got: got and sn.encode() in got,
    )
    if xml:
        # The same report as WSXF under a new id and serial, as a client re-submits an export.
        new_id, new_sn = str(uuid.uuid4()), f"SN-{run}-X"
        text = xml.decode("utf-8").replace(str(report_id), new_id).replace(sn, new_sn)
        text = text.replace(str(report_id).upper(), new_id)
        driver.call(
            "report",
            "submit_report_xml (WSXF)",
            lambda: api.report.submit_report_xml(text),
            lambda got: got and str(got).lower() == new_id,
        )
        driver.call(
            "report",
            "get_report after WSXF submit",
            lambda: api.report.get_report(new_id),
            lambda got: got.sn == new_sn and len(got.get_root_sequence_call().steps) == 3,
        )
    uur = api.report.create_uur_report(report, operator="repairer", station_name="COMPAT-ST")
    uur_id = driver.call(
        "report",
        "submit_report (UUR)",
        lambda: api.report.submit_report(uur),
        lambda got: bool(got),
    )
    driver.call(
        "report",
        "query_uur_headers",
        lambda: api.report.query_uur_headers(odata_filter=f"serialNumber eq '{sn}'"),
        lambda got: [str(h.uuid).lower() for h in got] == [str(uur_id).lower()],
    )
    driver.call(
        "certificate",
        "get_certificate",
        lambda: api.report.get_certificate(str(report_id)),
        lambda got: bool(got),
    )
    return {"pn": pn, "sn": sn, "report_id": str(report_id)}


def _products(driver: Driver, api: Any, run: str) -> None:
    parent, child = f"BOX-{run}", f"BRD-{run}"
    driver.call(
        "product",
        "create_product",
        lambda: api.product.create_product(parent, name="Box"),
        lambda got: got.part_number == parent,
    )
    driver.call("product", "create_product (child)", lambda: api.product.create_product(child))
    driver.call(
        "product",
        "get_product",
        lambda: api.product.get_product(parent),
        lambda got: got.part_number == parent and got.name == "Box",
    )
    driver.call(
        "product",
        "get_products",
        lambda: api.product.get_products(),
        lambda got: {parent, child} <= {p.part_number for p in got},
    )
    for pn in (parent, child):
        driver.call(
            "product",
            f"create_revision {pn[:3]}",
            lambda pn=pn: api.product.create_revision(pn, "A"),
            lambda got: got.revision == "A",
        )
    driver.call(
        "product",
        "get_revision",
        lambda: api.product.get_revision(parent, "A"),
        lambda got: got.revision == "A" and got.part_number == parent,
    )
    driver.call(
        "product",
        "add_subunit (box build)",
        lambda: api.product.add_subunit(parent, "A", child, "A", quantity=2),
        lambda got: got is not None,
    )
    driver.call(
        "product",
        "get_box_build_subunits",
        lambda: api.product.get_box_build_subunits(parent, "A"),
        lambda got: [(r.child_part_number, r.quantity) for r in got] == [(child, 2)],
    )

    def template() -> Any:
        built = api.product.get_box_build_template(parent, "A")
        return [(s.child_part_number, s.quantity) for s in built.subunits]

    driver.call("product", "get_box_build_template", template, lambda got: got == [(child, 2)])
    driver.call(
        "product",
        "get_product_hierarchy",
        lambda: api.product.get_product_hierarchy(parent, "A"),
        lambda got: len(got) >= 2,
    )
    driver.call("product", "get_bom", lambda: api.product.get_bom(parent, "A"), lambda got: True)
    group = f"Group-{run}"
    driver.call(
        "product",
        "create_group",
        lambda: api.product.create_group(group),
        lambda got: got is not None,
    )
    driver.call(
        "product",
        "get_groups",
        lambda: api.product.get_groups(),
        lambda got: group in [g.name for g in got],
    )


def _production(driver: Driver, api: Any, run: str, reports: dict[str, Any]) -> None:
    from pywats.domains.production import Unit

    # A box build (BOX holds BRD, made by `_products`) and one unit of each.
    pn, sn = f"BOX-{run}", f"U-{run}-1"
    child_pn, child_sn = f"BRD-{run}", f"U-{run}-C"
    driver.call(
        "production",
        "create_units",
        lambda: api.production.create_units(
            [
                Unit(serial_number=sn, part_number=pn, revision="A"),
                Unit(serial_number=child_sn, part_number=child_pn, revision="A"),
            ]
        ),
        lambda got: len(got) == 2,
    )
    driver.call(
        "production",
        "get_unit",
        lambda: api.production.get_unit(sn, pn),
        lambda got: got.serial_number == sn and got.revision == "A",
    )
    driver.call(
        "production",
        "get_phases",
        lambda: api.production.get_phases(),
        lambda got: "Under production" in [p.name for p in got],
    )
    driver.call(
        "production",
        "set_unit_phase",
        lambda: api.production.set_unit_phase(sn, pn, "Under production"),
        lambda got: got is True,
    )
    driver.call(
        "production",
        "get_unit (phase read back)",
        lambda: api.production.get_unit(sn, pn),
        lambda got: got.unit_phase == "Under production",
    )
    driver.call(
        "production",
        "add_child_to_assembly",
        lambda: api.production.add_child_to_assembly(sn, pn, child_sn, child_pn),
        lambda got: got is True,
    )
    driver.call(
        "production",
        "get_unit (child read back)",
        lambda: api.production.get_unit(child_sn, child_pn),
        lambda got: got.parent_serial_number == sn,
    )
    driver.call(
        "production",
        "verify_unit",
        lambda: api.production.verify_unit(reports["sn"], reports["pn"]),
        lambda got: got is not None,
    )
    driver.call(
        "production",
        "get_unit_history",
        lambda: api.production.get_unit_history(sn, pn),
        lambda got: got is not None,
    )
    # WATS defines serial-number types in its control panel; the client has no call for it.
    type_name = f"SNT{run}"
    _admin(
        api,
        "PUT",
        "/api/Production/SerialNumbers/Types",
        {"name": type_name, "format": f"{run}####", "end": 99},
    )
    driver.call(
        "production",
        "get_serial_number_types",
        lambda: api.production.get_serial_number_types(),
        lambda got: type_name in [t.name for t in got],
    )
    csv = f"serialNumber,typeName\n{run}0001,{type_name}\n{run}0002,{type_name}\n"
    driver.call(
        "production",
        "import_serial_numbers",
        lambda: api.production.import_serial_numbers(csv.encode(), "text/csv"),
        lambda got: got is True,
    )
    driver.call(
        "production",
        "allocate_serial_numbers",
        lambda: api.production.allocate_serial_numbers(type_name, count=1),
        lambda got: len(got) == 1,
    )
    driver.call(
        "production",
        "export_serial_numbers",
        lambda: api.production.export_serial_numbers(type_name),
        lambda got: got and f"{run}0002".encode() in got,
    )
    # The internal production endpoints `endpoints` builds.
    driver.call(
        "production_internal",
        "get_unit_info",
        lambda: api.production.get_unit_info(sn, pn),
        lambda got: got is not None,
    )
    driver.call(
        "production_internal",
        "get_unit_state_history",
        lambda: api.production.get_unit_state_history(sn, pn),
        lambda got: got is not None,
    )
    driver.call(
        "production_internal",
        "get_sites",
        lambda: api.production.get_sites(),
        lambda got: isinstance(got, list),
    )


def _admin(api: Any, method: str, path: str, body: Any) -> Any:
    """A set-up request outside the client's API (WATS does these in its control panel)."""
    headers = {"Authorization": f"Basic {api._compat_token}"}
    response = httpx.request(method, api.base_url + path, json=body, headers=headers)
    response.raise_for_status()
    return response.json()


def _assets(driver: Driver, api: Any, run: str) -> None:
    kind = driver.call(
        "asset",
        "create_asset_type",
        lambda: api.asset.create_asset_type(f"Meter-{run}", running_count_limit=100),
        lambda got: got.type_name == f"Meter-{run}",
    )
    driver.call(
        "asset",
        "get_asset_types",
        lambda: api.asset.get_asset_types(),
        lambda got: f"Meter-{run}" in [t.type_name for t in got],
    )
    serial = f"DMM-{run}"
    type_id = getattr(kind, "type_id", None)
    asset = driver.call(
        "asset",
        "create_asset",
        lambda: api.asset.create_asset(serial, type_id, asset_name="Bench meter"),
        lambda got: got.serial_number == serial,
    )
    asset_id = getattr(asset, "asset_id", None)
    driver.call(
        "asset",
        "get_asset_by_serial",
        lambda: api.asset.get_asset_by_serial(serial),
        lambda got: got.asset_name == "Bench meter",
    )
    driver.call(
        "asset",
        "increment_count",
        lambda: api.asset.increment_count(serial_number=serial, amount=3),
        lambda got: got is True,
    )
    driver.call(
        "asset",
        "get_asset (count read back)",
        lambda: api.asset.get_asset(serial_number=serial),
        lambda got: got.running_count == 3 and got.total_count == 3,
    )
    driver.call(
        "asset",
        "get_assets $filter",
        lambda: api.asset.get_assets(filter_str=f"serialNumber eq '{serial}'"),
        lambda got: [a.serial_number for a in got] == [serial],
    )
    driver.call(
        "asset",
        "get_status",
        lambda: api.asset.get_status(serial_number=serial),
        lambda got: got is not None,
    )
    driver.call(
        "asset",
        "add_log_message",
        lambda: api.asset.add_log_message(str(asset_id), "compat check"),
        lambda got: got is True,
    )
    driver.call(
        "asset",
        "get_asset_log",
        lambda: api.asset.get_asset_log(filter_str=f"assetId eq '{asset_id}'"),
        lambda got: "compat check" in [entry.comment for entry in got],
    )


def _software(driver: Driver, api: Any, run: str) -> None:
    name = f"Firmware-{run}"
    package = driver.call(
        "software",
        "create_package",
        lambda: api.software.create_package(name, description="fw"),
        lambda got: got.name == name,
    )
    package_id = getattr(package, "package_id", None)
    driver.call(
        "software",
        "get_package",
        lambda: api.software.get_package(package_id),
        lambda got: got.name == name and got.description == "fw",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bin/firmware.bin", b"\x00\x01firmware")
    driver.call(
        "software",
        "upload_zip",
        lambda: api.software.upload_zip(package_id, buffer.getvalue()),
        lambda got: got is True,
    )
    driver.call(
        "software",
        "get_package_files",
        lambda: api.software.get_package_files(package_id),
        lambda got: any("firmware.bin" in (f.filename or "") for f in got),
    )
    driver.call(
        "software",
        "submit_for_review",
        lambda: api.software.submit_for_review(package_id),
        lambda got: got is True,
    )
    driver.call(
        "software",
        "release_package",
        lambda: api.software.release_package(package_id),
        lambda got: got is True,
    )
    driver.call(
        "software",
        "get_released_package",
        lambda: api.software.get_released_package(name),
        lambda got: got is not None and got.name == name,
    )
    driver.call(
        "software",
        "get_packages",
        lambda: api.software.get_packages(),
        lambda got: name in [p.name for p in got],
    )
    driver.call(
        "software_internal",
        "get_package_history",
        lambda: api.software.get_package_history(name),
        lambda got: got is not None,
    )


def _rootcause(driver: Driver, api: Any, run: str, reports: dict[str, Any]) -> None:
    subject = f"Voltage drift {run}"
    ticket = driver.call(
        "rootcause",
        "create_ticket",
        lambda: api.rootcause.create_ticket(
            subject, report_uuid=reports["report_id"], initial_comment="seen on line 2"
        ),
        lambda got: got.subject == subject,
    )
    ticket_id = getattr(ticket, "ticket_id", None)
    driver.call(
        "rootcause",
        "add_comment",
        lambda: api.rootcause.add_comment(ticket_id, "checked"),
        lambda got: got is not None,
    )
    driver.call(
        "rootcause",
        "get_ticket",
        lambda: api.rootcause.get_ticket(ticket_id),
        lambda got: got.subject == subject,
    )
    driver.call(
        "rootcause",
        "get_tickets",
        lambda: api.rootcause.get_tickets(),
        lambda got: isinstance(got, list),
    )


def _scim(driver: Driver, api: Any, run: str) -> None:
    from pywats.domains.scim import ScimUser

    name = f"user{run}@example.com"
    user = driver.call(
        "scim",
        "create_user",
        lambda: api.scim.create_user(ScimUser(user_name=name, display_name="Compat User")),
        lambda got: got.user_name == name,
    )
    if user is None:
        # The client's create_user is broken (see the test); make the user without it.
        user = ScimUser(
            **_admin(
                api, "POST", "/api/SCIM/v2/Users", {"userName": name, "displayName": "Compat User"}
            )
        )
    user_id = getattr(user, "id", None)
    driver.call(
        "scim",
        "get_user",
        lambda: api.scim.get_user(user_id),
        lambda got: got.user_name == name and got.display_name == "Compat User",
    )
    driver.call(
        "scim",
        "get_users",
        lambda: api.scim.get_users(),
        lambda got: name in [u.user_name for u in got.resources],
    )
    driver.call(
        "scim",
        "get_user_by_username",
        lambda: api.scim.get_user_by_username(name),
        lambda got: got is not None and got.id == user_id,
    )
    driver.call(
        "scim",
        "deactivate_user",
        lambda: api.scim.deactivate_user(user_id),
        lambda got: got is not None,
    )
    driver.call(
        "scim_token",
        "get_token",
        lambda: api.scim.get_token(),
        lambda got: got is not None and bool(got.token),
    )


def _analytics(driver: Driver, api: Any, run: str, reports: dict[str, Any]) -> None:
    from pywats.domains.analytics.models import UnitFlowFilter

    from pywats import WATSFilter

    since = datetime.now(timezone.utc) - timedelta(days=7)

    pn, sn = reports["pn"], reports["sn"]
    driver.call(
        "analytics", "get_version", lambda: api.analytics.get_version(), lambda got: bool(got)
    )
    driver.call(
        "analytics",
        "get_processes",
        lambda: api.analytics.get_processes(),
        lambda got: 10 in [p.code for p in got],
    )
    driver.call(
        "analytics",
        "get_levels",
        lambda: api.analytics.get_levels(),
        lambda got: isinstance(got, list),
    )
    driver.call(
        "analytics",
        "get_dynamic_yield",
        lambda: api.analytics.get_dynamic_yield(WATSFilter(part_number=pn, date_from=since)),
        lambda got: len(got) >= 1,
    )
    driver.call(
        "analytics",
        "get_serial_number_history",
        lambda: api.analytics.get_serial_number_history(WATSFilter(serial_number=sn)),
        lambda got: sn in [h.serial_number for h in got],
    )
    driver.call(
        "analytics",
        "get_top_failed",
        lambda: api.analytics.get_top_failed(WATSFilter(part_number=pn, date_from=since)),
        lambda got: isinstance(got, list),
    )
    driver.call(
        "analytics",
        "get_test_step_analysis",
        lambda: api.analytics.get_test_step_analysis(
            WATSFilter(part_number=pn, test_operation="SW Debug", date_from=since)
        ),
        lambda got: "Voltage" in [r.step_name for r in got],
    )
    driver.call(
        "analytics",
        "get_uut_reports",
        lambda: api.analytics.get_uut_reports(WATSFilter(part_number=pn, date_from=since)),
        lambda got: sn in [h.serial_number for h in got],
    )
    driver.call(
        "oee",
        "get_oee_analysis",
        lambda: api.analytics.get_oee_analysis(WATSFilter(part_number=pn, date_from=since)),
        lambda got: got is not None,
    )
    driver.call(
        "unit_flow",
        "get_unit_flow",
        lambda: api.analytics.get_unit_flow(UnitFlowFilter(part_number=pn)),
        lambda got: got is not None and len(got.nodes or []) >= 1,
    )
    driver.call(
        "unit_flow",
        "get_flow_nodes",
        lambda: api.analytics.get_flow_nodes(),
        lambda got: len(got) >= 1,
    )
    driver.call(
        "unit_flow",
        "get_flow_links",
        lambda: api.analytics.get_flow_links(),
        lambda got: isinstance(got, list),
    )
    driver.call(
        "unit_flow",
        "get_flow_units",
        lambda: api.analytics.get_flow_units(),
        lambda got: sn in [u.serial_number for u in got],
    )
    driver.call(
        "unit_flow",
        "trace_serial_numbers",
        lambda: api.analytics.trace_serial_numbers([sn]),
        lambda got: got is not None,
    )


def _processes(driver: Driver, api: Any, run: str) -> None:
    driver.call(
        "process",
        "get_processes",
        lambda: api.process.get_processes(),
        lambda got: {10, 500} <= {p.code for p in got},
    )
    driver.call(
        "process",
        "get_process_by_code",
        lambda: api.process.get_process_by_code(10),
        lambda got: got.name == "SW Debug",
    )
    driver.call(
        "process",
        "is_valid_repair_operation",
        lambda: api.process.is_valid_repair_operation(500),
        lambda got: got is True,
    )
    driver.call(
        "process",
        "get_repair_operation_configs",
        lambda: api.process.get_repair_operation_configs(),
        lambda got: 500 in got,
    )


def _pending(driver: Driver, api: Any, run: str, reports: dict[str, Any]) -> None:
    """Calls to endpoints another branch builds; each domain here is its own test."""
    pn, sn = reports["pn"], reports["sn"]
    group = f"Group-{run}"
    driver.call(
        "product_groups",
        "get_groups_for_product",
        lambda: api.product.get_groups_for_product(f"BOX-{run}"),
        lambda got: isinstance(got, list),
    )
    doomed = f"DEL-{run}"
    api.product.create_product(doomed)
    api.product.create_revision(doomed, "A")
    driver.call(
        "product_delete",
        "delete_revision",
        lambda: api.product.delete_revision(doomed, "A"),
        lambda got: api.product.get_revision(doomed, "A") is None,
    )
    driver.call(
        "product_delete",
        "delete_product",
        lambda: api.product.delete_product(doomed),
        lambda got: api.product.get_product(doomed) is None,
    )
    del group
    driver.call(
        "unit_tags",
        "set_unit_tag",
        lambda: api.production.set_unit_tag(sn, pn, "Line", "2"),
        lambda got: got is True,
    )
    driver.call(
        "unit_query",
        "query_units",
        lambda: api.production.query_units(filter=f"serialNumber eq '{sn}'"),
        lambda got: [u.serial_number for u in got] == [sn],
    )
    name = f"Visual-{run}"
    definition = driver.call(
        "manual_inspection",
        "create_definition",
        lambda: api.manual_inspection.create_definition(name, description="visual check"),
        lambda got: got.name == name,
    )
    driver.call(
        "manual_inspection",
        "list_definitions",
        lambda: api.manual_inspection.list_definitions(),
        lambda got: name in [d.name for d in got],
    )
    definition_id = getattr(definition, "test_sequence_definition_id", None)
    driver.call(
        "manual_inspection",
        "get_definition",
        lambda: api.manual_inspection.get_definition(str(definition_id)),
        lambda got: got.name == name,
    )
    package = api.software.get_package_by_name(f"Firmware-{run}")
    driver.call(
        "software_internal",
        "get_software_entity_details",
        lambda: api.software.get_software_entity_details(package.package_id),
        lambda got: got is not None,
    )
    driver.call(
        "software_internal",
        "get_virtual_folders",
        lambda: api.software.get_virtual_folders(),
        lambda got: isinstance(got, list),
    )


def main() -> None:
    """Drive every domain against `sys.argv[1]` with token `sys.argv[2]`; print the verdicts."""
    base_url, token = sys.argv[1], sys.argv[2]
    _wrap_transports()
    from pywats.core.throttle import configure_throttling

    from pywats import pyWATS

    # Its client-side rate limit and GET cache are for a shared production server, not a test.
    configure_throttling(enabled=False)
    driver = Driver()
    run = uuid.uuid4().hex[:8].upper()
    api = driver.call(
        "connect", "pyWATS()", lambda: pyWATS(base_url=base_url, token=token, enable_cache=False)
    )
    if api is not None:
        api._compat_token = token
    if api is None:
        print(json.dumps(driver.results))
        return
    try:
        reports = _reports(driver, api, run)
        for part in (_processes, _products, _assets, _software, _scim):
            try:
                part(driver, api, run)
            except Exception:  # a broken step must not hide the other domains
                driver.results.append(
                    {
                        "domain": part.__name__.strip("_"),
                        "call": "(driver)",
                        "ok": False,
                        "detail": traceback.format_exc()[-600:],
                    }
                )
        for part_with_reports in (_production, _rootcause, _analytics, _pending):
            try:
                part_with_reports(driver, api, run, reports)
            except Exception:
                driver.results.append(
                    {
                        "domain": part_with_reports.__name__.strip("_"),
                        "call": "(driver)",
                        "ok": False,
                        "detail": traceback.format_exc()[-600:],
                    }
                )
    finally:
        api.close()
    print(json.dumps(driver.results))


if __name__ == "__main__":
    main()
