"""UUT and UUR reports: the shared envelope, the `new()` builders, UUR-from-UUT."""

from __future__ import annotations

import socket
import uuid
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from pywats._exceptions import ReportFormatError, ReportValidationError
from pywats.report._header import (
    Asset,
    AssetStats,
    MiscInfo,
    SubUnit,
    UURInfo,
    UURSubUnit,
    UUTInfo,
)
from pywats.report._node import Field, JSONObject, ListField, Node, NodeField, TimeField
from pywats.report._payloads import AdditionalData, Attachment
from pywats.report._sequence import SequenceCall, propagate_failures
from pywats.report._step import Step
from pywats.report._step_types import NumericLimitStep, PassFailStep, StringValueStep
from pywats.report._timestamp import Timestamp
from pywats.report._validate import header_problems, report_problems, validate_report

__all__ = ["Report", "UURReport", "UUTReport"]


class Report(Node):
    """The envelope shared by UUT and UUR reports (§2): identity, unit, station, time, headers."""

    __slots__ = ()
    TYPE: ClassVar[str] = ""

    type: Field[str] = Field("type")
    id: Field[str] = Field("id")
    part_number: Field[str] = Field("pn")
    serial_number: Field[str] = Field("sn")
    revision: Field[str] = Field("rev")
    product_name: Field[str | None] = Field("productName")
    process_code: Field[int] = Field("processCode")
    process_code_format: Field[str | None] = Field("processCodeFormat")
    process_name: Field[str | None] = Field("processName")
    result: Field[str] = Field("result")
    station_name: Field[str] = Field("machineName")
    location: Field[str] = Field("location")
    purpose: Field[str] = Field("purpose")
    origin: Field[str | None] = Field("origin")
    start = TimeField("start")
    start_utc = TimeField("startUTC")
    misc_infos = ListField("miscInfos", MiscInfo)
    assets = ListField("assets", Asset)
    asset_stats = ListField("assetStats", AssetStats)
    attachments = ListField("binaryData", Attachment)
    additional_data = ListField("additionalData", AdditionalData)

    def problems(self) -> list[tuple[str, str]]:
        """Every submit-rule problem as `(path, message)`: required values, length limits,
        characters WATS refuses, limits the operators need, unique step ids."""
        return report_problems(self._raw)

    def validate(self) -> None:
        """Raise ReportValidationError listing every problem (see `problems`). Writers call
        this when asked to (`write_wsjf(report, validate=True)`), e.g. before a submit."""
        validate_report(self._raw)

    def add_misc_info(
        self, description: str, text: str | None = None, *, numeric: float | None = None
    ) -> MiscInfo:
        """Add a searchable label with a text and/or numeric value."""
        info = MiscInfo({"description": description, "text": text, "numeric": numeric})
        self.misc_infos.append(info)
        return info

    def add_asset(self, serial_number: str, *, usage_count: int = 1) -> Asset:
        """Record use of the registered test equipment `serial_number`."""
        asset = Asset({"sn": serial_number, "usageCount": usage_count})
        self.assets.append(asset)
        return asset

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


