"""Finding converters by name: the built-in modules of this package plus the entry-point group."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from importlib.metadata import entry_points
from types import ModuleType

from pywats_client.converters._base import Converter

__all__ = ["ENTRY_POINT_GROUP", "UnknownConverterError", "available_converters", "get_converter"]

#: Third-party packages register converter classes under this entry-point group.
ENTRY_POINT_GROUP = "pywats.converters"


_log = logging.getLogger(__name__)
_PACKAGE = "pywats_client.converters"


class UnknownConverterError(LookupError):
    """No converter has the requested name; the message lists the names that exist."""


def _defined_in(module: ModuleType) -> dict[str, type[Converter]]:
    return {
        obj.name: obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Converter)
        and obj.__module__ == module.__name__
        and not inspect.isabstract(obj)
    }


def _builtin_converters() -> dict[str, type[Converter]]:
    """Every concrete Converter defined in a public module of this package (one per format).

    A module that fails to import is logged and skipped: one broken format must not take the
    others down.
    """
    package = importlib.import_module(_PACKAGE)
    found: dict[str, type[Converter]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{_PACKAGE}.{module_info.name}")
        except Exception:
            _log.exception("converter module %s.%s cannot be imported", _PACKAGE, module_info.name)
            continue
        found.update(_defined_in(module))
    return found


def _plugin_converters() -> dict[str, type[Converter]]:
    found: dict[str, type[Converter]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        obj = entry.load()
        if not (inspect.isclass(obj) and issubclass(obj, Converter)):
            raise TypeError(
                f"entry point {entry.name!r} in group {ENTRY_POINT_GROUP!r} ({entry.value}) "
                "is not a pywats_client.converters.Converter subclass"
            )
        found[entry.name] = obj
    return found


def available_converters() -> dict[str, type[Converter]]:
    """All converters by name; a built-in name cannot be taken over by a plug-in."""
    converters = _plugin_converters()
    converters.update(_builtin_converters())
    return dict(sorted(converters.items()))


def get_converter(name: str) -> type[Converter]:
    """The converter class called `name`, or UnknownConverterError listing the known names.

    A built-in lives in the module of the same name, so the common case imports one module.
    """
    if name.isidentifier() and not name.startswith("_"):
        try:
            module = importlib.import_module(f"{_PACKAGE}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_PACKAGE}.{name}":
                raise
        else:
            if name in (own := _defined_in(module)):
                return own[name]
    converters = available_converters()
    try:
        return converters[name]
    except KeyError:
        known = ", ".join(converters) or "none"
        raise UnknownConverterError(f"unknown converter {name!r} (known: {known})") from None
