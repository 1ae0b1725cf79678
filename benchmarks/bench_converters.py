"""Converters: throughput (MB/s) and peak memory per converter on its largest sample, and STDF
streaming on a generated 50 MB file.

Each case runs in a fresh interpreter (`python -m benchmarks.bench_converters CASE`) so that its
peak resident memory (`ru_maxrss`) is its own; the figure reported is the peak above the RSS the
process had just before converting (the file's bytes already read, as the station service
holds them). Time is process CPU time, best of the repeats, because the machine is shared.
The reference package's ATML converter is run on the ATML samples for comparison.
"""

from __future__ import annotations

import gzip
import json
import math
import resource
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from benchmarks._ict_files import NANO_NAME, large_atdx, large_spea, nano_file
from benchmarks._reference import reference_python, run_reference

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "samples"
HEADER = {"revision": "A", "operation_code": 10, "timezone": "UTC"}
LARGE_STDF_BYTES = 50 * 1024 * 1024
TESTSTAND_SAMPLE = SAMPLES / "teststand" / "ts-without-wats.xml"
XJTAG_SAMPLE = SAMPLES / "xjtag" / "xjtag-demo-hw.xjlog"
SIGMAQUEST_SAMPLE = SAMPLES / "sigmaquest" / "sigmaquest-sn651658.xml"
STEPWIZE_SAMPLE = SAMPLES / "stepwize" / "stepwize-sn65632341.xspc"
TAKAYA_ATDX = SAMPLES / "takaya" / "atdx-wo250319-0162.atdx"
SPEA_SAMPLE = SAMPLES / "spea" / "spea-3030-sn9871234012.csv"
OPENHTF_RECORD = ROOT / "tests" / "pywats_client" / "converters" / "data" / "openhtf-psu-0042.json"


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _csv_file(directory: Path) -> Path:
    """A 10 MB step_per_row CSV: 20,000 units of 5 steps (the examples are a few lines)."""
    path = directory / "large.csv"
    rows = ["SerialNumber,PartNumber,Start,Sequence,Step,Value,Low,High,Unit"]
    for unit in range(20_000):
        start = f"2026-03-02T08:{unit // 3600 % 60:02d}:{unit % 60:02d}"
        for step, (value, low, high, what) in enumerate(
            [(0.42, 0.1, 0.5, "A"), (3.31, 3.2, 3.4, "V"), (44, "", 50, "mV"),
             (12.02, 11.8, 12.2, "V"), (21.5, 20, 22, "dB")]
        ):  # fmt: skip
            rows.append(
                f"SN{unit:06d},PSU-200,{start},Power,step {step},{value},{low},{high},{what}"
            )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _large_stdf(directory: Path) -> Path:
    """lot2's parts repeated to LARGE_STDF_BYTES (plain, big-endian), lot2's header and tail."""
    data = gzip.decompress((SAMPLES / "stdf" / "lot2.stdf.gz").read_bytes())
    offset, first_part, tail = 0, None, None
    while offset < len(data):
        (length,) = struct.unpack_from(">H", data, offset)
        kind = data[offset + 2 : offset + 4]
        if kind == b"\x05\x0a" and first_part is None:  # PIR
            first_part = offset
        if kind == b"\x02\x14":  # WRR
            tail = offset
        offset += 4 + length
    if first_part is None or tail is None:
        raise RuntimeError("lot2.stdf.gz lacks the PIR/WRR records this generator expects")
    parts = data[first_part:tail]
    copies = math.ceil((LARGE_STDF_BYTES - first_part) / len(parts))
    path = directory / "large.stdf"
    with path.open("wb") as out:
        out.write(data[:first_part])
        for _ in range(copies):
            out.write(parts)
        out.write(data[tail:])
    return path


def _repeated(path: Path, head: bytes, board: Callable[[int], bytes], tail: bytes) -> Path:
    """`head`, then boards 0, 1, ... until the file holds LARGE_STDF_BYTES, then `tail`."""
    with path.open("wb") as out:
        out.write(head)
        written, index = len(head), 0
        while written < LARGE_STDF_BYTES:
            chunk = board(index)
            out.write(chunk)
            written, index = written + len(chunk), index + 1
        out.write(tail)
    return path


