"""The instance configuration: one TOML file, validated, with `schema_version` migrations.

Relative paths in the file are relative to the file's folder. Errors name the file and the key
(`client.toml: converters[0].after: expected 'move', 'delete' or 'keep'`).
"""

from __future__ import annotations

import difflib
import fnmatch
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pywats_client._identity import Station

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "CONFIG_ENV",
    "SCHEMA_VERSION",
    "ClientConfig",
    "ConfigError",
    "ControlConfig",
    "ConverterConfig",
    "IntakeConfig",
    "LoggingConfig",
    "OutboxConfig",
    "PathsConfig",
    "ServerConfig",
    "StationConfig",
    "load_config",
    "parse_config",
]

#: The environment variable naming an instance's configuration file (when `--config` is not
#: given to a command, and for programs that hand reports to the station service).
CONFIG_ENV = "PYWATS_CLIENT_CONFIG"

#: The layout this version reads and writes; older files are migrated forward on load.
SCHEMA_VERSION = 1


class ConfigError(ValueError):
    """The configuration file is unreadable or invalid; the message names file and key.

    `problems` maps each offending key (`server.url`, `converters[0].watch`) to what is wrong
    with it, so a configurator can mark the field; it is empty when the whole file is at fault.
    """

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}

    @classmethod
    def at(cls, origin: str, *problems: tuple[str, str]) -> ConfigError:
        """An error with one `origin: key: message` line per problem."""
        lines = "\n".join(f"{origin}: {key}: {message}" for key, message in problems)
        found: dict[str, str] = {}
        for key, message in problems:
            found.setdefault(key, message)
        return cls(lines, found)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerConfig(_Section):
    url: str = Field(description="WATS server base URL (http or https)")
    token_file: Path | None = Field(None, description="File holding the API token (0600)")
    timeout: float = Field(30.0, gt=0, description="Request timeout, seconds")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        try:
            urlsplit(value).port  # noqa: B018 - parsing it is the check
        except ValueError:
            raise ValueError(f"expected a port number from 0 to 65535 in {value!r}") from None
        return value.rstrip("/")


class StationConfig(_Section):
    name: str | None = Field(None, description="Station name; the host name when absent")
    # WATS refuses reports with an empty location or purpose, so neither may be blank.
    location: str = Field(
        "Unspecified", min_length=1, description="Where the station stands, e.g. 'Line 1'"
    )
    purpose: str = Field(
        "Production", min_length=1, description="What the station is for, e.g. 'Production'"
    )


class PathsConfig(_Section):
    data: Path = Field(Path("data"), description="Outbox, ledger, quarantine and logs")


class ControlConfig(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535, description="0 picks a free port")


class OutboxConfig(_Section):
    max_mb: float = Field(1024.0, gt=0, description="Budget for queued reports; intake waits")
    keep_delivered_hours: float = Field(168.0, ge=0)
    upload_concurrency: int = Field(2, ge=1, le=32)
    retry_base_seconds: float = Field(0.5, gt=0)
    retry_max_seconds: float = Field(60.0, gt=0)
    health_max_age_minutes: float = Field(
        60.0, gt=0, description="/health fails when the oldest pending item is older"
    )
    health_stall_seconds: float = Field(
        300.0,
        gt=0,
        description="/health fails when reports are due and no upload attempt ended this long"
        " (keep it above server.timeout)",
    )


class IntakeConfig(_Section):
    stable_seconds: float = Field(2.0, ge=0, description="Size and mtime unchanged this long")
    rescan_seconds: float = Field(60.0, gt=0)
    workers: int = Field(2, ge=1, le=64, description="Conversion worker processes, at most")
    worker_idle_seconds: float = Field(
        60.0, gt=0, description="A conversion worker unused this long exits; a file starts one"
    )
    timeout_seconds: float = Field(120.0, gt=0, description="Per-file conversion limit")


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"
    console: bool = True


