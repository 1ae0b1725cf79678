"""Report pages: the filtered list, one report with its step tree, downloads, a unit's runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from pywats.report import UURReport, report_from_json

from .._context import ServerContext
from .._formats import export_document
from ..odata import ODataError
from ..storage import HeaderQuery, Principal
from ._render import page, require_user
from ._report_view import step_tree

__all__ = ["odata_filter", "page_number", "router"]

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(require_user)]
PAGE_SIZE = 50
RESULTS = ("Passed", "Failed", "Error", "Terminated")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _text_condition(field: str, pattern: str) -> str:
    """`field` matching `pattern`, where `*` stands for any run of characters."""
    if "*" not in pattern:
        return f"{field} eq {_literal(pattern)}"
    parts = pattern.split("*")
    conditions = []
    if parts[0]:
        conditions.append(f"startswith({field},{_literal(parts[0])})")
    if parts[-1]:
        conditions.append(f"endswith({field},{_literal(parts[-1])})")
    conditions += [f"contains({field},{_literal(part)})" for part in parts[1:-1] if part]
    return " and ".join(conditions) or f"{field} ne null"


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ODataError(f"{name}: expected a date as YYYY-MM-DD, got {text!r}") from None


def odata_filter(filters: dict[str, str]) -> str:
    """The OData `$filter` of the report list's form fields (empty fields are left out)."""
    conditions = [
        _text_condition(field, filters[key].strip())
        for key, field in (
            ("part", "partNumber"), ("serial", "serialNumber"), ("station", "stationName"),
            ("process", "processName"),
        )
        if filters.get(key, "").strip()
    ]  # fmt: skip
    if filters.get("result"):
        if filters["result"] not in RESULTS:
            raise ODataError(f"result: expected one of {', '.join(RESULTS)}")
        conditions.append(f"result eq {_literal(filters['result'])}")
    if filters.get("from"):
        start = _day(filters["from"], "from")
        conditions.append(f"start ge {start.isoformat()}T00:00:00Z")
    if filters.get("to"):
        end = _day(filters["to"], "to") + timedelta(days=1)
        conditions.append(f"start lt {end.isoformat()}T00:00:00Z")
    return " and ".join(conditions)


_FILTER_FIELDS = ("part", "serial", "station", "process", "result", "from", "to")


def page_number(text: str | None) -> int:
    """A `page` query parameter as a page number from 1; anything else is page 1."""
    return int(text) if text and text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


@router.get("/reports")
async def report_list(request: Request, user: User) -> Response:
    context: ServerContext = request.app.state.context
    filters = {key: request.query_params.get(key, "") for key in _FILTER_FIELDS}
    number = page_number(request.query_params.get("page"))
    rows: list[dict[str, Any]] = []
    error = ""
    try:
        query = HeaderQuery(
            filter=odata_filter(filters) or None, top=PAGE_SIZE + 1, skip=(number - 1) * PAGE_SIZE
        )
        rows = await anyio.to_thread.run_sync(context.report_query.headers, query)
    except ODataError as exc:
        error = str(exc)
    return page(
        "reports.html", request, user=user, rows=rows[:PAGE_SIZE], filters=filters,
        page_number=number, has_next=len(rows) > PAGE_SIZE, results=RESULTS, error=error,
        status_code=400 if error else 200,
    )  # fmt: skip


@dataclass(frozen=True)
class _Loaded:
    header: dict[str, Any]
    report: Any


def _load(context: ServerContext, report_id: str) -> _Loaded | None:
    stored = context.reports.document(report_id)
    if stored is None:
        return None
    document = json.loads(export_document(stored, "wsjf"))
    report = report_from_json(document)
    headers = context.report_query.headers(
        HeaderQuery(filter=f"id eq {report_id}", top=1, expand=("subUnits", "miscInfo"))
    )
    return _Loaded(headers[0] if headers else {}, report)


