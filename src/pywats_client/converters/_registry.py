"""Finding converters by name: the built-in modules of this package plus the plug-ins that
installed distributions declare in the `pywats.converters` entry-point group.

The rules for plug-ins:

- The entry point's name is the converter's name (the `type` in the configuration) and must
  equal the class's `name`; the object it names must be a concrete `Converter` subclass.
- A built-in name always means the built-in: a plug-in that claims one is ignored and reported.
- A name that two distributions claim is refused for both: which one a configuration means
  cannot be told, and the answer must not depend on the order of `sys.path`.
- A plug-in that cannot be loaded (import error, wrong object, bad declaration) is reported as
  a `PluginProblem` and skipped; every other converter still loads.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import pkgutil
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

from pywats_client.converters._base import Converter
from pywats_client.converters._params import Parameter

__all__ = [
    "BUILT_IN",
    "ENTRY_POINT_GROUP",
    "Catalog",
    "ConverterPluginError",
    "PluginProblem",
    "UnknownConverterError",
    "available_converters",
    "converter_catalog",
    "get_converter",
]

#: Third-party packages register converter classes under this entry-point group.
ENTRY_POINT_GROUP = "pywats.converters"

#: The origin of a converter that ships with pyWATS (`Catalog.origins`).
BUILT_IN = "built-in"

_log = logging.getLogger(__name__)
_PACKAGE = "pywats_client.converters"


class UnknownConverterError(LookupError):
    """No converter has the requested name; the message lists the names that exist."""


@dataclass(frozen=True)
class PluginProblem:
    """Why an installed plug-in's converter cannot be used.

    `name` is the converter name its entry point claims, `entry_point` the declaration
    (`acme = acme_converters:AcmeConverter`), `distribution` the package that declares it with
    its version.
    """

    name: str
    entry_point: str
    distribution: str
    reason: str

    def __str__(self) -> str:
        return (
            f"converter plug-in {self.name!r} from {self.distribution} (entry point "
            f"'{self.entry_point}' in group {ENTRY_POINT_GROUP!r}): {self.reason}"
        )


class ConverterPluginError(UnknownConverterError):
    """The requested converter is declared by an installed plug-in that cannot be used."""

    def __init__(self, problem: PluginProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Catalog:
    """Every usable converter by name, where each comes from (`BUILT_IN` or the plug-in's
    `"<distribution> <version>"`), and the plug-ins that could not be used."""

    converters: dict[str, type[Converter]]
    origins: dict[str, str]
    problems: tuple[PluginProblem, ...]


def _defined_in(module: ModuleType) -> dict[str, type[Converter]]:
    return {
        obj.name: obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Converter)
        and obj.__module__ == module.__name__
        and not inspect.isabstract(obj)
    }


@functools.cache
def _builtin_converters() -> dict[str, type[Converter]]:
    """Every concrete Converter defined in a public module of this package (one per format),
    found once per process (the package does not change while it runs; callers do not mutate
    the result).

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


def _distribution(entry: EntryPoint) -> str:
    dist = entry.dist
    return f"{dist.name} {dist.version}" if dist is not None else "an unnamed distribution"


def _class_problem(entry: EntryPoint, cls: type[Converter]) -> str | None:
    """What is wrong with the converter class an entry point names, or None when it is usable."""
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(getattr(cls, "__abstractmethods__", ())))
        return f"class {cls.__qualname__} is abstract: it does not implement {missing}"
    name = getattr(cls, "name", None)
    if name != entry.name:
        return (
            f"class {cls.__qualname__} has name = {name!r}; the entry point's name must be the "
            f"converter's name ({entry.name!r})"
        )
    parameters = cls.parameters
    if not isinstance(parameters, tuple) or not all(isinstance(p, Parameter) for p in parameters):
        return f"class {cls.__qualname__}: parameters must be a tuple of Parameter declarations"
    patterns = cls.patterns
    if not isinstance(patterns, tuple) or not all(isinstance(p, str) for p in patterns):
        return f"class {cls.__qualname__}: patterns must be a tuple of file name globs"
    return None


