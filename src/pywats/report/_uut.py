"""UUT reports: a test run of one unit, with its step tree."""

from __future__ import annotations

import uuid
from datetime import datetime

from pywats._exceptions import ReportFormatError
from pywats.report._header import SubUnit, UUTInfo
from pywats.report._node import JSONObject, ListField, NodeField
from pywats.report._report import Report, new_envelope
from pywats.report._sequence import SequenceCall, propagate_failures, steps_result
from pywats.report._step import Step
from pywats.report._step_types import NumericLimitStep, PassFailStep, StringValueStep

__all__ = ["UUTReport"]


class UUTReport(Report):
    """A test run of one unit (`type` "T"): the envelope, the `uut` header and the step tree."""

    __slots__ = ("_root",)
    TYPE = "T"
    uut = NodeField("uut", UUTInfo)
    sub_units = ListField("subUnits", SubUnit)

    def __init__(self, raw: JSONObject | None = None) -> None:
        super().__init__(raw)
        root = self._raw.get("root")
        if root is not None and not isinstance(root, dict):
            raise ReportFormatError(f"root: expected a JSON object, got {type(root).__name__}")
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
        sequence_version: str = "",
        comment: str | None = None,
        fixture_id: str | None = None,
        exec_time: float | None = None,
    ) -> UUTReport:
        """A new UUT report with an empty root sequence; its result follows the steps (P
        until one fails) unless set (`report.result = "F"`).

        Defaults: a random id, start now with the local UTC offset, the host name as station.
        Raises ReportValidationError when a header value breaks a submit rule (e.g. `*` in the
        serial number, a part number over 50 characters).
        """
        raw = new_envelope(
            cls.TYPE,
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
        report = cls(raw)
        report._result_follows = True
        return report

    @property
    def root(self) -> SequenceCall:
        """The root sequence call. A loaded report without one gets an empty root here (the
        builders' entry point); the read-only methods below never add it."""
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

    def _steps_result(self) -> str:
        if self._root is None:
            return super()._steps_result()
        return steps_result(self._root)

    def steps(self) -> list[Step]:
        """Every step, depth-first pre-order (root first)."""
        return [] if self._root is None else list(self._root.walk())

    def evaluate(self, *, propagate: bool = True) -> str:
        """Recompute every measurement and measurement-step status from the limits (§12.4);
        with `propagate`, then carry failures up to the root and the result
        (`propagate_failures`). Returns the report result.

        Raises ReportValidationError naming the step when a value or limit is not numeric, a
        limit the operator uses is missing, or the operator has no defined evaluation.
        """
        for step in self.steps():
            if isinstance(step, (NumericLimitStep, PassFailStep, StringValueStep)):
                step.evaluate()
        return self.propagate_failures() if propagate else self.result

    def propagate_failures(self) -> str:
        """Carry failing step statuses up to the root, set `result` from the root and point
        `uut.stepIdCausedUUTFailure` at the first failed leaf step. Returns the result."""
        if self._root is None:
            return self.result
        status = propagate_failures(self._root)
        # Written to the JSON directly: propagating is not setting the result on purpose.
        self._raw["result"] = status if status in ("F", "E", "T") else "P"
        if self.result != "P":
            first = next((s for s in self.steps() if s.status == "F" and not s.steps), None)
            if first is not None:
                first.caused_uut_failure = True
                uut = self.uut
                if uut is None:
                    uut = UUTInfo({})
                    self.uut = uut
                uut.step_id_caused_uut_failure = first.id
        return self.result
