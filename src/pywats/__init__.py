"""pyWATS: a Python toolkit for the WATS test-data management platform."""

from pywats._analytics_models import (
    AggregatedMeasurement,
    MeasurementData,
    RepairHistoryRecord,
    RepairStatistics,
    StepAnalysisRow,
    TopFailedStep,
    YieldData,
)
from pywats._analytics_query import Dimensions, WATSFilter
from pywats._assets import Asset, AssetLogEntry, AssetStatus, AssetType
from pywats._breaker import BreakerSettings
from pywats._client import WATS, AsyncWATS
from pywats._config import NOT_GIVEN, NotGiven
from pywats._core import correlation_id
from pywats._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CircuitOpenError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReportFormatError,
    ReportValidationError,
    UnprocessableEntityError,
    WATSError,
    status_error_class,
)
from pywats._odata import Filter, Header, SubUnitField
from pywats._processes import Level, ProcessDefinition, ProcessInfo, ProductGroup
from pywats._production import (
    ChildUnitCheck,
    ChildUnitRequirement,
    SerialNumberRecord,
    SerialNumberType,
    Unit,
    UnitChange,
    UnitPhase,
    UnitVerification,
    UnitVerificationGrade,
)
from pywats._products import BomItem, Product, ProductRevision, ProductSummary, RevisionRelation
from pywats._reports import ReportHeader
from pywats._retry import RetryPolicy
from pywats._rootcause import Ticket, TicketAttachment, TicketStatus, TicketUpdate
from pywats._scim import ScimEmail, ScimName, ScimUser, ScimUserPage
from pywats._software import Package, PackageFile, StationPlan
from pywats._wire import Setting
from pywats.report import UURReport, UUTReport, read_wsjf, read_wsxf, write_wsjf, write_wsxf

__version__ = "0.1.0"

__all__ = [
    "NOT_GIVEN",
    "WATS",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AggregatedMeasurement",
    "Asset",
    "AssetLogEntry",
    "AssetStatus",
    "AssetType",
    "AsyncWATS",
    "AuthenticationError",
    "BadRequestError",
    "BomItem",
    "BreakerSettings",
    "ChildUnitCheck",
    "ChildUnitRequirement",
    "CircuitOpenError",
    "ConfigurationError",
    "ConflictError",
    "Dimensions",
    "Filter",
    "Header",
    "InternalServerError",
    "Level",
    "MeasurementData",
    "NotFoundError",
    "NotGiven",
    "Package",
    "PackageFile",
    "PermissionDeniedError",
    "ProcessDefinition",
    "ProcessInfo",
    "Product",
    "ProductGroup",
    "ProductRevision",
    "ProductSummary",
    "RateLimitError",
    "RepairHistoryRecord",
    "RepairStatistics",
    "ReportFormatError",
    "ReportHeader",
    "ReportValidationError",
    "RetryPolicy",
    "RevisionRelation",
    "ScimEmail",
    "ScimName",
    "ScimUser",
    "ScimUserPage",
    "SerialNumberRecord",
    "SerialNumberType",
    "Setting",
    "StationPlan",
    "StepAnalysisRow",
    "SubUnitField",
    "Ticket",
    "TicketAttachment",
    "TicketStatus",
    "TicketUpdate",
    "TopFailedStep",
    "UURReport",
    "UUTReport",
    "Unit",
    "UnitChange",
    "UnitPhase",
    "UnitVerification",
    "UnitVerificationGrade",
    "UnprocessableEntityError",
    "WATSError",
    "WATSFilter",
    "YieldData",
    "__version__",
    "correlation_id",
    "read_wsjf",
    "read_wsxf",
    "status_error_class",
    "write_wsjf",
    "write_wsxf",
]
