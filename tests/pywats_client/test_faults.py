"""Named crash points: parsing, validation, and a real SIGKILL in a child process."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from pywats_client._faults import FAULT_POINTS, Faults


def test_parse() -> None:
    assert Faults.parse(None).point is None
    assert Faults.parse("").point is None
    armed = Faults.parse("after_commit:3")
    assert (armed.point, armed.hit) == ("after_commit", 3)
    with pytest.raises(ValueError, match="unknown fault point 'after_lunch'"):
        Faults.parse("after_lunch")
    with pytest.raises(ValueError, match="<point>:<count>"):
        Faults.parse("after_commit:x")


def test_only_the_armed_point_kills() -> None:
    # In a child process: a wrong kill would otherwise take the test run down with it.
    others = [point for point in FAULT_POINTS if point != "after_commit"]
    script = (
        "from pywats_client._faults import Faults\n"
        "f = Faults('after_commit')\n"
        f"for point in {others!r}:\n"
        "    f.reached(point)\n"
        "print('survived', len(" + repr(others) + "), flush=True)\n"
        "f.reached('after_commit'); print('not killed', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.split() == ["survived", str(len(FAULT_POINTS) - 1)]


def test_only_an_armed_send_point_wraps_the_transport() -> None:
    transport = httpx.AsyncHTTPTransport()
    assert Faults("after_commit").around(transport) is transport
    assert Faults().around(None) is None
    wrapped = Faults("after_http_send").around(transport)
    assert wrapped is not transport
    assert isinstance(wrapped, httpx.AsyncBaseTransport)


def test_the_armed_point_kills_on_its_nth_hit() -> None:
    script = (
        "from pywats_client._faults import Faults\n"
        "f = Faults.parse('after_commit:2')\n"
        "f.reached('after_commit'); print('first', flush=True)\n"
        "f.reached('after_commit'); print('second', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.split() == ["first"]
