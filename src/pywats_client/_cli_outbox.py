"""`pywats-client status` and `outbox ...`: the service's state and its queue, from the running
service or, while it is stopped, read from its data folder."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from pywats_client._cli_common import (
    DEFAULT_CONFIG,
    ConfigOption,
    connect,
    console,
    fail,
    load,
)
from pywats_client._config import ClientConfig
from pywats_client._control_client import ControlClient, ControlError, ServiceNotRunning
from pywats_client._control_models import ServiceStatus, StoppedStatus
from pywats_client._inspect import Listed, StoppedStation, listing, resolve

__all__ = ["outbox_app", "status"]

_T = TypeVar("_T")

outbox_app = typer.Typer(help="Inspect and manage queued reports.", no_args_is_help=True)


def status(
    config: ConfigOption = DEFAULT_CONFIG, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Show the service's state; while it is stopped, what its data folder holds (exit 3)."""
    settings = load(config)
    try:
        with ControlClient.for_data_folder(settings.paths.data) as client:
            state: ServiceStatus | StoppedStatus = client.status()
    except ServiceNotRunning as exc:
        reason = str(exc)
        state = _stopped(settings, lambda station: station.status(reason))
    except ControlError as exc:
        raise fail(exc) from None
    if as_json:
        console.print_json(state.model_dump_json())
    else:
        _print_status(state)
    if isinstance(state, StoppedStatus):
        raise typer.Exit(3)
    if state.health:
        raise typer.Exit(1)


def _stopped(settings: ClientConfig, read: Callable[[StoppedStation], _T]) -> _T:
    """`read` on the data folder of the stopped service, opened read-only."""
    try:
        station = StoppedStation(settings)
    except OSError as exc:
        raise fail(exc) from None
    try:
        return read(station)
    finally:
        station.close()


def _when(moment: float | None) -> str:
    if not moment:
        return "—"
    left = moment - time.time()
    clock = time.strftime("%H:%M:%S", time.localtime(moment))
    return f"{clock} (in {left:.0f} s)" if left > 0.5 else f"{clock} (now)"


