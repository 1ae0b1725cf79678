"""The complete schema: importing this module attaches every domain's tables to `metadata`.

A new domain adds its storage module to the imports below and a migration under
`pywats_server/migrations/versions/`.
"""

from __future__ import annotations

from . import (
    assets,
    batches,
    manual_inspection,
    processes,
    product_catalog,
    product_structure,
    products,
    reference,
    report_tables,
    scim_users,
    serial_numbers,
    software,
    software_downloads,
    software_folders,
    tickets,
    unit_verification,
    units,
    users,
)
from ._metadata import metadata

__all__ = [
    "assets",
    "batches",
    "manual_inspection",
    "metadata",
    "processes",
    "product_catalog",
    "product_structure",
    "products",
    "reference",
    "report_tables",
    "scim_users",
    "serial_numbers",
    "software",
    "software_downloads",
    "software_folders",
    "tickets",
    "unit_verification",
    "units",
    "users",
]
