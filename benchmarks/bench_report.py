"""Report model speed: build, dump and load against pywats-api 0.6.0rc1 and the stdlib json floor.

Workloads: build a 10,000-step UUT report (100 sequences x 100 numeric GELE steps), dump it to
WSJF, load that document back; load the real 186-step export. The reference builds the same
report with its builders, dumps it the way its submit does (`model_dump` by alias without
nulls, here straight to JSON text) and loads with `model_validate_json` (the faster of its two
load paths). Every load reads the same text (our dump), so the floors are comparable.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks._reference import run_reference
from benchmarks._timing import measure, print_table
from pywats.report import UUTReport, read_wsjf, write_wsjf

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "samples" / "wats"
SEQUENCES = 100
STEPS = 100
# Both sides report the best of REPEAT runs of process CPU time: the machine is shared by
# parallel work, and CPU time leaves out the waits for a core that wall time would count.
REPEAT = 11


def cpu_best(func: Callable[[], object], number: int) -> float:
    """Seconds of process CPU time per call of `func`, best of REPEAT runs of `number` calls."""
    return measure("", func, number=number, repeat=REPEAT, clock=time.process_time).best


_REFERENCE_SCRIPT = """
import json, sys, time
from datetime import datetime, timezone
from pywats.models import UUTReport, UUTInfo
from pywats.shared.enums import CompOp

SEQUENCES, STEPS, REPEAT = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

def measure(func, number, repeat=REPEAT):
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            func()
        samples.append((time.process_time() - start) / number)
    return min(samples)

def build():
    report = UUTReport(pn="PCBA-1", sn="SN0001", rev="A", process_code=100,
                       station_name="FCT-3", location="Line 2", purpose="Production",
                       result="P", start=datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc))
    report.info = UUTInfo(operator="op")
    root = report.get_root_sequence_call()
    for s in range(SEQUENCES):
        seq = root.add_sequence_call(f"Sequence {s}")
        for n in range(STEPS):
            seq.add_numeric_step(name=f"Step {n}", value=float(n), unit="V",
                                 comp_op=CompOp.GELE, low_limit=0.0, high_limit=200.0)
    return report

big_text = open(sys.argv[1], encoding="utf-8").read()
sample_text = open(sys.argv[2], encoding="utf-8").read()
built = build()
dump = lambda: built.model_dump_json(by_alias=True, exclude_none=True)
load_big = lambda: UUTReport.model_validate_json(big_text)
load_big_dict = lambda: UUTReport.model_validate(json.loads(big_text))
load_sample = lambda: UUTReport.model_validate_json(sample_text)
load_sample_dict = lambda: UUTReport.model_validate(json.loads(sample_text))
print(json.dumps({
    "build": measure(build, 1),
    "dump": measure(dump, 3),
    "load_big": min(measure(load_big, 1), measure(load_big_dict, 1)),
    "load_sample": min(measure(load_sample, 50), measure(load_sample_dict, 50)),
}))
"""


def build() -> UUTReport:
    """The 10,000-step report, built through the public builders."""
    report = UUTReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=100,
        station_name="FCT-3",
        location="Line 2",
        purpose="Production",
        operator="op",
        start="2026-11-29T12:00:00.0000000+00:00",
    )
    for s in range(SEQUENCES):
        seq = report.root.add_sequence(f"Sequence {s}")
        for n in range(STEPS):
            seq.add_numeric(f"Step {n}", float(n), low=0.0, high=200.0, comp="GELE", unit="V")
    return report


def main() -> None:
    built = build()
    big_text = write_wsjf(built)
    big_doc = json.loads(big_text)
    sample_text = (SAMPLE / "uut-wsjf-export.json").read_text(encoding="utf-8")

    def stdlib_dumps(document: object) -> str:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))

    # Ours and the floor alternate per operation so both see the same machine state.
    ours, floor = {}, {}
    ours["build"] = cpu_best(build, 1)
    ours["dump"] = cpu_best(lambda: write_wsjf(built), 3)
    floor["dump"] = cpu_best(lambda: stdlib_dumps(big_doc), 3)
    ours["load_big"] = cpu_best(lambda: read_wsjf(big_text), 1)
    floor["load_big"] = cpu_best(lambda: json.loads(big_text), 1)
    ours["load_sample"] = cpu_best(lambda: read_wsjf(sample_text), 200)
    floor["load_sample"] = cpu_best(lambda: json.loads(sample_text), 200)
    with tempfile.TemporaryDirectory() as tmp:
        big_path = Path(tmp) / "big.json"
        big_path.write_text(big_text, encoding="utf-8")
        ref = run_reference(
            _REFERENCE_SCRIPT,
            str(big_path),
            str(SAMPLE / "uut-wsjf-export.json"),
            str(SEQUENCES),
            str(STEPS),
            str(REPEAT),
        )
    steps = SEQUENCES * STEPS
    print(f"python {sys.version.split()[0]}; {steps:,}-step report = {len(big_text):,} bytes WSJF")
    print_table(
        "report model vs pywats-api 0.6.0rc1 (ratio < 1 means we are faster)",
        [
            (f"build {steps:,} steps", ours["build"], "pywats-api", ref["build"]),
            (f"dump {steps:,} steps to WSJF", ours["dump"], "pywats-api", ref["dump"]),
            (f"load {steps:,}-step WSJF", ours["load_big"], "pywats-api", ref["load_big"]),
            ("load 186-step sample", ours["load_sample"], "pywats-api", ref["load_sample"]),
        ],
    )
    print_table(
        "report model vs stdlib json floor (ratio = cost over bare json)",
        [
            (f"dump {steps:,} steps to WSJF", ours["dump"], "json.dumps", floor["dump"]),
            (f"load {steps:,}-step WSJF", ours["load_big"], "json.loads", floor["load_big"]),
            ("load 186-step sample", ours["load_sample"], "json.loads", floor["load_sample"]),
        ],
    )
    print("\nspeed-up over pywats-api (targets: build >= 3x, load >= 5x):")
    for key in ("build", "dump", "load_big", "load_sample"):
        print(f"  {key:12} {ref[key] / ours[key]:7.1f}x")
