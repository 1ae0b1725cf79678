"""A board's power tests as a hardware test engineer writes them with pytest.

Run through `examples/pytest_wats.py`, or directly:
    pytest examples/pytest_board --wats --wats-serial SN-1 --wats-part-number DEMO-PYTEST-1 \
           --wats-process 100
"""

from __future__ import annotations

import pytest


def read_rail(volts: float) -> float:
    """Stands in for the instrument driver a real test program calls."""
    return round(volts * 1.002, 4)


def test_rails(wats):  # type: ignore[no-untyped-def]
    wats.numeric("3V3", read_rail(3.30), low=3.2, high=3.4, unit="V")
    wats.numeric("5V", read_rail(5.00), low=4.8, high=5.2, unit="V")


@pytest.mark.parametrize("channel", [1, 2])
def test_channel_gain(wats, channel):  # type: ignore[no-untyped-def]
    wats.numeric("gain", 10.0 + channel / 10, low=9.0, high=11.0, unit="dB")


def test_firmware(wats):  # type: ignore[no-untyped-def]
    wats.string("version", "1.4.2", limit="1.4.2")
    wats.attach("boot.log", b"boot ok\n", "text/plain")
