"""`pywats-client`: set up, run, inspect and install the station service."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
import tomli_w
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pywats_client._config import (
    SCHEMA_VERSION,
    ClientConfig,
    ConfigError,
    ControlConfig,
    load_config,
    parse_config,
)
from pywats_client._control_client import ControlClient, ControlError, ServiceNotRunning
from pywats_client._faults import Faults
from pywats_client._identity import Station
from pywats_client._inspect import Listed, StoppedStation, listing, resolve
from pywats_client._logging import configure_logging, log_file
from pywats_client._probe import check_server
from pywats_client._sdnotify import Notifier
from pywats_client._service_install import ServiceDefinition, control, install, platform_name
from pywats_client._service_install import uninstall as uninstall_definition
from pywats_client._workers import Converted, Job, convert_job
from pywats_client.converters import available_converters, get_converter

__all__ = ["app", "main"]

app = typer.Typer(help="The pyWATS station service.", no_args_is_help=True)
outbox_app = typer.Typer(help="Inspect and manage queued reports.", no_args_is_help=True)
converters_app = typer.Typer(help="Available converters; try one on a file.", no_args_is_help=True)
config_app = typer.Typer(help="Show or check a configuration file.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.add_typer(converters_app, name="converters")
app.add_typer(config_app, name="config")

# Output carries paths, file names and server messages: never read as markup, never wrapped
# inside a word (a path must survive copy and paste).
_T = TypeVar("_T")
CONFIG_ENV = "PYWATS_CLIENT_CONFIG"

console = Console(markup=False, highlight=False, soft_wrap=True)
errors = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", envvar=CONFIG_ENV, help="The instance's TOML file."),
]
#: Every command's `--config`: the option, else `$PYWATS_CLIENT_CONFIG`, else this file here
#: (where `init` writes it), as the configurator does.
DEFAULT_CONFIG = Path("client.toml")


def _load(path: Path) -> ClientConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        errors.print("invalid configuration", style="red")
        errors.print(str(exc))
        raise typer.Exit(2) from None


def _client(path: Path) -> ControlClient:
    return ControlClient.for_data_folder(_load(path).paths.data)


def _fail(exc: Exception) -> typer.Exit:
    errors.print(str(exc), style="red")
    return typer.Exit(1)


def _ask(label: str, *, hide_input: bool = False) -> str:
    """Prompt until the answer is not blank."""
    while True:
        answer = str(typer.prompt(label, default="", show_default=False, hide_input=hide_input))
        if answer.strip():
            return answer.strip()
        errors.print(f"{label}: an answer is needed")


def _control_port(host: str, wanted: int | None) -> tuple[int, str]:
    """`wanted`, or the default port when it is free, else a free one; and what to say."""
    if wanted is not None:
        return wanted, ""
    default = ControlConfig().port
    try:
        with socket.create_server((host, default)):
            return default, ""
    except OSError:
        with socket.create_server((host, 0)) as probe:
            free = int(probe.getsockname()[1])
    return free, (
        f"control port {default} on {host} is in use by another program; using the free port "
        f"{free} (pass --control-port to choose another)"
    )


@app.command()
def init(
    config: ConfigOption = DEFAULT_CONFIG,
    server_url: Annotated[str, typer.Option(help="WATS server URL (asked when not given)")] = "",
    token: Annotated[str, typer.Option(help="API token (asked when not given)")] = "",
    station: Annotated[str, typer.Option(help="Station name (host name when empty)")] = "",
    location: Annotated[str, typer.Option()] = "",
    purpose: Annotated[str, typer.Option()] = "Production",
    converter: Annotated[list[str], typer.Option(help="TYPE=FOLDER, repeatable")] = [],  # noqa: B006
    control_port: Annotated[
        int | None, typer.Option(help="Control API port (default 8765, or a free one if taken)")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file")] = False,
) -> None:
    """Write a configuration file and its 0600 token file (asks for what is not given), after
    checking the server accepts the token (offline: a warning)."""
    if config.exists() and not force:
        raise _fail(FileExistsError(f"{config} exists (use --force to overwrite)"))
    converters = []
    for spec in converter or ["wsjf=in/wsjf"]:
        kind, _, folder = spec.partition("=")
        if not folder:
            raise _fail(ValueError(f"--converter {spec!r}: expected TYPE=FOLDER"))
        converters.append({"type": kind, "watch": folder, "after": "move"})
    server_url = server_url.strip() or _ask("WATS server URL")
    token = token.strip() or _ask("API token", hide_input=True)
    port, port_note = _control_port("127.0.0.1", control_port)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "server": {"url": server_url, "token_file": "secrets/token"},
        "station": {
            k: v
            for k, v in {"name": station, "location": location, "purpose": purpose}.items()
            if v
        },
        "paths": {"data": "data"},
        "control": {"host": "127.0.0.1", "port": port},
        "converters": converters,
    }
    text = tomli_w.dumps(document)
    home = config.resolve().parent
    try:
        settings = parse_config(text, origin=str(config), base=home)
    except ConfigError as exc:
        raise _fail(exc) from None
    secret = home / "secrets" / "token"
    check = check_server(server_url, token)
    if check.refused:
        raise _fail(
            RuntimeError(
                f"{check.message}\nnothing was written (the token was for {secret}); run init "
                "again with the token the server issued for this station"
            )
        )
    try:
        secret.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token)
        config.write_text(text, encoding="utf-8")
        for item in converters:
            (home / item["watch"]).mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder goes, a folder where a file goes, no rights
        raise _fail(RuntimeError(f"cannot write {exc.filename}: {exc.strerror}")) from None
    console.print(f"wrote {config} and {secret} (mode 0600)")
    if port_note:
        console.print(port_note)
    if check.ok:
        console.print(check.message)
    else:
        errors.print(f"warning: {check.message}; reports wait until it answers")
    for entry in settings.converters:
        patterns = " ".join(entry.effective_patterns)
        console.print(f"drop {patterns} files for {entry.type} into {entry.watch}")
    console.print(f"then start the service: pywats-client run --config {config}")


@app.command()
def run(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Run the service in the foreground until SIGTERM or Ctrl-C."""
    from pywats_client._service import Service

    settings = _load(config)
    try:
        faults = Faults.parse(os.environ.get("PYWATS_FAULT"))
    except ValueError as exc:
        raise _fail(exc) from None
    try:
        data = settings.make_data_folder()
        configure_logging(
            data,
            level=settings.logging.level,
            fmt=settings.logging.format,
            console=settings.logging.console,
        )
        service = Service(
            settings,
            config_path=config.resolve(),
            faults=faults,
            notifier=Notifier.from_environ(os.environ),
        )
        _print_start(settings, log_file(data))
        anyio.run(service.run)
    except ConfigError as exc:
        errors.print("cannot start", style="red")
        errors.print(str(exc))
        raise typer.Exit(2) from None


