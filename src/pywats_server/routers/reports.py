"""`/api/Report`: submit (WSJF/WSXF), fetch, header queries, attachments.

A submission is validated with the SDK's report model, its header checked and its index rows
extracted, then stored with the document verbatim; the same id replaces the earlier report.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from .._context import CallerName, ServerContext, caller, context
from .._errors import ApiError
from .._formats import (
    export_document,
    parse_submission,
    parse_wsxf_submission,
    submission_origin,
)
from .._json import StrictJsonRoute
from .._report_workers import ReportWorkers
from ..odata import ODataError
from ..storage import HeaderQuery, StoredDocument, Submission
from ._answer import Row, file_answer
from ._query_options import MAX_OFFSET
from ._report_answers import WSJF_DOCUMENT, SubmitAnswer, SubmitAnswerWsjf

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, prefix="/api/Report", tags=["Report"])
Context = Annotated[ServerContext, Depends(context)]

_JSON_BODY = {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}
_XML_BODY = {"requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}}}
_MAX_TOP = 10_000


_JSON_TYPES = ("application/json", "text/json")
_XML_TYPES = ("application/xml", "text/xml")


def _require_media_type(request: Request, accepted: tuple[str, ...]) -> None:
    """415 unless the declared Content-Type is one `accepted` (parameters such as `charset`
    aside); a request that declares none is read as the endpoint's type, as HTTP lets a
    recipient do."""
    declared = request.headers.get("content-type")
    if declared is None:
        return
    media = declared.partition(";")[0].strip().lower()
    if media not in accepted:
        raise ApiError(
            415,
            f"Content-Type {declared!r}: {request.method} {request.url.path} takes "
            f"{' or '.join(accepted)}",
        )


def _workers(request: Request) -> ReportWorkers:
    workers: ReportWorkers = request.app.state.report_workers
    return workers


async def _submit(ctx: ServerContext, request: Request, caller: str, format: str) -> str:
    _require_media_type(request, _JSON_TYPES)
    body = await request.body()

    def parse() -> Submission:
        operations = ctx.processes.operations()
        return parse_submission(body, format, submission_origin(caller), operations)

    def store(submission: Submission) -> str:
        ctx.reports.save(submission)
        return submission.rows.report_id

    return await _workers(request).submit(parse, store, len(body))


@router.post("/WSJF", openapi_extra=_JSON_BODY, response_model=SubmitAnswerWsjf)
async def submit_wsjf(request: Request) -> Response:
    """Store one WSJF report; resubmitting an id replaces that report."""
    # Every station's upload comes here: the context and the caller are read by the functions
    # the dependencies call, and the receipt written as JSON, without FastAPI solving
    # dependencies and validating the answer against its model on every report.
    principal = await caller(request)
    report_id = await _submit(await context(request), request, principal.name, "wsjf")
    return Response(json.dumps({"ID": report_id}), media_type="application/json")


@router.post(
    "/WSXF",
    openapi_extra=_XML_BODY,
    response_model=None,
    responses={200: {"model": SubmitAnswer | list[SubmitAnswer]}},
)
async def submit_wsxf(
    ctx: Context, request: Request, caller: CallerName
) -> dict[str, str] | list[dict[str, str]]:
    """Store the reports of one WSXF document (all or none); the same id replaces.

    Answers `{"id": id}` for a one-report document (rest-api.md §4.1), a list for several.
    """
    _require_media_type(request, _XML_TYPES)
    body = await request.body()

    def parse() -> list[Submission]:
        operations = ctx.processes.operations()
        return parse_wsxf_submission(body, submission_origin(caller), operations)

    def store(submissions: list[Submission]) -> list[str]:
        ctx.reports.save_many(submissions)
        return [submission.rows.report_id for submission in submissions]

    ids = await _workers(request).submit(parse, store, len(body))
    return {"id": ids[0]} if len(ids) == 1 else [{"id": report_id} for report_id in ids]


def _document(ctx: ServerContext, report_id: str) -> StoredDocument:
    stored = ctx.reports.document(report_id)
    if stored is None:
        raise ApiError(404, f"report {report_id!r} not found")
    return stored


@router.get("/Wsjf/{id}", responses=file_answer("application/json", schema=WSJF_DOCUMENT))
def get_wsjf(
    ctx: Context,
    id: str,
    detailLevel: int = 7,
    includeChartdata: bool = True,
    includeAttachments: bool = True,
) -> Response:
    """The report as WATS exports it in WSJF: steps numbered 1..n in pre-order, server-derived
    fields filled. The detail options are accepted; this server returns the whole document."""
    body = export_document(_document(ctx, id), "wsjf")
    return Response(body, media_type="application/json")


@router.get("/Wsxf/{id}", responses=file_answer("application/xml"))
def get_wsxf(
    ctx: Context,
    id: str,
    includeAttachments: bool = True,
    includeChartdata: bool = True,
    includeIndexes: bool = False,
) -> Response:
    """The report as WATS exports it in WSXF (numbered steps, server-derived fields).

    The include options are accepted; this server always returns the whole document.
    """
    body = export_document(_document(ctx, id), "wsxf")
    return Response(body, media_type="application/xml")


@router.get("/Query/Header")
def query_header(
    ctx: Context,
    reportType: str | None = None,
    filter: Annotated[str | None, Query(alias="$filter")] = None,
    expand: Annotated[str | None, Query(alias="$expand")] = None,
    orderby: Annotated[str | None, Query(alias="$orderby")] = None,
    top: Annotated[int, Query(alias="$top", ge=0, le=_MAX_TOP)] = 1000,
    skip: Annotated[int, Query(alias="$skip", ge=0, le=MAX_OFFSET)] = 0,
) -> list[Row]:
    """Report headers matching an OData filter, newest first unless `$orderby` says otherwise."""
    query = HeaderQuery(
        report_type=reportType,
        filter=filter,
        orderby=orderby,
        top=top,
        skip=skip,
        expand=[name for name in (expand or "").split(",") if name.strip()],
    )
    try:
        return ctx.report_query.headers(query)
    except ODataError as exc:
        raise ApiError(400, str(exc)) from None


@router.get("/Query/HeaderByMiscInfo")
def query_header_by_misc_info(
    ctx: Context,
    description: str,
    stringValue: str,
    top: Annotated[int, Query(alias="$top", ge=0, le=_MAX_TOP)] = 1000,
) -> list[Row]:
    """Headers of reports carrying the misc info `description` with text `stringValue`."""
    return ctx.report_query.headers_by_misc_info(description, stringValue, top)


@router.get("/Attachment", responses=file_answer("application/octet-stream"))
def get_attachment(
    ctx: Context,
    attachmentId: str | None = None,
    stepId: str | None = None,
    reportId: str | None = None,
) -> Response:
    """One attachment's bytes by `attachmentId` (ids come from `$expand=attachments`) or by
    `stepId` (the step's id in the report's export). Step ids count within one report, so
    `reportId` narrows them to one; a step id shared by several reports without it is a 409."""
    if attachmentId is not None:
        attachment = ctx.reports.attachment(attachmentId)
        if attachment is None:
            raise ApiError(404, f"attachment {attachmentId!r} not found")
    elif stepId is not None:
        if not stepId.strip().lstrip("-").isdigit():
            raise ApiError(400, f"stepId: expected an integer step id, got {stepId!r}")
        found = ctx.reports.step_attachments(int(stepId), report_id=reportId, limit=2)
        if not found:
            raise ApiError(404, f"no attachment on a step with stepId {stepId}")
        if len(found) > 1:
            raise ApiError(
                409,
                f"stepId {stepId}: steps of several reports carry an attachment; add reportId, "
                "or ask by attachmentId (listed by $expand=attachments on the header query)",
            )
        [attachment] = found
    else:
        raise ApiError(400, "attachmentId or stepId: one of them is required")
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers={"Content-Disposition": f'attachment; filename="{attachment.name}"'},
    )


@router.get("/Attachments/{id}", responses=file_answer("application/zip"))
def get_attachments(ctx: Context, id: str) -> Response:
    """All attachments of a report as a zip archive."""
    attachments = ctx.reports.attachments(id)
    if attachments is None:
        raise ApiError(404, f"report {id!r} not found")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for attachment in attachments:
            name = attachment.name
            if name in used:
                name = f"{attachment.attachment_id}-{name}"
            used.add(name)
            archive.writestr(name, attachment.data)
    return Response(buffer.getvalue(), media_type="application/zip")
