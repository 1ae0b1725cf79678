"""Server memory under repeated large reports: the resident set of a `pywats-server serve`
process after each of several submissions of the same large WSJF report (new id each time).

A server that keeps what a request held grows by about the report's size per repeat; a flat
one settles after the first few. Printed: RSS after each submit, and the growth from the
second submission to the last as a ratio of one report's size (the physical limit: 0 = flat).
"""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from ._server import prepare, sqlite_database

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "samples" / "wats"
REPORT_MB = float(os.environ.get("PYWATS_BENCH_REPORT_MB", "20"))
REPEATS = int(os.environ.get("PYWATS_BENCH_REPEATS", "8"))


def large_report(megabytes: float) -> dict[str, Any]:
    """The sample WSJF export with its top-level steps repeated until it is `megabytes` long."""
    sample = json.loads((SAMPLE / "uut-wsjf-export.json").read_text(encoding="utf-8"))
    steps = sample["root"]["steps"]
    one_round = len(json.dumps(steps))
    rounds = max(1, int(megabytes * 1024 * 1024 / one_round))
    sample["root"]["steps"] = [copy.deepcopy(step) for _ in range(rounds) for step in steps]
    # Step ids are unique within a report: number the copies in pre-order, as WATS does.
    stack, number = [sample["root"]], 0
    while stack:
        step = stack.pop()
        number += 1
        step["id"] = number
        stack.extend(reversed(step.get("steps") or []))
    return sample


def rss_bytes(pid: int) -> int:
    """The resident set of process `pid` (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _serve(url: str, max_body_mb: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "pywats_server", "serve", "--db", url, "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--max-body-mb", str(max_body_mb)], stdout=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{base_url}/api/App/Version", timeout=1)
            return process, base_url
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("server did not start") from None
            time.sleep(0.1)


def main() -> None:
    report = large_report(REPORT_MB)
    size = len(json.dumps(report).encode())
    print(f"report: {size / 1e6:.1f} MB WSJF, {REPEATS} submissions, SQLite")
    with sqlite_database() as url:
        token = prepare(url)
        process, base_url = _serve(url, max_body_mb=int(REPORT_MB) * 2 + 8)
        try:
            headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
            start = rss_bytes(process.pid)
            print(f"  idle RSS            {start / 1e6:8.1f} MB")
            after: list[int] = []
            with httpx.Client(base_url=base_url, headers=headers, timeout=600) as client:
                for number in range(1, REPEATS + 1):
                    report["id"] = str(uuid.uuid4())
                    body = json.dumps(report).encode()
                    response = client.post("/api/Report/WSJF", content=body)
                    response.raise_for_status()
                    after.append(rss_bytes(process.pid))
                    print(f"  after submit {number:2d}     {after[-1] / 1e6:8.1f} MB")
        finally:
            process.terminate()
            process.wait(timeout=30)
    growth = after[-1] - after[1] if len(after) > 1 else 0
    print(
        f"  growth from submit 2 to {REPEATS}: {growth / 1e6:.1f} MB = "
        f"{growth / size:.2f} x one report ({(growth / size) / max(1, REPEATS - 2):.2f} per repeat)"
    )


if __name__ == "__main__":
    main()
