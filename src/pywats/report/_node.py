"""Typed views over JSON objects: the storage behind every report model.

A node wraps the very dict that `json.loads` produced. Attributes read and write keys of that
dict, so keys the model does not know, key order, `null` versus absent, and the JSON type of
every value survive untouched; writing a report back is a plain `json.dumps` of the dicts.
Nested objects are viewed when accessed; one of the wrong JSON type raises ReportFormatError
naming its key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, MutableSequence
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar, overload

from pywats._exceptions import ReportFormatError
from pywats.report._timestamp import Timestamp

__all__ = ["Field", "JSONObject", "ListField", "Node", "NodeField", "NodeList", "TimeField"]

JSONObject = dict[str, Any]
T = TypeVar("T")
N = TypeVar("N", bound="Node")


class Node:
    """A typed view of one JSON object of a report; `raw` is the object itself.

    Two nodes are equal when they have the same type and equal JSON content.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: JSONObject | None = None) -> None:
        self._raw: JSONObject = {} if raw is None else raw

    @property
    def raw(self) -> JSONObject:
        """The JSON object this node reads and writes (shared, not a copy)."""
        return self._raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and type(other) is type(self) and other._raw == self._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._raw!r})"


class Field(Generic[T]):
    """One JSON key as an attribute. An absent key reads as `None`; only a set creates it."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Field[T]: ...
    @overload
    def __get__(self, obj: Node, owner: type[Any]) -> T: ...
    def __get__(self, obj: Node | None, owner: type[Any]) -> Field[T] | T:
        if obj is None:
            return self
        # An absent key reads as None even for keys typed non-optional (exports always have them).
        return obj._raw.get(self.key)  # type: ignore[return-value]

    def __set__(self, obj: Node, value: T) -> None:
        # Code enums are stored as their plain text so the JSON holds only JSON types.
        obj._raw[self.key] = value.value if isinstance(value, Enum) else value


class TimeField:
    """A date-time key: reads as `Timestamp` (text kept verbatim), accepts `datetime` or text."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> TimeField: ...
    @overload
    def __get__(self, obj: Node, owner: type[Any]) -> Timestamp | None: ...
    def __get__(self, obj: Node | None, owner: type[Any]) -> TimeField | Timestamp | None:
        if obj is None:
            return self
        value = obj._raw.get(self.key)
        return None if value is None else Timestamp(value)

    def __set__(self, obj: Node, value: datetime | str | None) -> None:
        if isinstance(value, datetime):
            value = Timestamp.from_datetime(value)
        obj._raw[self.key] = None if value is None else str(value)


class NodeField(Generic[N]):
    """A key holding one JSON object, viewed as node type `N` (`None` when absent or null)."""

    __slots__ = ("key", "node_type")

    def __init__(self, key: str, node_type: type[N]) -> None:
        self.key = key
        self.node_type = node_type

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> NodeField[N]: ...
    @overload
    def __get__(self, obj: Node, owner: type[Any]) -> N | None: ...
    def __get__(self, obj: Node | None, owner: type[Any]) -> NodeField[N] | N | None:
        if obj is None:
            return self
        value = obj._raw.get(self.key)
        if value is None:
            return None
        if type(value) is not dict:
            raise ReportFormatError(
                f"{self.key}: expected a JSON object, got {type(value).__name__}"
            )
        return self.node_type(value)

    def __set__(self, obj: Node, value: N | None) -> None:
        obj._raw[self.key] = None if value is None else value._raw


class NodeList(MutableSequence[N]):
    """A list of JSON objects viewed as nodes; changes go straight to the JSON list.

    The JSON list is created in the owner only when the first item is added, so reading an
    absent list never adds a key.
    """

    __slots__ = ("_factory", "_key", "_owner")

    def __init__(self, owner: JSONObject, key: str, factory: Callable[[JSONObject], N]) -> None:
        self._owner = owner
        self._key = key
        self._factory = factory

    def _items(self) -> list[JSONObject]:
        items: list[JSONObject] | None = self._owner.get(self._key)
        if items is None:
            return []
        if type(items) is not list:
            raise ReportFormatError(
                f"{self._key}: expected a JSON array, got {type(items).__name__}"
            )
        return items

    def _wrap(self, item: object, index: int) -> N:
        if type(item) is not dict:
            raise ReportFormatError(
                f"{self._key}[{index}]: expected a JSON object, got {type(item).__name__}"
            )
        return self._factory(item)

    def _writable(self) -> list[JSONObject]:
        items: list[JSONObject] | None = self._owner.get(self._key)
        if items is None:
            items = self._owner[self._key] = []
        return items

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[N]:
        wrap = self._wrap
        return (wrap(item, index) for index, item in enumerate(self._items()))

    @overload
    def __getitem__(self, index: int) -> N: ...
    @overload
    def __getitem__(self, index: slice) -> list[N]: ...
    def __getitem__(self, index: int | slice) -> N | list[N]:
        items = self._items()
        if isinstance(index, slice):
            return [self._wrap(items[i], i) for i in range(len(items))[index]]
        return self._wrap(items[index], index if index >= 0 else len(items) + index)

    @overload
    def __setitem__(self, index: int, value: N) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[N]) -> None: ...
    def __setitem__(self, index: int | slice, value: N | Iterable[N]) -> None:
        if isinstance(index, slice):
            self._writable()[index] = [node._raw for node in value]  # type: ignore[union-attr]
        else:
            self._writable()[index] = value._raw  # type: ignore[union-attr]

    def __delitem__(self, index: int | slice) -> None:
        del self._writable()[index]

    def insert(self, index: int, value: N) -> None:
        self._writable().insert(index, value._raw)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NodeList):
            return self._items() == other._items()
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NodeList({list(self)!r})"


class ListField(Generic[N]):
    """A key holding a list of JSON objects, viewed as a `NodeList` of node type `N`."""

    __slots__ = ("factory", "key")

    def __init__(self, key: str, factory: Callable[[JSONObject], N]) -> None:
        self.key = key
        self.factory = factory

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> ListField[N]: ...
    @overload
    def __get__(self, obj: Node, owner: type[Any]) -> NodeList[N]: ...
    def __get__(self, obj: Node | None, owner: type[Any]) -> ListField[N] | NodeList[N]:
        if obj is None:
            return self
        return NodeList(obj._raw, self.key, self.factory)
