"""What the domain services share: the JSON model base, tags (`Tag`) and request helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

__all__ = ["RESPONSE", "Params", "Tag", "WireModel", "dump", "items", "segment"]

RESPONSE = {"pywats_response": True}
"""Validation context of response bodies: the one place where unknown fields are welcome."""

Params = dict[str, "str | int | float | bool | None"]
"""Query parameters of a `Call`; None values are left out."""


class WireModel(BaseModel):
    """A WATS JSON object: snake_case attributes, their wire names as aliases (camelCase unless
    a model says otherwise). Construct with either spelling (`Product(part_number=...)` or
    `Product(partNumber=...)`).

    Strict where we write, tolerant where the server writes: an unknown field raises a
    validation error when a model is built in code (`Unit(serail_number=...)` would otherwise
    go onto the wire), and is kept (and sent back) when it comes in a response body.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _known_fields_only(cls, data: Any, info: ValidationInfo) -> Any:
        if type(data) is not dict or info.context is RESPONSE:
            return data
        unknown = data.keys() - _field_names(cls)
        if unknown:
            raise PydanticCustomError(
                "extra_forbidden",
                "{model} has no field {names} (fields: {known})",
                {
                    "model": cls.__name__,
                    "names": ", ".join(sorted(unknown)),
                    "known": ", ".join(cls.model_fields),
                },
            )
        return data


def _field_names(model: type[BaseModel]) -> frozenset[str]:
    """Every spelling a field of `model` may be given in: attribute names and wire aliases."""
    names = _FIELD_NAMES.get(model)
    if names is None:
        spelled = set(model.model_fields)
        spelled.update(f.alias for f in model.model_fields.values() if f.alias)
        names = _FIELD_NAMES[model] = frozenset(spelled)
    return names


_FIELD_NAMES: dict[type[BaseModel], frozenset[str]] = {}


class Tag(WireModel):
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
