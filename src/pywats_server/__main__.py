"""`python -m pywats_server` is the `pywats-server` command."""

from __future__ import annotations

from ._cli import main

main()
