"""What every `pywats-client` command shares: the output consoles, `--config` and its
default, loading the configuration, and failing with a clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pywats_client._config import CONFIG_ENV, ClientConfig, ConfigError, load_config
from pywats_client._control_client import ControlClient

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG",
    "ConfigOption",
    "connect",
    "console",
    "errors",
    "fail",
    "load",
]


# Output carries paths, file names and server messages: never read as markup, never wrapped
# inside a word (a path must survive copy and paste).
console = Console(markup=False, highlight=False, soft_wrap=True)
errors = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", envvar=CONFIG_ENV, help="The instance's TOML file."),
]
#: Every command's `--config`: the option, else `$PYWATS_CLIENT_CONFIG`, else this file here
#: (where `init` writes it), as the configurator does.
DEFAULT_CONFIG = Path("client.toml")


def load(path: Path) -> ClientConfig:
    """The configuration at `path`; an invalid one is printed by key and exits 2."""
    try:
        return load_config(path)
    except ConfigError as exc:
        errors.print("invalid configuration", style="red")
        errors.print(str(exc))
        raise typer.Exit(2) from None


def connect(path: Path) -> ControlClient:
    """A client of the service running from the configuration at `path`."""
    return ControlClient.for_data_folder(load(path).paths.data)


def fail(exc: Exception) -> typer.Exit:
    """Print `exc` as one clear line; raise what this returns to exit 1."""
    errors.print(str(exc), style="red")
    return typer.Exit(1)
