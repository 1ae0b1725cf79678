"""pyWATS converters for Nordlys test equipment (an example plug-in package)."""

from nordlys_converters.ft200 import FT200Converter

__all__ = ["FT200Converter"]
