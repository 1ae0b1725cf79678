"""One wildcard rule: the SQL matcher (analytics) and the Python matcher (storage) agree."""

from __future__ import annotations

import pytest
from sqlalchemy import String, create_engine, literal, select

from pywats_server.analytics._match import match_text
from pywats_server.storage._domain import wildcard_match

CASES = [
    ("A; B", "B", True),
    ("A; B", "A", True),
    ("A; B", " B", False),
    ("PCBA-%", "PCBA-7", True),
    ("PCBA-_", "PCBA-12", False),
    ("A;;B", "B", True),
    ("", "anything", True),
    ("a", "A", False),
]


@pytest.mark.parametrize(("pattern", "value", "matches"), CASES)
def test_sql_and_python_matchers_follow_one_rule(pattern: str, value: str, matches: bool) -> None:
    assert wildcard_match(pattern, value) is matches
    engine = create_engine("sqlite://")
    # SQLite's LIKE ignores ASCII case unless told otherwise; the app's connections say so too.
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA case_sensitive_like = ON")
        row = connection.execute(select(match_text(literal(value, String), pattern))).scalar()
    assert bool(row) is matches
