"""TAKAYA flying-probe result files → WATS UUT reports: APT94xx ATD, ATD (TAB) and ATDX.

The dialect is recognised from the first lines (`_takaya_apt`, `_takaya_atd`, `_takaya_atdx`
hold the grammar of each). Reports are built one at a time while the file is read, so
`iter_reports` converts files of any size with the memory of one unit. Step statuses are the
tester's own verdicts; values printed in another prefix than the reference are rescaled.
Mapping and the differences from the reference converter: docs/converters.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from pywats.report import UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._ict import LineError, text_lines, with_defaults
from pywats_client.converters._mapping import WITH_TIMEZONE
from pywats_client.converters._params import Parameter, ParamValue, _check_operation_code
from pywats_client.converters._takaya_apt import apt_reports
from pywats_client.converters._takaya_atd import atd_reports
from pywats_client.converters._takaya_atdx import atdx_reports
from pywats_client.converters._takaya_common import Settings

__all__ = ["TakayaConverter"]

PARAMETERS: tuple[Parameter, ...] = (
    # Virinco's converter defaults to 30 (and 31 for a bottom side), codes a new server does not
    # have and WATS refuses (wats-rules.md U7): 50 is the board test a new server has.
    *with_defaults(WITH_TIMEZONE, required=("revision",), encoding="cp1252", operation_code=50),
    Parameter(
        "operation_code_bottom",
        int,
        None,
        "APT94xx: operation code of a bottom-side program (model ending in B); not set: "
        "'operation_code'.",
        check=_check_operation_code,
    ),
    Parameter(
        "group_by_component_type",
        bool,
        True,
        "One sub-sequence per component type (R, C, SHRT, ...) instead of a flat list.",
    ),
    Parameter(
        "station_from_operator",
        bool,
        False,
        "APT94xx: the first token in the serial's parentheses names the station (the second "
        "the operator).",
    ),
)

_ATDX = '#############"Main header"'
_APT_STEP = re.compile(r"^\d{6} +\"")
_ATD_ROW = re.compile(r"^\d{2}\t\d{6}\t")
_DATE = re.compile(r"^DATE \d{1,2}/\d{1,2}/(\d+) ")
_PROBE_LINES = 40

Reader = Callable[[Iterable[tuple[int, str]], Settings], Iterator[UUTReport]]


class TakayaConverter(Converter):
    """TAKAYA APT-9400 / APT-1400F result files (.ATD, .atdx)."""

    name = "takaya"
    description = "TAKAYA flying probe ATD (APT94xx and TAB layouts) and ATDX"
    patterns = ("*.ATD", "*.atd", "*.ATDX", "*.atdx")
    parameters = PARAMETERS

    def convert(self, source: Source) -> list[UUTReport]:
        return list(self.iter_reports(source))

    def iter_reports(self, source: Source) -> Iterator[UUTReport]:
        """Yield the reports as the file is read; raises ConversionError naming the line.

        When the iteration raises, the file as a whole has failed: the consumer discards the
        reports it already stored.
        """
        settings = Settings(
            source=source,
            defaults=self.defaults,
            zone=str(self.values["timezone"]),
            group_by_type=self.values["group_by_component_type"] is True,
            bottom_code=_code(self.values["operation_code_bottom"]),
            station_from_operator=self.values["station_from_operator"] is True,
        )
        lines = text_lines(source, self.defaults.encoding)
        head = list(itertools.islice(lines, _PROBE_LINES))
        try:
            reader = _dialect(head)
            yield from reader(itertools.chain(head, lines), settings)
        except LineError as exc:
            raise source.error(str(exc), f"line {exc.line}") from None


def _code(value: ParamValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dialect(head: list[tuple[int, str]]) -> Reader:
    """The reader for the dialect the first lines show; LineError when none fits."""
    if not head:
        raise LineError("the file is empty", 1)
    if head[0][1].lstrip("\ufeff").startswith(_ATDX):
        return atdx_reports
    if head[0][1].strip() != "@":
        raise LineError("expected '@' (ATD) or the ATDX main header as the first line", head[0][0])
    for _, text in head:
        date = _DATE.match(text)
        if _ATD_ROW.match(text) or text.startswith("Group_No.\t") or (date and len(date[1]) == 4):
            return atd_reports
        if _APT_STEP.match(text) or (date and len(date[1]) == 2):
            return apt_reports
    raise LineError("no DATE line and no test line in the first lines: not a TAKAYA ATD", 1)
