"""Is delivery stalled? Reports are due, yet no upload attempt has ended for a while.

An outage is not a stall: failed attempts end (and pause the uploader) at least once per retry
ceiling. A stall is the pipeline itself stuck: a blocked thread, a lost wake-up, a task that
never returns. The rule looks only at timestamps, so it is the same for every cause.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DeliveryClock", "stall_problem"]


@dataclass(frozen=True)
class DeliveryClock:
    """What the rule reads, as Unix times: since when the longest-waiting due report has been
    due (None when none is due), when an upload attempt last ended (None: not since start),
    when the service started, and until when the uploader pauses after a failure."""

    due_since: float | None
    last_attempt: float | None
    started: float
    paused_until: float


def stall_problem(clock: DeliveryClock, now: float, window: float) -> str | None:
    """The health problem when a report has been due for over `window` seconds and no upload
    attempt ended (and no pause ran) within them; None while delivery moves."""
    if clock.due_since is None or now - clock.due_since <= window:
        return None
    moved = max(clock.last_attempt or clock.started, clock.paused_until, clock.started)
    if now - moved <= window:
        return None
    return (
        f"delivery stalled: a report has been due for {now - clock.due_since:.0f} s and no "
        f"upload attempt has ended in the last {now - moved:.0f} s "
        f"(outbox.health_stall_seconds = {window:g})"
    )
