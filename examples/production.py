"""Build a unit the way an MES integration does: serial numbers, batch, box build, phases, history.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/production.py

Safe to run again: each run
builds new units with freshly allocated serial numbers.
"""

from __future__ import annotations

from pywats import (
    WATS,
    ConflictError,
    Product,
    ProductionBatch,
    ProductRevision,
    SerialNumberType,
    Unit,
    WATSError,
)


def main() -> None:
    with WATS() as client:
        for part_number in ("CTRL-200", "PCB-200"):
            client.products.save(
                Product(part_number=part_number, revisions=[ProductRevision(revision="A")])
            )
        try:
            client.products.add_relation(("CTRL-200", "A"), ("PCB-200", "A"))
            client.production.create_serial_number_type(
                SerialNumberType(name="CTRL-200 serials", format="C200-######", end=999_999)
            )
        except ConflictError:
            pass  # defined by an earlier run

        # Saving by number creates the batch once and updates it on later runs.
        lot = client.production.save_batch(ProductionBatch(batch_number="LOT-200", batch_size=50))
        system_sn, board_sn = client.production.take_serial_numbers(
            "CTRL-200 serials", 2, station_name="Kitting"
        )
        client.production.save_units(
            [
                Unit(
                    serial_number=system_sn,
                    part_number="CTRL-200",
                    revision="A",
                    batch_number=lot.batch_number,
                ),
                Unit(
                    serial_number=board_sn,
                    part_number="PCB-200",
                    revision="A",
                    batch_number=lot.batch_number,
                ),
            ]
        )
        (lot,) = client.production.batches(batch_id=lot.batch_id)
        print(f"batch {lot.batch_number}: {lot.unit_count} of {lot.batch_size} units registered")
        client.production.add_child((system_sn, "CTRL-200"), (board_sn, "PCB-200"))
        check = client.production.check_children(system_sn, "CTRL-200")
        print(f"{system_sn}: box build complete = {check.is_complete}")

        try:
            client.production.add_child((system_sn, "CTRL-200"), (board_sn, "PCB-200"))
        except ConflictError as error:
            print(f"refused as expected: {error}")

        client.production.set_phase(system_sn, "CTRL-200", "Finalized", comment="assembled")
        for change in client.production.changes(system_sn, "CTRL-200"):
            print(f"change {change.id}: phase {change.new_unit_phase_id} ({change.comment})")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