def _large_ict(directory: Path) -> None:
    """50 MB logs of the in-circuit testers: the samples' boards repeated with new serials."""
    lines = (SAMPLES / "i3070" / "i3070-38258378-board2.log").read_bytes().splitlines(True)
    body = b"".join(lines[2:-1]) + b"}\n"
    btest = lines[1].replace(b"38258378-007-12151210", b"SN%08d")
    _repeated(directory / "large-i3070.log", lines[0], lambda n: btest % n + body, b"}")
    log = (SAMPLES / "teradyne-gr228x" / "43420-bio2.log").read_bytes()
    program, boards = log.split(b"\n", 2)[1] + b"\n", log[log.index(b"@31-JUL-12  14:19:32") :]
    boards = boards.replace(b"SN 24422984989544535753", b"SN A%08d")
    boards = boards.replace(b"SN 42842937739687688567", b"SN B%08d")
    _repeated(directory / "large-gr228x.log", program, lambda n: boards % (n, n), b"")
    sample = (SAMPLES / "teradyne-spectrum" / "sample-ict-data.txt").read_bytes()
    spectrum = sample.replace(b"Serialnumber:1111111111", b"Serialnumber:S%08d")
    _repeated(directory / "large-spectrum.txt", b"", lambda n: spectrum % n, b"")


def _cases(directory: Path) -> dict[str, tuple[str, Path, dict[str, Any], str]]:
    """name -> (converter type, file, parameters, mode: 'list' or 'stream')."""
    return {
        "teststand ts-without-wats.xml": ("teststand", TESTSTAND_SAMPLE,
                                          {"part_number": "PN", "revision": "A",
                                         "operation_code": 10}, "list"),
        "atml atml-5.00-ls2621.xml": ("atml", SAMPLES / "atml" / "atml-5.00-ls2621.xml", HEADER,
                                      "list"),
        "stdf lot2.stdf.gz": ("stdf", SAMPLES / "stdf" / "lot2.stdf.gz", HEADER, "list"),
        "stdf lot2.stdf.gz streamed": ("stdf", SAMPLES / "stdf" / "lot2.stdf.gz", HEADER, "stream"),
        "stdf generated 50 MB streamed": ("stdf", directory / "large.stdf", HEADER, "stream"),
        "csv generated 10 MB": ("csv", directory / "large.csv", {**HEADER, "part_number": "PN"},
                                "list"),
        "openhtf openhtf-psu-0042.json": ("openhtf", OPENHTF_RECORD, HEADER, "list"),
        "xjtag xjtag-demo-hw.xjlog": ("xjtag", XJTAG_SAMPLE, {"part_number": "PN", "revision": "A",
                                                                "operation_code": 10},
                                      "list"),
        "saki saki-aoi.xml": ("saki", SAMPLES / "saki" / "saki-aoi.xml", HEADER, "list"),
        "sigmaquest sigmaquest-sn651658.xml": ("sigmaquest", SIGMAQUEST_SAMPLE,
                                               {"revision": "A", "operation_code": 10}, "list"),
        "stepwize stepwize-sn65632341.xspc": ("stepwize", STEPWIZE_SAMPLE,
                                              {"operation_code": 10, "timezone": "UTC"}, "list"),
        "soundcheck soundcheck-us-wats18.txt": ("soundcheck", SAMPLES / "soundcheck" /
                                                "soundcheck-us-wats18.txt", HEADER, "list"),
        "klippel dut-xyz115 + folder": ("klippel", SAMPLES / "klippel" / "dut-xyz115.txt",
                                        {"part_number": "PN", "revision": "A",
                                         "operation_code": 10}, "list"),
        "i3070 i3070-default-sn1.log": ("i3070", SAMPLES / "i3070" / "i3070-default-sn1.log",
                                        HEADER, "list"),
        "i3070 generated 50 MB streamed": ("i3070", directory / "large-i3070.log", HEADER,
                                           "stream"),
        "teradyne-spectrum sample-ict-data.txt": ("teradyne-spectrum", SAMPLES /
                                                  "teradyne-spectrum" / "sample-ict-data.txt",
                                                  HEADER, "list"),
        "teradyne-spectrum generated 50 MB streamed": ("teradyne-spectrum",
                                                       directory / "large-spectrum.txt", HEADER,
                                                       "stream"),
        "teradyne-gr228x 43420-bio2.log": ("teradyne-gr228x", SAMPLES / "teradyne-gr228x" /
                                           "43420-bio2.log", HEADER, "list"),
        "teradyne-gr228x generated 50 MB streamed": ("teradyne-gr228x",
                                                     directory / "large-gr228x.log", HEADER,
                                                     "stream"),
        "takaya atdx sample 4 MB": ("takaya", TAKAYA_ATDX, HEADER, "list"),
        "takaya atdx sample streamed": ("takaya", TAKAYA_ATDX, HEADER, "stream"),
        "takaya atdx generated 50 MB streamed": ("takaya", directory / "large.atdx", HEADER,
                                                 "stream"),
        "takaya atd-v682793-top.atd": ("takaya", SAMPLES / "takaya" / "atd-v682793-top.atd",
                                       HEADER, "list"),
        "spea sample 1.4 MB": ("spea", SPEA_SAMPLE, {**HEADER, "part_number": "PN"}, "list"),
        "spea sample streamed": ("spea", SPEA_SAMPLE, {**HEADER, "part_number": "PN"}, "stream"),
        "spea generated 50 MB streamed": ("spea", directory / "large-spea.csv",
                                          {**HEADER, "part_number": "PN"}, "stream"),
        "teradyne-nano generated 20k lines": ("teradyne-nano", directory / NANO_NAME, HEADER,
                                              "list"),
    }  # fmt: skip


