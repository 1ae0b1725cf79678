"""Report, process, product and production calls of the compatibility driver."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from _compat_driver import Driver, admin


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


def reports(driver: Driver, api: Any, run: str) -> dict[str, Any]:
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
    uur.add_failure("Soldering", "Short circuit", comment="reflowed", component_ref="R12")
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


def products(driver: Driver, api: Any, run: str) -> None:
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


def production(driver: Driver, api: Any, run: str, reports: dict[str, Any]) -> None:
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
    admin(
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


def processes(driver: Driver, api: Any, run: str) -> None:
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
