"""The read-only tools: each asks the WATS server through the SDK and answers a small summary.

A failure the user can act on (an unknown report, a refused token, a server that is down)
becomes a `ToolError` whose message says what happened, so the model can tell the user; the
SDK's own messages already name the request and the answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote, urlencode

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from pywats import AsyncWATS, Dimensions, WATSError, WATSFilter
from pywats.report import Step, UURReport
from pywats_mcp._models import (
    FailedMeasurement,
    FailedStep,
    FailedStepRow,
    MeasurementStatistics,
    MeasurementSummary,
    RepairFailure,
    ReportFailures,
    StepFailures,
    UnitHistory,
    UnitRun,
    YieldRow,
    YieldSummary,
)

__all__ = ["WatsTools"]

T = TypeVar("T")

Days = Annotated[int, Field(ge=1, le=3660, description="How many days back from now to look.")]
Limit = Annotated[int, Field(ge=1, le=200, description="At most this many rows in the answer.")]
Text = Annotated[
    str | None,
    Field(description="Exact value, or WATS wildcards: % any characters, ; between alternatives."),
]
GroupBy = Literal["product", "station", "process"]

_DIMENSION = {"product": Dimensions().part_number(), "station": Dimensions().station(),
              "process": Dimensions().test_operation()}  # fmt: skip
_FAILED = ("F", "E", "T")


class WatsTools:
    """The tools over one SDK client; `web_url` is where the server's web pages are (None: no
    links in the answers)."""

    def __init__(self, client: AsyncWATS, web_url: str | None = None) -> None:
        self.client = client
        self.web_url = web_url.rstrip("/") if web_url else None

    async def yield_summary(
        self,
        group_by: GroupBy = "product",
        period: Literal["day", "week", "month"] | None = None,
        part_number: Text = None,
        station: Text = None,
        process: Text = None,
        days: Days = 30,
        limit: Limit = 20,
    ) -> YieldSummary:
        """First-pass and final yield (percent of units) by product, station or process, over
        the last `days`, optionally per day, week or month; the lowest first-pass yield first."""
        since = _since(days)
        dimensions = _DIMENSION[group_by]
        if period is not None:
            dimensions = dimensions.period(period)
        filter = WATSFilter(part_number=part_number, station_name=station,
                            test_operation=process, date_from=since)  # fmt: skip
        rows = await self._ask(self.client.analytics.dynamic_yield(dimensions, filter))
        out = [
            YieldRow(
                group=_group(row.part_number, row.station_name, row.test_operation, group_by),
                period=row.period,
                units=row.unit_count,
                first_pass_yield=_rounded(row.fpy),
                final_yield=_rounded(row.lpy),
                link=self._page(
                    "/yield",
                    by=_PAGE_BY[group_by],
                    **_page_filter(
                        row.part_number if group_by == "product" else part_number,
                        row.station_name if group_by == "station" else station,
                        row.test_operation if group_by == "process" else process,
                    ),
                ),
            )
            for row in rows
        ]
        out.sort(key=lambda row: (row.first_pass_yield is None, row.first_pass_yield or 0.0))
        return YieldSummary(grouped_by=group_by, date_from=since.isoformat(), rows=out[:limit],
                            total=len(out))  # fmt: skip

    async def top_failing_steps(
        self,
        part_number: Text = None,
        process: Text = None,
        days: Days = 30,
        limit: Limit = 10,
    ) -> StepFailures:
        """The steps that failed most often over the last `days`, with how many runs they had."""
        since = _since(days)
        # One row beyond the limit tells whether more steps failed than the answer shows.
        filter = WATSFilter(part_number=part_number, test_operation=process, date_from=since,
                            top_count=limit + 1)  # fmt: skip
        rows = await self._ask(self.client.analytics.top_failed(filter))
        out = [
            FailedStepRow(
                step_path=row.step_path or "",
                step_name=row.step_name,
                part_number=row.part_number,
                failures=row.fail_count,
                runs=row.total_count,
                fail_rate_percent=_rounded(row.fail_rate),
                link=self._page("/failures/step", path=row.step_path, part=row.part_number),
            )
            for row in rows
        ]
        return StepFailures(date_from=since.isoformat(), rows=out[:limit], more=len(out) > limit)

    async def unit_history(
        self,
        serial_number: Annotated[str, Field(min_length=1, description="The unit's serial.")],
        part_number: Text = None,
        limit: Limit = 50,
    ) -> UnitHistory:
        """Every test and repair report of a unit, newest first."""
        filter = WATSFilter(serial_number=serial_number, part_number=part_number)
        headers = await self._ask(self.client.analytics.serial_number_history(filter))
        runs = [
            UnitRun(
                report_id=header.uuid,
                kind="repair" if header.report_type == "R" else "test",
                part_number=header.part_number,
                process=header.process_name or _code(header.process_code),
                station=header.station_name,
                start=header.start,
                result=header.result,
                run=header.run,
                link=self._page(f"/reports/{quote(header.uuid)}"),
            )
            for header in reversed(headers)
        ]
        return UnitHistory(serial_number=serial_number, runs=runs[:limit], total=len(runs),
                           link=self._page(f"/units/{quote(serial_number, safe='')}"))  # fmt: skip

    async def report_failures(
        self,
        report_id: Annotated[str, Field(min_length=1, description="The report's id (a GUID).")],
        limit: Limit = 25,
    ) -> ReportFailures:
        """A report's header and where it failed: the failed steps with their measurements and
        limits (for a test), or the recorded failures (for a repair)."""
        report = await self._ask(self.client.reports.get(report_id))
        failed: list[FailedStep] = []
        repairs: list[RepairFailure] = []
        if isinstance(report, UURReport):
            repairs = [
                RepairFailure(category=failure.category, code=failure.code,
                              component_reference=failure.com_ref, comment=failure.comment)
                for unit in report.sub_units for failure in unit.failures
            ]  # fmt: skip
        else:
            failed = list(_failed_steps(report.root.walk()))
        found = len(failed) + len(repairs)
        return ReportFailures(
            report_id=report.id,
            kind="repair" if isinstance(report, UURReport) else "test",
            serial_number=report.serial_number,
            part_number=report.part_number,
            process_code=report.process_code,
            station=report.station_name,
            start=report.raw.get("start"),
            result=report.result,
            failed_steps=failed[:limit],
            repairs=repairs[:limit],
            total=found,
            link=self._page(f"/reports/{quote(report.id)}"),
        )

    async def measurement_statistics(
        self,
        part_number: Annotated[str, Field(min_length=1, description="The product.")],
        measurement_path: Annotated[
            str,
            Field(
                min_length=1,
                description="Step names from the root sequence down joined by "
                "¶ (as report_failures answers), then ¶¶ and the measurement's name for one "
                "of a multiple-measurement step; % is a wildcard.",
            ),
        ],
        days: Days = 30,
    ) -> MeasurementSummary:
        """Count, mean, spread, limits and Cpk of a measurement per product revision."""
        since = _since(days)
        filter = WATSFilter(part_number=part_number, date_from=since)
        rows = await self._ask(
            self.client.analytics.aggregated_measurements(measurement_path, filter)
        )
        out = [
            MeasurementStatistics(
                measurement_path=row.step_path or measurement_path,
                part_number=row.part_number,
                revision=row.revision,
                count=row.count,
                unit=row.unit,
                min=row.min,
                max=row.max,
                mean=row.avg,
                stdev=row.stdev,
                low_limit=row.limit_low,
                high_limit=row.limit_high,
                cpk=row.cpk,
            )
            for row in rows
        ]
        return MeasurementSummary(
            date_from=since.isoformat(),
            rows=out,
            link=self._page("/failures/step", path=measurement_path, part=part_number),
        )

    async def _ask(self, call: Awaitable[T]) -> T:
        """The SDK call's answer; its failure as a `ToolError` carrying the SDK's message."""
        try:
            return await call
        except WATSError as exc:
            raise ToolError(str(exc)) from exc

    def _page(self, page: str, **query: str | None) -> str | None:
        """The web page's URL, or None when the server has no pages."""
        if self.web_url is None:
            return None
        given = {key: value for key, value in query.items() if value}
        return f"{self.web_url}{page}" + (f"?{urlencode(given)}" if given else "")


