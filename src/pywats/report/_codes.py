"""WATS code tables: statuses, step groups, comparison operators, chart types.

The members are `str` subclasses equal to the letters WATS writes, so they can be compared with
(and stored as) the plain strings found in loaded reports. Loaded data is never forced into these
enums: WATS stores whatever was submitted, including spellings not listed here.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "GROUP_WORDS",
    "REPORT_TYPE_WORDS",
    "STATUS_WORDS",
    "ChartType",
    "CompOp",
    "Status",
    "StepGroup",
]


class _Code(str, Enum):
    """A code table: members print as the bare code WATS writes, not `Class.MEMBER`."""

    _value_: str

    def __str__(self) -> str:
        return self.value


class Status(_Code):
    """Step, measurement and report status letters (§12.1/12.2 of the WSJF spec)."""

    PASSED = "P"
    FAILED = "F"
    SKIPPED = "S"
    DONE = "D"
    ERROR = "E"
    TERMINATED = "T"


class StepGroup(_Code):
    """The TestStand step group a step ran in."""

    SETUP = "S"
    MAIN = "M"
    CLEANUP = "C"


class CompOp(_Code):
    """Comparison operators: one-limit operators compare against `lowLimit`."""

    LOG = "LOG"
    EQ = "EQ"
    NE = "NE"
    GT = "GT"
    GE = "GE"
    LT = "LT"
    LE = "LE"
    GTLT = "GTLT"
    GTLE = "GTLE"
    GELT = "GELT"
    GELE = "GELE"
    LTGT = "LTGT"
    LTGE = "LTGE"
    LEGT = "LEGT"
    LEGE = "LEGE"
    EQT = "EQT"
    CASESENSIT = "CASESENSIT"
    IGNORECASE = "IGNORECASE"


class ChartType(_Code):
    """Axis scaling of a chart."""

    LINE = "Line"
    LINE_LOG_XY = "LineLogXY"
    LINE_LOG_X = "LineLogX"
    LINE_LOG_Y = "LineLogY"


# The words WSXF (and query endpoints) use for the letters WSJF writes.
STATUS_WORDS = {
    "P": "Passed",
    "F": "Failed",
    "S": "Skipped",
    "D": "Done",
    "E": "Error",
    "T": "Terminated",
}
GROUP_WORDS = {"S": "Setup", "M": "Main", "C": "Cleanup"}
REPORT_TYPE_WORDS = {"T": "UUT", "R": "UUR"}
