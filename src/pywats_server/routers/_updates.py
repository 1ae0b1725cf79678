"""Request models that change stored rows: only the keys sent change (`sent`: the store's edit
records leave the others at `KEEP`), and a key whose column holds no NULL refuses an explicit
null, so it never reaches the database."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, BeforeValidator

__all__ = ["NotNull", "sent"]


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("expected a value, got null (leave the key out to keep the stored one)")
    return value


#: `Annotated[T | None, NotNull] = None`: absent means "keep", null is a 400 naming the key.
NotNull = BeforeValidator(_refuse_null)


def sent(body: BaseModel, **fields: str) -> dict[str, Any]:
    """The values of the keys the request sent, by the edit's field names: `fields` maps each
    edit field to its key (`sent(body, report_uuid="reportUuid")`)."""
    return {
        field: getattr(body, key) for field, key in fields.items() if key in body.model_fields_set
    }
