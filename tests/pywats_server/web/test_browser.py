"""The pages in a real browser (Chromium from the system, driven by Playwright) against
`pywats-server serve` over a real socket, filled with the sample exports and generated reports.

Without a Chromium the tests skip, unless PYWATS_REQUIRE_BROWSER=1 (CI installs one) makes a
missing browser a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pywats.report import write_wsjf

from ._reports import XSS, board_report

pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("PYWATS_REQUIRE_BROWSER") == "1":
        pytest.fail("no Chromium found on PATH (apt-get install chromium)", pytrace=False)
    pytest.skip("no Chromium on PATH: the browser tests need one", allow_module_level=True)

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@dataclass(frozen=True)
class Site:
    base_url: str
    failed_report: str
    xss_report: str
    serial: str


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, samples: Path) -> Iterator[Site]:
    from pywats_server.storage import Database, UserStore, migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'wats.db'}"
    database = Database(url)
    migrate(database)
    users = UserStore(database)
    users.create_user("admin", is_admin=True)
    token = users.issue_token("admin", "admin-secret")
    database.dispose()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_server", "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        api = httpx.Client(base_url=base, headers={"Authorization": f"Basic {token}"}, timeout=30)
        deadline = time.monotonic() + 120
        while True:
            try:
                api.get("/api/App/Version")
                break
            except httpx.TransportError:
                assert process.poll() is None, "pywats-server exited"
                assert time.monotonic() < deadline, "pywats-server did not answer in 30 s"
                time.sleep(0.1)
        for name in ("uut-wsjf-export.json", "uur-example.json"):
            body = (samples / "wats" / name).read_bytes()
            assert api.post("/api/Report/WSJF", content=body).status_code == 200
        start = datetime.now(timezone.utc) - timedelta(days=2)
        serial = "BRW-0001"
        failed = board_report(serial, passed=False, start=start)
        passed = board_report(serial, start=start + timedelta(hours=1))
        xss = board_report("BRW-XSS", step_name=XSS, passed=False)
        others = [board_report(f"BRW-{n:04d}", passed=n % 5 != 0) for n in range(2, 30)]
        for report in (failed, passed, xss, *others):
            response = api.post("/api/Report/WSJF", content=write_wsjf(report).encode())
            assert response.status_code == 200, response.text
        api.close()
        yield Site(base, str(failed.id), str(xss.id), serial)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of the dialogs (alert, confirm) a page opened: a script ran if any."""
    return []


@pytest.fixture
def page(chromium: Browser, site: Site, dialogs: list[str]) -> Iterator[Page]:
    context = chromium.new_context(base_url=site.base_url, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/reports")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill("admin-secret")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/reports")
    yield page
    context.close()


def test_sign_in_lands_on_the_report_list(page: Page, site: Site) -> None:
    assert page.get_by_role("heading", name="Reports").is_visible()
    assert page.locator("table.list tbody tr").count() >= 30


def test_filters_narrow_the_list(page: Page, site: Site) -> None:
    page.get_by_label("Serial number").fill("BRW-000*")
    page.get_by_label("Result").select_option("Failed")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.list tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert texts
    assert all("BRW-000" in text and "Failed" in text for text in texts)


def test_report_to_unit_to_report(page: Page, site: Site) -> None:
    page.goto(f"/reports/{site.failed_report}")
    assert page.locator("details[open] >> text=Power").count() >= 1
    assert page.locator("tr.outside").count() == 1
    page.get_by_role("link", name="Unit history").click()
    page.wait_for_url(f"**/units/{site.serial}**")
    assert page.get_by_text("retest").count() == 1
    page.locator(f'a[href="/reports/{site.failed_report}"]').click()
    page.wait_for_url(f"**/reports/{site.failed_report}")


def test_charts_are_drawn(page: Page, site: Site) -> None:
    for path in (f"/reports/{site.failed_report}", "/yield?period=day", "/failures"):
        page.goto(path)
        if path.startswith("/reports/"):  # the chart step passed, so its branch is folded
            page.locator("summary", has_text="Audio").click()
        chart = page.locator("svg.chart").first
        box = chart.bounding_box()
        assert box is not None, path
        assert box["width"] > 200, path
        assert box["height"] > 50, path
        assert chart.locator("polyline, rect").count() > 0, path


def test_a_step_named_like_a_script_is_text_and_runs_nothing(
    page: Page, site: Site, dialogs: list[str]
) -> None:
    page.goto(f"/reports/{site.xss_report}")
    assert page.get_by_text(XSS).count() >= 1
    assert dialogs == []


def test_each_page_opens_from_the_navigation(page: Page, site: Site) -> None:
    for name in ("Yield", "Failures", "Products", "Assets", "Reports"):
        page.get_by_role("navigation").get_by_role("link", name=name).click()
        assert page.get_by_role("heading", level=1).first.is_visible()


def test_keyboard_reaches_the_filters_and_signs_out(page: Page, site: Site) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    page.goto("/reports")
    assert "/signin" in page.url


def test_the_sample_export_renders_with_its_full_step_tree(
    page: Page, site: Site, samples: Path
) -> None:
    sample = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    page.goto(f"/reports/{sample['id']}")
    assert page.locator("li.step").count() > 100
