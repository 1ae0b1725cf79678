"""The `pywats-server` command: init, serve, token create/list/revoke, users list.

`--db` takes a SQLAlchemy URL (`sqlite:///path/wats.db`, `postgresql://user:pw@host/db`); without
it the server uses `~/.pywats-server/pywats.db`. `PYWATS_SERVER_DB` supplies it when omitted.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._settings import Settings

# The storage layer (SQLAlchemy, Alembic) and the app (FastAPI, uvicorn) are imported by the
# commands that use them, so that `--help` and `--version` answer at once.
if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from .storage import Database, UserStore

__all__ = ["app", "main"]

# Plain help: typer's rich rendering costs more start-up time than the rest of the command.
app = typer.Typer(
    help="A local WATS-compatible server.", no_args_is_help=True, rich_markup_mode=None
)
token_app = typer.Typer(help="Issue, list and revoke API tokens.", no_args_is_help=True)
users_app = typer.Typer(help="Inspect users.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(users_app, name="users")

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="PYWATS_SERVER_DB",
        help="Database URL (sqlite:///file or postgresql://...).",
    ),
]
DEFAULT_DB = Settings().database_url  # one default, kept in Settings
_WORKER_PING_TIMEOUT = 60  # seconds a `serve --workers` worker may take to answer its supervisor


class LogLevel(str, Enum):
    """The levels uvicorn knows."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"
    trace = "trace"


def _show_version(wanted: bool) -> None:
    if wanted:
        from pywats_server import __version__

        typer.echo(f"pywats-server {__version__}")
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
    """A local WATS-compatible server."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _database(db: str, *, create: bool = False) -> Database:
    """The database at `db`, reachable and migrated to the newest schema; exit 1 saying why when
    it is unusable. Unless `create`, it must be one that `init` made: otherwise exit 2 naming the
    URL and the fix, having created nothing (a typo in a path must not become an empty server)."""
    from pywats._extras import MissingExtraError, exit_missing

    from .storage import (
        Database,
        DatabaseUnavailableError,
        migrate,
        normalise_url,
        pending_revisions,
        schema_revisions,
    )

    try:
        if not create and _no_sqlite_database(normalise_url(db)):
            raise _not_initialised(db)
        database = Database(db)
        revisions = schema_revisions(database)
        if not create and not revisions:
            database.dispose()
            raise _not_initialised(db)
        if revisions and (pending := pending_revisions(revisions)):
            typer.echo(
                f"upgrading the schema of {database.name} ({', '.join(pending)}); on a large "
                "database this takes minutes, and the server answers once it is done",
                err=True,
            )
        migrate(database)
    except MissingExtraError as exc:
        exit_missing(exc)
    except (ValueError, DatabaseUnavailableError) as exc:
        raise _fail(str(exc)) from None
    return database


def _no_sqlite_database(url: URL) -> bool:
    """A SQLite URL naming no file, or an empty one (which opening would write to)."""
    if url.get_backend_name() != "sqlite":
        return False
    path = Path(url.database or "")
    return not path.is_file() or path.stat().st_size == 0


def _not_initialised(db: str) -> typer.Exit:
    from .storage import masked_url

    shown = masked_url(db)
    typer.echo(
        f"error: no pywats-server database at {shown}; create it with: pywats-server init "
        f"--db {shown} --admin-user NAME --admin-password PASSWORD",
        err=True,
    )
    return typer.Exit(2)


def _users(db: str, *, create: bool = False) -> UserStore:
    from .storage import UserStore

    return UserStore(_database(db, create=create))


@app.command()
def init(
    admin_user: Annotated[str, typer.Option("--admin-user", help="Administrator name.")],
    admin_password: Annotated[
        str, typer.Option("--admin-password", help="Administrator password.")
    ],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create (or migrate) the database and an administrator; print the administrator's token.

    Stations get tokens of their own: `pywats-server token create --name STATION`.
    """
    users = _users(db, create=True)
    try:
        users.create_user(admin_user, is_admin=True)
        token = users.issue_token(admin_user, admin_password)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    typer.echo(token)
    typer.echo(
        f"that is administrator {admin_user!r}'s token, for administration; give each station "
        "a token of its own, revocable alone: pywats-server token create --name STATION",
        err=True,
    )


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0: any free one).", min=0, max=65535)] = 8080,
    max_body_mb: Annotated[int, typer.Option(help="Largest request body, MiB.", min=1)] = 32,
    body_timeout: Annotated[
        float, typer.Option(help="Seconds a client may pause its request body (408).", min=0.1)
    ] = 30.0,
    log_level: Annotated[LogLevel, typer.Option(help="uvicorn log level.")] = LogLevel.warning,
    workers: Annotated[
        int,
        typer.Option(
            help="Server processes sharing the socket; a worker that dies is replaced.", min=1
        ),
    ] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated addresses of proxies (or '*') whose X-Forwarded-For header "
            "names the client, so that each station behind a load balancer has its own "
            "failed-credential budget. Default: $FORWARDED_ALLOW_IPS, else 127.0.0.1.",
        ),
    ] = None,
) -> None:
    """Serve the WATS REST API until interrupted.

    Any number of servers (and of workers each) may serve one PostgreSQL database: they share
    nothing but the database (see docs/replicas.md).
    """
    import uvicorn

    from ._app import create_app
    from ._http_protocol import CoalescingHTTPProtocol

    _database(db).dispose()
    listener = _listen(host, port)
    settings = Settings(
        database_url=db,
        max_body_bytes=max_body_mb * 1024 * 1024,
        body_timeout_seconds=body_timeout,
    )
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"pywats-server listening on http://{shown}:{bound}", err=True)
    if workers == 1:
        config = uvicorn.Config(
            create_app(settings),
            http=CoalescingHTTPProtocol,
            log_level=log_level.value,
            forwarded_allow_ips=forwarded_allow_ips,
        )
        uvicorn.Server(config).run(sockets=[listener])
        return
    from uvicorn.supervisors import Multiprocess

    # Each worker is a spawned process that builds its own app (engine, pool, group commit)
    # from this picklable factory; uvicorn's supervisor replaces a worker that dies. It also
    # kills a worker that does not answer its ping in time, which a worker still importing the
    # server on a busy machine can take many seconds to do: hence far more than uvicorn's 5 s.
    config = uvicorn.Config(
        partial(create_app, settings),
        factory=True,
        http=CoalescingHTTPProtocol,
        workers=workers,
        log_level=log_level.value,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_worker_healthcheck=_WORKER_PING_TIMEOUT,
    )
    Multiprocess(config, sockets=[listener]).run()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, bound before anything is announced, so that the
    message names the address when it is taken or unknown and port 0 reports the real one."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise _fail(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    try:
        listener = socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise _fail(f"cannot listen on {host}:{port}: {reason}") from None
    # Accepted connections inherit this. Without it a response written in two parts waits for
    # the client's delayed acknowledgement: ~40 ms on every request.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


