"""`Answer`: the base of the response models, which state the wire shape of an answer.

Strict and closed: a stored value is never coerced (an int stays an int, a datetime is written
as FastAPI writes any datetime) and a key the model does not name is an error, so a model that
drifts from what the stores return fails the tests instead of changing the wire. Fields are
declared in the order the stores write the keys, which is the order they are sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, WithJsonSchema

__all__ = ["Answer", "Instant", "Scalar"]

#: A date-time as the stores hold it (a datetime, or text already in the wire's format).
Instant = Annotated[datetime | str, WithJsonSchema({"type": "string", "format": "date-time"})]

#: A value of a row whose columns are chosen by the request (analytics dimensions).
Scalar = str | bool | int | float | None


class Answer(BaseModel):
    """A response model: strict, closed, fields in wire order."""

    model_config = ConfigDict(strict=True, extra="forbid")
