"""Delivery: outbox items → WATS, at least once, in priority then FIFO order.

Transient failures (no response, timeouts, 408/429/5xx, and 401/403/404 which mean the station's
setup is wrong, not the report) pause delivery with capped, jittered backoff and are retried
forever. Any other 4xx is the report's fault: the item is quarantined with the server's message.
Resending is safe because the server replaces a report by its id.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import anyio

from pywats import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AsyncWATS,
    Backoff,
    CircuitOpenError,
)
from pywats._clock import SYSTEM_CLOCK, Clock
from pywats_client._faults import NO_FAULTS, Faults
from pywats_client._history import ErrorHistory
from pywats_client._logging import correlated
from pywats_client._metrics import Metrics
from pywats_client._outbox import CorruptItemError, Item, Outbox

__all__ = ["TRANSIENT_STATUSES", "Uploader"]

_log = logging.getLogger(__name__)

#: Statuses retried forever; every other 4xx quarantines the item.
TRANSIENT_STATUSES = frozenset({401, 403, 404, 408, 425, 429})


@dataclass
class UploaderState:
    """What the control API and metrics report about delivery. `error` is the current one:
    cleared by the next delivery (past errors are in the history)."""

    consecutive_failures: int = 0
    paused_until: float = 0.0
    last_success: float | None = None
    last_attempt: float | None = None  # when an upload attempt last ended, however it ended
    error: str | None = None
    server_answers: bool | None = None
    in_flight: set[str] = field(default_factory=set)


class Uploader:
    """`concurrency` delivery tasks sharing one client and one backoff state."""

    def __init__(
        self,
        outbox: Outbox,
        client: AsyncWATS,
        *,
        concurrency: int,
        backoff: Backoff,
        metrics: Metrics,
        history: ErrorHistory | None = None,
        faults: Faults = NO_FAULTS,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.outbox = outbox
        self.history = history or ErrorHistory()
        self._claiming = threading.Lock()
        self.client = client
        self.concurrency = concurrency
        self.backoff = backoff
        self.metrics = metrics
        self.faults = faults
        self.clock = clock
        self.state = UploaderState()
        self.draining = False
        self._wake = anyio.Event()
        self._settled = anyio.Event()

    def poke(self) -> None:
        """New work arrived (or an operator retried an item): look now instead of at the timer."""
        self._wake.set()

    async def retry_now(self) -> int:
        """An operator says the server is back: end the pause, close the client's circuit and
        make every pending item due now. Returns how many items were waiting."""
        waiting = await anyio.to_thread.run_sync(self.outbox.make_due)
        self.state.paused_until = 0.0
        self.client.reset_breaker()
        self.poke()
        return waiting

    def next_try(self) -> float | None:
        """Unix time of the next delivery attempt (None when nothing is pending)."""
        wakeup = self.outbox.next_wakeup()
        if wakeup is None:
            return None
        return max(wakeup, self.state.paused_until)

    async def run(self) -> None:
        async with anyio.create_task_group() as group:
            for _ in range(self.concurrency):
                group.start_soon(self._work)

    async def drain(self, deadline: float) -> None:
        """Take no new items; wait up to `deadline` seconds for those in flight."""
        self.draining = True
        self.poke()
        with anyio.move_on_after(deadline):
            while self.state.in_flight:
                self._settled = anyio.Event()
                await self._settled.wait()

    async def _work(self) -> None:
        while not self.draining:
            pause = self.state.paused_until - self.clock.time()
            if pause > 0:
                await self._wait(pause)  # woken early by "retry now" (or new work: waits on)
                continue
            due = await anyio.to_thread.run_sync(self._claim_next)
            if not isinstance(due, tuple):
                await self._idle(due)
                continue
            item, data = due
            try:
                if isinstance(data, OSError):
                    raise data
                await self._deliver(item, data)
            except OSError as exc:
                self._outbox_trouble(item, exc)
            finally:
                self.state.last_attempt = self.clock.time()
                self.state.in_flight.discard(item.id)
                self._settled.set()

    async def _idle(self, wakeup: float | None) -> None:
        """Nothing is due: wait until `wakeup` (when the next pending item is due; None when
        nothing is pending), at most 5 s, less if poked."""
        await self._wait(5.0 if wakeup is None else min(5.0, max(wakeup - self.clock.time(), 0.05)))

    async def _wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, less if poked; a poke wakes every waiting task once."""
        wake = self._wake
        with anyio.move_on_after(seconds):
            await wake.wait()
        if self._wake is wake and wake.is_set():
            self._wake = anyio.Event()

    def _claim_next(self) -> tuple[Item, bytes | CorruptItemError | OSError] | float | None:
        """Claim the next due item (into `in_flight`) and read its document (or why it cannot
        be read), in one trip to a thread. When nothing is due: when the earliest pending item
        will be (`Outbox.next_wakeup`; None when nothing is pending).

        The claim is made under a lock together with the outbox query, so two upload tasks
        never take the same item, and an item is released only after its outcome is committed:
        a query started before another task's failed attempt cannot hand the item out again.
        """
        with self._claiming:
            item = self.outbox.next_due(set(self.state.in_flight))
            if item is None:
                return self.outbox.next_wakeup()
            self.state.in_flight.add(item.id)
        try:
            return item, self.outbox.read(item)
        except (CorruptItemError, OSError) as exc:
            return item, exc

    async def _deliver(self, item: Item, data: bytes | CorruptItemError) -> None:
        with correlated(f"report:{item.id}"):
            if isinstance(data, CorruptItemError):
                await self._permanent(item, f"outbox item unusable: {data}")
                return
            started = self.clock.monotonic()
            try:
                # The outbox holds the bytes the converter wrote: sent as they are.
                await self.client.reports.submit_wsjf(data)
            except CircuitOpenError as exc:
                # No request was made: whether the server answers is what it was.
                await self._transient(item, f"circuit open: {exc}", exc.retry_in, answered=None)
                return
            except APIConnectionError as exc:
                # Mostly the server is away, and every report waits the shared pause. But the
                # connection may also break over this report alone (a proxy that resets large
                # bodies): if the server answers a small request, this report waits its own
                # growing backoff instead, so it cannot hold up those behind it.
                answered = await self._server_answers()
                await self._transient(item, str(exc), None, answered=answered)
                return
            except APIResponseValidationError as exc:
                # A 2xx that is not the server's answer (a captive portal, a misconfigured
                # proxy): whether the report was stored is unknown, so it is sent again later;
                # its id makes that safe. Not the report's fault, so never a quarantine.
                await self._transient(item, str(exc), None, answered=True)
                return
            except APIStatusError as exc:
                if exc.status_code in TRANSIENT_STATUSES or exc.status_code >= 500:
                    await self._transient(item, str(exc), exc.retry_after, answered=True)
                else:
                    self.state.server_answers = True
                    await self._permanent(item, f"server rejected the report: {exc}")
                return
            self.faults.reached("after_2xx")
            await anyio.to_thread.run_sync(self.outbox.mark_delivered, item.id)
            self.faults.reached("after_ack")
            elapsed = self.clock.monotonic() - started
            self.metrics.observe("upload_seconds", elapsed, converter=item.converter)
            self.metrics.inc("delivered_total", converter=item.converter)
            self.state.consecutive_failures = 0
            self.state.paused_until = 0.0
            self.state.error = None
            self.history.resolved("upload")
            self.state.last_success = self.clock.time()
            self.state.server_answers = True
            _log.info("delivered %s (%.0f ms)", item.id, elapsed * 1000)

    async def _server_answers(self) -> bool:
        """Whether the server answers a small request (any HTTP status counts)."""
        try:
            await self.client.get_version()
        except APIStatusError:
            return True
        except (APIConnectionError, CircuitOpenError, APIResponseValidationError):
            return False
        return True

    def _outbox_trouble(self, item: Item, exc: OSError) -> None:
        """The outbox could not be read or updated (disk full, I/O error): pause like after a
        transient failure, without writing anything. The item stays as it was; if the server
        already has it, the resend later replaces it by id."""
        state = self.state
        state.consecutive_failures += 1
        state.error = f"outbox: {exc}"
        self.history.record("upload", state.error, same_as=_lasting(state.error))
        delay = self.backoff.delay(state.consecutive_failures)
        state.paused_until = max(state.paused_until, self.clock.time() + delay)
        _log.error("outbox trouble with %s (%s); pausing %.1f s", item.id, exc, delay)

    async def _transient(
        self, item: Item, error: str, retry_after: float | None, *, answered: bool | None
    ) -> None:
        state = self.state
        state.consecutive_failures += 1
        if answered is not None:
            state.server_answers = answered
            state.error = error
            self.history.record("upload", error, same_as=_lasting(error))
        delay = self.backoff.delay(state.consecutive_failures)
        if retry_after is not None:
            delay = min(max(retry_after, 0.0), self.backoff.cap)
        now = self.clock.time()
        state.paused_until = max(state.paused_until, now + delay)
        # Only a server that answers can say the failure is about this report (a 500 on one
        # document, or a connection broken while the server answers other requests): then it
        # also waits its own growing backoff, so it cannot hold up the rest. Without an answer
        # (no connection, circuit open) the failure says nothing about the item: it waits only
        # the shared pause, so when the server is back the queue drains in priority then FIFO
        # order again.
        own = max(delay, self.backoff.delay(item.attempts + 1)) if answered else delay
        await anyio.to_thread.run_sync(self.outbox.mark_failed, item.id, error, now + own)
        self.metrics.inc("upload_retries_total")
        _log.warning("upload of %s failed (%s); pausing %.1f s", item.id, error, delay)

    async def _permanent(self, item: Item, reason: str) -> None:
        await anyio.to_thread.run_sync(self.outbox.quarantine, item.id, reason)
        self.metrics.inc("failed_total", converter=item.converter, kind="rejected")
        _log.error("quarantined report %s: %s", item.id, reason)


def _lasting(error: str) -> str:
    """`error` without what differs on every attempt (the request's correlation id, the
    attempt count), so an outage's repeated failures count as one error."""
    return _PER_ATTEMPT.sub("", error)


_PER_ATTEMPT = re.compile(r" \(correlation id [^)]*\)| after \d+ attempt\(s\)")
