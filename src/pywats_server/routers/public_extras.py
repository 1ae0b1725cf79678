"""Public endpoints that complete their domains: a report's certificate (rest-api.md §4.1), the
OEE analysis (§6.3) and SCIM provisioning tokens (§2, §13)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from pydantic import BaseModel

from .._certificate import certificate_pdf
from .._context import CallerName, ServerContext, context, require_admin
from .._errors import ApiError
from .._scim_token import issue_scim_token
from ..analytics import AnalyticsError, AnalyticsStore, WatsFilter
from ..storage.report_tables import reports
from ._answer import file_answer

__all__ = ["router"]

router = APIRouter()
Context = Annotated[ServerContext, Depends(context)]


class OeeAnalysisResult(BaseModel):
    oee: float | None
    availability: float | None
    performance: float | None
    quality: float | None
    totalTime: float
    plannedProductionTime: float
    runTime: float
    downTime: float
    totalCount: int
    goodCount: int
    rejectCount: int
    idealCycleTime: float | None
    actualCycleTime: float | None
    period: str | None
    partNumber: str | None
    stationName: str | None


class ScimToken(BaseModel):
    token: str
    expiresUtc: str
    durationDays: int


@router.get(
    "/api/Report/Certificate/{id}",
    tags=["Reports"],
    response_class=Response,
    responses=file_answer("application/pdf"),
)
def get_certificate(ctx: Context, id: str) -> Response:
    """The report's certificate of test as a one-page PDF."""
    found = ctx.report_query.headers_where([reports.c.report_id == id], top=1)
    if not found:
        raise ApiError(404, f"report {id!r} not found")
    return Response(certificate_pdf(found[0]), media_type="application/pdf")


@router.post("/api/App/OeeAnalysis", tags=["Analytics"], response_model=OeeAnalysisResult)
def oee_analysis(ctx: Context, body: Annotated[WatsFilter | None, Body()] = None) -> Any:
    """OEE of the UUT reports the filter selects (rules in docs/analytics.md)."""
    try:
        return AnalyticsStore(ctx.database).oee_analysis(body or WatsFilter())
    except AnalyticsError as exc:
        raise ApiError(400, str(exc)) from None


@router.get(
    "/api/SCIM/v2/Token",
    tags=["SCIM"],
    response_model=ScimToken,
    dependencies=[Depends(require_admin)],
)
def get_scim_token(
    ctx: Context, caller: CallerName, duration: Annotated[int, Query(ge=1, le=3650)] = 90
) -> Any:
    """A JWT for an identity provider's SCIM connector, valid `duration` days, acting as the
    administrator who asked (revoking that credential revokes it)."""
    return issue_scim_token(ctx.users, caller, duration)
