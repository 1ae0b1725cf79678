"""What the domain services share: the JSON model base, tags (`Setting`) and request helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["Params", "Setting", "WireModel", "dump", "items", "segment"]

Params = dict[str, "str | int | float | bool | None"]
"""Query parameters of a `Call`; None values are left out."""


class WireModel(BaseModel):
    """A WATS JSON object: snake_case attributes, camelCase on the wire, unknown fields kept.

    Construct with either spelling (`Product(part_number=...)` or `Product(partNumber=...)`).
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class Setting(WireModel):
    """A tag on a product, revision, unit, asset or package.

    `change` applies when saving the owner: 3 deletes the key, anything else sets it.
    """

    key: str
    value: str | None = None
    change: int | None = None


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON body for `model`: wire names, ISO dates, unset optional fields left out."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def segment(value: str) -> str:
    """`value` escaped for use as one URL path segment (a `/` in a serial number stays data)."""
    return quote(value, safe="")


def items(value: str | Sequence[str]) -> list[str]:
    """A list argument as a list: a bare string (`expand="assets"`) is one item, never the
    sequence of its characters that a `Sequence[str]` parameter would make of it."""
    return [value] if isinstance(value, str) else list(value)
