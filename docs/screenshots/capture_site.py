"""Build the documentation site, serve it locally and save its home page and one API reference
page as PNGs (site-home.png, site-reference.png).

    python docs/screenshots/capture_site.py [--out FOLDER]     (default: this folder)

The site is built exactly as `make docs` builds it (`mkdocs build --strict`), into a temporary
folder, and served from 127.0.0.1 by Python's own HTTP server. Chromium comes from the system
(`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PAGES = {
    "site-home.png": "/",
    # The client class, its constructor and first methods: what a reader looks up first.
    "site-reference.png": "/reference/pywats/#pywats.WATS",
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build(site: Path) -> None:
    """`mkdocs build --strict` into `site`; exits naming the first problem when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"error: the site does not build:\n{done.stderr.strip()}")


def capture(site: Path, out: Path, chromium: str) -> None:
    handler = partial(_QuietHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=args)
                page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 800})
                for name, path in PAGES.items():
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=out / name)
                    print(f"saved {out / name}")
                browser.close()
        finally:
            server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("error: no Chromium on PATH (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="pywats-site-") as folder:
        site = Path(folder) / "site"
        build(site)
        capture(site, args.out, chromium)


if __name__ == "__main__":
    main()
