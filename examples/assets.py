"""Track a test fixture the way a test-station owner does: usage, calibration and its alarms.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/assets.py

Safe to run again.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pywats import WATS, Asset, AssetType, WATSError


def main() -> None:
    with WATS() as client:
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