class ConverterConfig(_Section):
    type: str = Field(description="Converter name, e.g. 'wsjf'")
    watch: Path
    # Optional with a default, so files without it keep meaning what they meant: no new schema.
    enabled: bool = Field(
        True, description="A disabled converter keeps its settings but takes no files"
    )
    patterns: tuple[str, ...] | None = Field(None, description="Defaults to the converter's")
    exclude: tuple[str, ...] = ()
    after: Literal["move", "delete", "keep"] = "move"
    done: Path | None = Field(None, description="Where 'move' puts sources; <watch>/Done")
    priority: int = Field(0, description="Higher uploads first")
    parameters: dict[str, Any] = Field(default_factory=dict)

    @property
    def effective_patterns(self) -> tuple[str, ...]:
        """The file name globs this converter takes: its own, else its type's, else all.

        Raises ConverterPluginError when the type is a plug-in that cannot be used (see
        `plugin_problem`).
        """
        from pywats_client.converters import get_converter

        return self.patterns or get_converter(self.type).patterns or ("*",)

    def plugin_problem(self) -> str | None:
        """Why this entry's converter cannot be used although an installed plug-in declares it
        (it fails to import, or its declaration is wrong), or None. Such an entry is valid
        configuration: the service runs without it, leaves its folder alone and reports this
        in its health until the plug-in is fixed and the service restarted."""
        from pywats_client.converters import ConverterPluginError, get_converter

        try:
            get_converter(self.type)
        except ConverterPluginError as exc:
            return str(exc)
        except LookupError:
            return None  # an unknown name is a configuration error, found on load
        return None

    @property
    def done_folder(self) -> Path:
        return self.done if self.done is not None else self.watch / "Done"


class ClientConfig(_Section):
    schema_version: int
    server: ServerConfig
    station: StationConfig = StationConfig()
    paths: PathsConfig = PathsConfig()
    control: ControlConfig = ControlConfig()
    outbox: OutboxConfig = OutboxConfig()
    intake: IntakeConfig = IntakeConfig()
    logging: LoggingConfig = LoggingConfig()
    converters: tuple[ConverterConfig, ...] = ()

    def identity(self) -> Station:
        """The station identity, with the host name when `station.name` is not set."""
        return Station.detect(
            name=self.station.name, location=self.station.location, purpose=self.station.purpose
        )

    def make_data_folder(self) -> Path:
        """Create `paths.data` when missing and return it; ConfigError keyed `paths.data` when
        it cannot be a folder (its place is a file, a read-only or missing mount)."""
        folder = self.paths.data
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = f"cannot create the folder {folder}: {exc.strerror}"
            raise ConfigError(f"paths.data: {problem}", {"paths.data": problem}) from None
        return folder

    def token(self) -> str | None:
        """The server token read from `server.token_file`, or None when no file is configured."""
        if self.server.token_file is None:
            return None
        try:
            return self.server.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            problem = f"cannot read {self.server.token_file}: {exc.strerror}"
            raise ConfigError(
                f"server.token_file: {problem}", {"server.token_file": problem}
            ) from None


def _from_0(document: dict[str, Any]) -> dict[str, Any]:
    """Version 0, the unversioned draft layout: `data_dir` at the top, `folder` per converter."""
    migrated = dict(document)
    if "data_dir" in migrated:
        migrated.setdefault("paths", {})["data"] = migrated.pop("data_dir")
    migrated["converters"] = [
        {("watch" if key == "folder" else key): value for key, value in converter.items()}
        for converter in migrated.get("converters", [])
    ]
    return migrated


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _from_0}


def _migrate(document: dict[str, Any], origin: str) -> dict[str, Any]:
    version = document.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        problem = f"expected an integer, got {version!r}"
        raise ConfigError.at(origin, ("schema_version", problem))
    if version > SCHEMA_VERSION:
        problem = (
            f"{version} is newer than this pywats-client understands ({SCHEMA_VERSION}); "
            "upgrade pywats-client"
        )
        raise ConfigError.at(origin, ("schema_version", problem))
    while version < SCHEMA_VERSION:
        if version not in _MIGRATIONS:
            problem = f"no migration from version {version}"
            raise ConfigError.at(origin, ("schema_version", problem))
        document = _MIGRATIONS[version](document)
        version += 1
        document["schema_version"] = version
    return document


