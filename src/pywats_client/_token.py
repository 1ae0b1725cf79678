"""The server token file, followed while the service runs: a rotated token is used from the
next upload on, without a restart."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio

from pywats import AsyncWATS, ConfigurationError

__all__ = ["TokenFollower"]

_log = logging.getLogger(__name__)


class TokenFollower:
    """Watches `path` (size and mtime) and hands a changed token to `client`."""

    def __init__(self, path: Path, client: AsyncWATS, *, interval: float = 1.0) -> None:
        self.path = path
        self.client = client
        self.interval = interval
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def check(self) -> bool:
        """Use the file's token if the file changed since the last look; True when it did.

        A file that cannot be read or holds an unusable token is logged and the current token
        stays: a half-written file must not stop delivery."""
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return False
        self._seen = stamp
        try:
            token = self.path.read_text(encoding="utf-8").strip()
            self.client.set_token(token)
        except OSError as exc:
            _log.error("cannot read the token file %s: %s", self.path, exc.strerror)
            return False
        except ConfigurationError as exc:
            _log.error("token file %s: %s; keeping the previous token", self.path, exc)
            return False
        _log.info("token file %s changed: using the new token", self.path)
        return True

    async def run(self, changed: Callable[[], Awaitable[object]]) -> None:
        """Check every `interval` seconds until cancelled; await `changed()` after a change."""
        while True:
            await anyio.sleep(self.interval)
            if self.check():
                await changed()
