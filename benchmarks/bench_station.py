"""Station service benchmarks: the disk's durable-write floor the outbox is built on.

The outbox makes every report durable before it is accepted: write, fsync, rename, fsync the
folder. This measures that sequence on raw small files in the same run, as the physical floor
end-to-end figures are compared with.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

PAYLOAD = b"x" * 1500  # the size of a small WSJF result file


def raw_fsync_rate(folder: Path, count: int = 300) -> float:
    """Durable small-file writes per second: write + fsync + rename + directory fsync."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        started = time.perf_counter()
        for n in range(count):
            temporary = folder / f".tmp-{n}"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                os.write(fd, PAYLOAD)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, folder / f"item-{n}.json")
            os.fsync(directory)
        return count / (time.perf_counter() - started)
    finally:
        os.close(directory)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-station-") as scratch:
        rate = raw_fsync_rate(Path(scratch))
    print(f"raw durable writes (write+fsync+rename+dir fsync): {rate:,.0f} files/s")


if __name__ == "__main__":
    main()