def _problem(entry: EntryPoint, reason: str) -> PluginProblem:
    return PluginProblem(entry.name, f"{entry.name} = {entry.value}", _distribution(entry), reason)


def _load_plugin(entry: EntryPoint) -> type[Converter] | PluginProblem:
    try:
        obj = entry.load()
    except (Exception, SystemExit) as exc:  # a plug-in's import may fail in any way (even
        # exit): it costs that plug-in, never the process listing or running the others
        return _problem(entry, f"cannot be imported: {type(exc).__name__}: {exc}")
    if not (inspect.isclass(obj) and issubclass(obj, Converter)):
        return _problem(
            entry, f"names {obj!r}; expected a subclass of pywats_client.converters.Converter"
        )
    reason = _class_problem(entry, obj)
    return obj if reason is None else _problem(entry, reason)


def _plugins(
    entries: list[EntryPoint], builtin: dict[str, type[Converter]]
) -> tuple[dict[str, type[Converter]], dict[str, str], list[PluginProblem]]:
    """Load `entries` under the rules in the module docstring."""
    claims: defaultdict[str, list[EntryPoint]] = defaultdict(list)
    for entry in entries:
        claims[entry.name].append(entry)
    found: dict[str, type[Converter]] = {}
    origins: dict[str, str] = {}
    problems: list[PluginProblem] = []
    for name, claimants in claims.items():
        if name in builtin:
            problems.extend(
                _problem(
                    entry,
                    f"ignored: {name!r} is a built-in converter; rename the entry point and "
                    "the class's name",
                )
                for entry in claimants
            )
            continue
        if len(claimants) > 1:
            others = ", ".join(sorted(_distribution(entry) for entry in claimants))
            problems.extend(
                _problem(
                    entry,
                    f"refused: {others} each declare a converter {name!r}; uninstall all but one",
                )
                for entry in claimants
            )
            continue
        loaded = _load_plugin(claimants[0])
        if isinstance(loaded, PluginProblem):
            problems.append(loaded)
        else:
            found[name] = loaded
            origins[name] = _distribution(claimants[0])
    return found, origins, problems


def converter_catalog() -> Catalog:
    """All converters, built-in and plug-in, with their origins and the plug-ins' problems.

    Never raises for a plug-in: a broken one is a `PluginProblem` in the result.
    """
    builtin = _builtin_converters()
    plugins, plugin_origins, problems = _plugins(
        list(entry_points(group=ENTRY_POINT_GROUP)), builtin
    )
    converters = {**builtin, **plugins}
    origins = {**dict.fromkeys(builtin, BUILT_IN), **plugin_origins}
    return Catalog(
        converters=dict(sorted(converters.items())),
        origins={name: origins[name] for name in sorted(converters)},
        problems=tuple(problems),
    )


def available_converters() -> dict[str, type[Converter]]:
    """All usable converters by name (plug-ins that cannot be used are left out)."""
    return converter_catalog().converters


def get_converter(name: str) -> type[Converter]:
    """The converter class called `name`.

    Raises ConverterPluginError when an installed plug-in declares `name` but cannot be used
    (the message names the distribution, the entry point and why), else UnknownConverterError
    listing the known names. A built-in lives in the module of the same name, so the common
    case imports one module.
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
    builtin = _builtin_converters()
    if name in builtin:
        return builtin[name]
    # Only the entry points declaring `name` are loaded: a worker asks for one converter per
    # file, and every other plug-in's import (and its failure) is not its business.
    plugins, _, problems = _plugins(list(entry_points(group=ENTRY_POINT_GROUP, name=name)), builtin)
    if name in plugins:
        return plugins[name]
    if problems:
        raise ConverterPluginError(problems[0])
    known = ", ".join(converter_catalog().converters) or "none"
    raise UnknownConverterError(f"unknown converter {name!r} (known: {known})")