def _measure(kind: str, path: Path, parameters: dict[str, Any], mode: str) -> dict[str, Any]:
    """Run in the child: convert `path` repeatedly for about a second (once if it takes longer)."""
    from pywats.report import write_wsjf
    from pywats_client._identity import Station
    from pywats_client.converters import Source, get_converter, read_companion

    converter = get_converter(kind)(parameters)
    companions = read_companion(converter.companion(path))  # a Klippel log's folder
    station = Station("BENCH", "Lab", "Benchmark")
    source = Source(path, path.read_bytes(), station, companions)
    convert: Callable[[], Iterable[Any]]
    if mode == "stream":
        # As the station service would: serialize each report as it comes, keep none.
        def convert() -> Iterable[Any]:
            count = 0
            for report in converter.iter_reports(source):  # type: ignore[attr-defined]
                write_wsjf(report)
                count += 1
            return range(count)
    else:

        def convert() -> Iterable[Any]:
            return converter.convert(source)

    baseline = _rss_kb()
    times: list[float] = []
    reports = 0
    while not times or (sum(times) < 1.0 and len(times) < 50):
        start = time.process_time()
        reports = len(list(convert()))
        times.append(time.process_time() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = source.data
    plain = len(gzip.decompress(data)) if data[:2] == b"\x1f\x8b" else len(data)
    extra = sum(len(b) for b in (companions or {}).values())  # counted with the file
    plain += extra
    return {"seconds": min(times), "repeats": len(times), "reports": reports,
            "bytes": len(data) + extra,
            "plain_bytes": plain, "peak_kb": max(0, peak - baseline)}  # fmt: skip


_REFERENCE_ATML = """
import json, sys, time
from pathlib import Path
from pywats_client.converters.standard.atml_converter import ATMLConverter
from pywats_client.converters.models import ConverterSource
from pywats_client.converters.context import ConverterContext
results = {}
for name in sys.argv[1:]:
    result = ATMLConverter().convert(ConverterSource.from_file(Path(name)), ConverterContext())
    results[Path(name).name] = f"{result.status.name}: {result.error}"
print(json.dumps(results))
"""


_REFERENCE_KLIPPEL = """
import json, sys, time
from pathlib import Path
from pywats_client.converters.standard.klippel_converter import KlippelConverter
from pywats_client.converters.models import ConverterSource
from pywats_client.converters.context import ConverterContext
path = Path(sys.argv[1])
times, result = [], None
while not times or (sum(times) < 1.0 and len(times) < 50):
    start = time.process_time()
    result = KlippelConverter().convert(ConverterSource.from_file(path), ConverterContext())
    times.append(time.process_time() - start)
print(json.dumps({"seconds": min(times), "status": f"{result.status.name}: {result.error}"}))
"""


def _reference_klippel() -> dict[str, Any]:
    """The reference Klippel converter on dut-xyz115 (it reads the folder beside the file)."""
    _reference_client_extras()
    outcome: dict[str, Any] = run_reference(
        _REFERENCE_KLIPPEL, str(SAMPLES / "klippel" / "dut-xyz115.txt")
    )
    return outcome


def _reference_client_extras() -> None:
    """Install what the reference client package needs to import (Qt, psutil, watchdog)."""
    python = reference_python()
    extras = python.parent.parent / ".client-extras"
    if not extras.exists():
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "PySide6-Essentials",
                        "psutil", "watchdog"], check=True)  # fmt: skip
        extras.write_text("PySide6-Essentials psutil watchdog")