def _not_found(request: Request, user: Principal, what: str) -> Response:
    return page("missing.html", request, user=user, what=what, status_code=404)


@router.get("/reports/{report_id}")
async def report_page(request: Request, user: User, report_id: str) -> Response:
    context: ServerContext = request.app.state.context
    try:
        loaded = await anyio.to_thread.run_sync(_load, context, report_id)
    except ODataError:
        loaded = None
    if loaded is None:
        return _not_found(request, user, f"report {report_id}")
    report = loaded.report
    attachments = await anyio.to_thread.run_sync(context.reports.attachments, report_id) or []
    is_repair = isinstance(report, UURReport)
    root = report.raw.get("root")
    tree = None if is_repair or not isinstance(root, dict) else step_tree(report.root)
    return page(
        "report.html", request, user=user, header=loaded.header, report=report, tree=tree,
        is_repair=is_repair, attachments=attachments,
        by_step={a.step_id: a for a in attachments if a.step_id is not None},
    )  # fmt: skip


@router.get("/reports/{report_id}/download/{kind}")
async def download(request: Request, user: User, report_id: str, kind: str) -> Response:
    context: ServerContext = request.app.state.context
    if kind not in ("wsjf", "wsxf"):
        return _not_found(request, user, f"a {kind!r} download (there are wsjf and wsxf)")
    stored = await anyio.to_thread.run_sync(context.reports.document, report_id)
    if stored is None:
        return _not_found(request, user, f"report {report_id}")
    body = export_document(stored, kind)
    media, suffix = ("application/json", "json") if kind == "wsjf" else ("application/xml", "xml")
    return Response(
        body, media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{report_id}.{suffix}"'},
    )  # fmt: skip


@router.get("/attachments/{attachment_id}")
async def attachment(request: Request, user: User, attachment_id: str) -> Response:
    context: ServerContext = request.app.state.context
    found = await anyio.to_thread.run_sync(context.reports.attachment, attachment_id)
    if found is None:
        return _not_found(request, user, f"attachment {attachment_id}")
    name = "".join(ch for ch in found.name if ch.isalnum() or ch in "._- ") or "attachment"
    return Response(
        found.data, media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "X-Content-Type-Options": "nosniff"},
    )  # fmt: skip


def _unit(context: ServerContext, serial: str, part: str) -> dict[str, Any]:
    condition = _text_condition("serialNumber", serial)
    if part:
        condition += f" and {_text_condition('partNumber', part)}"
    runs = context.report_query.headers(
        HeaderQuery(filter=condition, orderby="start asc", top=1000)
    )
    inside = f"subUnits/any(s: s/serialNumber eq {_literal(serial)})"
    parents = context.report_query.headers(HeaderQuery(filter=inside, top=50))
    children: dict[tuple[str, str], dict[str, Any]] = {}
    latest = [run for run in runs if run["reportType"] == "T"][-1:] or runs[-1:]
    for run in latest:
        found = context.report_query.headers(
            HeaderQuery(filter=f"id eq {run['uuid']}", top=1, expand=("subUnits",))
        )
        for sub in (found[0].get("subUnits") or []) if found else []:
            children[(sub.get("serialNumber") or "", sub.get("partNumber") or "")] = sub
    seen_parents = {(p["serialNumber"], p["partNumber"]): p for p in parents}
    return {
        "runs": runs,
        "children": list(children.values()),
        "parents": list(seen_parents.values()),
    }


@router.get("/units/{serial}")
async def unit_page(request: Request, user: User, serial: str, part: str = "") -> Response:
    context: ServerContext = request.app.state.context
    unit = await anyio.to_thread.run_sync(_unit, context, serial, part)
    if not unit["runs"] and not unit["parents"]:
        return _not_found(request, user, f"unit {serial}")
    return page("unit.html", request, user=user, serial=serial, part=part, **unit)


@router.get("/")
def home(user: User) -> Response:
    return RedirectResponse("/reports", status_code=303)
