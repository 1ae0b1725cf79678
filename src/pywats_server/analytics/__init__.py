"""Analytics computed from the stored reports: yield, failures, measurements, repairs, history.

`AnalyticsStore` answers the `/api/App` analytics endpoints; `WatsFilter` is their JSON body.
Aggregation runs in SQL (the same statements on SQLite and PostgreSQL); Python only folds days
into longer periods and derives rates from the counted sums.
"""

from __future__ import annotations

from ._filter import AnalyticsError, WatsFilter
from ._store import AnalyticsStore

__all__ = ["AnalyticsError", "AnalyticsStore", "WatsFilter"]
