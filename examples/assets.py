"""Track a test fixture the way a test-station owner does: usage, calibration and its alarms.

    python examples/assets.py --url http://localhost:8080 --token <token>

The URL and token default to WATS_BASE_URL and WATS_AUTH_TOKEN. Safe to run again.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime, timedelta, timezone

from pywats import WATS, Asset, AssetType, WATSError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("WATS_BASE_URL"))
    parser.add_argument("--token", default=os.environ.get("WATS_AUTH_TOKEN"))
    args = parser.parse_args()
    if not args.url or not args.token:
        parser.error("give --url and --token (or set WATS_BASE_URL and WATS_AUTH_TOKEN)")

    with WATS(base_url=args.url, token=args.token) as client:
        fixture_type = client.assets.save_type(
            AssetType(
                type_name="Bed of nails",
                running_count_limit=10_000,
                calibration_interval=90,
                warning_threshold=80,
            )
        )
        client.assets.save(
            Asset(serial_number="BON-1", type_id=fixture_type.type_id, location="Line 1")
        )
        client.assets.record_calibration(
            "BON-1", datetime.now(timezone.utc) - timedelta(days=80), comment="yearly check"
        )
        client.assets.reset_running_count("BON-1", comment="new pins")
        client.assets.count_use("BON-1", 8_500)  # e.g. once per tested board

        status = client.assets.status("BON-1")
        print(f"BON-1 is {status.alarm_state_name}")
        for reason in status.messages:
            print(f"  - {reason}")
        for entry in client.assets.log("serialNumber eq 'BON-1'", orderby="logId desc", top=3):
            print(f"log {entry.date:%Y-%m-%d %H:%M} type {entry.type}: {entry.comment}")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
