"""pyWATS: a Python toolkit for the WATS test-data management platform."""

__version__ = "0.1.0"

__all__ = ["__version__"]
