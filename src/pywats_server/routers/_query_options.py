"""The OData query options as endpoint parameters, bounded where the databases need it, and
the one check that refuses an option an endpoint does not take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from .._errors import ApiError
from .._limits import MAX_COUNT

__all__ = ["MAX_OFFSET", "Filter", "OrderBy", "Skip", "Top", "refuse_unsupported_options"]

#: Past this neither database can bind a limit or offset: a 400 naming the option instead.
MAX_OFFSET = MAX_COUNT

Filter = Annotated[str | None, Query(alias="$filter")]
OrderBy = Annotated[str | None, Query(alias="$orderby")]
Top = Annotated[int | None, Query(alias="$top", ge=0, le=MAX_OFFSET)]
Skip = Annotated[int | None, Query(alias="$skip", ge=0, le=MAX_OFFSET)]


async def refuse_unsupported_options(request: Request) -> None:
    """App-wide dependency: a `$` query option the matched endpoint does not declare is a 400
    naming the ones it takes, never silently ignored (WATS answers the same way)."""
    route = request.scope.get("route")
    options = [key for key in request.query_params if key.startswith("$")]
    if not options or not isinstance(route, APIRoute):
        return
    declared = _query_names(route.dependant)
    unsupported = sorted({key for key in options if key not in declared})
    if unsupported:
        supported = sorted(name for name in declared if name.startswith("$"))
        takes = f"it takes {', '.join(supported)}" if supported else "it takes no OData options"
        raise ApiError(
            400,
            f"query option {', '.join(unsupported)} is not supported on "
            f"{request.method} {route.path}: {takes}",
        )


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameter names an endpoint and its dependencies declare."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names
