"""The end-to-end demo runs, reports what arrived, and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def _session_members(session: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session:  # field 6 of /proc/<pid>/stat: session id
                members.append(int(entry.name))
    return members


def test_demo_delivers_and_cleans_up(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(DEMO), "--reports", "40"],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(scratch), "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # everything the demo starts shares this session
    )
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{out}\n{err}"
    assert "what arrived on the server" in out
    assert "quarantined 1 file(s) with a reason" in out
    assert "done: server and station stopped, temporary files removed" in out
    if Path("/proc/self/stat").exists():
        deadline = time.monotonic() + 10  # helpers (e.g. multiprocessing's tracker) exit soon
        while (left := _session_members(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in left]
        assert left == [], f"the demo left processes running: {commands}"
    assert list(scratch.iterdir()) == [], "the demo left temporary files"
