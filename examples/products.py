"""Define a product the way an NPI engineer does: revisions, a BOM and its box build.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/products.py

Safe to run again.
"""

from __future__ import annotations

from pywats import WATS, BomItem, ConflictError, Product, ProductRevision, Tag, WATSError


def main() -> None:
    with WATS() as client:
        for part_number, name in [("CTRL-100", "Controller"), ("PCB-100", "Controller board")]:
            client.products.save(
                Product(
                    part_number=part_number,
                    name=name,
                    revisions=[ProductRevision(revision="A")],
                    tags=[Tag(key="family", value="controllers")],
                )
            )
        client.products.upload_bom(
            "PCB-100",
            "A",
            [
                BomItem(part_number="RES-10K-0603", quantity=3, component_ref="R4;R9;R12"),
                BomItem(part_number="CAP-100N", component_ref="C7"),
            ],
            description="Controller board",
        )
        try:
            client.products.add_relation(("CTRL-100", "A"), ("PCB-100", "A"), revision_mask="A;B")
        except ConflictError as error:
            print(f"box build already defined: {error}")

        for line in client.products.bom("PCB-100", "A"):
            print(f"BOM PCB-100/A: {line.quantity} x {line.part_number} ({line.component_ref})")
        for row in client.products.box_build("CTRL-100", "A")[1:]:  # row 0: CTRL-100/A itself
            print(f"CTRL-100/A contains {row.quantity} x {row.part_number}/{row.revision}")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
