"""Client configuration: explicit arguments first, the environment only for omitted ones.

Resolution order for each setting: the constructor argument when given, else the environment
variable (`WATS_BASE_URL`, `WATS_AUTH_TOKEN`), else the default; `base_url` and `token` have no
default and raise `ConfigurationError` when neither source gives one. The environment is read
here and nowhere else.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from pywats._exceptions import ConfigurationError

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_BASE_URL",
    "ENV_TOKEN",
    "NOT_GIVEN",
    "ClientConfig",
    "NotGiven",
    "normalise_base_url",
]

ENV_BASE_URL: Final = "WATS_BASE_URL"
ENV_TOKEN: Final = "WATS_AUTH_TOKEN"
DEFAULT_TIMEOUT: Final = 30.0


class NotGiven(enum.Enum):
    """The type of `NOT_GIVEN`: "argument omitted", distinct from `None` (which means "none")."""

    NOT_GIVEN = enum.auto()

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


@dataclass(frozen=True)
class ClientConfig:
    """Resolved, validated settings shared by `WATS` and `AsyncWATS`.

    `base_url` is normalised to the bare server URL (no trailing `/` or `/api`); `timeout` is in
    seconds, `None` meaning no timeout. The token is kept out of `repr` so it never reaches a log.
    """

    base_url: str
    token: str = field(repr=False)
    timeout: float | None = DEFAULT_TIMEOUT

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | NotGiven,
        token: str | NotGiven,
        timeout: float | NotGiven | None,
        environ: Mapping[str, str],
    ) -> ClientConfig:
        """Resolve arguments against `environ`; `ConfigurationError` names what is missing."""
        url = _pick("base_url", base_url, environ, ENV_BASE_URL)
        secret = _pick("token", token, environ, ENV_TOKEN).strip()
        if not secret:
            raise ConfigurationError("token is empty: expected the base64 WATS API token")
        _check_token(secret)
        return cls(
            base_url=normalise_base_url(url),
            token=secret,
            timeout=_check_timeout(DEFAULT_TIMEOUT if timeout is NOT_GIVEN else timeout),
        )

    @property
    def authorization(self) -> str:
        """The `Authorization` header value: HTTP Basic with the token as given (not re-encoded)."""
        return f"Basic {self.token}"


def normalise_base_url(url: str) -> str:
    """Return `url` as `scheme://host[:port][/prefix]`: trailing `/` and a trailing `/api` removed.

    Raises `ConfigurationError` unless the URL is absolute `http` or `https` with a host and no
    query or fragment.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base_url {url!r} is not usable: expected an absolute http:// or https:// URL "
            "such as 'https://wats.example.com'"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"base_url {url!r} has a query or fragment: expected the server's base URL only"
        )
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise ConfigurationError(
            f"base_url {url!r} has an unusable port: expected a number from 0 to 65535"
        ) from None
    path = parts.path.rstrip("/")
    if path.lower().endswith("/api"):
        path = path[: -len("/api")].rstrip("/")
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def _pick(name: str, value: str | NotGiven, environ: Mapping[str, str], variable: str) -> str:
    if not isinstance(value, NotGiven):
        if not isinstance(value, str):
            raise ConfigurationError(f"{name} must be a string, got {type(value).__name__}")
        return value
    from_env = environ.get(variable, "")
    if not from_env.strip():
        raise ConfigurationError(
            f"no {name}: pass {name}=... to the client or set the {variable} environment variable"
        )
    return from_env


def _check_token(token: str) -> None:
    # The token goes into an HTTP header as given; a character a header cannot carry would
    # fail at the first request with an encoding error far from the mistake.
    for position, char in enumerate(token):
        if not (char.isascii() and char.isprintable()) or char.isspace():
            raise ConfigurationError(
                f"token has {char!r} at position {position}: expected the base64 WATS API "
                "token alone (ASCII letters, digits, '+', '/', '='; no 'Basic ' prefix)"
            )


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise ConfigurationError(f"timeout must be seconds (a number) or None, got {timeout!r}")
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)
