"""`python -m pywats_server` is the `pywats-server` command."""

from __future__ import annotations

from pywats_server._entry import main

main()
