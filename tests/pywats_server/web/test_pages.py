"""The pages over real stored reports: what a line engineer reads, and that it is safe to read."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from ._reports import XSS, board_report, submit

pytestmark = pytest.mark.anyio


async def test_every_page_sends_a_strict_content_security_policy(pages: httpx.AsyncClient) -> None:
    for path in ("/reports", "/yield", "/failures", "/products", "/assets", "/signin"):
        policy = (await pages.get(path)).headers["content-security-policy"]
        assert "default-src 'none'" in policy, path
        assert "script-src" not in policy, path


async def test_a_step_named_like_markup_is_shown_as_text(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    serial = f"XSS-{uuid.uuid4().hex[:8]}"
    report = board_report(serial, passed=False, step_name=XSS)
    report.add_misc_info(XSS, XSS)
    report_id = await submit(api, report)
    html = (await pages.get(f"/reports/{report_id}")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html


async def test_the_report_page_opens_failed_branches_and_marks_values_out_of_limits(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    report_id = await submit(api, board_report(f"FAIL-{uuid.uuid4().hex[:8]}", passed=False))
    html = (await pages.get(f"/reports/{report_id}")).text
    power = html.index("Power</span>")
    audio = html.index("Audio</span>")
    assert html.rfind("<details open>", 0, power) > html.rfind("<details>", 0, power)
    assert html.rfind("<details>", 0, audio) > html.rfind("<details open>", 0, audio)
    assert 'class="outside"' in html
    assert "out of limits" in html
    assert html.count("<svg") >= 1
    assert "<polyline" in html


async def test_a_passed_report_marks_nothing_out_of_limits(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    report_id = await submit(api, board_report(f"PASS-{uuid.uuid4().hex[:8]}"))
    html = (await pages.get(f"/reports/{report_id}")).text
    assert "out of limits" not in html
    assert "<details open>" not in html.replace(
        '<ul class="tree"><li class="step s-p">\n<details open>', ""
    )


async def test_downloads_are_the_stored_report_as_wsjf_and_wsxf(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    serial = f"DL-{uuid.uuid4().hex[:8]}"
    report_id = await submit(api, board_report(serial))
    wsjf = await pages.get(f"/reports/{report_id}/download/wsjf")
    assert wsjf.headers["content-disposition"] == f'attachment; filename="{report_id}.json"'
    assert json.loads(wsjf.content)["sn"] == serial
    wsxf = await pages.get(f"/reports/{report_id}/download/wsxf")
    assert wsxf.headers["content-type"].startswith("application/xml")
    assert serial.encode() in wsxf.content


async def test_unknown_report_and_unit_are_404_pages(pages: httpx.AsyncClient) -> None:
    missing = await pages.get(f"/reports/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert "There is no report" in missing.text
    assert (await pages.get("/reports/not-a-uuid")).status_code == 404
    assert (await pages.get("/units/NO-SUCH-UNIT-XYZ")).status_code == 404


async def test_the_report_list_filters_by_wildcard_serial_and_result(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    lot = uuid.uuid4().hex[:6].upper()
    await submit(api, board_report(f"L{lot}-1"))
    await submit(api, board_report(f"L{lot}-2", passed=False))
    await submit(api, board_report(f"M{lot}-3"))
    html = (await pages.get("/reports", params={"serial": f"L{lot}-*"})).text
    assert f"L{lot}-1" in html
    assert f"L{lot}-2" in html
    assert f"M{lot}-3" not in html
    failed = (await pages.get("/reports", params={"serial": f"*{lot}*", "result": "Failed"})).text
    assert f"L{lot}-2" in failed
    assert f"L{lot}-1" not in failed


async def test_a_bad_filter_is_a_400_page_naming_the_field(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/reports", params={"from": "yesterday"})
    assert response.status_code == 400
    assert "from: expected a date as YYYY-MM-DD" in response.text


async def test_the_unit_page_lists_every_run_with_first_pass_and_retest(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    serial = f"U-{uuid.uuid4().hex[:8]}"
    first = datetime.now(timezone.utc) - timedelta(hours=3)
    failed_id = await submit(api, board_report(serial, passed=False, start=first))
    passed_id = await submit(api, board_report(serial, start=first + timedelta(hours=1)))
    html = (await pages.get(f"/units/{serial}", params={"part": "WEB-100"})).text
    assert html.index(failed_id) < html.index(passed_id)  # oldest first
    assert "first pass" in html
    assert "retest" in html


async def test_a_box_build_unit_links_its_parent_and_children(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    board, system = f"B-{uuid.uuid4().hex[:8]}", f"S-{uuid.uuid4().hex[:8]}"
    await submit(api, board_report(board))
    final = board_report(system, part="WEB-SYS")
    final.add_sub_unit("Board", "WEB-100", board, "A")
    await submit(api, final)
    assert f"/units/{board}?part=WEB-100" in (await pages.get(f"/units/{system}")).text
    assert f"/units/{system}?part=WEB-SYS" in (await pages.get(f"/units/{board}")).text


async def test_yield_and_failures_draw_charts_and_link_to_their_reports(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    part = f"Y-{uuid.uuid4().hex[:6]}"
    for index in range(4):
        await submit(api, board_report(f"{part}-{index}", part=part, passed=index != 0))
    yield_page = await pages.get("/yield", params={"part": part, "period": "day"})
    assert yield_page.status_code == 200
    assert "<svg" in yield_page.text
    assert "75.0 %" in yield_page.text
    assert f"/reports?part={part}" in yield_page.text
    failures = await pages.get("/failures", params={"part": part})
    assert "<svg" in failures.text
    assert "3V3 rail" in failures.text
    step = await pages.get(
        "/failures/step", params={"part": part, "path": "MainSequence Callback¶Power¶3V3 rail"}
    )
    assert step.status_code == 200, step.text
    assert "Cpk" in step.text
    assert step.text.count("<svg") == 2


async def test_products_and_assets_list_what_a_line_engineer_checks(
    api: httpx.AsyncClient, pages: httpx.AsyncClient
) -> None:
    part = f"P-{uuid.uuid4().hex[:6]}"
    # Two units: one failed then passed, one passed; the latest test is the second unit's.
    first = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
    for serial, passed, minutes in (("1", False, 0), ("1", True, 10), ("2", True, 20)):
        report = board_report(
            f"{part}-{serial}", part=part, passed=passed, start=first + timedelta(minutes=minutes)
        )
        await submit(api, report)
    products = await pages.get("/products")
    row = re.search(rf"<tr>\s*<td><a [^>]*>{part}</a>.*?</tr>", products.text, re.S)
    assert row is not None, products.text
    cells = re.findall(r"<td>([^<]*)</td>", row.group(0))
    assert cells[-3:] == ["3", "2", "2026-06-01 08:20:00"]
    assets = await pages.get("/assets")
    assert assets.status_code == 200
    assert "Calibration due" in assets.text
