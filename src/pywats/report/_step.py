"""The step tree: the common step keys, child lists, and the `stepType` tagged union.

Each concrete step class declares the `stepType` names it stands for; a step whose type no class
claims becomes an `UnknownStep`, which keeps every key verbatim like every other step does.
Child steps are wrapped once, when their parent is, so the tree has stable identities and a
malformed tree is reported with its path at load time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSequence
from pathlib import Path
from typing import Any, ClassVar, overload

from pywats._exceptions import ReportFormatError
from pywats.report._node import Field, JSONObject, ListField, Node, NodeField, TimeField
from pywats.report._payloads import AdditionalData, Attachment, Loop

__all__ = ["Step", "StepList", "UnknownStep", "step_class_for", "wrap_step"]

_STEP_CLASSES: dict[str, type[Step]] = {}


class Step(Node):
    """One step of a UUT report (§8.1): the keys every step type shares.

    `steps` holds the children (sequence calls, loop carriers); `parent` is the step containing
    this one, or None for the root and for steps not yet placed in a tree.
    """

    __slots__ = ("_last_id", "_parent", "_steps")

    DEFAULT_TYPE: ClassVar[str] = ""
    # Whether a step of this type that carries `seqCall` is really a sequence call (NI_Wait).
    MAY_CALL_SEQUENCE: ClassVar[bool] = False

    id: Field[int] = Field("id")
    group: Field[str] = Field("group")
    step_type: Field[str] = Field("stepType")
    name: Field[str] = Field("name")
    status: Field[str] = Field("status")
    start = TimeField("start")
    tot_time: Field[float | None] = Field("totTime")
    caused_uut_failure: Field[bool | None] = Field("causedUUTFailure")
    caused_seq_failure: Field[bool | None] = Field("causedSeqFailure")
    error_code: Field[int | None] = Field("errorCode")
    error_message: Field[str | None] = Field("errorMessage")
    report_text: Field[str | None] = Field("reportText")
    ts_guid: Field[str | None] = Field("tsGuid")
    loop = NodeField("loop", Loop)
    attachment = NodeField("attachment", Attachment)
    additional_results = ListField("additionalResults", AdditionalData)

    def __init_subclass__(cls, step_types: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in step_types:
            _STEP_CLASSES[name] = cls
        if step_types:
            cls.DEFAULT_TYPE = step_types[0]

    def __init__(self, raw: JSONObject | None = None) -> None:
        # Loading wraps every step once, so this path is kept lean (no super() call, the
        # common case of `wrap_step` inlined); malformed children go through `wrap_step` for
        # its error message.
        self._raw = raw = {} if raw is None else raw
        self._parent: Step | None = None
        self._last_id: int | None = None
        children = raw.get("steps")
        if children is None:
            self._steps: StepList | None = None
            return
        if type(children) is not list:
            raise ReportFormatError(f".steps: expected a JSON array, got {type(children).__name__}")
        classes = _STEP_CLASSES
        wrapped = []
        for index, child in enumerate(children):
            try:
                step_type = child.get("stepType") if type(child) is dict else None
                cls = classes.get(step_type) if type(step_type) is str else None
                if cls is None or (cls.MAY_CALL_SEQUENCE and "seqCall" in child):
                    step = wrap_step(child)
                else:
                    step = cls(child)
            except ReportFormatError as exc:
                raise ReportFormatError(f".steps[{index}]{exc}") from None
            step._parent = self
            wrapped.append(step)
        self._steps = StepList(self, wrapped)

    @property
    def steps(self) -> StepList:
        """The child steps in execution order (empty for steps without children)."""
        if self._steps is None:
            self._steps = StepList(self, [])
        return self._steps

    @property
    def parent(self) -> Step | None:
        """The step whose `steps` contain this one."""
        return self._parent

    def walk(self) -> Iterator[Step]:
        """This step and all its descendants, depth-first pre-order (the WATS id order)."""
        yield self
        if self._steps is not None:
            for child in self._steps:
                yield from child.walk()

    def add_additional_result(self, name: str, props: list[JSONObject]) -> AdditionalData:
        """Add a named property tree to the step (`additionalResults`, same shape as the
        report's `additionalData`)."""
        data = AdditionalData({"name": name, "props": props})
        self.additional_results.append(data)
        return data

    def attach(
        self,
        source: bytes | str | Path,
        *,
        name: str | None = None,
        content_type: str | None = None,
    ) -> Attachment:
        """Set the step's one attachment: bytes (with `name`) or a file path."""
        attachment = Attachment.from_source(source, name=name, content_type=content_type)
        self.attachment = attachment
        return attachment

    def _next_id(self) -> int:
        """A step id unused in this tree, for builders (ids continue after the largest seen)."""
        root = self
        while root._parent is not None:
            root = root._parent
        if root._last_id is None:
            ids = [s._raw.get("id") for s in root.walk()]
            root._last_id = max((i for i in ids if isinstance(i, int)), default=0)
        root._last_id += 1
        return root._last_id


class UnknownStep(Step):
    """A step whose `stepType` no class claims; kept verbatim with all its keys."""

    __slots__ = ()


def step_class_for(step_type: str) -> type[Step]:
    """The class that views steps of `step_type` (`UnknownStep` when none claims it)."""
    return _STEP_CLASSES.get(step_type, UnknownStep)


def wrap_step(raw: object) -> Step:
    """View one JSON step object (and its subtree) as the step class its `stepType` selects.

    A flow step that carries `seqCall` (`NI_Wait` does in real exports) is viewed as a
    sequence call. Raises ReportFormatError when `raw` is not a step object; the message starts
    with the path below `raw` (e.g. `.steps[2].stepType: ...`) so callers can prefix theirs.
    """
    if not isinstance(raw, dict):
        raise ReportFormatError(f": expected a JSON object, got {type(raw).__name__}")
    step_type = raw.get("stepType")
    if not isinstance(step_type, str):
        raise ReportFormatError(f".stepType: expected a string, got {step_type!r}")
    cls = _STEP_CLASSES.get(step_type, UnknownStep)
    if cls.MAY_CALL_SEQUENCE and "seqCall" in raw:
        cls = _STEP_CLASSES["SequenceCall"]
    return cls(raw)


class StepList(MutableSequence[Step]):
    """The children of a step; every change is applied to the JSON `steps` array too.

    Adding a step sets its `parent`; the JSON array is created on the first insertion.
    """

    __slots__ = ("_items", "_owner")

    def __init__(self, owner: Step, items: list[Step]) -> None:
        self._owner = owner
        self._items = items

    def _raw_list(self) -> list[JSONObject]:
        raw = self._owner._raw
        items: list[JSONObject] | None = raw.get("steps")
        if items is None:
            items = raw["steps"] = []
        return items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Step]:
        return iter(self._items)

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...
    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        return self._items[index]

    @overload
    def __setitem__(self, index: int, value: Step) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[Step]) -> None: ...
    def __setitem__(self, index: int | slice, value: Step | Iterable[Step]) -> None:
        if isinstance(index, slice):
            steps = list(value)  # type: ignore[arg-type]
            self._items[index] = steps
            self._raw_list()[index] = [step._raw for step in steps]
        else:
            assert isinstance(value, Step)
            self._items[index] = value
            self._raw_list()[index] = value._raw
            steps = [value]
        for step in steps:
            step._parent = self._owner

    def __delitem__(self, index: int | slice) -> None:
        del self._items[index]
        del self._raw_list()[index]

    def append(self, value: Step) -> None:
        # Builders append one step at a time; skip the generic insert-at-end path.
        self._items.append(value)
        self._raw_list().append(value._raw)
        value._parent = self._owner

    def insert(self, index: int, value: Step) -> None:
        self._items.insert(index, value)
        self._raw_list().insert(index, value._raw)
        value._parent = self._owner

    def __eq__(self, other: object) -> bool:
        return list(self) == (list(other) if isinstance(other, StepList) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StepList({self._items!r})"
