"""`Answer`: the base of the response models, which state the wire shape of an answer.

Strict and closed: a stored value is never coerced (an int stays an int, a datetime is written
as FastAPI writes any datetime) and a key the model does not name is an error, so a model that
drifts from what the stores return fails the tests instead of changing the wire. Fields are
declared in wire order, which is the order they are sent.

A store answers typed records (frozen dataclasses). An answer reads a record by attribute: a
snake_case field takes the record's attribute of that name and is sent under its camelCase name
(`ticket_id` → `ticketId`, see `wire_name`), so a route returns the record and names the answer
as its `response_model`. Where the wire's shape differs from the record's, the answer builds
itself in a classmethod `of(record)`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AliasGenerator, BaseModel, ConfigDict, WithJsonSchema
from pydantic.alias_generators import to_camel

__all__ = ["BINARY", "Answer", "Cell", "Instant", "Row", "Scalar", "file_answer", "wire_name"]

#: A date-time as the stores hold it (a datetime, or text already in the wire's format).
Instant = Annotated[datetime | str, WithJsonSchema({"type": "string", "format": "date-time"})]

#: A plain JSON value.
Scalar = str | bool | int | float | None
#: A value of a row whose columns the request chooses (analytics dimensions, `$expand`): a
#: scalar, a date-time, or the objects of an expanded collection.
Cell = Scalar | datetime | list[dict[str, Scalar]]
#: A row whose columns the request chooses.
Row = dict[str, Cell]


def wire_name(field: str) -> str:
    """The wire name of an answer's field: camelCase for a snake_case name (a record's
    attribute); a name without an underscore is the wire name itself."""
    return to_camel(field) if "_" in field.strip("_") else field


class Answer(BaseModel):
    """A response model: strict, closed, fields in wire order, read from a record's
    attributes or a mapping."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        from_attributes=True,
        alias_generator=AliasGenerator(serialization_alias=wire_name),
    )


#: The schema of a body that is a file (bytes of its own media type).
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def file_answer(*media_types: str, schema: dict[str, Any] = BINARY) -> dict[int | str, Any]:
    """`responses=` of an endpoint that answers a file, not JSON: the media types it sends."""
    return {200: {"content": {media: {"schema": schema} for media in media_types}}}
