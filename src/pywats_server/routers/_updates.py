"""Request models that change stored rows: only the keys sent change (`exclude_unset`), and a
key whose column holds no NULL refuses an explicit null, so it never reaches the database."""

from __future__ import annotations

from pydantic import BeforeValidator

__all__ = ["NotNull"]


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("expected a value, got null (leave the key out to keep the stored one)")
    return value


#: `Annotated[T | None, NotNull] = None`: absent means "keep", null is a 400 naming the key.
NotNull = BeforeValidator(_refuse_null)
