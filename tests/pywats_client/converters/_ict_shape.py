"""The shape of a converted report in the terms the vendor specs tabulate: sequences, steps by
type and operator, measurements and failed steps. Shared by the ICT converter tests."""

from __future__ import annotations

import collections
from typing import Any

from pywats.report import UUTReport


def shape(report: UUTReport) -> dict[str, Any]:
    """Counts of one report (the root itself is not counted)."""
    steps = report.steps()[1:]
    tests = [s for s in steps if s.step_type != "SequenceCall"]
    measurements = [
        m
        for s in tests
        for key in ("numericMeas", "booleanMeas", "stringMeas")
        for m in s.raw.get(key) or []
    ]
    return {
        "sn": report.serial_number,
        "pn": report.part_number,
        "rev": report.revision,
        "result": report.result,
        "sequences": sum(s.step_type == "SequenceCall" for s in steps),
        "steps": len(tests),
        "types": dict(sorted(collections.Counter(s.step_type for s in tests).items())),
        "operators": dict(
            sorted(collections.Counter(m["compOp"] for m in measurements if "compOp" in m).items())
        ),
        "measurements": len(measurements),
        "failed": [s.name for s in tests if s.status == "F"],
    }
