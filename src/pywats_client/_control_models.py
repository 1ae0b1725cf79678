"""The control API's contract: every body the service sends or takes, typed once.

Both sides use these types: the service (`_control.py`) builds them and the client
(`_control_client.py`, the CLI, the configurator) validates the answers into them. This module
imports only pydantic and the standard library, so a client never loads the server stack.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "ENDPOINT_FILE",
    "TOKEN_FILE",
    "ConverterEntry",
    "Deleted",
    "DryRunRequest",
    "DryRunResult",
    "Endpoint",
    "ErrorBody",
    "Health",
    "IntakeStatus",
    "Item",
    "LogCounts",
    "OutboxCounts",
    "OutboxQuery",
    "PastError",
    "QuarantinedFile",
    "Readiness",
    "ReloadResult",
    "Retried",
    "RetryNowResult",
    "ServiceStatus",
    "StationInfo",
    "StoppedStatus",
    "Totals",
    "UploaderStatus",
    "VerifyProblem",
]

#: In the service's data folder: the bearer token (0600) and where the API listens.
TOKEN_FILE = "control.token"
ENDPOINT_FILE = "control.json"

OutboxState = Literal["pending", "delivered", "quarantined"]


class _Body(BaseModel):
    # Both sides ship together, but an older client reading a newer service's answer still works.
    model_config = ConfigDict(extra="ignore")


@dataclass(frozen=True)
class Item:
    """One outbox row."""

    seq: int
    id: str
    file: str
    state: str
    priority: int
    converter: str
    source: str
    size: int
    sha256: str
    created: float
    attempts: int
    next_attempt: float
    last_error: str | None
    delivered: float | None


@dataclass(frozen=True)
class QuarantinedFile:
    """One quarantined file: its entry `name`, reason, original path, converter and time."""

    name: str
    reason: str
    origin: str
    converter: str
    at: float


class PastError(_Body):
    """One error: when it began and when it was last seen (Unix times), which part of the
    service saw it, the text (as first seen) and how many times it happened in a row."""

    at: float
    last: float
    source: str
    error: str
    count: int = 1


class Endpoint(_Body):
    """`control.json`: where the running service listens (and, for people, its process)."""

    url: str
    pid: int | None = None


class ErrorBody(_Body):
    """Every 4xx answer (and the 401 of a wrong token)."""

    error: str


class Health(_Body):
    """`/health`: 200 when `ok`, else 503 with the problems (degraded, not down)."""

    ok: bool
    status: Literal["ok", "degraded"]
    problems: list[str]


class Readiness(_Body):
    ready: bool


class StationInfo(_Body):
    name: str
    location: str | None = None
    purpose: str | None = None


class OutboxCounts(_Body):
    """Reports by state, queued bytes against the budget, the oldest pending one's creation."""

    pending: int
    delivered: int
    quarantined: int
    queued_bytes: int
    budget_bytes: int
    oldest_pending: float | None = None


class UploaderStatus(_Body):
    """Delivery now: uploads in flight, the current error, when the next attempt is due."""

    in_flight: int
    consecutive_failures: int
    paused_until: float
    next_try: float | None
    last_success: float | None
    error: str | None
    server_answers: bool | None


class IntakeStatus(_Body):
    watching: int
    converting: int
    workers: int = 0  # conversion worker processes alive now
    workers_max: int = 0  # how many may run (`intake.workers`)
    paused_for_budget: bool
    disk_error: str | None
    folders: list[str]
    missing_folders: list[str]


class Totals(_Body):
    """Since the service started."""

    accepted: float
    delivered: float
    failed: float


class LogCounts(_Body):
    """Log lines waiting for a slow sink, and lines dropped because one stayed full."""

    queued: int
    dropped: int


class ServiceStatus(_Body):
    """`/status` of a running service."""

    running: Literal[True] = True
    station: StationInfo
    server: str
    pid: int
    uptime_seconds: float
    ready: bool
    health: list[str]
    outbox: OutboxCounts
    uploader: UploaderStatus
    errors: list[PastError]
    intake: IntakeStatus
    quarantined_files: int
    log: LogCounts
    restarts: dict[str, int]
    totals: Totals


class StoppedStatus(_Body):
    """What `pywats-client status` reads from a stopped service's data folder."""

    running: Literal[False] = False
    reason: str
    station: StationInfo
    server: str
    outbox: OutboxCounts
    quarantined_files: int
    data: str


class OutboxQuery(_Body):
    """`GET /outbox` parameters."""

    model_config = ConfigDict(extra="forbid")

    state: OutboxState | None = None
    limit: int = Field(100, ge=0)
    offset: int = Field(0, ge=0)


class VerifyProblem(_Body):
    """`GET /outbox/verify`: a queued report whose document disagrees with its row, or a
    file in the outbox folder that no row names. `file` is the file's name, or the report id
    for a document kept in the database."""

    file: str
    problem: str


class Retried(_Body):
    """The id (or quarantine entry) put back in line; for a file, where it went back to."""

    retried: str
    path: str | None = None


class Deleted(_Body):
    deleted: str


class RetryNowResult(_Body):
    """How many pending reports were made due now."""

    pending: int


class ConverterEntry(_Body):
    """`GET /converters`: one configured converter as the service runs it."""

    type: str
    watch: str
    enabled: bool
    patterns: list[str]
    after: str
    priority: int
    parameters: dict[str, Any]


class DryRunRequest(_Body):
    """`POST /dry-run`: convert `content_base64` as file `name` without queueing anything."""

    model_config = ConfigDict(extra="forbid")

    converter: str
    name: str = "upload"
    content_base64: str
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("content_base64")
    @classmethod
    def _is_base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"not base64: {exc}") from None
        return value

    @classmethod
    def of(
        cls, converter: str, name: str, data: bytes, parameters: dict[str, Any] | None = None
    ) -> DryRunRequest:
        encoded = base64.b64encode(data).decode("ascii")
        return cls(
            converter=converter, name=name, content_base64=encoded, parameters=parameters or {}
        )

    def content(self) -> bytes:
        return base64.b64decode(self.content_base64)


class DryRunResult(_Body):
    """The reports (WSJF objects) the file converts to (`ok`), or the error; the converter's log
    either way. The service answers 200 when `ok`, else 422."""

    ok: bool
    reports: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None
    log: list[str] = Field(default_factory=list)


class ReloadResult(_Body):
    """`POST /config/reload`: the sections applied now and those that need a restart (`ok`),
    or why the file was refused (422)."""

    ok: bool
    applied: list[str] = Field(default_factory=list)
    restart_required: list[str] = Field(default_factory=list)
    error: str | None = None
