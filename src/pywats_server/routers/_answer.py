"""`Answer`: the base of the response models, which state the wire shape of an answer.

Strict and closed: a stored value is never coerced (an int stays an int, a datetime is written
as FastAPI writes any datetime) and a key the model does not name is an error, so a model that
drifts from what the stores return fails the tests instead of changing the wire. Fields are
declared in the order the stores write the keys, which is the order they are sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, WithJsonSchema

__all__ = ["BINARY", "Answer", "Cell", "Instant", "Row", "Scalar", "file_answer"]

#: A date-time as the stores hold it (a datetime, or text already in the wire's format).
Instant = Annotated[datetime | str, WithJsonSchema({"type": "string", "format": "date-time"})]

#: A plain JSON value.
Scalar = str | bool | int | float | None
#: A value of a row whose columns the request chooses (analytics dimensions, `$expand`): a
#: scalar, a date-time, or the objects of an expanded collection.
Cell = Scalar | datetime | list[dict[str, Scalar]]
#: A row whose columns the request chooses.
Row = dict[str, Cell]


class Answer(BaseModel):
    """A response model: strict, closed, fields in wire order."""

    model_config = ConfigDict(strict=True, extra="forbid")


#: The schema of a body that is a file (bytes of its own media type).
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def file_answer(*media_types: str, schema: dict[str, Any] = BINARY) -> dict[int | str, Any]:
    """`responses=` of an endpoint that answers a file, not JSON: the media types it sends."""
    return {200: {"content": {media: {"schema": schema} for media in media_types}}}
