"""The one reader of JSON request bodies: every body the server parses, a report or a model's,
comes through `load_json`, which refuses what the server could not hold with the place it is.

Python's JSON reader accepts two things nothing after it can use: an integer of more digits than
`int` converts from text (a ValueError without a position), and a `\\ud800` escape that is not
half of a pair (a lone surrogate, which no UTF-8 encoder, database or JSON writer accepts).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

__all__ = ["JsonBodyError", "StrictJsonRoute", "load_json"]

# A surrogate as an escape (a pair is two of them) or as raw UTF-8-like bytes (ED A0-BF), which
# `json.loads` decodes with "surrogatepass". Only bodies holding one are walked for lone ones.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]|\xed[\xa0-\xbf]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_KEY_BEFORE = re.compile(rb'"((?:[^"\\]|\\.){1,100})"\s*:\s*\Z')


class JsonBodyError(ValueError):
    """A body that is not JSON the server can hold; the message names the place and what was
    expected."""


def _long_integer(body: bytes) -> str:
    limit = sys.get_int_max_str_digits()
    expected = f"expected an integer of at most {limit} digits"
    found = re.search(rb"-?\d{%d,}" % (limit + 1), body)
    if found is None:
        return f"body: a number is too long: {expected}"
    line = body.count(b"\n", 0, found.start()) + 1
    column = found.start() - body.rfind(b"\n", 0, found.start())
    key = _KEY_BEFORE.search(body[max(0, found.start() - 200) : found.start()])
    where = f"key {key.group(1).decode('utf-8', 'replace')!r} at " if key else ""
    digits = len(found.group().lstrip(b"-"))
    return f"body: {where}line {line} column {column}: {expected}, got {digits} digits"


def _lone_surrogate(document: Any) -> str | None:
    """The path (`body.root.steps[0].name`) of the first text holding a lone surrogate."""
    stack: list[tuple[str, Any]] = [("body", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return f"{path} (a key)"
                stack.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


def load_json(body: bytes) -> Any:
    """The JSON document in `body` (UTF-8); raises JsonBodyError naming the place of a syntax
    error, an integer past `int`'s digit limit or a lone surrogate escape."""
    try:
        document = json.loads(body)
    except UnicodeDecodeError as exc:
        raise JsonBodyError(
            f"body: expected UTF-8 JSON text: {exc.reason} at byte {exc.start}"
        ) from None
    except json.JSONDecodeError as exc:
        raise JsonBodyError(
            f"body: malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise JsonBodyError("body: JSON nested too deeply") from None
    except ValueError:
        raise JsonBodyError(_long_integer(body)) from None
    if _SURROGATE_ESCAPE.search(body):
        path = _lone_surrogate(document)
        if path is not None:
            raise JsonBodyError(
                f"{path}: expected Unicode text, got a lone surrogate "
                "(\\ud800 to \\udfff not in a high-low pair, escaped or as bytes ED A0-BF)"
            )
    return document


class _StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = load_json(await self.body())
            except JsonBodyError as exc:
                raise HTTPException(400, str(exc)) from None
        return self._json


class StrictJsonRoute(APIRoute):
    """The route class of every router: request bodies are read by `load_json`."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Any:
            return await handler(_StrictJsonRequest(request.scope, request.receive))

        return strict
