"""The curated public API of `pywats`: changing it must be a deliberate edit of this list."""

from __future__ import annotations

import pywats

EXPECTED = {
    "AggregatedMeasurement",
    "Dimensions",
    "MeasurementData",
    "RepairHistoryRecord",
    "RepairStatistics",
    "StepAnalysisRow",
    "TopFailedStep",
    "WATSFilter",
    "YieldData",
    "NOT_GIVEN",
    "WATS",
    "APIResponseValidationError",
    "AsyncWATS",
    "BreakerSettings",
    "NotGiven",
    "RetryPolicy",
    "correlation_id",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CircuitOpenError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "WATSError",
    "__version__",
    "status_error_class",
    "ReportFormatError",
    "ReportValidationError",
    "UUTReport",
    "UURReport",
    "read_wsjf",
    "write_wsjf",
    "read_wsxf",
    "write_wsxf",
    "Filter",
    "Header",
    "SubUnitField",
    "ReportHeader",
    "Level",
    "ProcessDefinition",
    "ProcessInfo",
    "ProductGroup",
    "BomItem",
    "Product",
    "ProductRevision",
    "ProductSummary",
    "RevisionRelation",
    "Setting",
    "ChildUnitCheck",
    "ChildUnitRequirement",
    "SerialNumberRecord",
    "SerialNumberType",
    "Unit",
    "UnitChange",
    "UnitPhase",
    "UnitVerification",
    "UnitVerificationGrade",
    "Asset",
    "AssetLogEntry",
    "AssetStatus",
    "AssetType",
    "Ticket",
    "TicketAttachment",
    "TicketStatus",
    "TicketUpdate",
    "Package",
    "PackageFile",
    "StationPlan",
}


def test_export_list_is_the_curated_one() -> None:
    assert set(pywats.__all__) == EXPECTED
    assert len(pywats.__all__) == len(EXPECTED), "duplicate names in __all__"


def test_every_export_resolves() -> None:
    missing = [name for name in pywats.__all__ if not hasattr(pywats, name)]
    assert not missing
