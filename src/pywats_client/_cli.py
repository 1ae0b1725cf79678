"""`pywats-client`: set up, run, inspect and install the station service."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Annotated, Any

import anyio
import tomli_w
import typer
from rich.table import Table

from pywats_client._cli_common import (
    CONFIG_ENV,
    DEFAULT_CONFIG,
    ConfigOption,
    console,
    errors,
    fail,
    load,
)
from pywats_client._cli_outbox import outbox_app, status
from pywats_client._config import (
    SCHEMA_VERSION,
    ClientConfig,
    ConfigError,
    ControlConfig,
    ConverterConfig,
    parse_config,
)
from pywats_client._faults import Faults
from pywats_client._identity import Station
from pywats_client._logging import configure_logging, log_file
from pywats_client._probe import check_server
from pywats_client._report_outline import report_outline
from pywats_client._sdnotify import Notifier
from pywats_client._service_install import ServiceDefinition, control, install, platform_name
from pywats_client._service_install import uninstall as uninstall_definition
from pywats_client._workers import Converted, Job, convert_job
from pywats_client.converters import converter_catalog, get_converter, read_companion

__all__ = ["app", "main"]

# Plain help: typer's rich rendering costs more start-up time than the rest of the command.
app = typer.Typer(help="The pyWATS station service.", no_args_is_help=True, rich_markup_mode=None)
converters_app = typer.Typer(help="Available converters; try one on a file.", no_args_is_help=True)
config_app = typer.Typer(help="Show or check a configuration file.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.command()(status)
app.add_typer(converters_app, name="converters")
app.add_typer(config_app, name="config")


def _ask(label: str, *, hide_input: bool = False) -> str:
    """Prompt until the answer is not blank."""
    while True:
        answer = str(typer.prompt(label, default="", show_default=False, hide_input=hide_input))
        if answer.strip():
            return answer.strip()
        errors.print(f"{label}: an answer is needed")


def _show_version(wanted: bool) -> None:
    if wanted:
        from pywats import __version__

        console.print(f"pywats-client {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The pyWATS station service."""


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
        raise fail(FileExistsError(f"{config} exists (use --force to overwrite)"))
    converters = []
    for spec in converter or ["wsjf=in/wsjf"]:
        kind, _, folder = spec.partition("=")
        if not folder:
            raise fail(ValueError(f"--converter {spec!r}: expected TYPE=FOLDER"))
        entry: dict[str, Any] = {"type": kind, "watch": folder, "after": "move"}
        try:
            declared = get_converter(kind).parameters
        except LookupError as exc:
            raise fail(exc) from None
        # A header value the format never carries: asked now, not at the first quarantined file.
        asked = {
            p.name: _ask(f"{kind} converter: {p.name} ({p.help})") for p in declared if p.required
        }
        if asked:
            entry["parameters"] = asked
        converters.append(entry)
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
        raise fail(exc) from None
    secret = home / "secrets" / "token"
    check = check_server(server_url, token)
    if check.refused:
        raise fail(
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
        raise fail(RuntimeError(f"cannot write {exc.filename}: {exc.strerror}")) from None
    console.print(f"wrote {config} and {secret} (mode 0600)")
    if port_note:
        console.print(port_note)
    if check.ok:
        console.print(check.message)
    else:
        errors.print(f"warning: {check.message}; reports wait until it answers")
    for watched in settings.converters:
        patterns = " ".join(watched.effective_patterns)
        console.print(f"drop {patterns} files for {watched.type} into {watched.watch}")
    console.print(f"then start the service: pywats-client run --config {config}")


@app.command()
def run(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Run the service in the foreground until SIGTERM or Ctrl-C."""
    from pywats_client._service import Service

    settings = load(config)
    try:
        faults = Faults.parse(os.environ.get("PYWATS_FAULT"))
    except ValueError as exc:
        raise fail(exc) from None
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
        if problem := entry.plugin_problem():
            errors.print(
                f"not watching {entry.watch} ({entry.type}): {problem}",
                style="red",
            )
            continue
        missing = "" if entry.watch.is_dir() else " (missing: taken once it appears)"
        patterns = " ".join(entry.effective_patterns)
        console.print(f"watching {entry.watch} for {patterns} ({entry.type}){missing}")
    console.print(f"log: {log}")


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
    """Every converter this installation knows, where it comes from (built-in or the plug-in's
    distribution and version) and its parameters; plug-ins that cannot be used, and why; with
    `--config`, also the configured entries and whether each is enabled."""
    catalog = converter_catalog()
    entries = load(config).converters if config is not None else ()
    if as_json:
        body: dict[str, Any] = {
            "installed": [
                {
                    "name": name,
                    "origin": catalog.origins[name],
                    "patterns": list(kind.patterns),
                    "parameters": {p.name: p.default for p in kind.parameters},
                }
                for name, kind in catalog.converters.items()
            ],
            "problems": [
                {
                    "name": problem.name,
                    "distribution": problem.distribution,
                    "entry_point": problem.entry_point,
                    "reason": problem.reason,
                }
                for problem in catalog.problems
            ],
        }
        if config is not None:
            body["configured"] = [
                {
                    "index": index,
                    "type": entry.type,
                    "enabled": entry.enabled,
                    "watch": str(entry.watch),
                    "patterns": list(_configured_patterns(entry)),
                    "after": entry.after,
                    "priority": entry.priority,
                }
                for index, entry in enumerate(entries)
            ]
        console.print_json(json.dumps(body, default=str))
        return
    table = Table(title="installed converters")
    for column in ("name", "origin", "patterns", "parameters"):
        table.add_column(column, overflow="fold")  # a narrow terminal still shows whole names
    for name, kind in catalog.converters.items():
        parameters = ", ".join(f"{p.name}={p.default!r}" for p in kind.parameters)
        table.add_row(name, catalog.origins[name], " ".join(kind.patterns), parameters)
    console.print(table)
    for problem in catalog.problems:
        errors.print(f"not usable: {problem}", style="red")
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
            " ".join(_configured_patterns(entry)),
            entry.after,
            str(entry.priority),
        )
    console.print(configured)


def _configured_patterns(entry: ConverterConfig) -> tuple[str, ...]:
    """The entry's patterns; its own only when its plug-in cannot be loaded."""
    return (entry.patterns or ()) if entry.plugin_problem() else entry.effective_patterns


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
            raise fail(ValueError(f"--param {item!r}: expected NAME=VALUE"))
        try:
            parameters[key] = json.loads(raw)
        except ValueError:
            parameters[key] = raw
    try:
        chosen = get_converter(converter)
        chosen(parameters)
    except (LookupError, ValueError) as exc:
        raise fail(exc) from None
    try:
        data = file.read_bytes()
        companions = read_companion(chosen.companion(file))  # a Klippel log's folder
    except OSError as exc:
        raise fail(RuntimeError(f"{file}: cannot read the file: {exc.strerror}")) from None
    outcome = convert_job(
        # WATS requires a location and purpose; a dry run has neither, so it says what it is.
        Job(
            converter,
            parameters,
            str(file),
            data,
            Station.detect(name=station or None, location=location, purpose=purpose),
            companions,
        )
    )
    if not isinstance(outcome, Converted):
        for line in outcome.log:
            errors.print(line)
        raise fail(RuntimeError(outcome.reason))
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
def config_show(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """The configuration as loaded: migrated, defaults filled in, paths resolved."""
    console.print_json(load(config).model_dump_json())


@config_app.command("validate")
def config_validate(
    config: ConfigOption = DEFAULT_CONFIG,
    offline: Annotated[bool, typer.Option(help="Do not ask the server about the token")] = False,
) -> None:
    """Exit 0 when the file is valid and the server accepts the token (or cannot be reached:
    a warning); otherwise print every problem by key and exit 2."""
    settings = load(config)
    console.print(f"{config}: valid ({len(settings.converters)} converter(s))")
    for index, entry in enumerate(settings.converters):
        if problem := entry.plugin_problem():
            errors.print(
                f"warning: {config}: converters[{index}].type: {problem}; the service runs "
                "without it",
            )
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
    load(config)
    definition = ServiceDefinition.for_config(config, user_mode=user)
    try:
        path = install(
            definition,
            platform=platform_name(),
            target_dir=unit_dir,
            enable=enable and unit_dir is None,
        )
    except (OSError, RuntimeError) as exc:
        raise fail(exc) from None
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
        raise fail(exc) from None
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
        raise fail(exc) from None
    except Exception as exc:  # the service manager's own failure, e.g. unit not installed
        raise fail(RuntimeError(f"{action} {definition.name} failed: {exc}")) from None
    console.print(f"{action}: {definition.name}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="pywats-client")