def _print_start(settings: ClientConfig, log: Path) -> None:
    """What an operator needs on start: who, where to, which folders, where the log is."""
    console.print(f"station {settings.identity().name} → {settings.server.url}")
    for entry in settings.converters:
        if not entry.enabled:
            continue
        missing = "" if entry.watch.is_dir() else " (missing: taken once it appears)"
        patterns = " ".join(entry.effective_patterns)
        console.print(f"watching {entry.watch} for {patterns} ({entry.type}){missing}")
    console.print(f"log: {log}")


@app.command()
def status(
    config: ConfigOption = DEFAULT_CONFIG, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Show the service's state; while it is stopped, what its data folder holds (exit 3)."""
    settings = _load(config)
    try:
        with ControlClient.for_data_folder(settings.paths.data) as client:
            state = {"running": True, **client.status()}
    except ServiceNotRunning as exc:
        reason = str(exc)
        state = _stopped(settings, lambda station: station.status(reason))
    except ControlError as exc:
        raise _fail(exc) from None
    if as_json:
        console.print_json(json.dumps(state))
    else:
        _print_status(state)
    if not state["running"]:
        raise typer.Exit(3)
    if state["health"]:
        raise typer.Exit(1)


def _stopped(settings: ClientConfig, read: Callable[[StoppedStation], _T]) -> _T:
    """`read` on the data folder of the stopped service, opened read-only."""
    try:
        station = StoppedStation(settings)
    except OSError as exc:
        raise _fail(exc) from None
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


def _print_status(state: dict[str, Any]) -> None:
    table = Table(title=f"station {state['station']['name']} → {state['server']}")
    table.add_column("what")
    table.add_column("value", justify="right")
    outbox = state["outbox"]
    if not state["running"]:
        table.add_row("service", "stopped")
    else:
        uploader = state["uploader"]
        table.add_row("service", f"running (pid {state['pid']})")
        table.add_row("ready", str(state["ready"]))
        table.add_row("uploads", f"failing: {uploader['error']}" if uploader["error"] else "ok")
        if outbox["pending"]:
            table.add_row("next try", _when(uploader["next_try"]))
        table.add_row("uploading", str(uploader["in_flight"]))
    for label, value in (
        ("pending", outbox["pending"]),
        ("delivered (kept)", outbox["delivered"]),
        ("quarantined reports", outbox["quarantined"]),
        ("quarantined files", state["quarantined_files"]),
        ("queued bytes", f"{outbox['queued_bytes']:,} of {outbox['budget_bytes']:,}"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if not state["running"]:
        console.print(f"service stopped: {state['reason']}")
        console.print(f"(read from its data folder {state['data']}; nothing was changed)")
        return
    for problem in state["health"]:
        console.print(Text.assemble(("degraded:", "red"), f" {problem}"))
    if state["errors"]:
        console.print("past errors (newest first):")
    for past in state["errors"][:_PAST_ERRORS]:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(past["at"]))
        repeated = ""
        if past["count"] > 1:
            last = time.strftime("%H:%M:%S", time.localtime(past["last"]))
            repeated = f"  (×{past['count']}, last {last})"
        console.print(f"  {stamp}  {past['source']}: {past['error']}{repeated}")


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
        raise _fail(exc) from None


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
        raise _fail(
            ValueError(f"--state: expected pending, delivered or quarantined, got {state!r}")
        )
    rows, note = _listing(_load(config), state, limit)
    if as_json:
        console.print_json(json.dumps([asdict(row) for row in rows]))
        return
    table = Table()
    for column in ("id", "state", "converter", "source", "attempts", "reason", "path"):
        # Ids and paths are copied from here: the reason wraps first.
        table.add_column(column, no_wrap=column in ("id", "source", "path"))
    for row in rows:
        attempts = str(row.attempts) if row.kind == "report" else ""
        table.add_row(row.id, row.state, row.converter, row.source, attempts, row.reason, row.path)
    console.print(table)
    if note:
        console.print(note)


def _target(config: Path, given: str) -> tuple[ControlClient, Listed]:
    """The running service and the report or file whose id is (or uniquely starts with)
    `given`."""
    settings = _load(config)
    try:
        client = ControlClient.for_data_folder(settings.paths.data)
    except ControlError as exc:
        raise _fail(exc) from None
    try:
        rows = listing(
            client.outbox(None, 1_000_000), client.quarantine(), settings.paths.data, None
        )
        return client, resolve(given, rows)
    except (ControlError, LookupError) as exc:
        client.close()
        raise _fail(exc) from None


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
            raise _fail(exc) from None
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
            raise _fail(exc) from None
    console.print(f"{row.id} deleted")


@outbox_app.command("retry-now")
def outbox_retry_now(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Try every pending report now instead of waiting out the backoff (the server is back)."""
    try:
        with _client(config) as client:
            pending = client.retry_now()
    except ControlError as exc:
        raise _fail(exc) from None
    console.print(f"{pending} pending report(s) being tried now")


@outbox_app.command("verify")
def outbox_verify(
    config: ConfigOption = DEFAULT_CONFIG,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check outbox files against their records; exit 1 when something disagrees."""
    try:
        with _client(config) as client:
            problems = client.verify()
    except ControlError as exc:
        raise _fail(exc) from None
    if as_json:
        console.print_json(json.dumps([{"file": n, "problem": p} for n, p in problems]))
        raise typer.Exit(1 if problems else 0)
    for name, problem in problems:
        console.print(f"{name}: {problem}")
    if problems:
        raise typer.Exit(1)
    console.print("outbox consistent")


@converters_app.command("list")
def converters_list(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            envvar=CONFIG_ENV,
            help="Also list this instance's configured converters.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Every converter this installation knows, with its parameters; with `--config`, also the
    configured entries and whether each is enabled."""
    kinds = available_converters()
    entries = _load(config).converters if config is not None else ()
    if as_json:
        body: dict[str, Any] = {
            "installed": [
                {
                    "name": name,
                    "patterns": list(kind.patterns),
                    "parameters": {p.name: p.default for p in kind.parameters},
                }
                for name, kind in kinds.items()
            ]
        }
        if config is not None:
            body["configured"] = [
                {
                    "index": index,
                    "type": entry.type,
                    "enabled": entry.enabled,
                    "watch": str(entry.watch),
                    "patterns": list(entry.effective_patterns),
                    "after": entry.after,
                    "priority": entry.priority,
                }
                for index, entry in enumerate(entries)
            ]
        console.print_json(json.dumps(body, default=str))
        return
    table = Table(title="installed converters")
    for column in ("name", "patterns", "parameters"):
        table.add_column(column)
    for name, kind in kinds.items():
        parameters = ", ".join(f"{p.name}={p.default!r}" for p in kind.parameters)
        table.add_row(name, " ".join(kind.patterns), parameters)
    console.print(table)
    if config is None:
        return
    configured = Table(title=f"configured in {config}")
    for column in ("#", "type", "enabled", "watch", "patterns", "after", "priority"):
        configured.add_column(column)
    for index, entry in enumerate(entries):
        configured.add_row(
            str(index),
            entry.type,
            "yes" if entry.enabled else "no",
            str(entry.watch),
            " ".join(entry.effective_patterns),
            entry.after,
            str(entry.priority),
        )
    console.print(configured)


@converters_app.command("test")
def converters_test(
    file: Path,
    converter: Annotated[str, typer.Option("--converter", "-t", help="Converter name")],
    param: Annotated[list[str], typer.Option(help="NAME=JSON value, repeatable")] = [],  # noqa: B006
    station: str = "",
    show: Annotated[bool, typer.Option(help="Print the WSJF documents")] = False,
) -> None:
    """Convert FILE here and now, queueing nothing; exit 1 when conversion fails."""
    parameters: dict[str, Any] = {}
    for item in param:
        key, equals, raw = item.partition("=")
        if not key or not equals:
            raise _fail(ValueError(f"--param {item!r}: expected NAME=VALUE"))
        try:
            parameters[key] = json.loads(raw)
        except ValueError:
            parameters[key] = raw
    try:
        get_converter(converter)(parameters)
    except (LookupError, ValueError) as exc:
        raise _fail(exc) from None
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(RuntimeError(f"{file}: cannot read the file: {exc.strerror}")) from None
    outcome = convert_job(
        Job(converter, parameters, str(file), data, Station.detect(name=station or None))
    )
    if not isinstance(outcome, Converted):
        for line in outcome.log:
            errors.print(line)
        raise _fail(RuntimeError(outcome.reason))
    table = Table(title=f"{file.name}: {len(outcome.reports)} report(s)")
    for column in ("id", "type", "pn", "sn", "result"):
        table.add_column(column)
    for _, document in outcome.reports:
        report = json.loads(document)
        table.add_row(*(str(report.get(k, "")) for k in ("id", "type", "pn", "sn", "result")))
        if show:
            console.print_json(document.decode("utf-8"))
    console.print(table)


@config_app.command("show")
def config_show(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """The configuration as loaded: migrated, defaults filled in, paths resolved."""
    console.print_json(_load(config).model_dump_json())


@config_app.command("validate")
def config_validate(
    config: ConfigOption = DEFAULT_CONFIG,
    offline: Annotated[bool, typer.Option(help="Do not ask the server about the token")] = False,
) -> None:
    """Exit 0 when the file is valid and the server accepts the token (or cannot be reached:
    a warning); otherwise print every problem by key and exit 2."""
    settings = _load(config)
    console.print(f"{config}: valid ({len(settings.converters)} converter(s))")
    if offline:
        return
    try:
        token = settings.token()
    except ConfigError as exc:
        errors.print(f"{config}: {exc}")
        raise typer.Exit(2) from None
    if token is None:
        errors.print(f"warning: {config}: server.token_file is not set; the server will refuse")
        return
    check = check_server(settings.server.url, token, timeout=settings.server.timeout)
    if check.refused:
        errors.print(f"{config}: server.token_file: {settings.server.token_file}: {check.message}")
        raise typer.Exit(2)
    if check.ok:
        console.print(check.message)
    else:
        errors.print(f"warning: {check.message}; reports wait until it answers")


@app.command("install-service")
def install_service(
    config: ConfigOption = DEFAULT_CONFIG,
    user: Annotated[bool, typer.Option(help="A per-user service (systemd --user)")] = False,
    unit_dir: Annotated[Path | None, typer.Option(help="Write the definition here only")] = None,
    enable: Annotated[bool, typer.Option(help="Register with the service manager")] = True,
) -> None:
    """Install the service to start at boot (systemd unit, launchd agent, Windows task)."""
    _load(config)
    definition = ServiceDefinition.for_config(config, user_mode=user)
    try:
        path = install(
            definition,
            platform=platform_name(),
            target_dir=unit_dir,
            enable=enable and unit_dir is None,
        )
    except (OSError, RuntimeError) as exc:
        raise _fail(exc) from None
    console.print(f"installed {definition.name}" + (f" ({path})" if path else ""))


@app.command("uninstall-service")
def uninstall_service(
    config: ConfigOption = DEFAULT_CONFIG,
    user: bool = False,
    unit_dir: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Remove the installed service definition."""
    definition = ServiceDefinition.for_config(config, user_mode=user)
    try:
        uninstall_definition(definition, platform=platform_name(), target_dir=unit_dir)
    except (OSError, RuntimeError) as exc:
        raise _fail(exc) from None
    console.print(f"removed {definition.name}")


@app.command()
def start(config: ConfigOption = DEFAULT_CONFIG, user: bool = False) -> None:
    """Start the installed service."""
    _service_action(config, "start", user)


@app.command()
def stop(config: ConfigOption = DEFAULT_CONFIG, user: bool = False) -> None:
    """Stop the installed service (it finishes work in flight first)."""
    _service_action(config, "stop", user)


def _service_action(config: Path, action: str, user: bool) -> None:
    definition = ServiceDefinition.for_config(config, user_mode=user)
    try:
        control(definition, action, platform=platform_name())
    except (OSError, RuntimeError) as exc:
        raise _fail(exc) from None
    except Exception as exc:  # the service manager's own failure, e.g. unit not installed
        raise _fail(RuntimeError(f"{action} {definition.name} failed: {exc}")) from None
    console.print(f"{action}: {definition.name}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="pywats-client")