def _envelope(
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


class UUTReport(Report):
    """A test run of one unit (`type` "T"): the envelope, the `uut` header and the step tree."""

    __slots__ = ("_root",)
    TYPE = "T"
    uut = NodeField("uut", UUTInfo)
    sub_units = ListField("subUnits", SubUnit)

    def __init__(self, raw: JSONObject | None = None) -> None:
        super().__init__(raw)
        root = self._raw.get("root")
        try:
            self._root: SequenceCall | None = None if root is None else SequenceCall(root)
        except ReportFormatError as exc:
            raise ReportFormatError(f"root{exc}") from None

    @classmethod
    def new(
        cls,
        *,
        part_number: str,
        serial_number: str,
        revision: str,
        process_code: int,
        station_name: str | None = None,
        location: str,
        purpose: str,
        operator: str | None = None,
        start: datetime | str | None = None,
        id: str | uuid.UUID | None = None,
        sequence_name: str = "MainSequence Callback",
        sequence_path: str | None = None,
        sequence_version: str | None = None,
        comment: str | None = None,
        fixture_id: str | None = None,
        exec_time: float | None = None,
    ) -> UUTReport:
        """A new passing UUT report with an empty root sequence.

        Defaults: a random id, start now with the local UTC offset, the host name as station.
        Raises ReportValidationError when a header value breaks a submit rule (e.g. `*` in the
        serial number, a part number over 50 characters).
        """
        raw = _envelope(
            "T",
            id=id,
            part_number=part_number,
            serial_number=serial_number,
            revision=revision,
            process_code=process_code,
            station_name=station_name,
            location=location,
            purpose=purpose,
            start=start,
        )
        root = SequenceCall.new(sequence_name, path=sequence_path, version=sequence_version)
        raw["root"] = root.raw
        # Every `uut` key, null when unset, in export order: the layout WATS itself writes.
        raw["uut"] = {
            "execTime": exec_time,
            "testSocketIndex": None,
            "batchSN": None,
            "comment": comment,
            "errorCode": None,
            "errorMessage": None,
            "fixtureId": fixture_id,
            "user": operator,
            "batchFailCount": None,
            "batchLoopIndex": None,
            "stepIdCausedUUTFailure": None,
        }
        raw["miscInfos"] = []
        raw["subUnits"] = []
        return cls(raw)

    @property
    def root(self) -> SequenceCall:
        """The root sequence call; a report without one gets an empty root on first access."""
        if self._root is None:
            self._root = SequenceCall.new("MainSequence Callback")
            self._raw["root"] = self._root.raw
        return self._root

    def add_sub_unit(
        self,
        part_type: str,
        part_number: str,
        serial_number: str,
        revision: str | None = None,
        *,
        position: int = 0,
    ) -> SubUnit:
        """Record a component built into the unit."""
        raw = {
            "partType": part_type,
            "pn": part_number,
            "rev": revision,
            "sn": serial_number,
            "position": position,
        }
        unit = SubUnit(raw)
        self.sub_units.append(unit)
        return unit

    def steps(self) -> list[Step]:
        """Every step, depth-first pre-order (root first)."""
        return list(self.root.walk())

    def evaluate(self, *, propagate: bool = True) -> str:
        """Recompute every measurement and measurement-step status from the limits (§12.4);
        with `propagate`, then carry failures up to the root and the result
        (`propagate_failures`). Returns the report result.

        Raises ReportValidationError naming the step when a value or limit is not numeric, a
        limit the operator uses is missing, or the operator has no defined evaluation.
        """
        for step in self.root.walk():
            if isinstance(step, (NumericLimitStep, PassFailStep, StringValueStep)):
                step.evaluate()
        return self.propagate_failures() if propagate else self.result

    def propagate_failures(self) -> str:
        """Carry failing step statuses up to the root, set `result` from the root and point
        `uut.stepIdCausedUUTFailure` at the first failed leaf step. Returns the result."""
        status = propagate_failures(self.root)
        self.result = status if status in ("F", "E", "T") else "P"
        if self.result != "P":
            first = next((s for s in self.root.walk() if s.status == "F" and not s.steps), None)
            if first is not None:
                first.caused_uut_failure = True
                uut = self.uut
                if uut is None:
                    uut = UUTInfo({})
                    self.uut = uut
                uut.step_id_caused_uut_failure = first.id
        return self.result


class UURReport(Report):
    """A repair of one unit (`type` "R"): the envelope, the `uur` header and repaired units."""

    __slots__ = ()
    TYPE = "R"
    uur = NodeField("uur", UURInfo)
    sub_units = ListField("subUnits", UURSubUnit)

    @classmethod
    def new(
        cls,
        *,
        part_number: str,
        serial_number: str,
        revision: str,
        process_code: int,
        test_process_code: int,
        station_name: str | None = None,
        location: str,
        purpose: str,
        operator: str | None = None,
        start: datetime | str | None = None,
        id: str | uuid.UUID | None = None,
        ref_uut: str | None = None,
        comment: str | None = None,
    ) -> UURReport:
        """A new repair report with the main unit (idx 0) ready for failures.

        `process_code` is the repair operation, `test_process_code` the test operation the unit
        failed in; defaults as for `UUTReport.new`.
        """
        raw = _envelope(
            "R",
            id=id,
            part_number=part_number,
            serial_number=serial_number,
            revision=revision,
            process_code=process_code,
            station_name=station_name,
            location=location,
            purpose=purpose,
            start=start,
        )
        raw["uur"] = {
            "comment": comment,
            "user": operator,
            "processCode": test_process_code,
            "refUUT": ref_uut,
        }
        raw["miscInfos"] = []
        raw["subUnits"] = [
            {
                "partType": "Main",
                "pn": part_number,
                "rev": revision,
                "sn": serial_number,
                "idx": 0,
                "failures": [],
            }
        ]
        return cls(raw)

    @classmethod
    def from_uut(
        cls,
        uut: UUTReport,
        *,
        category: str,
        code: str,
        process_code: int = 500,
        station_name: str | None = None,
        location: str | None = None,
        purpose: str = "Repair",
        operator: str | None = None,
        start: datetime | str | None = None,
        id: str | uuid.UUID | None = None,
        comment: str | None = None,
    ) -> UURReport:
        """A repair of the unit tested in `uut`: same unit, `refUUT` = its id, and one failure
        (`category`/`code`) on the main unit per failed leaf step, pointing at that step."""
        report = cls.new(
            part_number=uut.part_number,
            serial_number=uut.serial_number,
            revision=uut.revision,
            process_code=process_code,
            test_process_code=uut.process_code,
            station_name=station_name,
            location=location if location is not None else uut.location,
            purpose=purpose,
            operator=operator,
            start=start,
            id=id,
            ref_uut=uut.id,
            comment=comment,
        )
        main = report.main_unit
        for step in uut.root.walk():
            if step.status == "F" and not step.steps:
                main.add_failure(category, code, ref_step_id=step.id)
        return report

    @property
    def main_unit(self) -> UURSubUnit:
        """The repaired unit itself (sub-unit idx 0), created when absent."""
        for unit in self.sub_units:
            if unit.idx == 0:
                return unit
        unit = UURSubUnit(
            {"partType": "Main", "pn": self.part_number, "rev": self.revision,
             "sn": self.serial_number, "idx": 0, "failures": []}
        )  # fmt: skip
        self.sub_units.insert(0, unit)
        return unit

    def add_sub_unit(
        self,
        part_type: str,
        part_number: str,
        serial_number: str,
        revision: str | None = None,
        *,
        parent_idx: int = 0,
        position: int | None = None,
        replaced_idx: int | None = None,
    ) -> UURSubUnit:
        """Record another unit involved in the repair; `idx` continues after the largest."""
        idx = max((u.idx or 0 for u in self.sub_units), default=0) + 1
        raw: JSONObject = {
            "partType": part_type,
            "pn": part_number,
            "rev": revision,
            "sn": serial_number,
            "idx": idx,
            "parentIdx": parent_idx,
            "position": position,
            "replacedIdx": replaced_idx,
            "failures": [],
        }
        unit = UURSubUnit(raw)
        self.sub_units.append(unit)
        return unit
