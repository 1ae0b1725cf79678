"""The pyWATS station service: watch folders, convert, keep results durable, upload to WATS."""

from __future__ import annotations

from pywats_client._identity import Station

__all__ = ["Station"]
