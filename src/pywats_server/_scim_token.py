"""SCIM provisioning tokens (`GET /api/SCIM/v2/Token`): JWTs an identity provider sends as
`Authorization: Bearer <jwt>` on the SCIM endpoints.

Each token wraps a new credential of the administrator who asked for it (so revoking that
credential revokes the token) and is signed (HS256) with that credential's secret, so the server
verifies it without storing anything beyond the credential itself. `exp` bounds its use.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from .storage import Principal, UserStore

__all__ = ["issue_scim_token", "verify_scim_token"]

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str, secret: str) -> str:
    return _b64(hmac.new(secret.encode(), signing_input.encode("ascii"), hashlib.sha256).digest())


def issue_scim_token(
    users: UserStore, user_name: str, days: int, now: datetime | None = None
) -> dict[str, Any]:
    """A new token for `user_name` valid `days` days: `{token, expiresUtc, durationDays}`."""
    issued = now or datetime.now(timezone.utc)
    expires = issued + timedelta(days=days)
    secret = secrets.token_urlsafe(24)
    credential = users.issue_token(user_name, secret)
    claims = {
        "sub": user_name,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "cred": credential,
    }
    signing_input = f"{_b64(json.dumps(_HEADER).encode())}.{_b64(json.dumps(claims).encode())}"
    return {
        "token": f"{signing_input}.{_sign(signing_input, secret)}",
        "expiresUtc": expires.isoformat().replace("+00:00", "Z"),
        "durationDays": days,
    }


def verify_scim_token(
    users: UserStore, token: str, now: datetime | None = None
) -> Principal | None:
    """Who presents the SCIM `token`, or None when it is malformed, forged, expired or revoked."""
    try:
        header, payload, signature = token.split(".")
        claims = json.loads(_unb64(payload))
        credential = str(claims["cred"])
        _, _, secret = base64.b64decode(credential).decode().partition(":")
        expires = int(claims["exp"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(signature, _sign(f"{header}.{payload}", secret)):
        return None
    if expires <= (now or datetime.now(timezone.utc)).timestamp():
        return None
    return users.verify(credential)
