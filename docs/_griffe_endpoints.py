"""A griffe extension for the API reference: service methods show what a caller gets.

A service method is written as `def get(...) -> Call[Product]` and wrapped by `@endpoint`, so on
`WATS` it returns `Product` (on `AsyncWATS` an awaitable of it); a `@paginated` method written
`-> Pages[Header]` iterates `Header`s. The reference shows those types instead of the
internal `Call[...]` and `Pages[...]` (mkdocs.yml loads this file; it is not a page).
"""

from __future__ import annotations

from typing import Any

import griffe


class EndpointReturns(griffe.Extension):
    def on_function_instance(self, *, node: Any, func: griffe.Function, **kwargs: Any) -> None:
        decorators = {str(decorator.value) for decorator in func.decorators}
        returns = func.returns
        if not isinstance(returns, griffe.ExprSubscript):
            return
        if "endpoint" in decorators and str(returns.left) == "Call":
            func.returns = returns.slice
        elif "paginated" in decorators and str(returns.left) == "Pages":
            func.returns = f"Iterator[{returns.slice}]"


__all__ = ["EndpointReturns"]