def _reference_atml() -> dict[str, str]:
    """The reference ATML converter's outcome per sample (its client needs Qt, psutil, watchdog)."""
    _reference_client_extras()
    files = [
        str(SAMPLES / "atml" / n)
        for n in ("atml-2.02.xml", "atml-5.00-ls2621.xml", "atml-6.01.xml")
    ]
    outcomes: dict[str, str] = run_reference(_REFERENCE_ATML, *files)
    return outcomes


_REFERENCE_XJTAG = """
import json, sys, time
from pathlib import Path
from pywats_client.converters.standard.xjtag_converter import XJTAGConverter
from pywats_client.converters.models import ConverterSource
from pywats_client.converters.context import ConverterContext
source, times = ConverterSource.from_file(Path(sys.argv[1])), []
while not times or (sum(times) < 1.0 and len(times) < 50):
    start = time.process_time()
    result = XJTAGConverter().convert(source, ConverterContext())
    times.append(time.process_time() - start)
print(json.dumps({"seconds": min(times), "outcome": f"{result.status.name}: {result.error}",
                  "reports": int(getattr(result, "report", None) is not None)}))
"""


def _reference_xjtag() -> dict[str, Any]:
    """The reference XJTAG converter's best CPU time on the XJTAG benchmark sample."""
    _reference_client_extras()
    outcome: dict[str, Any] = run_reference(_REFERENCE_XJTAG, str(XJTAG_SAMPLE))
    return outcome


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        _csv_file(directory)
        _large_stdf(directory)
        _large_ict(directory)
        large_atdx(directory), large_spea(directory), nano_file(directory)
        print("\n## Converters (CPU time, best of repeats; MB/s of decompressed data;")
        print("   peak RSS above the baseline with the file read)")
        print(f"{'case':44} {'file MB':>8} {'data MB':>8} {'reports':>8} {'CPU s':>8} "
              f"{'MB/s':>7} {'peak MB':>8}")  # fmt: skip
        measured: dict[str, dict[str, Any]] = {}
        for name in _cases(directory):
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_converters", name, folder],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            row = json.loads(done.stdout.strip().splitlines()[-1])
            measured[name] = row
            megabytes, data = row["bytes"] / 1e6, row["plain_bytes"] / 1e6
            rate = data / row["seconds"] if row["seconds"] else math.inf
            print(f"{name:44} {megabytes:8.2f} {data:8.2f} {row['reports']:8d} "
                  f"{row['seconds']:8.3f} {rate:7.2f} {row['peak_kb'] / 1024:8.1f}")  # fmt: skip
    print("\n## Reference pywats-api 0.6.0rc1 XJTAGConverter on xjtag-demo-hw.xjlog")
    print(json.dumps(_reference_xjtag()))
    print("\n## Reference pywats-api 0.6.0rc1 ATMLConverter on the ATML samples")
    for name, outcome in _reference_atml().items():
        print(f"{name:24} {outcome}")
    print("\n## Reference pywats-api 0.6.0rc1 KlippelConverter on dut-xyz115 (+ folder)")
    klippel, ours = _reference_klippel(), measured["klippel dut-xyz115 + folder"]["seconds"]
    print(f"reference {klippel['seconds'] * 1000:.1f} ms ({klippel['status']}), ours "
          f"{ours * 1000:.1f} ms: ours takes {ours / klippel['seconds']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "reference-xjtag":
        print(json.dumps(_reference_xjtag()))
    elif len(sys.argv) == 3:
        case = _cases(Path(sys.argv[2]))[sys.argv[1]]
        print(json.dumps(_measure(*case)))
    else:
        main()
