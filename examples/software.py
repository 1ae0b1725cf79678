"""Publish a test program to stations the way a test engineer does, and see what a station gets.

    python examples/software.py --url http://localhost:8080 --token <token>

The URL and token default to WATS_BASE_URL and WATS_AUTH_TOKEN. Each run publishes the next
version of the package and revokes nothing else.
"""

from __future__ import annotations

import argparse
import os

from pywats import WATS, Package, Setting, WATSError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("WATS_BASE_URL"))
    parser.add_argument("--token", default=os.environ.get("WATS_AUTH_TOKEN"))
    args = parser.parse_args()
    if not args.url or not args.token:
        parser.error("give --url and --token (or set WATS_BASE_URL and WATS_AUTH_TOKEN)")

    with WATS(base_url=args.url, token=args.token) as client:
        draft = client.software.create(
            Package(
                name="ICT program",
                description="In-circuit test for PCB-100",
                root_directory="C:/Tests/ICT",
                tags=[Setting(key="line", value="Line 1")],
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
