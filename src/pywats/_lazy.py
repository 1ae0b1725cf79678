"""Package attributes imported on first use (PEP 562), so importing a package stays cheap.

A package `__init__` lists what it exports and where each name lives; `import pywats` then costs
nothing beyond that list, and `pywats.WATS` imports the client the first time it is read.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, given `{module: (name, ...)}` of its exports.

    A name is imported from its module when first read and then kept in the package's globals,
    so later reads are plain attribute look-ups. Unknown names raise AttributeError.
    """
    home = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(home))

    return __getattr__, __dir__