@token_app.command("create")
def token_create(
    name: Annotated[
        str,
        typer.Option("--name", "--user", help="Station (or user) the token is for; made when new."),
    ],
    db: DbOption = DEFAULT_DB,
    new_user: Annotated[bool, typer.Option(help="Create the user when it does not exist.")] = True,
) -> None:
    """Issue a new random token for a station or user and print it (revoke it on its own)."""
    users = _users(db)
    try:
        if new_user and name not in {info.name for info in users.list_users()}:
            users.create_user(name, is_admin=False)
        typer.echo(users.issue_token(name))
    except ValueError as exc:
        raise _fail(str(exc)) from None


@token_app.command("list")
def token_list(db: DbOption = DEFAULT_DB) -> None:
    """List every token issued (id, owner, role, created, revoked); never the secrets."""
    for info in _users(db).list_tokens():
        role = "admin" if info.is_admin else "user"
        revoked = f"revoked {_when(info.revoked_utc)}" if info.revoked_utc else "active"
        typer.echo(f"{info.id}\t{info.user}\t{role}\t{_when(info.created_utc)}\t{revoked}")


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}Z"


@token_app.command("revoke")
def token_revoke(
    token: Annotated[
        str | None, typer.Argument(help="The token to revoke (or give --id).", show_default=False)
    ] = None,
    token_id: Annotated[int | None, typer.Option("--id", help="The id `token list` shows.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Revoke a token; requests presenting it get 401 from then on."""
    users = _users(db)
    if token is not None and token_id is None:
        revoked = users.revoke_token(token)
    elif token_id is not None and token is None:
        revoked = users.revoke_token_id(token_id)
    else:
        raise _fail("give either the token or --id ID (from `pywats-server token list`)")
    if not revoked:
        raise _fail("no active token matches")
    typer.echo("revoked", err=True)


@users_app.command("list")
def users_list(db: DbOption = DEFAULT_DB) -> None:
    """List users, whether they are administrators, and their active token count."""
    for info in _users(db).list_users():
        role = "admin" if info.is_admin else "user"
        typer.echo(f"{info.name}\t{role}\t{info.active_tokens} active token(s)")


def main() -> None:
    """Run the command line (the console script is `_entry.main`, which checks the extra)."""
    app(prog_name="pywats-server")