_PAGE_BY = {"product": "part", "station": "station", "process": "process"}


def _page_filter(part: str | None, station: str | None, process: str | None) -> dict[str, str]:
    """The web pages' filter fields (they take `*` where the API takes `%`)."""
    given = {"part": part, "station": station, "process": process}
    return {key: value.replace("%", "*") for key, value in given.items() if value}


def _failed_steps(steps: Iterable[Step]) -> Iterable[FailedStep]:
    """The failed leaves of a step tree, in report order, each with its `¶` path."""
    for step in steps:
        if step.status not in _FAILED or step.steps:
            continue
        names: list[str] = []
        node: Step | None = step
        while node is not None:
            names.append(node.name)
            node = node.parent
        measurements = [
            FailedMeasurement(
                name=meas.raw.get("name"),
                value=meas.raw.get("value"),
                unit=meas.raw.get("unit"),
                comp_op=meas.raw.get("compOp"),
                low_limit=meas.raw.get("lowLimit", meas.raw.get("limit")),
                high_limit=meas.raw.get("highLimit"),
                status=meas.raw.get("status"),
            )
            for meas in getattr(step, "measurements", ())
        ]
        yield FailedStep(
            step_path="¶".join(reversed(names)),
            status=step.status,
            step_type=step.step_type,
            error_message=step.error_message,
            measurements=measurements,
        )


def _since(days: int) -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=days)


def _rounded(percent: float | None) -> float | None:
    return None if percent is None else round(percent, 2)


def _code(process_code: int | None) -> str | None:
    return None if process_code is None else str(process_code)


def _group(part: str | None, station: str | None, process: str | None, by: GroupBy) -> str:
    value = {"product": part, "station": station, "process": process}[by]
    return value or "(none)"
