"""What the in-circuit converter tests share: a per-report summary for the goldens and the
line mutations their fuzz tests feed the converters."""

from __future__ import annotations

import collections
import hashlib
import random
from typing import Any

from pywats.report import UUTReport, write_wsjf

_TOKENS = ("", "NaN", "-1", "1e999", "abc", "........", "PASS", "FAIL", "@", ";", "\t", "\x00",
           "1/1/1", "99/99/99 99:99:99", "* GROUP No.1   *", "-NAN", "Automatic")  # fmt: skip


def summary(report: UUTReport) -> dict[str, Any]:
    """Header, counts, failed steps and the WSJF digest of one report: enough to review against
    the spec's tables, and any change to the report changes `sha256`."""
    steps = [s for s in report.steps()[1:] if s.step_type != "SequenceCall"]
    operators: collections.Counter[str] = collections.Counter()
    for step in steps:
        for meas in step.raw.get("numericMeas", []):
            operators[meas["compOp"]] += 1
    uut = report.uut
    assert uut is not None
    return {
        "sn": report.serial_number,
        "pn": report.part_number,
        "rev": report.revision,
        "processCode": report.process_code,
        "result": report.result,
        "start": report.start,
        "station": report.station_name,
        "operator": uut.user,
        "execTime": uut.exec_time,
        "batchSN": uut.batch_sn,
        "root": [report.root.name, report.root.seq_call.version if report.root.seq_call else None],
        "misc": {m.description: m.text for m in report.misc_infos},
        "sequences": [s.name for s in report.root.steps if s.step_type == "SequenceCall"],
        "sequence_calls": sum(1 for s in report.steps()[1:] if s.step_type == "SequenceCall"),
        "steps": dict(
            sorted(collections.Counter(f"{s.step_type} {s.status}" for s in steps).items())
        ),
        "measurements": sum(operators.values()),
        "operators": dict(sorted(operators.items())),
        "loops": sum(1 for s in steps if s.loop is not None and s.loop.idx is None),
        "failed": [s.name for s in steps if s.status == "F"],
        "sha256": hashlib.sha256(write_wsjf(report).encode()).hexdigest(),
    }


def mutate_lines(data: bytes, rng: random.Random, separator: bytes) -> bytes:
    """One edit of a text file: a field replaced, a line dropped, duplicated, cut or swapped
    with its neighbour, or (one case in four) a random byte mutation."""
    lines = data.split(b"\n")
    index = rng.randrange(len(lines))
    choice = rng.randrange(6)
    if choice == 0:
        fields = lines[index].split(separator)
        at = rng.randrange(len(fields))
        fields[at] = rng.choice(_TOKENS).encode()
        lines[index] = separator.join(fields)
    elif choice == 1:
        del lines[index]
    elif choice == 2:
        lines.insert(rng.randrange(len(lines)), lines[index])
    elif choice == 3:
        lines[index] = lines[index][: rng.randrange(len(lines[index]) + 1)]
    elif choice == 4 and index + 1 < len(lines):
        lines[index], lines[index + 1] = lines[index + 1], lines[index]
    else:
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        return bytes(buffer)
    return b"\n".join(lines)
