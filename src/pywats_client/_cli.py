"""`pywats-client`: set up, run, inspect and install the station service."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

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
    load_config,
    parse_config,
)
from pywats_client._control_client import ControlClient, ControlError
from pywats_client._faults import Faults
from pywats_client._identity import Station
from pywats_client._logging import configure_logging
from pywats_client._report_outline import report_outline
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
console = Console(markup=False, highlight=False, soft_wrap=True)
errors = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", envvar="PYWATS_CLIENT_CONFIG", help="The instance's TOML file."),
]


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


@app.command()
def init(
    config: ConfigOption = Path("client.toml"),
    server_url: Annotated[str, typer.Option(prompt="WATS server URL")] = "",
    token: Annotated[str, typer.Option(prompt="API token", hide_input=True)] = "",
    station: Annotated[str, typer.Option(help="Station name (host name when empty)")] = "",
    location: Annotated[str, typer.Option()] = "",
    purpose: Annotated[str, typer.Option()] = "Production",
    converter: Annotated[list[str], typer.Option(help="TYPE=FOLDER, repeatable")] = [],  # noqa: B006
    force: Annotated[bool, typer.Option(help="Overwrite an existing file")] = False,
) -> None:
    """Write a configuration file and its 0600 token file (prompts for what is not given)."""
    if config.exists() and not force:
        raise _fail(FileExistsError(f"{config} exists (use --force to overwrite)"))
    converters = []
    for spec in converter or ["wsjf=in/wsjf"]:
        kind, _, folder = spec.partition("=")
        if not folder:
            raise _fail(ValueError(f"--converter {spec!r}: expected TYPE=FOLDER"))
        entry: dict[str, Any] = {"type": kind, "watch": folder, "after": "move"}
        try:
            declared = get_converter(kind).parameters
        except LookupError as exc:
            raise _fail(exc) from None
        # Values the format never carries: asked now, so the station's first file converts.
        asked = {
            p.name: typer.prompt(f"{kind} converter: {p.name} ({p.help})", type=p.kind)
            for p in declared
            if p.required
        }
        if asked:
            entry["parameters"] = asked
        converters.append(entry)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "server": {"url": server_url, "token_file": "secrets/token"},
        "station": {
            k: v
            for k, v in {"name": station, "location": location, "purpose": purpose}.items()
            if v
        },
        "paths": {"data": "data"},
        "control": {"host": "127.0.0.1", "port": 8765},
        "converters": converters,
    }
    text = tomli_w.dumps(document)
    home = config.resolve().parent
    try:
        parse_config(text, origin=str(config), base=home)
    except ConfigError as exc:
        raise _fail(exc) from None
    secret = home / "secrets" / "token"
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


@app.command()
def run(config: ConfigOption) -> None:
    """Run the service in the foreground until SIGTERM or Ctrl-C."""
    from pywats_client._service import Service

    settings = _load(config)
    try:
        faults = Faults.parse(os.environ.get("PYWATS_FAULT"))
    except ValueError as exc:
        raise _fail(exc) from None
    try:
        configure_logging(
            settings.make_data_folder(),
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
        anyio.run(service.run)
    except ConfigError as exc:
        errors.print("cannot start", style="red")
        errors.print(str(exc))
        raise typer.Exit(2) from None


@app.command()
def status(config: ConfigOption, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the running service's state."""
    try:
        with _client(config) as client:
            state = client.status()
    except ControlError as exc:
        raise _fail(exc) from None
    if as_json:
        console.print_json(json.dumps(state))
        return
    table = Table(title=f"station {state['station']['name']} → {state['server']}")
    table.add_column("what")
    table.add_column("value", justify="right")
    outbox = state["outbox"]
    for label, value in (
        ("ready", state["ready"]),
        ("pending", outbox["pending"]),
        ("delivered (kept)", outbox["delivered"]),
        ("quarantined reports", outbox["quarantined"]),
        ("quarantined files", state["quarantined_files"]),
        ("queued bytes", f"{outbox['queued_bytes']:,} of {outbox['budget_bytes']:,}"),
        ("uploading", state["uploader"]["in_flight"]),
        ("last error", state["uploader"]["last_error"] or "—"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    for problem in state["health"]:
        console.print(Text.assemble(("unhealthy:", "red"), f" {problem}"))
    if state["health"]:
        raise typer.Exit(1)


@outbox_app.command("list")
def outbox_list(
    config: ConfigOption,
    state: Annotated[str | None, typer.Option(help="pending, delivered or quarantined")] = None,
    limit: int = 50,
) -> None:
    """List queued, delivered or quarantined reports."""
    try:
        with _client(config) as client:
            items = client.outbox(state, limit)
    except ControlError as exc:
        raise _fail(exc) from None
    table = Table()
    for column in ("id", "state", "converter", "source", "attempts", "last error"):
        table.add_column(column)
    for item in items:
        table.add_row(
            item.id,
            item.state,
            item.converter,
            item.source,
            str(item.attempts),
            item.last_error or "",
        )
    console.print(table)


@outbox_app.command("retry")
def outbox_retry(report_id: str, config: ConfigOption) -> None:
    """Queue a quarantined (or delivered) report again."""
    try:
        with _client(config) as client:
            client.retry_item(report_id)
    except ControlError as exc:
        raise _fail(exc) from None
    console.print(f"{report_id} queued again")


@outbox_app.command("delete")
def outbox_delete(report_id: str, config: ConfigOption) -> None:
    """Remove a report from the outbox for good."""
    try:
        with _client(config) as client:
            client.delete_item(report_id)
    except ControlError as exc:
        raise _fail(exc) from None
    console.print(f"{report_id} deleted")


@outbox_app.command("verify")
def outbox_verify(config: ConfigOption) -> None:
    """Check outbox files against their records; exit 1 when something disagrees."""
    try:
        with _client(config) as client:
            problems = client.verify()
    except ControlError as exc:
        raise _fail(exc) from None
    for name, problem in problems:
        console.print(f"{name}: {problem}")
    if problems:
        raise typer.Exit(1)
    console.print("outbox consistent")


@converters_app.command("list")
def converters_list(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Also list this instance's configured converters."),
    ] = None,
) -> None:
    """Every converter this installation knows, with its parameters; with `--config`, also the
    configured entries and whether each is enabled."""
    table = Table(title="installed converters")
    for column in ("name", "patterns", "parameters"):
        table.add_column(column)
    for name, kind in available_converters().items():
        parameters = ", ".join(f"{p.name}={p.default!r}" for p in kind.parameters)
        table.add_row(name, " ".join(kind.patterns), parameters)
    console.print(table)
    if config is None:
        return
    configured = Table(title=f"configured in {config}")
    for column in ("#", "type", "enabled", "watch", "patterns", "after", "priority"):
        configured.add_column(column)
    for index, entry in enumerate(_load(config).converters):
        patterns = entry.patterns or get_converter(entry.type).patterns
        configured.add_row(
            str(index),
            entry.type,
            "yes" if entry.enabled else "no",
            str(entry.watch),
            " ".join(patterns),
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
    location: Annotated[
        str, typer.Option(help="Station location written into reports")
    ] = "Dry run",
    purpose: Annotated[str, typer.Option(help="Station purpose written into reports")] = "Dry run",
    show: Annotated[bool, typer.Option(help="Print the WSJF documents")] = False,
    steps: Annotated[
        int, typer.Option(help="Steps listed per sequence in the report tree (failed: all)")
    ] = 5,
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
        Job(
            converter,
            parameters,
            str(file),
            data,
            Station.detect(name=station or None, location=location, purpose=purpose),
        )
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
        else:
            console.print(report_outline(report, steps))
    console.print(table)


@config_app.command("show")
def config_show(config: ConfigOption) -> None:
    """The configuration as loaded: migrated, defaults filled in, paths resolved."""
    console.print_json(_load(config).model_dump_json())


@config_app.command("validate")
def config_validate(config: ConfigOption) -> None:
    """Exit 0 when the file is valid; otherwise print every problem by key."""
    settings = _load(config)
    console.print(f"{config}: valid ({len(settings.converters)} converter(s))")


@app.command("install-service")
def install_service(
    config: ConfigOption,
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
    config: ConfigOption,
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
def start(config: ConfigOption, user: bool = False) -> None:
    """Start the installed service."""
    _service_action(config, "start", user)


@app.command()
def stop(config: ConfigOption, user: bool = False) -> None:
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
