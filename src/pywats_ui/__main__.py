"""`python -m pywats_ui` is the `pywats-configurator` command."""

from __future__ import annotations

import sys

from pywats_ui._cli import main

sys.exit(main())
