"""Can Qt open a window here? Asked before Qt tries: without a display, or without the system
libraries its X11 plugin loads, Qt aborts the process with a message that names the wrong
package (it blames xcb-cursor for any missing xcb library)."""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["display_problem"]

#: Libraries Qt's xcb platform plugin loads (Qt 6 documents this list for X11).
_XCB_LIBRARIES = (
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libxcb-image.so.0",
    "libxcb-keysyms.so.1",
    "libxcb-randr.so.0",
    "libxcb-render-util.so.0",
    "libxcb-shape.so.0",
    "libxcb-xkb.so.1",
    "libxkbcommon-x11.so.0",
    "libEGL.so.1",
    "libGL.so.1",
    "libfontconfig.so.1",
)


def _package(soname: str) -> str:
    """The Debian/Ubuntu package of `soname`: `libxcb-icccm.so.4` → `libxcb-icccm4`."""
    stem, _, version = soname.partition(".so.")
    stem = stem.lower()
    return f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"


def _missing_libraries() -> list[str]:
    missing = []
    for soname in _XCB_LIBRARIES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    plugin = _xcb_plugin()
    if plugin is not None and not missing:
        try:
            ctypes.CDLL(str(plugin))
        except OSError as exc:  # a library this list does not know: name it as the loader does
            found = re.search(r"([\w.+-]+\.so[.\d]*): cannot open", str(exc))
            missing.append(found.group(1) if found else str(exc))
    return missing


def _xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None


def display_problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """One line saying why no window can open (no display, missing system packages), or None.

    Only on Linux with the default platform plugin: `QT_QPA_PLATFORM` set means the user chose
    (`offscreen` for tests, `wayland`, ...)."""
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    problems = []
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        problems.append(
            "no display (DISPLAY and WAYLAND_DISPLAY are unset; run it in a desktop "
            "session or over ssh -X)"
        )
    missing = _missing_libraries()
    if missing:
        packages = " ".join(dict.fromkeys(_package(name) for name in missing))
        problems.append(f"Qt needs the system packages {packages} (missing {', '.join(missing)})")
    return "; ".join(problems) or None
