"""Converters: result files in, WATS reports out.

One module per format (`wsjf.py`, `wsxf.py`, ...); each defines a `Converter` subclass and is
found by name through `get_converter`. Third-party converters register under the
`pywats.converters` entry-point group (rules: `_registry`; how to write one:
docs/converter-plugins.md).
"""

from __future__ import annotations

from pywats_client.converters._base import (
    REPORT_ID_NAMESPACE,
    ConversionError,
    Converter,
    Source,
    read_companion,
    report_id,
)
from pywats_client.converters._params import (
    COMMON_PARAMETERS,
    Parameter,
    ParameterError,
    SiteDefaults,
    validate_parameters,
)
from pywats_client.converters._registry import (
    BUILT_IN,
    ENTRY_POINT_GROUP,
    Catalog,
    ConverterPluginError,
    PluginProblem,
    UnknownConverterError,
    available_converters,
    converter_catalog,
    get_converter,
)

__all__ = [
    "BUILT_IN",
    "COMMON_PARAMETERS",
    "ENTRY_POINT_GROUP",
    "REPORT_ID_NAMESPACE",
    "Catalog",
    "ConversionError",
    "Converter",
    "ConverterPluginError",
    "Parameter",
    "ParameterError",
    "PluginProblem",
    "SiteDefaults",
    "Source",
    "UnknownConverterError",
    "available_converters",
    "converter_catalog",
    "get_converter",
    "read_companion",
    "report_id",
    "validate_parameters",
]
