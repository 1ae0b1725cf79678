"""The envelope shared by UUT and UUR reports, and the defaults `new()` builders fill in."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import ClassVar

from pywats._exceptions import ReportValidationError
from pywats.report._header import AssetStats, AssetUsage, MiscInfo
from pywats.report._node import Field, JSONObject, ListField, Node, TimeField
from pywats.report._operations import Operations
from pywats.report._payloads import AdditionalData, Attachment
from pywats.report._timestamp import Timestamp
from pywats.report._validate import header_problems, report_problems, validate_report

__all__ = ["Report", "new_envelope", "reports_of"]


class Report(Node):
    """The envelope shared by UUT and UUR reports (§2): identity, unit, station, time, headers."""

    # `_result_follows`: the result is derived from the steps (a built report whose result
    # was never set); a report read from JSON keeps the result it was read with.
    __slots__ = ("_result_follows",)
    TYPE: ClassVar[str] = ""  # the `type` letter that `new()` writes

    type: Field[str] = Field("type")
    id: Field[str] = Field("id")
    part_number: Field[str] = Field("pn")
    serial_number: Field[str] = Field("sn")
    revision: Field[str] = Field("rev")
    product_name: Field[str | None] = Field("productName")
    process_code: Field[int] = Field("processCode")
    process_code_format: Field[str | None] = Field("processCodeFormat")
    process_name: Field[str | None] = Field("processName")
    station_name: Field[str] = Field("machineName")
    location: Field[str] = Field("location")
    purpose: Field[str] = Field("purpose")
    origin: Field[str | None] = Field("origin")
    start = TimeField("start")
    start_utc = TimeField("startUTC")
    misc_infos = ListField("miscInfos", MiscInfo)
    assets = ListField("assets", AssetUsage)
    asset_stats = ListField("assetStats", AssetStats)
    attachments = ListField("binaryData", Attachment)
    additional_data = ListField("additionalData", AdditionalData)

    def __init__(self, raw: JSONObject | None = None) -> None:
        super().__init__(raw)
        self._result_follows = False

    @property
    def raw(self) -> JSONObject:
        """The JSON object this report reads and writes (shared, not a copy); for a built
        report whose result follows its steps, `result` is brought up to date first."""
        if self._result_follows:
            self._raw["result"] = self._steps_result()
        return self._raw

    @property
    def result(self) -> str:
        """P, F, E, T or D. A built report's result follows its steps (the most severe
        failing step status, else P) until set; a read report's is the one read."""
        if self._result_follows:
            return self._steps_result()
        return self._raw.get("result")  # type: ignore[return-value]

    @result.setter
    def result(self, value: str) -> None:
        self._result_follows = False
        self._raw["result"] = value.value if isinstance(value, Enum) else value

    def _steps_result(self) -> str:
        """The result the steps imply; a report without steps keeps the one it holds."""
        return self._raw.get("result")  # type: ignore[return-value]

    def problems(
        self, operations: Operations | None = None, *, json_text: bytes | None = None
    ) -> list[tuple[str, str]]:
        """Every submit-rule problem as `(path, message)`: required values, length limits,
        characters WATS refuses, limits the operators need, unique step ids, a Passed result
        beside a failed step; with a server's `operations`, process codes and fail codes.
        `json_text`: the UTF-8 JSON the report was read from, if known (it spares encoding the
        report again)."""
        return report_problems(self.raw, operations, json_text=json_text)

    def validate(
        self, operations: Operations | None = None, *, json_text: bytes | None = None
    ) -> None:
        """Raise ReportValidationError listing every problem (see `problems`, which also says
        what `json_text` is). Writers call this when asked to (`write_wsjf(report,
        validate=True)`), e.g. before a submit."""
        validate_report(self.raw, operations, json_text=json_text)

    def add_misc_info(
        self, description: str, text: str | None = None, *, numeric: float | None = None
    ) -> MiscInfo:
        """Add a searchable label with a text and/or numeric value."""
        info = MiscInfo({"description": description, "text": text, "numeric": numeric})
        self.misc_infos.append(info)
        return info

    def add_asset(self, serial_number: str, *, usage_count: int = 1) -> AssetUsage:
        """Record use of the registered test equipment `serial_number`."""
        asset = AssetUsage({"sn": serial_number, "usageCount": usage_count})
        self.assets.append(asset)
        return asset

    def add_additional_data(self, name: str, props: list[JSONObject]) -> AdditionalData:
        """Add a named TestStand-style property tree (`additionalData`), e.g.
        `[{"name": "Temp", "type": "Number", "value": "21.5"}]`."""
        data = AdditionalData({"name": name, "props": props})
        self.additional_data.append(data)
        return data

    def attach(
        self,
        source: bytes | str | Path,
        *,
        name: str | None = None,
        content_type: str | None = None,
    ) -> Attachment:
        """Attach a file to the report (`binaryData`): bytes (with `name`) or a file path."""
        attachment = Attachment.from_source(source, name=name, content_type=content_type)
        self.attachments.append(attachment)
        return attachment


def new_envelope(
    report_type: str,
    *,
    id: str | uuid.UUID | None,
    part_number: str,
    serial_number: str,
    revision: str,
    process_code: int,
    station_name: str | None,
    location: str,
    purpose: str,
    start: datetime | str | None,
) -> JSONObject:
    if start is None:
        start = Timestamp.now()
    elif isinstance(start, datetime):
        start = Timestamp.from_datetime(start)
    raw = {
        "type": report_type,
        "id": str(id if id is not None else uuid.uuid4()).lower(),
        "pn": part_number,
        "sn": serial_number,
        "rev": revision,
        "processCode": process_code,
        "result": "P",
        "machineName": station_name if station_name is not None else socket.gethostname(),
        "location": location,
        "purpose": purpose,
        "start": str(start),
    }
    problems = header_problems(raw)
    if problems:
        raise ReportValidationError(problems)
    return raw


def reports_of(value: object) -> list[Report]:
    """`value` (the `report` argument of a writer or of submit: one report or a sequence of
    them) as a list. Raises TypeError saying what it got instead (a parsed JSON dict, a path).
    """
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items: list[object] = list(value)
    else:
        items = [value]
    reports = []
    for item in items:
        if not isinstance(item, Report):
            raise TypeError(
                f"report: expected a UUTReport or UURReport (or a list of them), got "
                f"{type(item).__name__}; build one with UUTReport.new(...) or read one with "
                "read_wsjf/read_wsxf"
            )
        reports.append(item)
    return reports
