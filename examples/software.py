"""Publish a test program to stations the way a test engineer does, and see what a station gets.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/software.py

Each run publishes the next
version of the package and revokes nothing else.
"""

from __future__ import annotations

from pywats import WATS, Package, Tag, WATSError


def main() -> None:
    with WATS() as client:
        draft = client.software.create(
            Package(
                name="ICT program",
                description="In-circuit test for PCB-100",
                root_directory="C:/Tests/ICT",
                tags=[Tag(key="line", value="Line 1")],
            )
        )
        assert draft.package_id is not None
        client.software.upload_files(
            draft.package_id,
            {"program/pcb100.tst": b"TEST PCB-100\n", "limits/pcb100.csv": b"R4,9.9k,10.1k\n"},
        )
        client.software.set_status(draft.package_id, "Pending")  # submitted for review
        client.software.set_status(draft.package_id, "Released")
        print(f"released {draft.name} version {draft.version}")

        plan = client.software.station_plan("line", "Line 1", installed=[])
        for package in plan.install:
            names = [f.path for f in client.software.files(package.package_id or "")]
            print(f"a Line 1 station installs {package.name} v{package.version}: {names}")
        limits = client.software.download(draft.package_id, "limits/pcb100.csv")
        print(f"limits/pcb100.csv = {limits.decode().strip()}")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
