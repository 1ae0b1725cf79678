"""Persistence: one module per domain (tables and queries), one engine, shipped migrations."""

from __future__ import annotations

from ._database import Database, DatabaseUnavailableError, masked_url, normalise_url
from ._domain import Conflict, DomainError, Invalid, NotFound, utcnow
from ._migrate import migrate, pending_revisions, schema_revisions
from ._report_rows import (
    PATH_SEPARATOR,
    ReportDocumentError,
    ReportRows,
    extract_rows,
    local_start,
)
from ._tags import Tag, TagChange
from .asset_files import AssetFileStore
from .assets import AssetStore
from .batches import BatchStore
from .processes import Process, ProcessStore, RepairCategory, RepairOperation
from .product_catalog import CatalogStore
from .product_structure import ProductStructureStore, parse_wsbf
from .products import ProductStore
from .reference import ReferenceStore
from .report_query import HeaderQuery, ReportQuery
from .reports import Attachment, ReportStore, StoredDocument, Submission
from .scim_users import ScimUserStore
from .serial_number_ledger import SerialNumberLedger
from .serial_numbers import SerialNumberStore
from .software import SoftwareStore
from .tickets import TicketStore
from .unit_verification import UnitVerifier
from .units import UnitStore
from .users import Principal, TokenInfo, UserInfo, UserStore, encode_token

__all__ = [
    "PATH_SEPARATOR",
    "AssetFileStore",
    "AssetStore",
    "Attachment",
    "BatchStore",
    "CatalogStore",
    "Conflict",
    "Database",
    "DatabaseUnavailableError",
    "DomainError",
    "HeaderQuery",
    "Invalid",
    "NotFound",
    "Principal",
    "Process",
    "ProcessStore",
    "ProductStore",
    "ProductStructureStore",
    "ReferenceStore",
    "RepairCategory",
    "RepairOperation",
    "ReportDocumentError",
    "ReportQuery",
    "ReportRows",
    "ReportStore",
    "ScimUserStore",
    "SerialNumberLedger",
    "SerialNumberStore",
    "SoftwareStore",
    "StoredDocument",
    "Submission",
    "Tag",
    "TagChange",
    "TicketStore",
    "TokenInfo",
    "UnitStore",
    "UnitVerifier",
    "UserInfo",
    "UserStore",
    "encode_token",
    "extract_rows",
    "local_start",
    "masked_url",
    "migrate",
    "normalise_url",
    "parse_wsbf",
    "pending_revisions",
    "schema_revisions",
    "utcnow",
]
