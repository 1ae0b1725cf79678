"""The `pywats-client` console script: check the [client] extra, then run the command line.

Kept free of the extra's imports, so that without it the command ends with one line naming the
extra to install instead of a traceback.
"""

from __future__ import annotations

from pywats._extras import require_extra

__all__ = ["main"]


def main() -> None:
    """Entry point of `pywats-client` and `python -m pywats_client`."""
    require_extra("client", "pywats-client")
    from pywats_client._cli import main as run

    run()
