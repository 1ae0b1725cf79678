"""A pytest session as one UUT report: `pytest --wats` over `examples/pytest_board`.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/pytest_wats.py

Runs the board's tests with the pyWATS pytest plugin (`pip install 'pywats[pytest]'`), which
submits the session as one report (a sequence per test function), then reads the report back.
Safe to run again: each run is a new report of the same unit.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from pywats import WATS, WATSError

BOARD = Path(__file__).resolve().parent / "pytest_board"
SERIAL = "DEMO-PYTEST-0001"


def main() -> None:
    with tempfile.TemporaryDirectory() as pending:
        status = pytest.main([
            str(BOARD), "-q", "-p", "no:cacheprovider", "--rootdir", str(BOARD),
            "--wats", "--wats-serial", SERIAL, "--wats-part-number", "DEMO-PYTEST-1",
            "--wats-revision", "A", "--wats-process", "100", "--wats-program", "power_board",
            "--wats-program-version", "1.0", "--wats-pending", pending,
        ])  # fmt: skip
        left = list(Path(pending).rglob("*.json"))
    if status != 0:
        raise SystemExit(f"error: the board's tests ended with status {int(status)}")
    try:
        with WATS() as client:
            headers = client.reports.query_headers(f"serialNumber eq '{SERIAL}'", top=1,
                                                   orderby="start desc")  # fmt: skip
    except WATSError as exc:
        raise SystemExit(f"error: {exc}") from None
    if left or not headers:
        raise SystemExit("error: the report did not reach the server")
    print(f"newest report of {SERIAL}: {headers[0].uuid} result {headers[0].result}")


if __name__ == "__main__":
    main()
