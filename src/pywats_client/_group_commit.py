"""Group commit: acceptances that arrive while one commits are committed together next.

Every acceptance costs a folder fsync and a database commit (a WAL fsync) however many reports
it holds. Intake handles several files at once, and during a burst their conversions finish
while an earlier file's commit is on its way to the disk: `GroupCommit` hands those to the
outbox in one `accept_all` instead, in one trip to a worker thread. A lone file is committed at
once, as before; nothing waits for company.

Each acceptance carries a follow-up (`then`, the source file's post-action) that runs in the
same thread right after the commit, so the order "committed, then the source is touched" holds
for every file of a group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import anyio

from pywats_client._outbox import Acceptance, Outbox

__all__ = ["Accepted", "GroupCommit"]


@dataclass
class Accepted:
    """What became of one acceptance: `error` (nothing committed), or `count` new reports and
    what the follow-up returned (or the OSError it raised)."""

    count: int = 0
    then: bool | OSError | None = None
    error: OSError | None = None


@dataclass
class _Request:
    acceptance: Acceptance
    then: Callable[[], bool]
    outcome: Accepted = field(default_factory=Accepted)
    failure: BaseException | None = None  # the commit broke in an unexpected way
    done: anyio.Event = field(default_factory=anyio.Event)

    @property
    def ids(self) -> set[str]:
        return {entry.id for entry in self.acceptance.entries}


class GroupCommit:
    """Commits acceptances into `outbox`, grouping those that wait for a commit in progress."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._waiting: list[_Request] = []
        self._committing = False

    async def accept(self, acceptance: Acceptance, then: Callable[[], bool]) -> Accepted:
        """Commit `acceptance` (with whatever else waits), then run `then` in the same thread.
        Not cancellable once called, like a commit: its outcome is always known."""
        request = _Request(acceptance, then)
        self._waiting.append(request)
        with anyio.CancelScope(shield=True):
            if self._committing:
                await request.done.wait()
            else:
                self._committing = True
                try:
                    while self._waiting:
                        group = self._group()
                        try:
                            await anyio.to_thread.run_sync(self._commit, group)
                        except Exception as exc:
                            for waiting in group:
                                waiting.failure = exc
                        for waiting in group:
                            waiting.done.set()
                finally:
                    self._committing = False
        if request.failure is not None:
            raise request.failure
        return request.outcome

    def _group(self) -> list[_Request]:
        """The waiting requests whose reports differ (the same report twice waits a turn)."""
        group: list[_Request] = []
        ids: set[str] = set()
        later: list[_Request] = []
        for request in self._waiting:
            if ids.isdisjoint(request.ids):
                group.append(request)
                ids |= request.ids
            else:
                later.append(request)
        self._waiting = later
        return group

    def _commit(self, group: Sequence[_Request]) -> None:
        """In a worker thread: one `accept_all`, then each request's follow-up."""
        try:
            counts = self.outbox.accept_all([request.acceptance for request in group])
        except OSError as exc:
            for request in group:
                request.outcome.error = exc
            return
        for request, count in zip(group, counts, strict=True):
            request.outcome.count = count
            try:
                request.outcome.then = request.then()
            except OSError as exc:
                request.outcome.then = exc
