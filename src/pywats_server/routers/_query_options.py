"""The OData query options as endpoint parameters, bounded where the databases need it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

__all__ = ["MAX_OFFSET", "Filter", "OrderBy", "Skip", "Top"]

#: Past this neither database can bind a limit or offset: a 400 naming the option instead.
MAX_OFFSET = 2**31 - 1

Filter = Annotated[str | None, Query(alias="$filter")]
OrderBy = Annotated[str | None, Query(alias="$orderby")]
Top = Annotated[int | None, Query(alias="$top", ge=0, le=MAX_OFFSET)]
Skip = Annotated[int | None, Query(alias="$skip", ge=0, le=MAX_OFFSET)]
