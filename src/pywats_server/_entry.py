"""The `pywats-server` console script: check the [server] extra, then run the command line.

Kept free of the extra's imports, so that without it the command ends with one line naming the
extra to install instead of a traceback.
"""

from __future__ import annotations

from pywats._extras import require_extra

__all__ = ["main"]


def main() -> None:
    """Entry point of `pywats-server` and `python -m pywats_server`."""
    require_extra("server", "pywats-server")
    from pywats_server._cli import main as run

    run()