def _key(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _section(location: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose keys live at `location` (list indexes skipped), None if not a section."""
    model: type[BaseModel] = ClientConfig
    for part in location:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = None if field is None else field.annotation
        for candidate in (inner, *getattr(inner, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                model = candidate
                break
        else:
            return None
    return model


def _explain(kind: str, location: tuple[int | str, ...], message: str, given: object) -> str:
    """Pydantic's `message` said as what was expected: an unknown key names the nearest known
    one, a wrong value is quoted."""
    if kind == "extra_forbidden":
        section = _section(location[:-1])
        known = list(section.model_fields) if section else []
        near = difflib.get_close_matches(str(location[-1]), known, n=1)
        hint = f"; did you mean `{near[0]}`?" if near else f"; expected one of {', '.join(known)}"
        return f"unknown key{hint}"
    if kind == "missing":
        if _section(location) is not None:
            return f"missing; expected a [{_key(location)}] table"
        return "missing; expected a value for this key"
    message = message.replace("Input should be", "expected", 1)
    if isinstance(given, (str, int, float, bool)):
        return f"{message}, got {given!r}"
    return message


def anchored(path: Path, base: Path) -> Path:
    """A path from the configuration file: absolute as given, else relative to `base` (the
    file's folder). The service and the configurator resolve every path this way."""
    return path if path.is_absolute() else (base / path).resolve()


def _resolve(config: ClientConfig, base: Path) -> ClientConfig:
    def at(path: Path) -> Path:
        return anchored(path, base)

    server = config.server
    if server.token_file is not None:
        server = server.model_copy(update={"token_file": at(server.token_file)})
    converters = tuple(
        c.model_copy(update={"watch": at(c.watch), "done": at(c.done) if c.done else None})
        for c in config.converters
    )
    return config.model_copy(
        update={
            "server": server,
            "paths": PathsConfig(data=at(config.paths.data)),
            "converters": converters,
        }
    )


def parse_config(text: str, *, origin: str = "<config>", base: Path | None = None) -> ClientConfig:
    """Parse and validate TOML `text`; `origin` names it in errors, `base` anchors paths."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    document = _migrate(document, origin)
    try:
        config = ClientConfig.model_validate(document)
    except ValidationError as exc:
        problems = [
            (_key(e["loc"]), _explain(e["type"], e["loc"], e["msg"], e.get("input")))
            for e in exc.errors()
        ]
        raise ConfigError.at(origin, *problems) from None
    _check_converters(config, origin)
    if base is None:
        return config
    resolved = _resolve(config, base)
    _check_watch_folders(resolved, origin)
    return resolved


def _check_converters(config: ClientConfig, origin: str) -> None:
    from pywats_client.converters import (
        ConverterPluginError,
        ParameterError,
        UnknownConverterError,
        get_converter,
    )

    for index, converter in enumerate(config.converters):
        try:
            get_converter(converter.type)(converter.parameters)
        except ConverterPluginError:
            # Installed but broken: the service runs the other converters and reports this
            # one (ConverterConfig.plugin_problem); `config validate` warns.
            continue
        except UnknownConverterError as exc:
            raise ConfigError.at(origin, (f"converters[{index}].type", str(exc))) from None
        except ParameterError as exc:
            key = f"converters[{index}].parameters.{exc.key}"
            raise ConfigError.at(origin, (key, str(exc))) from None


def _check_watch_folders(config: ClientConfig, origin: str) -> None:
    # A missing watch folder is never made (an unmounted share must not become a local
    # folder): the service reports it and watches it once it appears. A file in a folder's
    # place would leave every accepted source unmoved, to be converted again at each rescan,
    # so it is refused here.
    for index, converter in enumerate(config.converters):
        folders = {"watch": converter.watch}
        if converter.after == "move":
            folders["done"] = converter.done_folder
        for key, folder in folders.items():
            if folder.exists() and not folder.is_dir():
                problem = f"{folder} is a file; expected a folder"
                raise ConfigError.at(origin, (f"converters[{index}].{key}", problem))
        if converter.enabled:
            _check_not_shadowed(config, index, origin)


def _check_not_shadowed(config: ClientConfig, index: int, origin: str) -> None:
    """Refuse a converter whose files an earlier one takes: a file goes to the first enabled
    converter whose folder (watched with sub-folders) and patterns it matches, so the later
    one would silently never see them. A more specific folder listed first is fine."""
    later = config.converters[index]
    if later.plugin_problem():
        return  # never watched: it shadows nothing and nothing shadows it
    for number, earlier in enumerate(config.converters[:index]):
        if not earlier.enabled or earlier.exclude or not later.watch.is_relative_to(earlier.watch):
            continue
        if earlier.plugin_problem():
            continue
        for mine in later.effective_patterns:
            for theirs in earlier.effective_patterns:
                if _globs_meet(mine, theirs):
                    problem = (
                        f"converters[{number}] ({earlier.type}) already takes {theirs} from "
                        f"{earlier.watch}, so this converter would never see its {mine} files; "
                        "give each converter its own folder or patterns that do not overlap"
                    )
                    raise ConfigError.at(origin, (f"converters[{index}].watch", problem))


def _globs_meet(first: str, second: str) -> bool:
    # Each glob read as a name: "*" meets "*.json", "*.json" meets "*.json"; "*.csv" and
    # "*.json" do not. Case-insensitive, as the watcher matches.
    a, b = first.lower(), second.lower()
    return fnmatch.fnmatchcase(a, b) or fnmatch.fnmatchcase(b, a)


def load_config(path: Path) -> ClientConfig:
    """Read, migrate and validate the configuration file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc.strerror}") from None
    return parse_config(text, origin=str(path), base=path.resolve().parent)
