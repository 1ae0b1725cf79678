"""The WATSFilter: the JSON body of every analytics POST, and how it narrows the stored reports.

Every key of the filter is applied by one function, `report_conditions`, to one report (a row of
`reports` under any alias), so every endpoint filters the same way. String keys take the WATS
wildcards: `%` any run of characters, `_` one character, `;` between alternatives.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, field_validator
from sqlalchemy import ColumnElement, String, and_, cast, exists, false
from sqlalchemy.sql import FromClause

from pywats._analytics_query import WATSFilter

from .._instants import to_naive_utc
from ..storage.report_tables import report_misc_infos
from ._assets import used_asset
from ._match import alternatives, match_text
from ._products import in_product_group

__all__ = ["RESULT_LETTERS", "AnalyticsError", "WatsFilter", "report_conditions"]

RESULT_LETTERS = {
    "passed": "P",
    "failed": "F",
    "error": "E",
    "terminated": "T",
    "done": "D",
    "skipped": "S",
}


class AnalyticsError(ValueError):
    """A query the server cannot answer as asked; the message names the key and the problem."""


class WatsFilter(WATSFilter):
    """The SDK's `WATSFilter` (rest-api.md §6.1) as the server reads it, with what only the
    server decides: unknown keys are ignored (WATS clients send keys of their own), date-times
    are held as naive UTC (`to_naive_utc`: no offset means UTC), and `status` must name result
    words.
    """

    model_config = ConfigDict(extra="ignore")

    @field_validator("date_from", "date_to", mode="plain")
    @classmethod
    def _utc(cls, value: object) -> datetime | None:
        return None if value is None else to_naive_utc(value)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None:
            for word in alternatives(value):
                if word.lower() not in RESULT_LETTERS and "%" not in word and "_" not in word:
                    known = ", ".join(w.capitalize() for w in RESULT_LETTERS)
                    raise ValueError(f"{word!r} is not a result word ({known})")
        return value


def _status_condition(column: ColumnElement[Any], pattern: str) -> ColumnElement[bool]:
    letters = [
        letter
        for word, letter in RESULT_LETTERS.items()
        for item in alternatives(pattern)
        if _word_matches(word, item.lower())
    ]
    return column.in_(letters) if letters else false()


def _word_matches(word: str, pattern: str) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, word) is not None


def _misc(report: FromClause, description: str | None, value: str | None) -> ColumnElement[bool]:
    misc = report_misc_infos.c
    parts: list[ColumnElement[bool]] = [misc.report_pk == report.c.report_pk]
    if description is not None:
        parts.append(match_text(misc.description, description))
    if value is not None:
        parts.append(match_text(misc.text, value))
    return exists().where(and_(*parts))


# Keys the reports carry no data for: answering them would silently ignore them, so they fail.
_UNSUPPORTED = {
    "level": "the product register here assigns no production levels to products",
}


def report_conditions(
    f: WatsFilter, report: FromClause, *, dates: tuple[datetime | None, datetime | None]
) -> list[ColumnElement[bool]]:
    """SQL conditions selecting the reports (rows of `report`, an alias of `reports`) that match
    every set key of `f` that selects reports; `dates` is the resolved inclusive UTC range.

    Raises AnalyticsError for a key this server cannot apply.
    """
    for key, reason in _UNSUPPORTED.items():
        if getattr(f, key) is not None:
            raise AnalyticsError(f"filter key {key!r} cannot be applied: {reason}")
    c = report.c
    conditions: list[ColumnElement[bool]] = []
    for value, column in (
        (f.serial_number, c.serial_number),
        (f.part_number, c.part_number),
        (f.revision, c.revision),
        (f.batch_number, c.batch_number),
        (f.station_name, c.station_name),
        (f.test_operation, c.process_name),
        (f.sw_filename, c.sw_filename),
        (f.sw_version, c.sw_version),
        (f.socket, cast(c.test_socket_index, String)),
    ):
        if value is not None:
            conditions.append(match_text(column, value))
    if f.status is not None:
        conditions.append(_status_condition(c.result, f.status))
    if f.product_group is not None:
        conditions.append(in_product_group(c.part_number, f.product_group))
    if f.asset_serial_number is not None or f.asset_name is not None:
        conditions.append(used_asset(c.report_pk, f.asset_serial_number, f.asset_name))
    for description, value in (
        (f.misc_description, f.misc_value),
        (f.misc_info_description, f.misc_info_string),
    ):
        if description is not None or value is not None:
            conditions.append(_misc(report, description, value))
    start, end = dates
    if start is not None:
        conditions.append(c.start_utc >= start)
    if end is not None:
        conditions.append(c.start_utc <= end)
    return conditions
