"""Getting a report that a test program built (OpenHTF, pytest) into WATS without losing it.

Two routes, chosen when the hand-off is made:

- **The station service on this machine** (`station_config` given, or `$PYWATS_CLIENT_CONFIG`):
  the report's WSJF is published into the watch folder of the service's `wsjf` converter. From
  there the service converts, queues and uploads it; its outbox is the durable store, and a
  service that is stopped picks the file up when it starts.
- **Direct**: the report is submitted through the SDK. One that cannot be submitted is kept as
  WSJF in a pending folder, and every later hand-off (and `flush()`) submits what is pending
  first, oldest first; a report refused for its content (a 4xx) stays there under `refused/`
  with the reason beside it, for a person to look at.

Reports carry the station identity of the service's configuration, or the same defaults the
service uses (the host name, location "Unspecified", purpose "Production").
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pywats import WATS, APIStatusError, ConfigurationError, ReportValidationError, WATSError
from pywats.report import UURReport, UUTReport, read_wsjf, write_wsjf
from pywats_client._config import CONFIG_ENV, ClientConfig, StationConfig, load_config
from pywats_client._durable import DiskIO
from pywats_client._identity import Station

__all__ = ["DEFAULT_PENDING", "Delivery", "Handoff", "HandoffError"]

_log = logging.getLogger(__name__)

#: Where direct hand-offs keep what they could not submit, unless told otherwise.
DEFAULT_PENDING = Path.home() / ".pywats" / "pending"

Report = UUTReport | UURReport


class HandoffError(ValueError):
    """The hand-off cannot be set up as asked (the message says what to change)."""


@dataclass(frozen=True)
class Delivery:
    """Where a report went: to the station's watch folder, to the server, or pending."""

    route: Literal["station", "server", "pending"]
    where: str


class Handoff:
    """Hands reports to the station service or a server; see the module docstring.

    `station_config`: the service's configuration file (default `$PYWATS_CLIENT_CONFIG` when
    set). Without one, `client` (else a `WATS()` from `WATS_BASE_URL`/`WATS_AUTH_TOKEN`)
    submits directly and `pending` keeps what could not be submitted. `station` overrides the
    identity written into reports. Raises HandoffError, before any report exists, for a
    configuration without an enabled `wsjf` converter or a direct route with no server set.
    """

    def __init__(
        self,
        *,
        station_config: Path | None = None,
        client: WATS | None = None,
        pending: Path | None = None,
        station: Station | None = None,
        disk: DiskIO | None = None,
    ) -> None:
        if station_config is None and client is None and os.environ.get(CONFIG_ENV):
            station_config = Path(os.environ[CONFIG_ENV])
        self.disk = disk or DiskIO()
        self.folder: Path | None = None
        self.client: WATS | None = client
        self._owns_client = False
        self.pending = pending or DEFAULT_PENDING
        if station_config is not None:
            config = _load(station_config)
            self.folder = _wsjf_folder(config, station_config)
            self.station = station or config.identity()
            return
        defaults = StationConfig()
        self.station = station or Station.detect(
            location=defaults.location, purpose=defaults.purpose
        )
        if self.client is None:
            try:
                self.client = WATS()
            except ConfigurationError as exc:
                raise HandoffError(
                    f"no station service configuration ({CONFIG_ENV}) and no server: {exc}"
                ) from None
            self._owns_client = True

    def deliver(self, report: Report) -> Delivery:
        """Hand `report` on; it is on disk or on the server when this returns."""
        data = write_wsjf(report).encode("utf-8")
        name = f"{report.id}.json"
        if self.folder is not None:
            self.disk.write_atomic(self.folder / name, data)
            return Delivery("station", str(self.folder / name))
        self.flush()
        try:
            self._submit(report)
        except WATSError as exc:
            self.pending.mkdir(parents=True, exist_ok=True)
            self.disk.write_atomic(self.pending / name, data)
            _log.warning("report %s kept in %s to send later: %s", report.id, self.pending, exc)
            if _refused(exc):
                self._refuse(self.pending / name, exc)
            return Delivery("pending", str(self.pending / name))
        return Delivery("server", report.id)

    def flush(self) -> int:
        """Submit the pending reports, oldest first; returns how many went. Stops at the first
        that cannot be sent for a reason that is not its content (the server is still away)."""
        if self.folder is not None or not self.pending.is_dir():
            return 0
        sent = 0
        waiting = sorted(self.pending.glob("*.json"), key=lambda path: path.stat().st_mtime)
        for path in waiting:
            try:
                self._submit(read_wsjf(path.read_bytes()))
            except WATSError as exc:
                if not _refused(exc):
                    break
                self._refuse(path, exc)
                continue
            self.disk.remove(path)
            sent += 1
        return sent

    def close(self) -> None:
        """Close the SDK client this hand-off made (not one it was given)."""
        if self._owns_client and self.client is not None:
            self.client.close()
            self.client = None

    def _submit(self, report: Report) -> None:
        assert self.client is not None, "a direct hand-off has a client"
        self.client.reports.submit(report)

    def _refuse(self, path: Path, error: WATSError) -> None:
        """Move a report the server refused for its content out of the retry queue."""
        refused = self.pending / "refused"
        refused.mkdir(exist_ok=True)
        self.disk.write_atomic(refused / f"{path.stem}.error.txt", f"{error}\n".encode())
        self.disk.rename(path, refused / path.name)
        _log.error("report %s refused by the server, kept in %s: %s", path.stem, refused, error)


def _refused(error: WATSError) -> bool:
    """The report itself is wrong (it breaks a submit rule, or a 4xx other than 401, 403,
    408 and 429): resending cannot help."""
    if isinstance(error, ReportValidationError):
        return True
    if not isinstance(error, APIStatusError):
        return False
    return 400 <= error.status_code < 500 and error.status_code not in (401, 403, 408, 429)


def _load(path: Path) -> ClientConfig:
    try:
        return load_config(path)
    except (OSError, ValueError) as exc:
        raise HandoffError(f"station configuration {path}: {exc}") from None


def _wsjf_folder(config: ClientConfig, origin: Path) -> Path:
    for converter in config.converters:
        if converter.enabled and converter.type == "wsjf":
            return converter.watch
    raise HandoffError(
        f"{origin}: the station service has no enabled 'wsjf' converter to hand reports to; "
        'add one ([[converters]] type = "wsjf", watch = "<folder>")'
    )
