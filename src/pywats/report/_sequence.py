"""Sequence calls and the builders that grow a step tree.

Builders create steps the way WATS exports them (key order, one-element measurement arrays,
`null` where a value is absent), give each a report-unique id, and derive measurement and step
statuses from the limits unless a status is passed explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from pywats.report._codes import ChartType, CompOp, Status, StepGroup
from pywats.report._limits import worst_status
from pywats.report._node import JSONObject, NodeField
from pywats.report._payloads import ChartSeries, SeqCallInfo
from pywats.report._step import Step
from pywats.report._step_types import (
    ActionStep,
    CallExecutableStep,
    ChartStep,
    MessagePopupStep,
    MultiNumericLimitStep,
    MultiPassFailStep,
    MultiStringValueStep,
    NumericLimitStep,
    PassFailStep,
    StringValueStep,
    new_chart,
    new_numeric,
    new_string,
)

__all__ = ["SequenceCall", "propagate_failures", "steps_result"]

S = TypeVar("S", bound=Step)
Group = StepGroup | str


class SequenceCall(Step, step_types=("SequenceCall", "WATS_SeqCall")):
    """A call of a TestStand sequence: `seqCall` info plus child `steps` (the report root is one).

    The `add_*` builders append a step to `steps` and return it.
    """

    __slots__ = ()
    seq_call = NodeField("seqCall", SeqCallInfo)

    @classmethod
    def new(
        cls,
        name: str,
        *,
        path: str | None = None,
        version: str | None = None,
        group: Group = "M",
        step_id: int = 1,
    ) -> SequenceCall:
        """A detached sequence call (e.g. a report root); `path` defaults to `name`."""
        return cls(_sequence_raw(step_id, name, path, version, group))

    def _add(self, cls: type[S], name: str, group: Group, status: str, payload: JSONObject) -> S:
        raw: JSONObject = {
            "id": self._next_id(),
            "group": group if type(group) is str else str(group),
            "stepType": cls.DEFAULT_TYPE,
            "name": name,
            "status": status,
            "totTime": 0.0,
            "causedUUTFailure": False,
        }
        raw.update(payload)
        step = cls(raw)
        self.steps.append(step)
        return step

    def add_sequence(
        self,
        name: str,
        *,
        path: str | None = None,
        version: str | None = None,
        group: Group = "M",
    ) -> SequenceCall:
        """Append a sub-sequence call (status P until failures are propagated)."""
        raw = _sequence_raw(self._next_id(), name, path, version, group)
        step = SequenceCall(raw)
        self.steps.append(step)
        return step

    def add_numeric(
        self,
        name: str,
        value: float,
        *,
        low: float | None = None,
        high: float | None = None,
        comp: CompOp | str | None = None,
        unit: str | None = None,
        status: Status | str | None = None,
        group: Group = "M",
    ) -> NumericLimitStep:
        """Append a single numeric limit test (`ET_NLT`).

        Without `comp`: both limits → GELE, `low` only → GE, `high` only → LE, none → LOG.
        NaN/±Inf values are stored as "NaN"/"Infinity"/"-Infinity" text. Raises
        ReportValidationError for a non-numeric value or a limit the operator lacks.
        """
        meas = new_numeric(
            value, low=low, high=high, comp=comp, unit=unit, name=None, status=status
        )
        payload = {"numericMeas": [meas]}
        return self._add(NumericLimitStep, name, group, meas["status"], payload)

    def add_multi_numeric(self, name: str, *, group: Group = "M") -> MultiNumericLimitStep:
        """Append a multiple numeric limit test (`ET_MNLT`); fill it with `add_measurement`."""
        return self._add(MultiNumericLimitStep, name, group, "P", {"numericMeas": []})

    def add_pass_fail(self, name: str, passed: bool, *, group: Group = "M") -> PassFailStep:
        """Append a single pass/fail test (`ET_PFT`)."""
        status = "P" if passed else "F"
        payload = {"booleanMeas": [{"name": None, "status": status}]}
        return self._add(PassFailStep, name, group, status, payload)

    def add_multi_pass_fail(self, name: str, *, group: Group = "M") -> MultiPassFailStep:
        """Append a multiple pass/fail test (`ET_MPFT`); fill it with `add_measurement`."""
        return self._add(MultiPassFailStep, name, group, "P", {"booleanMeas": []})

    def add_string(
        self,
        name: str,
        value: str,
        *,
        limit: str | None = None,
        comp: CompOp | str | None = None,
        status: Status | str | None = None,
        group: Group = "M",
    ) -> StringValueStep:
        """Append a single string value test (`ET_SVT`); without `comp`: CASESENSIT when a
        limit is given, else LOG."""
        meas = new_string(value, limit=limit, comp=comp, name=None, status=status)
        return self._add(StringValueStep, name, group, meas["status"], {"stringMeas": [meas]})

    def add_multi_string(self, name: str, *, group: Group = "M") -> MultiStringValueStep:
        """Append a multiple string value test (`ET_MSVT`); fill it with `add_measurement`."""
        return self._add(MultiStringValueStep, name, group, "P", {"stringMeas": []})

    def add_chart(
        self,
        name: str,
        *,
        x_label: str,
        y_label: str,
        chart_type: ChartType | str = ChartType.LINE,
        label: str | None = None,
        x_unit: str | None = None,
        y_unit: str | None = None,
        series: Iterable[ChartSeries] = (),
        group: Group = "M",
    ) -> ChartStep:
        """Append a chart step (`WATS_XYGMNLT`) titled `label` (default: the step name); add
        series with `add_series` and numeric measurements with `add_measurement`. WATS requires
        the title and both axis labels."""
        chart = new_chart(chart_type, label or name, x_label, x_unit, y_label, y_unit)
        chart["series"] = [s.raw for s in series]
        return self._add(ChartStep, name, group, "P", {"numericMeas": [], "chart": chart})

    def add_action(
        self, name: str, *, status: Status | str = Status.DONE, group: Group = "M"
    ) -> ActionStep:
        """Append an action step (`ET_A`), status D (done) unless given."""
        return self._add(ActionStep, name, group, str(status), {})

    def add_call_executable(
        self,
        name: str,
        exit_code: float,
        *,
        status: Status | str | None = None,
        group: Group = "M",
    ) -> CallExecutableStep:
        """Append a call-executable step; status P for exit code 0, else F, unless given."""
        if status is None:
            status = "P" if exit_code == 0 else "F"
        payload = {"callExe": {"exitCode": float(exit_code)}}
        return self._add(CallExecutableStep, name, group, str(status), payload)

    def add_message_popup(
        self,
        name: str,
        *,
        response: str | None = None,
        button: int = 0,
        status: Status | str = Status.DONE,
        group: Group = "M",
    ) -> MessagePopupStep:
        """Append an operator dialog step with the typed `response` and the `button` index."""
        payload = {"messagePopup": {"response": response, "button": button}}
        return self._add(MessagePopupStep, name, group, str(status), payload)


def _sequence_raw(
    step_id: int, name: str, path: str | None, version: str | None, group: Group
) -> JSONObject:
    return {
        "id": step_id,
        "group": str(group),
        "stepType": "SequenceCall",
        "name": name,
        "status": "P",
        "totTime": 0.0,
        "causedUUTFailure": False,
        "steps": [],
        "seqCall": {"path": path if path is not None else name, "name": name, "version": version},
    }


_FAILING = {"F", "E", "T"}


def propagate_failures(step: Step) -> str:
    """Raise each step's status to the most severe failing status (F < E < T) among its
    descendants, bottom-up; passing, done and skipped children leave parents alone.
    Returns the status of `step`."""
    status = step.status
    for child in step.steps:
        child_status = propagate_failures(child)
        if child_status in _FAILING:
            status = worst_status(status, child_status)
    if status != step.status:
        step.status = status
    return status


def steps_result(root: Step) -> str:
    """The report result a step tree implies: its most severe failing status (F < E < T),
    else P. Reads only; see `propagate_failures` to write statuses up the tree."""
    result = "P"
    for step in root.walk():
        status = step.status
        if status in _FAILING:
            result = worst_status(result, status)
    return result
