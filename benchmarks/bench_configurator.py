"""Configurator start-up, offscreen: process start → window shown, config loaded, first paint.

Each run is a fresh interpreter (what an operator waits for after double-clicking) on a station
configuration with three converters and no service running. The child prints the wall-clock time
once the first frame is painted; the figure is that minus the moment the parent launched it
(interpreter start-up included, exit excluded). The floor is the same interpreter showing a bare
`QMainWindow` with one label: what any PySide6 app pays. Target: under 2 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7

OURS = r"""
import sys
import time
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from pywats_ui import create_window

app = QApplication([])
window = create_window(Path(sys.argv[1]))
loop = QEventLoop()
window.loaded.connect(loop.quit)
QTimer.singleShot(10_000, loop.quit)
window.show()
loop.exec()
assert window.context.document.converters(), "configuration not loaded"
app.processEvents()
window.grab()  # the first frame is really painted
print(time.time(), flush=True)
"""

FLOOR = r"""
import time
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("pyWATS"))
window.resize(1100, 720)
window.show()
app.processEvents()
window.grab()
print(time.time(), flush=True)
"""

CONFIG = """\
schema_version = 1

[server]
url = "http://127.0.0.1:9"

[[converters]]
type = "wsjf"
watch = "incoming/json"

[[converters]]
type = "teststand"
watch = "incoming/teststand"

[[converters]]
type = "stdf"
watch = "incoming/stdf"
"""


def _run(script: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        check=True,
        timeout=60,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return float(done.stdout.split()[-1]) - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "client.toml"
        config.write_text(CONFIG, encoding="utf-8")
        _run(OURS, str(config))  # warm the OS file cache and .pyc files once
        ours, floor = [], []
        for _ in range(RUNS):  # interleaved, so machine load hits both alike
            ours.append(_run(OURS, str(config)))
            floor.append(_run(FLOOR))
    print(f"\n## Configurator start-up, offscreen ({RUNS} fresh processes each)")
    print(f"{'measurement':36} {'median':>9} {'best':>9}")
    for name, samples in (("pywats-configurator (loaded)", ours), ("bare QMainWindow", floor)):
        print(f"{name:36} {statistics.median(samples):8.3f}s {min(samples):8.3f}s")
    ratio = statistics.median(ours) / statistics.median(floor)
    verdict = "met" if statistics.median(ours) < 2.0 else "NOT met"
    print(f"ratio to the floor: {ratio:.2f}x; target < 2 s: {verdict}")