def _print_status(state: ServiceStatus | StoppedStatus) -> None:
    table = Table(title=f"station {state.station.name} → {state.server}")
    table.add_column("what")
    table.add_column("value", justify="right")
    outbox = state.outbox
    if isinstance(state, StoppedStatus):
        table.add_row("service", "stopped")
    else:
        uploader = state.uploader
        table.add_row("service", f"running (pid {state.pid})")
        table.add_row("ready", str(state.ready))
        table.add_row("uploads", f"failing: {uploader.error}" if uploader.error else "ok")
        if outbox.pending:
            table.add_row("next try", _when(uploader.next_try))
        table.add_row("uploading", str(uploader.in_flight))
    for label, value in (
        ("pending", outbox.pending),
        ("delivered (kept)", outbox.delivered),
        ("quarantined reports", outbox.quarantined),
        ("quarantined files", state.quarantined_files),
        ("queued bytes", f"{outbox.queued_bytes:,} of {outbox.budget_bytes:,}"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if isinstance(state, StoppedStatus):
        console.print(f"service stopped: {state.reason}")
        console.print(f"(read from its data folder {state.data}; nothing was changed)")
        return
    for problem in state.health:
        console.print(Text.assemble(("degraded:", "red"), f" {problem}"))
    if state.errors:
        console.print("past errors (newest first):")
    for past in state.errors[:_PAST_ERRORS]:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(past.at))
        repeated = ""
        if past.count > 1:
            last = time.strftime("%H:%M:%S", time.localtime(past.last))
            repeated = f"  (×{past.count}, last {last})"
        console.print(f"  {stamp}  {past.source}: {past.error}{repeated}")


_PAST_ERRORS = 5


def _listing(settings: ClientConfig, state: str | None, limit: int) -> tuple[list[Listed], str]:
    """Reports and quarantined files, from the service or (stopped) its data folder; and a
    note saying which."""
    data = settings.paths.data
    try:
        with ControlClient.for_data_folder(data) as client:
            items, files = client.outbox(state, limit), client.quarantine()
        return listing(items, files, data, state), ""
    except ServiceNotRunning as exc:
        rows = _stopped(
            settings, lambda s: listing(s.items(state, limit), s.quarantine(), data, state)
        )
        return rows, f"service stopped ({exc}); read from its data folder"
    except ControlError as exc:
        raise fail(exc) from None


@outbox_app.command("list")
def outbox_list(
    config: ConfigOption = DEFAULT_CONFIG,
    state: Annotated[str | None, typer.Option(help="pending, delivered or quarantined")] = None,
    limit: int = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List queued, delivered and quarantined reports, and quarantined source files (with why
    and where); works while the service is stopped."""
    if state not in (None, "pending", "delivered", "quarantined"):
        raise fail(
            ValueError(f"--state: expected pending, delivered or quarantined, got {state!r}")
        )
    rows, note = _listing(load(config), state, limit)
    if as_json:
        console.print_json(json.dumps([asdict(row) for row in rows]))
        return
    table = Table()
    for column in ("id", "state", "converter", "source", "attempts", "reason"):
        # Ids and paths are copied from here: the reason wraps first.
        table.add_column(column, no_wrap=column in ("id", "source"))
    # A path is shown whole (the other columns give way first); a report kept in the database
    # has none.
    table.add_column("path", no_wrap=True, min_width=max((len(r.path) for r in rows), default=4))
    for row in rows:
        attempts = str(row.attempts) if row.kind == "report" else ""
        table.add_row(row.id, row.state, row.converter, row.source, attempts, row.reason, row.path)
    console.print(table)
    if note:
        console.print(note)


def _target(config: Path, given: str) -> tuple[ControlClient, Listed]:
    """The running service and the report or file whose id is (or uniquely starts with)
    `given`."""
    settings = load(config)
    try:
        client = ControlClient.for_data_folder(settings.paths.data)
    except ControlError as exc:
        raise fail(exc) from None
    try:
        rows = listing(
            client.outbox(None, 1_000_000), client.quarantine(), settings.paths.data, None
        )
        return client, resolve(given, rows)
    except (ControlError, LookupError) as exc:
        client.close()
        raise fail(exc) from None


@outbox_app.command("retry")
def outbox_retry(
    report_id: Annotated[str, typer.Argument(help="An id, or the start of one")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Queue a quarantined (or delivered) report again, or put a quarantined file back in its
    watch folder."""
    client, row = _target(config, report_id)
    with client:
        try:
            if row.kind == "file":
                client.retry_quarantined(row.id)
            else:
                client.retry_item(row.id)
        except ControlError as exc:
            raise fail(exc) from None
    console.print(
        f"{row.id} back in {row.source}" if row.kind == "file" else f"{row.id} queued again"
    )


@outbox_app.command("delete")
def outbox_delete(
    report_id: Annotated[str, typer.Argument(help="An id, or the start of one")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Remove a report or a quarantined file for good."""
    client, row = _target(config, report_id)
    with client:
        try:
            if row.kind == "file":
                client.delete_quarantined(row.id)
            else:
                client.delete_item(row.id)
        except ControlError as exc:
            raise fail(exc) from None
    console.print(f"{row.id} deleted")


@outbox_app.command("retry-now")
def outbox_retry_now(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Try every pending report now instead of waiting out the backoff (the server is back)."""
    try:
        with connect(config) as client:
            pending = client.retry_now()
    except ControlError as exc:
        raise fail(exc) from None
    console.print(f"{pending} pending report(s) being tried now")


@outbox_app.command("verify")
def outbox_verify(
    config: ConfigOption = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check queued reports against their checksums; exit 1 when something disagrees."""
    try:
        with connect(config) as client:
            problems = client.verify()
    except ControlError as exc:
        raise fail(exc) from None
    if as_json:
        console.print_json(json.dumps([p.model_dump() for p in problems]))
        raise typer.Exit(1 if problems else 0)
    for found in problems:
        console.print(f"{found.file}: {found.problem}")
    if problems:
        raise typer.Exit(1)
    console.print("outbox consistent")
