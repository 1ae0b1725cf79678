"""pyWATS: a Python toolkit for the WATS test-data management platform."""

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
    UnprocessableEntityError,
    WATSError,
    status_error_class,
)
from pywats._retry import RetryPolicy

__version__ = "0.1.0"

__all__ = [
    "NOT_GIVEN",
    "WATS",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncWATS",
    "AuthenticationError",
    "BadRequestError",
    "BreakerSettings",
    "CircuitOpenError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "UnprocessableEntityError",
    "WATSError",
    "__version__",
    "correlation_id",
    "status_error_class",
]
