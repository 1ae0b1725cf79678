"""`client.reports`: submit, fetch and query reports (never cached)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from pywats._odata import ODataFilter, query_options
from pywats._service import Call, M, Pages, Service, endpoint, paginated
from pywats._wire import WireModel, items, segment
from pywats.report import Report, UURReport, UUTReport, report_from_json, write_wsjf

__all__ = ["ReportHeader", "ReportsService"]


def _submitted_id(body: Any) -> Any:
    # WATS answers with an object, a list whose first element is one, or a bare id.
    if isinstance(body, list) and body:
        body = body[0]
    if isinstance(body, dict):
        for key in ("ID", "id", "uuid", "Id"):
            if key in body:
                return str(body[key])
    return body


def _submitted_ids(body: Any) -> Any:
    # One id per report: a list of answers, or one answer for a one-report document.
    return (
        [_submitted_id(item) for item in body] if isinstance(body, list) else [_submitted_id(body)]
    )


SubmittedId = Annotated[str, BeforeValidator(_submitted_id)]
SubmittedIds = Annotated[list[str], BeforeValidator(_submitted_ids)]
ReportDocument = Annotated[Any, AfterValidator(report_from_json)]


class ReportHeader(WireModel):
    """One row of a header query; fields the server adds are kept as extras."""

    uuid: str
    report_type: str | None = None
    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    process_code: int | None = None
    process_name: str | None = None
    result: str | None = None
    start: str | None = None
    start_utc: str | None = None
    station_name: str | None = None
    operator: str | None = None
    run: int | None = None
    passed_in_run: int | None = None
    receive_count: int | None = None
    sub_units: list[dict[str, Any]] | None = None
    misc_info: list[dict[str, Any]] | None = None
    assets: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None


class ReportsService(Service[M]):
    """Reports. Submission is idempotent by report id, so it is retried like a GET."""

    @endpoint
    def submit(self, report: Report) -> Call[SubmittedId]:
        """Submit a UUT/UUR report as WSJF; returns the stored id. The same id replaces.

        The submit rules are checked first: `ReportValidationError` names every offending path
        before anything is sent.
        """
        return Call(
            "POST",
            "/api/Report/WSJF",
            returns=SubmittedId,
            content=write_wsjf(report, validate=True).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            idempotent=True,
        )

    @endpoint
    def submit_wsjf(self, document: str | bytes) -> Call[SubmittedId]:
        """Submit one WSJF report already encoded (as `write_wsjf` wrote it), sent as is: no
        decode, no re-encode, no submit-rule check (the server applies its own). Idempotent."""
        return Call(
            "POST",
            "/api/Report/WSJF",
            returns=SubmittedId,
            content=document.encode("utf-8") if isinstance(document, str) else document,
            headers={"Content-Type": "application/json"},
            idempotent=True,
        )

    @endpoint
    def submit_xml(self, xml: str | bytes) -> Call[SubmittedIds]:
        """Submit a WSXF document (one or more reports); returns the stored ids in order.

        Idempotent like `submit`: the ids are inside the document, so a retry replaces.
        """
        return Call(
            "POST",
            "/api/Report/WSXF",
            returns=SubmittedIds,
            content=xml.encode("utf-8") if isinstance(xml, str) else xml,
            headers={"Content-Type": "application/xml"},
            idempotent=True,
        )

    @endpoint
    def get(self, report_id: str | uuid.UUID) -> Call[UUTReport | UURReport]:
        """The stored report as a typed `UUTReport` or `UURReport` (NotFoundError if absent)."""
        return Call("GET", f"/api/Report/Wsjf/{report_id}", returns=ReportDocument)

    @endpoint
    def get_xml(self, report_id: str | uuid.UUID) -> Call[str]:
        """The stored report as WSXF text: the submitted XML itself if it came as WSXF."""
        return Call("GET", f"/api/Report/Wsxf/{report_id}", returns=str)

    @endpoint
    def get_certificate(self, report_id: str | uuid.UUID) -> Call[bytes]:
        """The report's certificate of test (PDF bytes)."""
        return Call("GET", f"/api/Report/Certificate/{segment(str(report_id))}", returns=bytes)

    @endpoint
    def query_headers_by_misc_info(
        self, description: str, value: str, *, top: int | None = None
    ) -> Call[list[ReportHeader]]:
        """Headers of the reports with a misc-info `description` whose text is `value`."""
        params = {"description": description, "stringValue": value, "$top": top}
        path = "/api/Report/Query/HeaderByMiscInfo"
        return Call("GET", path, returns=list[ReportHeader], params=params)

    @endpoint
    def get_attachment(
        self,
        attachment_id: str | None = None,
        *,
        step_id: int | None = None,
        report_id: str | uuid.UUID | None = None,
    ) -> Call[bytes]:
        """An attachment's bytes, by its id or by the step (of `report_id`) it belongs to."""
        params = {
            "attachmentId": attachment_id,
            "stepId": step_id,
            "reportId": None if report_id is None else str(report_id),
        }
        return Call("GET", "/api/Report/Attachment", params=params, returns=bytes)

    @endpoint
    def get_attachments(self, report_id: str | uuid.UUID) -> Call[bytes]:
        """Every attachment of a report, as one zip archive."""
        return Call("GET", f"/api/Report/Attachments/{segment(str(report_id))}", returns=bytes)

    @endpoint
    def query_headers(
        self,
        filter: ODataFilter | str | None = None,
        *,
        report_type: str | None = None,
        top: int | None = None,
        skip: int | None = None,
        orderby: str | None = None,
        expand: str | Sequence[str] = (),
    ) -> Call[list[ReportHeader]]:
        """Report headers matching `filter` (build it with `HeaderFields`); `report_type` U or R."""
        params = {
            "reportType": report_type,
            **query_options(filter, orderby, top, skip),
            "$expand": ",".join(items(expand)) or None,
        }
        return Call("GET", "/api/Report/Query/Header", returns=list[ReportHeader], params=params)

    @paginated
    def iter_headers(
        self, filter: ODataFilter | str | None = None, *, page_size: int = 500
    ) -> Pages[ReportHeader]:
        """Every matching header, fetched `page_size` at a time (newest first, stable order)."""
        order = "start desc,timeStamp desc"
        query = ReportsService.query_headers.describe
        return Pages(
            lambda skip: query(self, filter, top=page_size, skip=skip, orderby=order), page_size
        )
