"""Users and their credentials: WATS tokens are HTTP Basic `base64(name:secret)`.

Secrets are stored as scrypt hashes. Checking scrypt on every request would cap throughput, so a
verified token is remembered (by its SHA-256) together with its credential row; a cache hit only
re-reads that row, so a revocation takes effect on the next request.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    func,
    select,
)

from ._database import Database
from ._domain import utcnow
from ._metadata import metadata
from ._prepared import Prepared, chunks, numbered, numbered_binds

__all__ = [
    "Principal",
    "TokenInfo",
    "UserInfo",
    "UserStore",
    "credentials",
    "encode_token",
    "users",
]

users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("is_admin", Boolean, nullable=False),
    Column("created_utc", DateTime, nullable=False),
)

credentials = Table(
    "credentials",
    metadata,
    Column("credential_id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.user_id"), nullable=False, index=True),
    Column("secret_hash", String(200), nullable=False),
    Column("created_utc", DateTime, nullable=False),
    Column("revoked_utc", DateTime, nullable=True),
)

# Read for the requests with a remembered token (those arriving together in one read); a row
# that is gone is not taken as valid.
_c = credentials.c
_REVOKED = Prepared(
    lambda size: select(_c.credential_id, _c.revoked_utc).where(
        _c.credential_id.in_(numbered_binds("id", _c.credential_id.type, size))
    )
)
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_CACHE_LIMIT = 1024


def encode_token(name: str, secret: str) -> str:
    """The WATS token for a user: base64 of the UTF-8 text `name:secret`."""
    return base64.b64encode(f"{name}:{secret}".encode()).decode("ascii")


def _hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def _secret_matches(secret: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        secret.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


@functools.cache
def _unknown_user_hash() -> str:
    """A hash no secret matches in practice, with the parameters real credentials use."""
    return _hash_secret(secrets.token_urlsafe(24))


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    name: str
    is_admin: bool


@dataclass(frozen=True)
class UserInfo:
    """One row of `users list`."""

    name: str
    is_admin: bool
    active_tokens: int
    created_utc: datetime


@dataclass(frozen=True)
class TokenInfo:
    """One row of `token list`: a credential, never its secret."""

    id: int
    user: str
    is_admin: bool
    created_utc: datetime
    revoked_utc: datetime | None


class UserStore:
    """Creates users, issues and revokes tokens, and verifies the tokens requests present."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        self._verified: dict[bytes, tuple[int, Principal]] = {}
        self._lock = threading.Lock()

    def create_user(self, name: str, *, is_admin: bool) -> None:
        """Create a user; raises ValueError when the name is empty, has a colon, or exists."""
        if not name or ":" in name:
            raise ValueError(f"user name {name!r}: expected a non-empty name without ':'")
        with self._engine.begin() as connection:
            exists = connection.scalar(select(users.c.user_id).where(users.c.name == name))
            if exists is not None:
                raise ValueError(f"user {name!r} already exists")
            connection.execute(
                users.insert().values(name=name, is_admin=is_admin, created_utc=utcnow())
            )

    def issue_token(self, name: str, secret: str | None = None) -> str:
        """Add a credential for user `name` (a random secret unless given); return its token."""
        secret = secret if secret is not None else secrets.token_urlsafe(24)
        if not secret:
            raise ValueError("password: expected a non-empty password")
        with self._engine.begin() as connection:
            user_id = connection.scalar(select(users.c.user_id).where(users.c.name == name))
            if user_id is None:
                raise ValueError(f"user {name!r} does not exist")
            connection.execute(
                credentials.insert().values(
                    user_id=user_id, secret_hash=_hash_secret(secret), created_utc=utcnow()
                )
            )
        return encode_token(name, secret)

    def revoke_token(self, token: str) -> bool:
        """Revoke the credential a token presents; False when no active credential matches."""
        found = self._find_credential(token)
        if found is None:
            return False
        with self._engine.begin() as connection:
            connection.execute(
                credentials.update()
                .where(credentials.c.credential_id == found[0])
                .values(revoked_utc=utcnow())
            )
        with self._lock:
            self._verified.pop(hashlib.sha256(token.encode()).digest(), None)
        return True

    def revoke_token_id(self, credential_id: int) -> bool:
        """Revoke the credential with this id (see `list_tokens`); False when none is active."""
        with self._engine.begin() as connection:
            changed = connection.execute(
                credentials.update()
                .where(
                    credentials.c.credential_id == credential_id,
                    credentials.c.revoked_utc.is_(None),
                )
                .values(revoked_utc=utcnow())
            ).rowcount
        return bool(changed)

    def list_tokens(self) -> list[TokenInfo]:
        """Every credential ever issued, active or revoked, oldest first."""
        query = (
            select(
                credentials.c.credential_id,
                users.c.name,
                users.c.is_admin,
                credentials.c.created_utc,
                credentials.c.revoked_utc,
            )
            .join(users, users.c.user_id == credentials.c.user_id)
            .order_by(credentials.c.credential_id)
        )
        with self._engine.connect() as connection:
            return [TokenInfo(*row) for row in connection.execute(query)]

    def list_users(self) -> list[UserInfo]:
        """All users with their count of active tokens, by name."""
        active = (
            select(func.count())
            .where(credentials.c.user_id == users.c.user_id, credentials.c.revoked_utc.is_(None))
            .scalar_subquery()
        )
        query = select(users.c.name, users.c.is_admin, active, users.c.created_utc).order_by(
            users.c.name
        )
        with self._engine.connect() as connection:
            return [UserInfo(*row) for row in connection.execute(query)]

    def verify(self, token: str) -> Principal | None:
        """Return who presents `token` (the Basic credential), or None when it is not valid."""
        remembered = self.remembered(token)
        return remembered if remembered is not None else self.check(token)

    def remembered(self, token: str) -> Principal | None:
        """Who presents `token` if it was verified before and is not revoked, without hashing;
        None means "not known", not "invalid": `check` decides that."""
        return self.remembered_many([token])[0]

    def remembered_many(self, tokens: Sequence[str]) -> list[Principal | None]:
        """`remembered` of each of `tokens`, in order, their credentials read in one query."""
        keys = [hashlib.sha256(token.encode()).digest() for token in tokens]
        with self._lock:
            cached = [self._verified.get(key) for key in keys]
        ids = sorted({entry[0] for entry in cached if entry is not None})
        active: set[int] = set()
        if ids:
            with self._engine.connect() as connection:
                for chunk in chunks(ids):
                    found = _REVOKED.run(connection, numbered("id", chunk), len(chunk))
                    active.update(credential for credential, revoked in found if revoked is None)
        principals: list[Principal | None] = []
        for key, entry in zip(keys, cached, strict=True):
            if entry is not None and entry[0] in active:
                principals.append(entry[1])
                continue
            if entry is not None:
                with self._lock:
                    self._verified.pop(key, None)
            principals.append(None)
        return principals

    def check(self, token: str) -> Principal | None:
        """Verify `token` by its password hash (one scrypt, as costly for an unknown user as for
        a wrong password) and remember it when valid; None when it is not valid."""
        key = hashlib.sha256(token.encode()).digest()
        found = self._find_credential(token)
        if found is None:
            return None
        with self._lock:
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()
            self._verified[key] = found
        return found[1]

    def _find_credential(self, token: str) -> tuple[int, Principal] | None:
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, colon, secret = decoded.partition(":")
        if not colon:
            return None
        query = (
            select(credentials.c.credential_id, credentials.c.secret_hash, users.c.is_admin)
            .join(users, users.c.user_id == credentials.c.user_id)
            .where(users.c.name == name, credentials.c.revoked_utc.is_(None))
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            # An unknown name costs the same hash as a wrong password: the time of an answer
            # must not tell which user names exist.
            _secret_matches(secret, _unknown_user_hash())
        for credential_id, stored, is_admin in rows:
            if _secret_matches(secret, stored):
                return credential_id, Principal(name, bool(is_admin))
        return None

    def sign_in(self, name: str, password: str) -> int | None:
        """The id of the active credential `name` and `password` present, or None (web pages)."""
        found = self._find_credential(encode_token(name, password))
        return None if found is None else found[0]

    def session_key(self, credential_id: int) -> tuple[Principal, bytes] | None:
        """Who holds an active credential, and the key its web sessions are signed with.

        The key derives from the credential's stored (salted) hash: it survives restarts, is the
        same on every server over the database, and dies with the credential's revocation."""
        query = (
            select(users.c.name, users.c.is_admin, credentials.c.secret_hash)
            .join(users, users.c.user_id == credentials.c.user_id)
            .where(
                credentials.c.credential_id == credential_id, credentials.c.revoked_utc.is_(None)
            )
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        key = hashlib.sha256(b"pywats web session\0" + row.secret_hash.encode()).digest()
        return Principal(row.name, bool(row.is_admin)), key
