"""Finding converters by name: the built-in modules of this package plus the entry-point group."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from importlib.metadata import entry_points

from pywats_client.converters._base import Converter

__all__ = ["ENTRY_POINT_GROUP", "UnknownConverterError", "available_converters", "get_converter"]

#: Third-party packages register converter classes under this entry-point group.
ENTRY_POINT_GROUP = "pywats.converters"


class UnknownConverterError(LookupError):
    """No converter has the requested name; the message lists the names that exist."""


def _builtin_converters() -> dict[str, type[Converter]]:
    """Every concrete Converter defined in a public module of this package (one per format)."""
    import pywats_client.converters as package

    found: dict[str, type[Converter]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, Converter)
                and obj.__module__ == module.__name__
                and not inspect.isabstract(obj)
            ):
                found[obj.name] = obj
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
    """The converter class called `name`, or UnknownConverterError listing the known names."""
    converters = available_converters()
    try:
        return converters[name]
    except KeyError:
        known = ", ".join(converters) or "none"
        raise UnknownConverterError(f"unknown converter {name!r} (known: {known})") from None
