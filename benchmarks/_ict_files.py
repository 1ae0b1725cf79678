"""Large in-circuit tester files for the converter benchmark, made by repeating the samples
(the largest real one is a 4 MB ATDX)."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
LARGE_BYTES = 50 * 1024 * 1024
NANO_NAME = "A%PCB-7788%20240301%X7700456_OK_20240315103012.csv"


def _repeat(sample: Path, target: Path, skip_bom: bool = False) -> Path:
    """`target` holding `sample` again and again until it is at least LARGE_BYTES long."""
    data = sample.read_bytes()
    body = data[3:] if skip_bom and data.startswith(b"\xef\xbb\xbf") else data
    with target.open("wb") as out:
        out.write(data)
        written = len(data)
        while written < LARGE_BYTES:
            out.write(body)
            written += len(body)
    return target


def large_atdx(directory: Path) -> Path:
    """≥ 50 MB of ATDX: the sample's ten runs, repeated (130 runs of 3104 rows)."""
    return _repeat(SAMPLES / "takaya" / "atdx-wo250319-0162.atdx", directory / "large.atdx", True)


def large_spea(directory: Path) -> Path:
    """≥ 50 MB of SPEA CSV: the sample's ten records, repeated."""
    return _repeat(SAMPLES / "spea" / "spea-3030-sn9871234012.csv", directory / "large-spea.csv")


def nano_file(directory: Path, lines: int = 20_000) -> Path:
    """A Nano-51e file of `lines` tests in 20 groups (no real file exists; one report per file)."""
    path = directory / NANO_NAME
    rows = ["Test,Value,Low,High,Status"]
    rows += [f"R{n}[Group{n % 20}],10.02kOhm,9.5kOhm,10.5kOhm,PASS" for n in range(lines)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
